"""The sample library: versions, samples, and their import from GeoJSON or Shapefile (checked whole)."""

from __future__ import annotations

import datetime as dt

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gis.geocoding import OutsideCity, locate
from gis.imports import ImportRefused, ImportReport, _check_lengths, _duplicates, _text, read_features

from ..geometry import LINES, metres_long
from ..models import Library, Sample, SampleKind


def new_version(*, name: str, starts_on: dt.date, copy_from: Library | None = None, note: str = "") -> Library:
    """A library version starting ``starts_on`` (after every version there is, and not in the past once the
    library has versions): a copy of ``copy_from``'s samples, to be edited before it comes into force."""
    latest = Library.objects.order_by("-starts_on").first()
    if latest and starts_on <= latest.starts_on:
        raise ValidationError(_("A new version must start after the latest one (%(day)s).") % {"day": latest.starts_on})
    if latest and starts_on <= timezone.localdate():
        raise ValidationError(_("A new version starts in the future: the past is judged on the version it had."))
    with transaction.atomic():
        library = Library.objects.create(name=name, starts_on=starts_on, note=note)
        if copy_from is not None:
            Sample.objects.bulk_create([copy_of(s, library) for s in copy_from.samples.all()], batch_size=2000)
    return library


def copy_of(sample: Sample, library: Library) -> Sample:
    """The same sample (code, geometry, attributes) in another version."""
    fields = ("kind_id", "code", "name", "level", "length_m", "geometry", "district_id", "street_id", "attributes")
    return Sample(library=library, **{name: getattr(sample, name) for name in fields})


def check_editable(library: Library) -> None:
    if library.is_frozen:
        raise ValidationError(
            _("This version is in force since %(day)s and frozen: statistics were computed on it. Make a new version.")
            % {"day": library.starts_on}
        )


def place_sample(sample: Sample) -> None:
    """District and street from the sample's geometry (a point on it); its length when it is a line."""
    try:
        where = locate(sample.geometry.point_on_surface)
    except OutsideCity:
        raise ValidationError({"geometry": _("The sample lies outside every unit grid of the city.")}) from None
    sample.street_id, sample.district_id = where.street_id, where.district_id
    if sample.geometry.geom_type in LINES:
        sample.length_m = round(metres_long(sample.geometry), 1)


def save_sample(sample: Sample) -> Sample:
    check_editable(sample.library)
    if sample.geometry is None or sample.geometry.empty or not sample.geometry.valid:
        raise ValidationError({"geometry": _("Draw the sample's geometry on the map.")})
    place_sample(sample)
    sample.full_clean()
    sample.save()
    return sample


def delete_sample(sample: Sample) -> None:
    check_editable(sample.library)
    if sample.tasks.exists():
        raise ValidationError(_("Supervisors have tasks on this sample; end them first."))
    sample.delete()


def check_samples(features, library: Library, kind: SampleKind) -> tuple[ImportReport, list[Sample]]:
    """Every feature needs a code and a name (attributes ``code``, ``name``; optional ``level`` and any
    others, kept as attributes), a valid geometry inside the city, and a code new to the version."""
    report = ImportReport("samples", features=len(features))
    rows, codes = [], []
    for number, (attributes, geometry) in enumerate(features, 1):
        code, name = _text(attributes, "code"), _text(attributes, "name")
        where = code or _("feature %(n)d") % {"n": number}
        if not code or not name:
            report.error(where, _("a code and a name are required"))
            continue
        if geometry is None or geometry.empty or not geometry.valid:
            report.error(where, _("missing or invalid geometry"))
            continue
        extra = {k: v for k, v in attributes.items() if k not in ("code", "name", "level") and v not in (None, "")}
        sample = Sample(
            library=library,
            kind=kind,
            code=code,
            name=name,
            level=_text(attributes, "level"),
            geometry=GEOSGeometry(geometry.wkt, srid=4326),
            attributes={k: v if isinstance(v, int | float | str) else str(v) for k, v in extra.items()},
        )
        try:
            place_sample(sample)
        except ValidationError as error:
            report.error(where, "; ".join(error.messages))
            continue
        codes.append((where, code))
        rows.append(sample)
    _duplicates(report, codes)
    taken = set(library.samples.filter(code__in=[c for _w, c in codes]).values_list("code", flat=True))
    for code in sorted(taken):
        report.error(code, _("sample %(code)s exists already in this version") % {"code": code})
    _check_lengths(report, rows)
    return report, rows


def import_samples(path, library: Library, kind: SampleKind, *, dry_run: bool = False) -> ImportReport:
    check_editable(library)
    try:
        features = read_features(path)
    except (GDALException, OSError, ValueError) as error:
        report = ImportReport("samples")
        report.error(_("file"), _("cannot be read as GeoJSON or Shapefile (%(error)s)") % {"error": error})
        raise ImportRefused(report) from None
    report, rows = check_samples(features, library, kind)
    if not report.ok:
        raise ImportRefused(report)
    if not dry_run:
        Sample.objects.bulk_create(rows, batch_size=2000)
        report.written = len(rows)
    return report
