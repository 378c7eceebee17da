"""Small formatting helpers of the report templates."""

from django import template

register = template.Library()


@register.filter
def delta(item) -> str:
    """The change against the previous period: «+3», «−2», «0» (from a figure/row dict)."""
    try:
        change = int(item["value"]) - int(item["previous"])
    except (KeyError, TypeError, ValueError):
        return ""
    if change > 0:
        return f"+{change}"
    if change < 0:
        return f"−{-change}"
    return "0"


@register.filter
def days(value) -> str:
    """A median in working days, with a decimal comma when it has one; «—» when none."""
    if value is None:
        return "—"
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:.1f}".replace(".", ",")


@register.filter
def percent(value) -> str:
    return "—" if value is None else f"{value}%"
