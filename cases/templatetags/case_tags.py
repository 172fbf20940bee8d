from django import template

from ..selectors import LIGHT_LABELS
from ..workflow import action_label

register = template.Library()


register.filter(action_label)


@register.filter
def light_label(light: str) -> str:
    """A timing light's meaning, for its tooltip."""
    return str(LIGHT_LABELS.get(light, ""))
