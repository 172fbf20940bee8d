"""Writes to cases. Every change of state goes through ``perform`` (or ``report_case`` for the first): it
locks the row, checks the state machine's declaration of the action (state, role, who may take it on this
case) and the input, runs the action's handler, moves the case's steps and deadlines and appends an
immutable event, all in one transaction. Notifications are written in the same transaction and pushed to
browsers only after it commits.

One module per stage of the case's path holds the handlers of its actions."""

from . import closing, dispatching, disputes, handling, intake  # noqa: F401  (each registers its handlers)
from .core import HANDLERS, access_case, check_handlers, perform
from .overdue import flag_overdue, holder
from .reporting import report_case

check_handlers()

__all__ = [
    "HANDLERS",
    "access_case",
    "flag_overdue",
    "holder",
    "perform",
    "report_case",
]
