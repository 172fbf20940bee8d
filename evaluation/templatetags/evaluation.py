from django import template

from evaluation.indicators import RATES
from evaluation.posts import POST_LABELS

register = template.Library()


@register.filter
def item(mapping, key):
    return (mapping or {}).get(key)


@register.filter
def pct(value):
    """0.9479 → "94.79 %"; an empty rate (no denominator, or not computed by an older snapshot) → "—"."""
    return f"{value * 100:.2f} %" if isinstance(value, int | float) else "—"


@register.filter
def rate_label(name):
    labels = {r.name: r.label for r in RATES} | POST_LABELS
    return labels.get(name, name)
