"""Excel workbooks for download, safe to open: a text cell that begins like a formula (``= + - @``, or a tab
or carriage return before one) is kept as text with a leading apostrophe, as OWASP advises against formula
injection, so that a description or a note typed by anyone never runs in a spreadsheet."""

import io
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from django.http import HttpResponse

from .text import printable

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """A text cell as typed, but never a formula and without the characters a cell cannot hold."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    return "'" + value if value.startswith(FORMULA_START) else value


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook(sheets: Mapping[str, Iterable[Mapping[str, Any]]]) -> bytes:
    """One sheet per entry: its rows (dicts of column → value), every text cell neutralized."""
    out = io.BytesIO()
    with pd.ExcelWriter(out, engine="openpyxl") as writer:
        for title, rows in sheets.items():
            frame = pd.DataFrame([{str(k): neutralize(v) for k, v in row.items()} for row in rows])
            frame.to_excel(writer, sheet_name=str(title)[:31], index=False)
    return out.getvalue()


def download(content: bytes, filename: str) -> HttpResponse:
    """A workbook as a download."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
