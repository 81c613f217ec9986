"""JSON Lines: one flat object per line; duplicate keys and (unless a profile declares them) nested objects refused."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ..errors import InputError
from ..i18n import t
from .cells import decode, show

class _DuplicateKey(ValueError):
    pass


def _pairs(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise _DuplicateKey(k)
        out[k] = v
    return out


def _read_jsonl(path: Path, limits: dict, nested: bool = False) -> tuple[pd.DataFrame, pd.Series, str, list, list]:
    data = path.read_bytes()
    text, encoding = decode(path, data)
    records, numbers = [], []
    cap = int(limits["max_cell_chars"])
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line, object_pairs_hook=_pairs)
        except _DuplicateKey as exc:
            raise InputError(t("errors.jsonl.duplicate_key", path=path, line=i, field=show(exc.args[0]))) from None
        except json.JSONDecodeError as exc:
            raise InputError(t("errors.jsonl.not_json", path=path, line=i, reason=exc.msg, col=exc.colno)) from None
        except RecursionError:
            raise InputError(t("errors.jsonl.too_deep", path=path, line=i)) from None
        except ValueError as exc:  # an integer of more than 4,300 digits, among others
            raise InputError(t("errors.jsonl.not_json", path=path, line=i, reason=show(str(exc)), col="?")) from None
        if not isinstance(obj, dict):
            raise InputError(t("errors.jsonl.not_object", path=path, line=i))
        rec = {}
        for k, v in obj.items():
            rec[str(k)] = _json_cell(v, path, i, str(k), nested)
            if len(rec[str(k)]) > cap:
                raise InputError(t("errors.jsonl.too_long", path=path, line=i, field=show(k), cap=f"{cap:,}"))
        records.append(rec)
        numbers.append(i)
    if not records:
        raise InputError(t("errors.read.empty_records", path=path))
    cols = list(dict.fromkeys(k for r in records for k in r))  # keys in order of first appearance
    frame = pd.DataFrame({c: [r.get(c, "") for r in records] for c in cols}, index=range(len(records)),
                         dtype=object)
    if len(frame.columns) > int(limits["max_columns"]):
        raise InputError(t("errors.jsonl.too_many_keys", path=path, n=f"{len(frame.columns):,}",
                           cap=f"{limits['max_columns']:,}"))
    return frame, pd.Series(numbers, dtype="int64"), encoding, [], []


def _json_cell(v, path: Path, line: int, key: str, nested: bool) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, dict):
        if nested:
            return json.dumps(v, ensure_ascii=False, sort_keys=True)
        raise InputError(t("errors.jsonl.nested", path=path, line=line, field=show(key)))
    if isinstance(v, list):
        if any(isinstance(x, (dict, list)) for x in v):
            if nested:
                return json.dumps(v, ensure_ascii=False, sort_keys=True)
            raise InputError(t("errors.jsonl.nested_list", path=path, line=line, field=show(key)))
        return ";".join(_json_cell(x, path, line, key, nested) for x in v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e16:
        return str(int(v))
    return str(v)
