from django import template

from ..workflow import action_label

register = template.Library()


register.filter(action_label)
