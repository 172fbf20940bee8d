"""Long lists as searchable pickers: the browser turns a ``PickerSelect`` into a tom-select box
(static/js/pickers.js) that finds an option by its Chinese, its pinyin initials or syllables, or its code."""

from functools import lru_cache

from django import forms
from django.utils.translation import get_language
from pypinyin import Style, lazy_pinyin

from .memo import Memo, watch

# Rendered pickers by field, choices and value: a list of several hundred areas, units or categories took longer
# to render than the page's queries took to run. Dropped whenever a watched model changes (citymgmt.memo).
_rendered: Memo[dict] = Memo(dict)


@lru_cache(maxsize=4096)
def spelled(name: str) -> str:
    """Pinyin initials and whole syllables, for search: 暴露垃圾 → "bllj baolulaji"."""
    return f"{''.join(lazy_pinyin(name, style=Style.FIRST_LETTER))} {''.join(lazy_pinyin(name))}".lower()


class PickerSelect(forms.Select):
    """A select whose options carry their pinyin (``data-pinyin``) for the picker's search."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-picker": "", **(attrs or {})}, choices)

    def render(self, name, value, attrs=None, renderer=None):
        queryset = getattr(self.choices, "queryset", None)
        if queryset is None:
            return super().render(name, value, attrs, renderer)
        watch(queryset.model)
        key = (name, str(queryset.query), str(value), repr(sorted((attrs or {}).items())), get_language())
        cache = _rendered()
        if len(cache) > 1000:  # every value picked in every list: start again
            cache.clear()
        if key not in cache:
            cache[key] = super().render(name, value, attrs, renderer)
        return cache[key]

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in ("", None):
            option["attrs"]["data-pinyin"] = spelled(str(label))
        return option
