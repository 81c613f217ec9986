"""The case file in headless Chromium: offline, nothing runs, readable in Chinese and English, printable.

Fails when CI=true and the browser is missing; skips elsewhere (tests/browser.py). Screenshots go to
outputs/screenshots/case-*.png.
"""
from __future__ import annotations

import re

import pytest

from graphrisk import settings as settings_mod
from graphrisk.explain import explain
from graphrisk.explain_html import render_html

from .browser import browser_page, require_chromium
from .conftest import SMALL_WORLD, write_files

pytestmark = pytest.mark.browser
EVIL = "<img src=x onerror=alert(1)>"


@pytest.fixture
def hostile_case(tmp_path):
    from graphrisk import store
    from graphrisk.ingest import ingest_paths

    files = dict(SMALL_WORLD)
    files["people.csv"] = SMALL_WORLD["people.csv"].replace("王强", EVIL)
    files["contracts.csv"] = SMALL_WORLD["contracts.csv"].replace("信息系统", "<script>alert(2)</script>")
    db = store.connect(tmp_path / "s.db")
    ingest_paths(db, [write_files(tmp_path / "w", files)])
    return explain(db, "O1", settings=settings_mod.load())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_case_file_in_the_browser(hostile_case, tmp_path, lang):
    require_chromium()
    page_file = tmp_path / f"case-O1-{lang}.html"
    page_file.write_text(render_html(hostile_case, lang), encoding="utf-8")
    with browser_page((1100, 900)) as s:
        s.open(page_file)
        assert s.outside_requests() == [] and not s.dialogs and not s.errors
        body = s.page.inner_text("body")
        assert EVIL in body and "<script>alert(2)</script>" in body  # shown as text, run as nothing
        assert s.page.evaluate("document.querySelectorAll('script, img, iframe').length") == 0
        # the drawings are laid out (paths, the timeline, the zoom around the award)
        sizes = s.page.evaluate("[...document.querySelectorAll('svg')].map(e => e.getBoundingClientRect().width)")
        assert len(sizes) >= 3 and min(sizes) > 200
        if lang == "zh":
            assert "风险研判材料" in body and "2026年3月2日" in body and "240万元" in body
            words = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", re.sub(r"P-[0-9a-f]{12}", " ", body)))
            data = set(re.findall(r"[A-Za-z][A-Za-z0-9_]*", " ".join([*SMALL_WORLD, *SMALL_WORLD.values()]) + " " + EVIL +
                                  " <script>alert(2)</script> csv CNY graphrisk"))
            rule_ids = {w for w in words if "_" in w}  # rule ids where the catalogue has no Chinese name yet
            # a name cut short in a drawing ("<img src=x onerro…") is still data
            left = {w for w in words - data - rule_ids if not any(d.startswith(w) for d in data)}
            assert left == set()
        else:
            assert "Case file: 李明 (O1)" in body and "2,400,000 CNY" in body
        s.screenshot(f"case-O1-{lang}", full_page=True)
        s.page.emulate_media(media="print")
        pdf = s.page.pdf(format="A4")
        assert pdf[:5] == b"%PDF-" and pdf.count(b"/Type /Page") >= 2
