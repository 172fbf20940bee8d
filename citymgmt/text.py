"""Text people type, kept to what every format the platform writes can carry.

XML 1.0 (Open311's XML, the XLSX exports' cells) cannot hold the ASCII control characters other than tab, line
feed and carriage return, nor U+FFFE and U+FFFF: one in a description made openpyxl refuse the whole export and
the XML answer ill-formed. They are dropped where text comes in (the services that store a report or a note)
and again where it goes out, for text stored before."""

import re

UNWRITABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def printable(text: str) -> str:
    return UNWRITABLE.sub("", text)
