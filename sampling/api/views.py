"""The sampling API (for the field app and the center): the library as GeoJSON, tasks, special collections,
patrols with their GPS points, rechecks and draws. Every list is within the user's scope; a supervisor's
patrols and rechecks are their own."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api import ScopedViewSet
from cases.attachments import check_photo
from cases.choices import AttachmentKind
from gis.api.views import BBoxFilter, Pages

from ..areas import drawn_area
from ..models import CollectionTask, Library, Patrol, Recheck, RecheckDraw, Sample, SpecialCollection
from ..selectors import visible_rechecks, visible_samples, visible_specials, visible_tasks
from ..services import patrols, rechecks, tasks
from . import serializers as s


class SampleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Samples of the library version in force today (or ``library``), as GeoJSON; ``kind``, ``in_bbox``."""

    queryset = Sample.objects.all()
    serializer_class = s.SampleSerializer
    pagination_class = Pages
    filter_backends = [BBoxFilter]
    bbox_filter_field = "geometry"
    bbox_filter_include_overlapping = True

    def in_scope(self, user):
        library_id = self.request.query_params.get("library")
        library = (
            Library.objects.filter(pk=library_id).first()
            if library_id and library_id.isdigit()
            else Library.in_force(timezone.localdate())
        )
        return visible_samples(user, library)

    def scoped(self, rows):
        if kind := self.request.query_params.get("kind"):
            rows = rows.filter(kind__code=kind)
        return rows.order_by("pk")


class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Collection tasks; ``mine=1`` for the caller's own, ``day=YYYY-MM-DD`` for those active that day."""

    queryset = CollectionTask.objects.all()
    serializer_class = s.TaskSerializer

    def in_scope(self, user):
        if self.request.query_params.get("mine"):
            return (
                visible_tasks(user).model.objects.filter(supervisor=user).select_related("sample__kind", "supervisor")
            )
        return visible_tasks(user)

    def scoped(self, rows):
        day = self.request.query_params.get("day")
        if day:
            try:
                rows = rows.active_on(dt.date.fromisoformat(day))
            except ValueError:
                raise ValidationError({"day": _("Give the day as YYYY-MM-DD.")}) from None
        return rows.order_by("-starts_on", "pk")

    @extend_schema(request=s.AssignSerializer, responses={201: s.TaskSerializer(many=True)})
    def create(self, request):
        serializer = s.AssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        supervisor = get_object_or_404(get_user_model(), pk=data["supervisor"])
        samples = visible_samples(request.user, Library.in_force(data["starts_on"])).filter(pk__in=data["samples"])
        if len(data["samples"]) != samples.count():
            raise ValidationError({"samples": _("Some samples are not in the library in force, or not in your area.")})
        made = tasks.assign(
            actor=request.user,
            supervisor=supervisor,
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            samples=samples,
            area=drawn_area(data.get("area")),
            times=data["times"],
            per=data["per"],
        )
        return Response(s.TaskSerializer(made, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ChangeSerializer, responses={201: s.TaskSerializer})
    @action(detail=True, methods=["post"])
    def change(self, request, pk=None):
        """Reassign or change the frequency from a day on; the task ends the day before, a successor follows."""
        task = self.get_object()
        serializer = s.ChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "supervisor" in data:
            data["supervisor"] = get_object_or_404(get_user_model(), pk=data["supervisor"])
        successor = tasks.change(task, actor=request.user, **data)
        return Response(s.TaskSerializer(successor).data, status=status.HTTP_201_CREATED)


class SpecialViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Special collections: the district's own and the city-wide ones; ``mine=1`` those the caller is in."""

    queryset = SpecialCollection.objects.all()
    serializer_class = s.SpecialSerializer

    def in_scope(self, user):
        rows = visible_specials(user).prefetch_related("categories", "supervisors")
        return rows.filter(supervisors=user) if self.request.query_params.get("mine") else rows


class PatrolViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The caller's patrols: ``POST`` starts one (a repeated ``key`` returns the same), ``points`` uploads
    a batch of GPS fixes (``t`` ISO 8601, ``lat``, ``lon``, optional ``accuracy`` in m; duplicates and
    disorder are fine), ``finish`` ends it and records the samples covered."""

    queryset = Patrol.objects.all()
    serializer_class = s.PatrolSerializer

    def in_scope(self, user):
        return Patrol.objects.filter(supervisor=user).prefetch_related("visits__sample")

    @extend_schema(request=s.StartSerializer, responses={201: s.PatrolSerializer})
    def create(self, request):
        serializer = s.StartSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        special = None
        if special_id := serializer.validated_data.get("special"):
            special = get_object_or_404(SpecialCollection, pk=special_id)
        patrol, created = patrols.start(actor=request.user, key=serializer.validated_data["key"], special=special)
        return Response(
            s.PatrolSerializer(patrol).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(request=s.PointsSerializer, responses={200: dict})
    @action(detail=True, methods=["post"])
    def points(self, request, pk=None):
        serializer = s.PointsSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(
            patrols.add_points(self.get_object(), actor=request.user, points=serializer.validated_data["points"])
        )

    @extend_schema(request=None, responses={200: s.PatrolSerializer})
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        patrol = patrols.finish(self.get_object(), actor=request.user)
        return Response(s.PatrolSerializer(self.get_queryset().get(pk=patrol.pk)).data)


class RecheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Rechecks in the caller's area (``mine=1``: those sent to the caller, ``open=1``: not yet done);
    ``record`` (multipart: result, note, photo) gives the supervisor's finding."""

    queryset = Recheck.objects.all()
    serializer_class = s.RecheckSerializer

    def in_scope(self, user):
        if self.request.query_params.get("mine"):
            return Recheck.objects.filter(supervisor=user).select_related("case__category", "new_case")
        return visible_rechecks(user)

    def scoped(self, rows):
        if self.request.query_params.get("open"):
            rows = rows.filter(result="")
        return rows.order_by("due_on", "pk")

    @extend_schema(request={"multipart/form-data": s.RecordSerializer}, responses={200: s.RecheckSerializer})
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        serializer = s.RecordSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        done = rechecks.record(
            self.get_object(),
            actor=request.user,
            result=data["result"],
            note=data["note"],
            photo=check_photo(data["photo"], AttachmentKind.BEFORE),
        )
        return Response(s.RecheckSerializer(visible_rechecks(request.user).filter(pk=done.pk).first() or done).data)


class DrawViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The monthly recheck draws; ``POST`` draws a month that is over (once)."""

    queryset = RecheckDraw.objects.all()
    serializer_class = s.DrawSerializer

    def in_scope(self, user):
        return RecheckDraw.objects.all()

    @extend_schema(request=s.DrawRequestSerializer, responses={201: s.DrawSerializer})
    def create(self, request):
        serializer = s.DrawRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        made = rechecks.draw(data.pop("month"), actor=request.user, **data)
        return Response(s.DrawSerializer(made).data, status=status.HTTP_201_CREATED)
