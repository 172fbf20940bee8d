"""Errors shared by every app, below all of them."""


class Conflict(Exception):
    """The request is valid but the resource's current state forbids it (HTTP 409). Subclasses give a
    translated ``message``, a machine-readable ``code`` and the ``state`` the resource is in."""

    code = "conflict"
    status = 409
    state = ""

    @property
    def message(self) -> str:
        return str(self)
