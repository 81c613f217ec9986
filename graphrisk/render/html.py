"""Helpers for self-contained, offline, safely escaped HTML files (maps now, the weekly report too).

Everything that comes from data reaches a page in one of two ways:

- as text in markup, through Jinja autoescaping or :func:`escape`;
- as data for scripts, through :func:`json_for_script` inside
  ``<script type="application/json">``, where ``<``, ``>``, ``&`` and the
  line separators U+2028/U+2029 are written as ``\\uXXXX`` escapes, so no
  value can close the script element or start markup; scripts then put the
  values into the page with ``textContent``, never ``innerHTML``.

Vendor code (vis-network, shipped inside pyvis) is inlined through
:func:`inline_js` / :func:`inline_css`, which neutralise ``</script``,
``</style`` and ``<!--`` and remove every ``http(s)://`` (licence comments,
error messages, source maps) so the file makes no network reference at all.
"""
from __future__ import annotations

import functools
import json
import re
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

__all__ = ["escape", "environment", "text", "json_for_script", "inline_js", "inline_css", "neutralise_urls", "vis_network_js",
           "asset_text", "find_remote_references", "FONT_STACK"]

# System fonts covering Chinese and Latin; no remote fonts, ever.
FONT_STACK = ('"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
              '"Hiragino Sans GB", "WenQuanYi Zen Hei", "Noto Sans", "Segoe UI", Arial, sans-serif')

_JSON_ESCAPES = (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("\u2028", "\\u2028"),
                 ("\u2029", "\\u2029"), ("/", "\\/"))
_SCHEME_RE = re.compile(r"\b([hH][tT][tT][pP][sS]?):")


class _CompiledTemplates(jinja2.BytecodeCache):
    """Jinja's compiled templates kept in memory for the process (a ``BytecodeCache``): a report writing 50 maps
    and 50 case files makes a fresh environment for each page, and would otherwise parse and compile the same
    templates 100 times. Keys include the template's source checksum, so an edited template recompiles."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def environment(**options):
    """An autoescaping Jinja environment over graphrisk's templates, sharing the process's compiled templates."""
    return jinja2.Environment(loader=jinja2.PackageLoader("graphrisk.render", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              bytecode_cache=_COMPILED, **options)


_COMPILED = _CompiledTemplates()


def json_for_script(value, *, indent: int | None = None) -> Markup:
    """``value`` as JSON safe to place inside ``<script type="application/json">`` (or a JS expression).

    ``/`` is written ``\\/`` and the colon of ``http:`` ``\\u003a``, so a URL in
    the data (a note, a source) never appears as ``http://`` in any form. Keys are sorted so the same
    value gives the same bytes.

    >>> str(json_for_script({"name": "</script><img src=x onerror=alert(1)>"}))
    '{"name":"\\\\u003c\\\\/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, indent=indent,
                      separators=(",", ":") if indent is None else (",", ": "), allow_nan=False)
    for char, escaped in _JSON_ESCAPES:  # str.replace is much faster than translate or re on megabytes
        text = text.replace(char, escaped)
    # a URL in a string value: "http:" becomes "http\u003a" (JSON's own syntax never holds "http:")
    return Markup(_SCHEME_RE.sub(r"\1\\u003a", text))


_URL_RE = re.compile(r"(?i)\bhttps?:(//|\\/\\/)")
_SVG_NS = "http://www.w3.org/2000/svg"


def neutralise_urls(text: str) -> str:
    """Remove every ``http(s)://`` from vendor code without changing what it does.

    Source-map comments are dropped. The SVG namespace string (an identifier,
    never fetched) keeps its value through JS escapes (``\\x3a`` is ``:`` and
    ``\\u002f`` is ``/`` in a JS string). Any other URL (licence comments, error messages) loses its
    scheme: ``https://github.com/visjs`` becomes ``github.com/visjs``.
    """
    text = re.sub(r"(?m)^\s*//[#@] source(Mapping)?URL=.*$", "", text)
    text = re.sub(r"/\*[#@] source(Mapping)?URL=.*?\*/", "", text)
    text = text.replace(f'"{_SVG_NS}"', '"http\\x3a\\u002f\\u002fwww.w3.org/2000/svg"')
    return _URL_RE.sub("", text)


def text(value) -> Markup:
    """Escape ``value`` for HTML text or a quoted attribute, with ``/`` as ``&#47;`` (no ``http://`` from data)."""
    return Markup(str(escape(value)).replace("/", "&#47;"))


def inline_js(code: str) -> Markup:
    """Script text safe between ``<script>`` and ``</script>``: no closing tag, no comment opener, no URL."""
    code = neutralise_urls(code)
    code = re.sub(r"(?i)</(script)", r"<\\/\1", code).replace("<!--", "<\\!--")
    # "<script" inside a string or regex: \x73 / \x53 is the same letter there, and nothing else can hold it
    code = re.sub(r"(?i)<(s)(cript)", lambda m: "<\\x%02x%s" % (ord(m.group(1)), m.group(2)), code)
    return Markup(code)


def inline_css(code: str) -> Markup:
    """Style text safe between ``<style>`` and ``</style>``; ``url(http...)`` is not allowed at all."""
    if re.search(r"(?i)url\(\s*['\"]?\s*(https?:|//)", code) or re.search(r"(?i)@import", code):
        raise ValueError("inline CSS must not import or load remote resources")
    code = neutralise_urls(code)
    return Markup(re.sub(r"(?i)</(style)", r"<\\/\1", code))


@functools.lru_cache(maxsize=None)
def vis_network_js() -> Markup:
    """The standalone vis-network 9.1.2 build shipped inside the installed pyvis package, neutralised."""
    import pyvis

    path = Path(pyvis.__file__).parent / "templates" / "lib" / "vis-9.1.2" / "vis-network.min.js"
    return inline_js(path.read_text(encoding="utf-8"))


def asset_text(name: str) -> str:
    """A file of ``graphrisk/render/assets``."""
    return resources.files("graphrisk.render").joinpath("assets", name).read_text(encoding="utf-8")


_REMOTE_RE = re.compile(r"https?://|(?:src|href)\s*=\s*[\"']?//|url\(\s*[\"']?//")


def find_remote_references(html: str) -> list[str]:
    """Snippets of ``html`` that could make a browser fetch something or name a remote address.

    Data cannot match: :func:`json_for_script` escapes every ``/`` and
    :func:`text` every ``/`` of markup text.
    """
    low = html.lower()
    return [html[max(0, m.start() - 40):m.end() + 40] for m in _REMOTE_RE.finditer(low)]
