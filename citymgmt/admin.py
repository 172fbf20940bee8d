"""Shared admin pieces."""


class ReadOnlyAdminMixin:
    """For records that only their own actions may write (cases, snapshots): viewable, never edited here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
