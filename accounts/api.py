"""Base API views that apply the user's scope by construction (as NetBox's views start from
``queryset.restrict(user)``): a subclass narrows the rows its ``scoped`` hook is given.

Every viewset of the API derives from one of the two bases, and a test checks that none is left out:
``ScopedViewSet`` for data that belongs to an area or a unit (cases, cameras), ``StaffReferenceViewSet`` for the
city's reference layers that every member of staff may read whole (areas, unit grids, the component census;
docs/api.md)."""

from django.utils.translation import gettext as _
from rest_framework import viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from citymgmt.authentication import ExpiringTokenAuthentication, TokenThrottle, token_lifetime

from .services import issue_token


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


class TokenView(ObtainAuthToken):
    """``POST`` user name and password for a token (valid API_TOKEN_HOURS; rate-limited per address, and
    locked out per account by django-axes); ``DELETE`` with the token revokes it."""

    throttle_classes = [TokenThrottle]

    def post(self, request, *args, **kwargs):
        serializer = self.serializer_class(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        if user.must_change_password or user.password_expired:
            raise PermissionDenied(_("Change your password on the web first."))
        token = issue_token(user)
        return Response({"token": token.key, "expires": token.created + token_lifetime()})

    def delete(self, request, *args, **kwargs):
        if request.auth is None:
            raise NotAuthenticated
        Token.objects.filter(user=request.user).delete()
        return Response(status=204)

    def get_authenticators(self):
        return [ExpiringTokenAuthentication()] if self.request and self.request.method == "DELETE" else []

    def get_permissions(self):
        return [IsAuthenticated()] if self.request and self.request.method == "DELETE" else []
