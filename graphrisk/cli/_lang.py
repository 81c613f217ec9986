"""``--lang zh|en`` on every command, and ``--help`` in the chosen language.

Every command made with ``@cli.command()`` / ``@cli.group()`` is a :class:`Command` / :class:`Group`
(the root group's ``command_class``), so a plugin's command gets the same option and help. The
language is, first to last: ``--lang`` (on the command or on ``graphrisk`` itself), then
``$GRAPHRISK_LANG``, then the ``[output] lang`` setting of ``--config`` / ``$GRAPHRISK_CONFIG``, then
the locale (:func:`graphrisk.i18n.default_lang`).

Help texts: the English docstring is the source; in Chinese the command's help comes from the
catalogue key ``cli.<command path>.help`` and each option's from ``cli.<command path>.opt.<name>``
(messages/cli_help.toml), with the docstring's ``Example:`` block kept as it is (commands are code).
"""
from __future__ import annotations

import inspect
import os
import re

import click

from .. import i18n

_EXPLICIT = "graphrisk.lang"  # ctx.meta key of the root context: the language given explicitly


def _set_lang(ctx: click.Context, param, value):
    if value:
        i18n.set_lang(value)
        ctx.find_root().meta[_EXPLICIT] = value
    return value


def lang_option() -> click.Option:
    return click.Option(["--lang"], type=click.Choice(list(i18n.LANGS)), default=None, envvar="GRAPHRISK_LANG",
                        expose_value=False, is_eager=True, callback=_set_lang,
                        help="Language of what is printed: zh or en (also $GRAPHRISK_LANG; default: the "
                             "[output] lang setting, else the locale).")


def _has_lang(params) -> bool:
    return any("--lang" in getattr(p, "opts", ()) for p in params)


def _adopt_lang(params) -> None:
    """A command's own --lang (report, map, explain) also sets the language, early enough for --help."""
    for p in params:
        if "--lang" in getattr(p, "opts", ()) and not getattr(p, "_graphrisk_lang", False):
            own = p.callback

            def callback(ctx, param, value, own=own):
                if value in i18n.LANGS:
                    _set_lang(ctx, param, value)
                return own(ctx, param, value) if own else value

            p.callback, p.is_eager, p._graphrisk_lang = callback, True, True


def _with_lang(params) -> None:
    if _has_lang(params):
        _adopt_lang(params)
    else:
        params.append(lang_option())


def _key(cmd) -> str:
    return getattr(cmd, "i18n_key", "") or "main"


def _msg(key: str) -> str | None:
    entry = i18n.catalogue().get(key)
    return entry.get("zh") if entry else None


def _example_block(help_text: str | None) -> str:
    """The docstring's ``Example:`` block (commands stay as written), headed in Chinese."""
    if not help_text or "Example:" not in help_text:
        return ""
    text = inspect.cleandoc(help_text).partition("\f")[0]
    head, _, rest = text.partition("Example:")
    marker = "\b\n" if head.rstrip(" ").endswith("\b\n") else ""
    return f"{marker}{i18n.t('cli.example', 'zh')}\n" + rest.lstrip("\n")


_BRACKET = re.compile(r"\[([^\[\]]*(?:default|required)[^\[\]]*)\]$")


def _zh_record(record: tuple[str, str]) -> tuple[str, str]:
    """Click's ``[default: x; required]`` suffix in Chinese."""
    opt, text = record

    def repl(m):
        inner = m.group(1).replace("default: ", "默认：").replace("required", "必填")
        return f"[{inner}]"

    return opt, _BRACKET.sub(repl, text)


_NO_LINE_START = set("，。、；：？！）》」』”’…%")


