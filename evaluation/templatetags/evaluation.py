from django import template

register = template.Library()


@register.filter
def item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def pct(value):
    """0.9479 → "94.79 %"; an empty rate (no denominator) → "—"."""
    return "—" if value is None else f"{value * 100:.2f} %"
