"""Helpers to build cases and walk them through the state machine in tests."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

from PIL import Image

from cases.attachments import Photo
from cases.choices import AttachmentKind, CaseSource, CaseState
from cases.services import perform, report_case
from classification.models import Category

TZ = ZoneInfo("Asia/Shanghai")
S = CaseState


def at(*args):
    return dt.datetime(*args, tzinfo=TZ)


def garbage():
    """Exposed garbage: 4 working hours."""
    return Category.objects.get(major__scheme="gbt47678.5-2026", name="暴露垃圾")


def photo_file(name="place.jpg"):
    """A small JPEG as an uploaded file."""
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 160, 90)).save(out, "JPEG")
    out.seek(0)
    out.name = name
    return out


def photo_after():
    """A photo taken after handling: what a problem handled on the spot is reported with."""
    return [Photo(name="after.jpg", content=photo_file().read(), kind=AttachmentKind.AFTER, extension="jpg")]


def new_case(users, city, *, by="intake_operator", source=CaseSource.HOTLINE, area=None, now=None, **extra):
    if extra.get("self_handled") and "photos" not in extra:
        extra["photos"] = photo_after()  # handled on the spot: shown by a photo after
    case, created = report_case(
        actor=getattr(users, by),
        source=source,
        category=extra.pop("category", None) or garbage(),
        description="路边有暴露垃圾",
        area=area or city.s11,
        now=now or at(2026, 11, 25, 9),
        **extra,
    )
    assert created
    return case


# The standard path; each entry: (state reached, actor, action, params)
PATH = [
    (S.VERIFYING, "intake_operator", "send_verification", {}),
    (S.PENDING_REGISTRATION, "supervisor", "verify", {"found": True}),
    (S.REGISTERED, "shift_leader", "register", {}),
    (S.DISPATCHED, "dispatcher", "dispatch", {"unit": "gov1"}),
    (S.HANDLED, "unit_operator_d1", "handle", {"note": "已清理"}),
    (S.CHECKING, "intake_operator", "send_check", {}),
    (S.PENDING_CLOSURE, "supervisor", "check", {"fixed": True}),
    (S.CLOSED, "shift_leader", "close", {}),
]


def advance(case, users, city, to_state, now=None):
    """Walk ``case`` along the standard path until it is in ``to_state``."""
    order = [S.REPORTED] + [reached for reached, *_ in PATH]
    for _reached, who, action, params in PATH[order.index(case.state) :]:
        if case.state == to_state:
            break
        params = {k: getattr(city, v) if k == "unit" else v for k, v in params.items()}
        case = perform(case_id=case.pk, action=action, actor=getattr(users, who), now=now, **params)
    assert case.state == to_state
    return case
