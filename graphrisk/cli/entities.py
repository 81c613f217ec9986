"""``graphrisk entities``: review candidate duplicates, merge and unmerge entities, unresolved names."""
from __future__ import annotations

import contextlib
import json
import re

import click
from rich.markup import escape
from rich.table import Table

from .. import settings as settings_mod
from .. import store
from ..i18n import current_lang, kind_label, t
from .base import cli, config_option, console, db_option, handle_errors


@cli.group()
def entities():
    """Entity resolution: candidate duplicates, merges (logged, undoable), unresolved names."""


@entities.command("duplicates")
@click.option("--kind", type=click.Choice(["company", "organisation", "public_body", "person", "official", "unit"]),
              default=None)
@click.option("--min-score", type=float, default=None, help="Lowest pair score shown (default from settings).")
@click.option("--limit", type=int, default=200, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
@config_option
@handle_errors
def duplicates_cmd(kind, min_score, limit, fmt, db_path, config_path):
    """Candidate duplicate pairs with their score, reason and evidence, best first.

    Pairs whose strong identifiers differ (citizen id, credit code, registry
    number) are never listed.

    \b
    Example:
      graphrisk entities duplicates --kind company --min-score 0.85
    """
    from ..resolve.merge import duplicates

    db = store.connect(db_path, create=False)
    pairs = duplicates(db, kind, min_score, settings_mod.load(config_path), limit=limit)
    if fmt == "json":
        click.echo(json.dumps(pairs, ensure_ascii=False, indent=2, default=str))
        return
    tab = Table(title=t("entities.duplicates_title", n=len(pairs)))
    for c in ("score", "a", "b", "reason"):
        tab.add_column(t(f"entities.col.{c}"), overflow="fold")
    for p in pairs:
        tab.add_row(f"{p['score']:.2f}", escape(f"{p['a_name']} ({p['a_id']})"),
                    escape(f"{p['b_name']} ({p['b_id']})"), escape(reason_text(str(p["reason"]))))
    console.print(tab)


def _log_col(column: str) -> str:
    """A merge-log column head in the current language (the column's name when the catalogue has none)."""
    from ..i18n import catalogue, t as _t

    key = f"cmd.entities.log_col.{column}"
    return _t(key) if key in catalogue() else str(column)


def _require_reason(value: str) -> str:
    """A merge changes what every analysis sees: say why, for whoever reviews the merge log."""
    if not (value or "").strip():
        from ..i18n import t as _t

        raise click.BadParameter(_t("cmd.entities.reason_required"), param_hint="--reason")
    return value.strip()


# The matcher's reasons (graphrisk.resolve.scoring) are English data; shown to a user, each
# fragment is read back into the catalogue (entities.reason.*). A fragment no pattern knows is
# shown as it is.
_REASONS = [
    (r"same normalised name", "same_norm"),
    (r"exact normalised name", "same_norm"),
    (r"same name once legal form, brackets and punctuation are removed", "same_key"),
    (r"similar names \((?P<score>[\d.]+)\) but different words \((?P<words>.*)\)", "different_words"),
    (r"similar names \((?P<score>[\d.]+)\) but an initial on one side only \((?P<words>.*)\)", "initial"),
    (r"similar names \((?P<score>[\d.]+)\) but one adds '(?P<words>.*)'", "adds"),
    (r"similar names \((?P<score>[\d.]+)\)", "similar"),
    (r"the same words but for generic ones \((?P<words>.*)\)", "generic"),
    (r"the same words, allowing typos and acronyms", "typos"),
    (r"Chinese part of the names (?:equal|similar)", "cjk_part"),
    (r"Latin part of the names (?:equal|similar)", "latin_part"),
    (r"same name but for a leading province", "province"),
    (r"one name is the other's acronym or bracketed short name", "acronym"),
    (r"different places \((?P<words>.*)\)", "places"),
    (r"one name extends the other \('(?P<words>.*)'\): possibly a branch, review", "extends"),
    (r"same name, but one is recorded as a company", "person_company"),
    (r"same name once titles are removed", "titles"),
    (r"same name but for spacing", "spacing"),
    (r"same name in pinyin \((?P<words>.*)\)", "pinyin"),
    (r"similar Chinese names \((?P<score>[\d.]+)\), not the same characters", "cjk_similar"),
    (r"same name in another word order", "word_order"),
    (r"same region", "same_region"),
    (r"different regions", "different_regions"),
    (r"same unit", "same_unit"),
    (r"different units", "different_units"),
    (r"(?P<n>\d+) shared neighbours?", "neighbours"),
    (r"name only, capped for review", "capped"),
    (r"names differ", "differ"),
    (r"same (?P<scheme>[\w -]+) (?P<number>\S+)", "same_id"),
]


def reason_text(reason: str) -> str:
    """A matcher's reason in the current language (English as it is)."""
    if current_lang() == "en" or not reason:
        return reason
    parts = []
    for frag in str(reason).split("; "):
        auto = frag.startswith("automatic: ")
        frag = frag[len("automatic: "):] if auto else frag
        alt = None
        m_alt = re.match(r"(.*), as '(.*)'$", frag)
        if m_alt:
            frag, alt = m_alt.group(1), m_alt.group(2)
        said = _reason_fragment(frag)
        if said is None and ", " in frag:
            pieces = [_reason_fragment(x) for x in frag.split(", ")]
            said = "，".join(p if p is not None else x for p, x in zip(pieces, frag.split(", ")))
        said = said if said is not None else frag
        if alt:
            said = t("entities.reason.as_other", text=said, name=alt)
        parts.append(t("entities.reason.automatic", text=said) if auto else said)
    return "；".join(parts)


def _reason_fragment(frag: str) -> str | None:
    for pattern, key in _REASONS:
        m = re.fullmatch(pattern, frag)
        if m:
            return t(f"entities.reason.{key}", **m.groupdict())
    return None


@entities.command("merge")
@click.argument("keep_id")
@click.argument("merged_id")
@click.option("--reason", required=True, callback=lambda ctx, param, v: _require_reason(v),
              help="Why (required): kept in the merge log.")
@click.option("--force", is_flag=True, help="Merge even when identifiers differ (logged).")
@db_option
@config_option
@handle_errors
def merge_cmd(keep_id, merged_id, reason, force, db_path, config_path):
    """Merge entity MERGED_ID into KEEP_ID. Nothing is deleted; the merge is logged and can be undone.

    \b
    Example:
      graphrisk entities merge C000123 CN-1a2b3c4d5e --reason "same credit code on the invoice"
    """
    from ..resolve.merge import merge

    db = store.connect(db_path, create=False)
    mid = merge(db, keep_id, merged_id, reason, force=force, settings=settings_mod.load(config_path))
    console.print(t("entities.merged", merged=merged_id, keep=keep_id, id=mid), markup=False)


@entities.command("unmerge")
@click.argument("merged_id")
@click.option("--reason", default="")
@db_option
@handle_errors
def unmerge_cmd(merged_id, reason, db_path):
    """Undo the merge of MERGED_ID (the log keeps both the merge and its undoing).

    \b
    Example:
      graphrisk entities unmerge CN-1a2b3c4d5e --reason "different companies after all"
    """
    from ..resolve.merge import unmerge

    db = store.connect(db_path, create=False)
    mid = unmerge(db, merged_id, reason)
    console.print(t("entities.unmerged", id=mid, merged=merged_id), markup=False)


@entities.command("log")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
@handle_errors
def log_cmd(fmt, db_path):
    """Every merge and unmerge, newest first.

    \b
    Example:
      graphrisk entities log --format json
    """
    from ..resolve.merge import merge_log

    rows = merge_log(store.connect(db_path, create=False))
    _show_log(rows, fmt, t("entities.log_title", n=len(rows)), tuple(rows[0]) if rows else ("id",))


def _show_log(rows: list[dict], fmt: str, title: str, cols: tuple) -> None:
    """A log (merges, links) as JSON or as a table of ``cols``."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
        return
    tab = Table(title=title)
    for c in cols:
        tab.add_column(_log_col(c), overflow="fold")
    for r in rows:
        tab.add_row(*[escape("" if r.get(c) is None else str(r[c])) for c in cols])
    console.print(tab)


def unresolved(db) -> list[dict]:
    """Records whose name reference points to an unresolved node (one row per record and column)."""
    from ..resolve.unresolved import references

    return references(db)


@entities.command("unresolved")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
@handle_errors
def unresolved_cmd(fmt, db_path):
    """Names that match several entities (or an official that does not exist), with candidates and scores.

    Each name is listed once with the entities it may be, best first, and
    the records that use it. Link one by hand with `entities link`.

    \b
    Example:
      graphrisk entities unresolved --format json
    """
    from ..resolve.unresolved import listing

    items = listing(store.connect(db_path, create=False))
    if fmt == "json":
        click.echo(json.dumps(items, ensure_ascii=False, indent=2, default=str))
        return
    if not items:
        console.print(t("entities.unresolved_none"), markup=False)
        return
    refs = sum(len(i["references"]) for i in items)
    tab = Table(title=t("entities.unresolved_title", names=len(items), refs=refs))
    for c in ("name", "kinds", "candidates", "records"):
        tab.add_column(t(f"entities.col.{c}"), overflow="fold")
    for i in items:
        cands = "\n".join(f"{c['id']} {c['name']} ({c['score']:.2f})" for c in i["candidates"][:5]) \
            or t("entities.no_candidates")
        recs = "\n".join(f"{kind_label(r['kind'])} {r['record_id']} ({r['source_file']}:{r['row']})"
                         for r in i["references"][:5])
        if len(i["references"]) > 5:
            recs += f"\n… +{len(i['references']) - 5}"
        tab.add_row(escape(i["name"]), "、".join(kind_label(k) for k in i["kinds"]) if current_lang() == "zh"
                    else ", ".join(kind_label(k) for k in i["kinds"]), escape(cands), escape(recs))
    console.print(tab)
    console.print(t("entities.link_hint"), markup=False)


@contextlib.contextmanager
def _translated():
    """A link error in the current language."""
    from ..errors import GraphRiskError
    from ..resolve.unresolved import LinkError

    try:
        yield
    except LinkError as exc:
        if not exc.key:
            raise
        raise GraphRiskError(t(f"entities.error.{exc.key}", **exc.params)) from None


@entities.command("link")
@click.argument("name")
@click.argument("entity_id")
@click.option("--reason", default="", help="Why: kept in the link log.")
@db_option
@handle_errors
def link_cmd(name, entity_id, reason, db_path):
    """Link every record that gave NAME to entity ENTITY_ID (logged; undo with `entities unlink`).

    Names are compared normalised (full-width, traditional script, case and
    spaces folded). Records already linked elsewhere by that name are
    re-linked too; each record's previous id is kept in the log. Later
    batches resolve the name to ENTITY_ID while the link is in force.

    \b
    Example:
      graphrisk entities link "刘芳" P2 --reason "the spouse named in the cadre file"
    """
    from ..resolve.unresolved import link

    with _translated():
        res = link(store.connect(db_path, create=False), name, entity_id, reason)
    console.print(t("entities.linked", name=res["name"], entity=res["entity_id"], kind=res["entity_kind"],
                    n=res["records"], id=res["id"]), markup=False)
    if res["skipped"]:
        console.print(t("entities.linked_skipped", n=res["skipped"], kind=res["entity_kind"]), markup=False)


@entities.command("unlink")
@click.argument("name_or_link_id")
@click.option("--reason", default="")
@db_option
@handle_errors
def unlink_cmd(name_or_link_id, reason, db_path):
    """Undo the newest link in force of a name (or the link with this number): records get their old ids back.

    \b
    Example:
      graphrisk entities unlink "刘芳" --reason "a different person after all"
    """
    from ..resolve.unresolved import unlink

    with _translated():
        res = unlink(store.connect(db_path, create=False), name_or_link_id, reason)
    console.print(t("entities.unlinked", id=res["id"], name=res["name"], n=res["records"]), markup=False)


@entities.command("links")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
@db_option
@handle_errors
def links_cmd(fmt, db_path):
    """Every hand link of a name to an entity, newest first (undone ones included).

    \b
    Example:
      graphrisk entities links --format json
    """
    from ..resolve.unresolved import link_log

    rows = link_log(store.connect(db_path, create=False))
    _show_log(rows, fmt, t("entities.links_title", n=len(rows)),
              ("id", "name", "entity_id", "entity_kind", "reason", "created_at", "undone_at"))
