"""Number formatting shared by the HTML and Markdown writers."""
from __future__ import annotations


def amount(x) -> str:
    if x is None:
        return ""
    x = float(x)
    return f"{x:,.0f}" if abs(x - round(x)) < 0.005 else f"{x:,.2f}"


def money(amounts: dict | None, lang: str = "en") -> str:
    """{"CNY": 1234.0, "USD": 5.0} -> "1,234 CNY; 5 USD" (currencies sorted); in Chinese "1234元；5美元"
    and "240万元" (the catalogue's money form)."""
    if not amounts:
        return ""
    if lang == "zh":
        from ..i18n import fmt_money

        return "；".join(fmt_money(float(v), k if k not in ("", "?") else None, "zh")
                        for k, v in sorted(amounts.items()) if v is not None)
    return "; ".join(f"{amount(v)} {k}".strip() for k, v in sorted(amounts.items()))


def delta(n) -> str:
    if not n:
        return "±0"
    return f"+{n}" if n > 0 else f"−{-n}"


def num(x) -> str:
    if x is None:
        return ""
    x = float(x)
    return f"{x:g}" if x == int(x) else f"{x:.3f}".rstrip("0").rstrip(".")
