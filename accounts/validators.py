"""Password rules of the classified-protection baseline (等保 2.0 level 3): long enough and of several kinds of
character, on top of Django's length, similarity, common-password and all-numeric checks."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

KINDS = {"lower": r"[a-z]", "upper": r"[A-Z]", "digit": r"[0-9]", "symbol": r"[^A-Za-z0-9]"}


class ComplexityValidator:
    def __init__(self, kinds: int = 3):
        self.kinds = kinds

    def validate(self, password, user=None):
        if sum(bool(re.search(pattern, password)) for pattern in KINDS.values()) < self.kinds:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("Use at least %(n)d of these: lower-case letters, capitals, digits, symbols.") % {"n": self.kinds}
