"""Base API views that apply the user's scope by construction (as NetBox's views start from
``queryset.restrict(user)``): a subclass narrows the rows its ``scoped`` hook is given.

Every viewset of the API derives from one of the two bases, and a test checks that none is left out:
``ScopedViewSet`` for data that belongs to an area or a unit (cases, cameras), ``StaffReferenceViewSet`` for the
city's reference layers that every member of staff may read whole (areas, unit grids, the component census;
docs/api.md)."""

from rest_framework import viewsets


class ScopedViewSet(viewsets.GenericViewSet):
    """Rows start from those the user may see: the model's ``restrict(user)``, or the app's selector."""

    def get_queryset(self):
        return self.scoped(self.in_scope(self.request.user))

    def in_scope(self, user):
        return self.queryset.model.objects.restrict(user)

    def scoped(self, rows):
        """Narrow or annotate the rows in scope (filters, related rows, order)."""
        return rows


class StaffReferenceViewSet(viewsets.ReadOnlyModelViewSet):
    """A reference layer of the whole city, readable by every signed-in member of staff."""
