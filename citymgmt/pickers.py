"""Long lists as searchable pickers: the browser turns a ``PickerSelect`` into a tom-select box
(static/js/pickers.js) that finds an option by its Chinese, its pinyin initials or syllables, or its code."""

from functools import lru_cache

from django import forms
from pypinyin import Style, lazy_pinyin


@lru_cache(maxsize=4096)
def spelled(name: str) -> str:
    """Pinyin initials and whole syllables, for search: 暴露垃圾 → "bllj baolulaji"."""
    return f"{''.join(lazy_pinyin(name, style=Style.FIRST_LETTER))} {''.join(lazy_pinyin(name))}".lower()


class PickerSelect(forms.Select):
    """A select whose options carry their pinyin (``data-pinyin``) for the picker's search."""

    def __init__(self, attrs=None, choices=()):
        super().__init__({"data-picker": "", **(attrs or {})}, choices)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if value not in ("", None):
            option["attrs"]["data-pinyin"] = spelled(str(label))
        return option
