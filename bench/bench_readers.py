"""Reader benchmark: rows/s of the strict readers, and how fast hostile files are refused.

    python bench/bench_readers.py              # 200,000 rows
    python bench/bench_readers.py --rows 1000000

Prints seconds and rows/s for a plain CSV (no quotes: the split fast path), a quoted CSV (the
strict csv-module path), an XLSX, and the time to refuse each hostile file of issue 14 (a cell in
column XFD on every row, a zip bomb of shared strings, a 2 MB cell, a UTF-8 file with a GBK line at
the end). Nothing is asserted: the figures are for reading.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
import zipfile
from pathlib import Path

HEAD = "gift_id,giver_id,recipient_id,date,value,currency,description,declared\n"


def _rows(n: int, quoted: bool) -> str:
    rnd = random.Random(1)
    desc = '"购物卡, 礼品"' if quoted else "购物卡 礼品"
    return "".join(f"G{i:08d},P{rnd.randrange(100000):06d},O{rnd.randrange(5000):05d},2026-0{rnd.randrange(1, 10)}-1"
                   f"{rnd.randrange(10)},{rnd.randrange(100, 99999)},CNY,{desc},{'是' if i % 3 else '否'}\n"
                   for i in range(n))


def timed(label: str, fn, rows: int | None = None) -> None:
    t0 = time.perf_counter()
    try:
        out = fn()
        what = f"{len(out.frame):,} rows"
    except Exception as exc:  # the hostile files are meant to be refused
        what = f"refused: {str(exc)[:90]}"
    s = time.perf_counter() - t0
    rate = f"{rows / s:>12,.0f} rows/s" if rows else " " * 19
    print(f"{label:<34} {s:8.2f} s {rate}  {what}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    n = ap.parse_args().rows
    from graphrisk.ingest.readers import read_table

    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        plain, quoted = d / "gifts_plain.csv", d / "gifts_quoted.csv"
        plain.write_text(HEAD + _rows(n, False), encoding="utf-8")
        quoted.write_text(HEAD + _rows(n, True), encoding="utf-8")
        timed("CSV, no quotes (fast path)", lambda: read_table(plain), n)
        timed("CSV, quoted cells (csv module)", lambda: read_table(quoted), n)

        import openpyxl

        xn = min(n, 100_000)
        wb = openpyxl.Workbook(write_only=True)
        ws = wb.create_sheet()
        for line in (HEAD + _rows(xn, False)).splitlines():
            ws.append(line.split(","))
        wb.save(d / "gifts.xlsx")
        timed(f"XLSX, {xn:,} rows", lambda: read_table(d / "gifts.xlsx"), xn)

        wb = openpyxl.Workbook()
        ws = wb.active
        for i in range(2000):
            ws.append([f"G{i}", "P1", "O1", "2026-03-01", 1, "CNY"])
            ws.cell(row=i + 1, column=16384, value="x")
        wb.save(d / "gifts_xfd.xlsx")
        timed("XLSX, a cell in XFD on every row", lambda: read_table(d / "gifts_xfd.xlsx"))

        with zipfile.ZipFile(d / "gifts.xlsx") as z:
            members = {m: z.read(m) for m in z.namelist()}
        members["xl/sharedStrings.xml"] = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                           + b"<si><t>a</t></si>" * 3_000_000 + b"</sst>")
        with zipfile.ZipFile(d / "gifts_sst.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
            for m, data in members.items():
                z.writestr(m, data)
        timed("XLSX, 3 million shared strings", lambda: read_table(d / "gifts_sst.xlsx"))

        (d / "gifts_cell.csv").write_text(HEAD + "G1,P1,O1,2026-03-01,1,CNY," + "x" * 2_000_000 + ",no\n\n",
                                          encoding="utf-8")
        timed("CSV, one 2 MB cell", lambda: read_table(d / "gifts_cell.csv"))
        (d / "gifts_mixed.csv").write_bytes((HEAD + _rows(n, False)).encode("utf-8")
                                            + "G9,P1,O1,2026-03-01,1,CNY,礼品,是\n".encode("gbk"))
        timed("CSV, UTF-8 with a GBK last line", lambda: read_table(d / "gifts_mixed.csv"))


if __name__ == "__main__":
    main()
