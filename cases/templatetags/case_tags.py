from django import template

from ..workflow import Action

register = template.Library()


@register.filter
def action_label(name: str) -> str:
    """An event's action as the people reading the case history call it (in their language)."""
    try:
        return str(Action(name).label)
    except ValueError:
        return name
