from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from ..choices import Per, RecheckResult
from ..models import CollectionTask, Patrol, Recheck, RecheckDraw, Sample, SpecialCollection


class SampleSerializer(GeoFeatureModelSerializer):
    kind = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kind_name = serializers.CharField(source="kind.name", read_only=True)
    district_name = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = Sample
        geo_field = "geometry"
        fields = [
            "id",
            "library",
            "kind",
            "kind_name",
            "code",
            "name",
            "level",
            "length_m",
            "district",
            "district_name",
            "street",
            "attributes",
        ]


class TaskSerializer(serializers.ModelSerializer):
    sample_name = serializers.CharField(source="sample.name", read_only=True)
    kind = serializers.CharField(source="sample.kind.code", read_only=True)
    supervisor_name = serializers.CharField(source="supervisor.get_full_name", read_only=True)
    replaces = serializers.PrimaryKeyRelatedField(source="previous", read_only=True)

    class Meta:
        model = CollectionTask
        fields = [
            "id",
            "sample",
            "sample_name",
            "kind",
            "supervisor",
            "supervisor_name",
            "starts_on",
            "ends_on",
            "times",
            "per",
            "replaces",
            "change_note",
        ]
        read_only_fields = fields


class AssignSerializer(serializers.Serializer):
    supervisor = serializers.IntegerField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    samples = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=5000)
    area = serializers.JSONField(required=False, help_text="A GeoJSON polygon drawn on the map.")
    times = serializers.IntegerField(min_value=1, max_value=20, default=1)
    per = serializers.ChoiceField(choices=Per.choices, default=Per.DAY)


class ChangeSerializer(serializers.Serializer):
    on = serializers.DateField()
    supervisor = serializers.IntegerField(required=False)
    times = serializers.IntegerField(min_value=1, max_value=20, required=False)
    per = serializers.ChoiceField(choices=Per.choices, required=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SpecialSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpecialCollection
        fields = ["id", "name", "district", "categories", "supervisors", "starts_at", "ends_at", "note"]
        read_only_fields = fields


class PatrolSerializer(serializers.ModelSerializer):
    visits = serializers.SerializerMethodField()

    class Meta:
        model = Patrol
        fields = ["id", "started_at", "finished_at", "points", "special", "key", "visits"]
        read_only_fields = fields

    def get_visits(self, patrol) -> list[dict]:
        return [
            {"sample": v.sample_id, "name": v.sample.name, "share": v.share, "covered": v.covered}
            for v in patrol.visits.all()
        ]


class StartSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    special = serializers.IntegerField(required=False)


class PointsSerializer(serializers.Serializer):
    points = serializers.ListField(child=serializers.DictField(), allow_empty=False, max_length=2000)


class RecheckSerializer(serializers.ModelSerializer):
    case_number = serializers.CharField(source="case.number", read_only=True)
    category = serializers.CharField(source="case.category.name", read_only=True)
    address = serializers.CharField(source="case.address", read_only=True)
    description = serializers.CharField(source="case.description", read_only=True)
    longitude = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()
    new_case_number = serializers.CharField(source="new_case.number", read_only=True, default=None)

    class Meta:
        model = Recheck
        fields = [
            "id",
            "case",
            "case_number",
            "category",
            "address",
            "description",
            "longitude",
            "latitude",
            "supervisor",
            "due_on",
            "result",
            "note",
            "done_at",
            "new_case",
            "new_case_number",
        ]
        read_only_fields = fields

    def get_longitude(self, recheck) -> float | None:
        return recheck.case.location.x if recheck.case.location else None

    def get_latitude(self, recheck) -> float | None:
        return recheck.case.location.y if recheck.case.location else None


class RecordSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=[RecheckResult.FIXED, RecheckResult.RECURRED])
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    photo = serializers.FileField()


class DrawSerializer(serializers.ModelSerializer):
    rechecks = serializers.IntegerField(source="rechecks.count", read_only=True)

    class Meta:
        model = RecheckDraw
        fields = ["id", "month", "seed", "rate", "size", "population", "strata", "rechecks", "created_at"]
        read_only_fields = ["seed", "population", "strata", "rechecks", "created_at"]


class DrawRequestSerializer(serializers.Serializer):
    month = serializers.DateField(input_formats=["%Y-%m"], help_text="YYYY-MM, a month that is over.")
    rate = serializers.FloatField(required=False, min_value=0.0001, max_value=1)
    size = serializers.IntegerField(required=False, min_value=1, max_value=100_000)
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**62)
