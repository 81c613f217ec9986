"""Docs that users rely on stay in step with the model."""
from __future__ import annotations

import re
from pathlib import Path

from graphrisk import schema

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_input_format_names_every_kind_and_column_of_the_model():
    text = (DOCS / "input-format.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (\w+) \| (.+) \|$", text, flags=re.M))
    for kind, k in schema.KINDS.items():
        assert kind in rows, kind
        documented = [c.strip() for c in rows[kind].split(",")]
        assert documented == [c.name + ("*" if c.required else "") for c in k.columns], kind


def test_architecture_page_exists_and_names_the_engine():
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    for part in ("model.toml", "engine/build.py", "engine/evaluate.py", "graphrisk.open", "Where a change goes"):
        assert part in text