def _cell(ch: str) -> int:
    import unicodedata

    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def wrap_cjk(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` terminal cells (a Chinese character is two): Chinese may break between any
    two characters (never before closing punctuation), Latin words and numbers only at spaces."""
    lines: list[str] = []
    for para in text.split("\n"):
        tokens = re.findall(r"[A-Za-z0-9_\-./$\[\]{}<>'\"=,:@%*+|]+|\s+|.", para)
        line, used = "", 0
        for tok in tokens:
            w = sum(_cell(c) for c in tok)
            if tok.isspace():
                if line:
                    line, used = line + " ", used + 1
                continue
            if used + w > width and line.strip() and tok[0] not in _NO_LINE_START:
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + tok, used + w
        lines.append(line.rstrip())
    return lines


def _cjk(text: str) -> bool:
    return any(_cell(c) == 2 for c in text)


def _section(formatter, heading: str, rows) -> None:
    """Like click's ``formatter.section`` with a Chinese heading (full-width colon)."""
    formatter.write_paragraph()
    formatter.write(f"{'':>{formatter.current_indent}}{heading}：\n")
    formatter.indent()
    try:
        formatter.write_dl(rows)
    finally:
        formatter.dedent()


class _I18nMixin:
    i18n_key: str = ""

    def _resolve_lang(self, ctx: click.Context) -> None:
        """No --lang given: the ``[output] lang`` setting of the command's settings file, if it names one."""
        root = ctx.find_root()
        if root.meta.get(_EXPLICIT):
            return
        env = os.environ.get("GRAPHRISK_LANG")
        if env in i18n.LANGS:  # counts as given for a command with its own --lang (report) too
            i18n.set_lang(env)
            root.meta[_EXPLICIT] = env
            return
        from .. import settings as settings_mod
        from ..errors import GraphRiskError

        try:
            settings = settings_mod.load(ctx.params.get("config_path"))
        except GraphRiskError:  # a bad settings file is the command's own error to report
            return
        try:
            lang = i18n.lang_setting(settings)
        except GraphRiskError as exc:
            raise click.ClickException(str(exc)) from None
        if lang:
            i18n.set_lang(lang)
            root.meta[_EXPLICIT] = lang

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """``--lang`` anywhere among this command's own arguments counts before ``--help`` is printed."""
        for i, a in enumerate(args):
            if a == "--":
                break
            value = args[i + 1] if a == "--lang" and i + 1 < len(args) else a[7:] if a.startswith("--lang=") else None
            if value in i18n.LANGS:
                _set_lang(ctx, None, value)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        if not isinstance(self, click.Group):  # the command's own --config is known only here
            self._resolve_lang(ctx)
        if "lang" in ctx.params and ctx.params["lang"] in i18n.LANGS:  # a command's own --lang (report)
            i18n.set_lang(ctx.params["lang"])
            ctx.find_root().meta[_EXPLICIT] = ctx.params["lang"]
        elif "lang" in ctx.params and ctx.params["lang"] is None and ctx.find_root().meta.get(_EXPLICIT):
            ctx.params["lang"] = ctx.find_root().meta[_EXPLICIT]
        return super().invoke(ctx)

    # ---- help in the current language

    def _zh(self) -> bool:
        return i18n.current_lang() == "zh"

    def get_short_help_str(self, limit: int = 45) -> str:
        text = _msg(f"cli.{_key(self)}.help") if self._zh() else None
        if not text:
            return super().get_short_help_str(limit)
        first = re.split(r"(?<=[。；])", text.strip().split("\n")[0], maxsplit=1)[0]
        return first.rstrip("。；")

    def format_usage(self, ctx, formatter):
        if not self._zh():
            return super().format_usage(ctx, formatter)
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)),
                              prefix=i18n.t("cli.usage", "zh"))

    def format_help_text(self, ctx, formatter):
        text = _msg(f"cli.{_key(self)}.help") if self._zh() else None
        if not text:
            return super().format_help_text(ctx, formatter)
        example = _example_block(self.help)
        formatter.write_paragraph()
        with formatter.indentation():
            width = max(formatter.width - formatter.current_indent, 20)
            for i, para in enumerate(text.strip().split("\n\n")):
                if i:
                    formatter.write("\n")
                for line in wrap_cjk(para.replace("\n", " ") if not _cjk(para) else para.replace("\n", ""), width):
                    formatter.write(f"{'':>{formatter.current_indent}}{line}\n")
            if example:
                formatter.write_paragraph()
                formatter.write_text(example)

    def format_options(self, ctx, formatter):
        if not self._zh():
            return super().format_options(ctx, formatter)
        opts = []
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                continue
            name = "help" if param is self.get_help_option(ctx) else param.name
            zh = _msg(f"cli.{_key(self)}.opt.{name}") or _msg(f"cli.opt.{name}")
            old = param.help
            if zh:
                param.help = zh
            try:
                rv = param.get_help_record(ctx)
            finally:
                param.help = old
            if rv is not None:
                opts.append(_zh_record(rv))
        if opts:
            first = min(max(len(o) for o, _ in opts), 30) + 2
            width = max(formatter.width - formatter.current_indent - 2 - first - 2, 16)
            opts = [(o, "\b\n" + "\n".join(wrap_cjk(h, width)) if h else h) for o, h in opts]
            _section(formatter, i18n.t("cli.options", "zh"), opts)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def format_commands(self, ctx, formatter):
        if not self._zh():
            return super().format_commands(ctx, formatter)
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(formatter.width - 6 - len(name))))
        if rows:
            _section(formatter, i18n.t("cli.commands", "zh"), rows)


# ------------------------------------------------------------------ click's own messages

def _click_messages() -> dict[str, str]:
    """click's message ids (English) -> catalogue keys (``click.*`` in messages/cli.toml)."""
    return {v["en"]: k for k, v in i18n.catalogue().items() if k.startswith("click.") and v.get("en")}


def _gettext(message: str) -> str:
    if i18n.current_lang() != "en":
        key = _click_messages().get(message)
        if key:
            return i18n.t(key)
    return message


def _install_click_translations() -> None:
    """Usage errors ("Missing option", "Try ... for help") in the current language.

    click looks its messages up through ``gettext`` / ``ngettext`` imported into each of its modules;
    ours answer from the catalogue in Chinese and give click's own text otherwise.
    """
    import gettext as _gt

    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    def ngettext(singular, plural, n):
        return _gettext(_gt.ngettext(singular, plural, n))

    for mod in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if hasattr(mod, "_"):
            mod._ = _gettext
        if hasattr(mod, "ngettext"):
            mod.ngettext = ngettext


_install_click_translations()


def _version_callback(own):
    """``--version`` in the current language (click fixes its message when the option is declared)."""

    def callback(ctx, param, value):
        if not value or ctx.resilient_parsing or i18n.current_lang() == "en":
            return own(ctx, param, value)
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("graphrisk")
        except PackageNotFoundError:
            return own(ctx, param, value)
        click.echo(i18n.t("click.version") % {"prog": ctx.find_root().info_name, "version": v}, color=ctx.color)
        ctx.exit()

    return callback


def _adopt(cmd, key: str) -> None:
    """A command joining the tree: its catalogue key, and --lang even when made as a plain click command
    (a plugin's ``cli.add_command(click.Command(...))``); a group's commands with it."""
    cmd.i18n_key = key
    if not isinstance(cmd, _I18nMixin):
        _with_lang(cmd.params)
    for sub_name, sub in getattr(cmd, "commands", {}).items():
        if not getattr(sub, "i18n_key", ""):
            _adopt(sub, f"{key}.{sub_name}")


class Command(_I18nMixin, click.Command):
    """A graphrisk command: takes ``--lang`` and prints its help in the current language."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _with_lang(self.params)


class Group(_I18nMixin, click.Group):
    """A graphrisk command group: its commands and sub-groups are :class:`Command` / :class:`Group`."""

    command_class = Command
    group_class = type  # sub-groups of the same class

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _with_lang(self.params)
        for p in self.params:
            if p.name == "version" and p.callback is not None:
                p.callback = _version_callback(p.callback)

    def add_command(self, cmd, name=None):
        super().add_command(cmd, name)
        _adopt(cmd, f"{self.i18n_key}.{name or cmd.name}" if self.i18n_key else (name or cmd.name))

    def make_context(self, info_name, args, parent=None, **extra):
        if parent is None:  # a new run of the program (or of a test's CliRunner): back to the default
            i18n.set_lang(None)
        return super().make_context(info_name, args, parent=parent, **extra)


__all__ = ["Command", "Group", "lang_option"]
