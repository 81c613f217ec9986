import pytest

from graphrisk.ingest import values
from graphrisk.resolve.normalize import normalize_name


@pytest.mark.parametrize("text", ["2026-03-02", "2026/3/2", "2026.03.02", "20260302", "2026年3月2日",
                                  "２０２６－０３－０２", " 2026-03-02 ", "2026-03-02 00:00:00", "2026/03/02"])
def test_date_forms(text):
    assert values.parse_date(text) == "2026-03-02"


@pytest.mark.parametrize("text", ["2026-13-01", "2026-02-30", "03/02/2026", "yesterday", "2026-3", "202603021"])
def test_bad_dates(text):
    with pytest.raises(ValueError, match="date"):
        values.parse_date(text)


@pytest.mark.parametrize("text,expected", [
    ("12000", (12000.0, None)), ("12,000.00", (12000.0, None)), ("¥12,000", (12000.0, "CNY")),
    ("￥12000元", (12000.0, "CNY")), ("1.2万", (12000.0, None)), ("１２０００", (12000.0, None)),
    ("3亿", (300_000_000.0, None)), ("£960.00", (960.0, "GBP")), ("RMB 5,000", (5000.0, "CNY")),
    ("0", (0.0, None)), ("12 000", (12000.0, None)), ("１．５万元", (15000.0, "CNY")),
])
def test_amount_forms(text, expected):
    assert values.parse_amount(text) == expected


@pytest.mark.parametrize("text,msg", [("-500", "negative"), ("(500)", "negative"), ("abc", "not an amount"),
                                      ("12..5", "not an amount"), ("万", "not an amount")])
def test_bad_amounts(text, msg):
    with pytest.raises(ValueError, match=msg):
        values.parse_amount(text)


@pytest.mark.parametrize("text,expected", [("yes", 1), ("Y", 1), ("true", 1), ("1", 1), ("是", 1),
                                           ("no", 0), ("n", 0), ("FALSE", 0), ("0", 0), ("否", 0)])
def test_booleans(text, expected):
    assert values.parse_bool(text) == expected


def test_bad_boolean():
    with pytest.raises(ValueError, match="yes/no"):
        values.parse_bool("maybe")


def test_pct():
    assert values.parse_pct("40%") == 40.0
    with pytest.raises(ValueError):
        values.parse_pct("140")


def test_list():
    assert values.parse_list(" O1; P2 ；O3;") == "O1;P2;O3"


@pytest.mark.parametrize("a,b", [("張偉", "张伟"), ("张　伟", "张伟"), (" 张伟 ", "张伟"),
                                 ("華鼎科技有限公司", "华鼎科技有限公司"), ("ＡＢＣ Ltd", "abc ltd"),
                                 ("Wang  Qiang", "wang qiang")])
def test_name_normalisation(a, b):
    assert normalize_name(a) == normalize_name(b)


def test_parse_series_reports_positions():
    import pandas as pd

    parsed, bad = values.parse_series(pd.Series(["2026-01-01", "", "bad", "2026/1/1"]), values.parse_date)
    assert list(parsed) == ["2026-01-01", None, None, "2026-01-01"]
    assert list(bad) == [2]


def test_plain_digit_amounts_read_as_the_full_parser_reads_them():
    """``parse_amount`` takes a shortcut for ASCII digits with an optional decimal point; a leading space makes
    the same text take the full path (nfkc, currency signs, commas, multipliers): both give the same."""
    from hypothesis import given, settings as hsettings, strategies as st

    from graphrisk.ingest.values import parse_amount

    def outcome(text):
        try:
            return parse_amount(text)
        except ValueError as exc:
            return type(exc)

    @hsettings(max_examples=400, deadline=None)
    @given(st.one_of(st.from_regex(r"\A[0-9]{1,25}(\.[0-9]{0,6})?\Z"), st.text("0123456789.٣５", max_size=22)))
    def check(text):
        got = outcome(text)
        assert got == outcome(" " + text)
        if isinstance(got, tuple):
            assert outcome(text + "元") == (got[0], "CNY")

    check()
    assert parse_amount("12000") == (12000.0, None) and parse_amount("0.125") == (0.12, None)
    assert outcome("9" * 19) is ValueError and outcome("١٢") == (12.0, None)


def test_mapping_distinct_values_gives_the_series_a_per_row_map_gives():
    """Vocabularies (channel, method, relation, currency) and names are normalised once per distinct value:
    the same values, missing cells and dtype as pandas' ``map`` of every row."""
    import pandas as pd
    from hypothesis import given, settings as hsettings, strategies as st

    from graphrisk.ingest.prepare import _map_distinct

    def fn(v):
        return values.nfkc(v).strip().lower()

    @hsettings(max_examples=150, deadline=None)
    @given(st.lists(st.one_of(st.none(), st.sampled_from(["", " WeChat", "ＷＥＣＨＡＴ", "单一来源", "cny"]), st.text(max_size=4))))
    def check(cells):
        s = pd.Series(cells, dtype=object, index=range(10, 10 + len(cells)))
        got, want = _map_distinct(s, fn), s.map(lambda v: None if v is None else fn(v))
        pd.testing.assert_series_equal(got, want, check_exact=True)
        assert got.dtype == want.dtype

    check()
