"""Every category with its major category, read once per process (``citymgmt.memo``): a report names its
category by key and costs no query for it. Shared objects: read, never change."""

from citymgmt.memo import Memo

from .models import Category, MajorCategory

categories = Memo(lambda: {c.pk: c for c in Category.objects.select_related("major")}, Category, MajorCategory)


def active_category(pk: object) -> Category | None:
    try:
        category = categories().get(int(pk))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None
    return category if category is not None and category.is_active else None
