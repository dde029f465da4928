"""Serializers declare fields only; the numbers come from the calculation service."""

from __future__ import annotations

from rest_framework import serializers

from ..choices import VerificationStatus
from ..models import BackgroundJob, Comment, EvidenceFile, Study, StudyTransition


class StudyListSerializer(serializers.ModelSerializer):
    company = serializers.CharField(source="company.name")
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = Study
        fields = ["report_number", "revision", "title", "company", "status", "status_display",
                  "gwp_set", "boundary", "period_start", "period_end", "issue_date"]


class TransitionSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.display_name", default=None)

    class Meta:
        model = StudyTransition
        fields = ["from_status", "to_status", "user", "comment", "created_at"]


class CommentSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.display_name", read_only=True, default=None)
    activity = serializers.IntegerField(source="activity_id", required=False, allow_null=True)

    class Meta:
        model = Comment
        fields = ["id", "text", "activity", "author", "resolved", "resolved_at", "created_at"]
        read_only_fields = ["id", "author", "resolved", "resolved_at", "created_at"]


class TransitionRequestSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=50)
    comment = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class StudyDetailSerializer(StudyListSerializer):
    """A study; the view adds its results, timeline and the user's allowed actions."""

    verification_code = serializers.CharField(read_only=True)
    issued_sha256 = serializers.CharField(read_only=True)
    # The edition of the GWP set the numbers are computed with (see docs/reference-data.md).
    gwp_version = serializers.IntegerField(source="gwp_version.version", read_only=True, default=None)
    # Every signed file by language (the study's own first; English too when issued in both).
    issued_files = serializers.SerializerMethodField()

    class Meta(StudyListSerializer.Meta):
        fields = StudyListSerializer.Meta.fields + [
            "language", "standards", "verification_code", "issued_sha256", "gwp_version", "issued_files",
        ]

    def get_issued_files(self, study) -> list[dict]:
        from django.urls import reverse

        from ..services.workflow.issuing import issued_files

        return [{"language": f.language, "sha256": f.sha256,
                 "download": reverse("issued_pdf", args=[study.report_number]) if f.primary
                 else reverse("issued_pdf_language", args=[study.report_number, f.language])}
                for f in issued_files(study)]


class JobSerializer(serializers.ModelSerializer):
    """A background job (issuing, an import): poll its URL until the status is done or failed."""

    study = serializers.CharField(source="study.report_number", default=None)
    status_display = serializers.CharField(source="get_status_display")
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = BackgroundJob
        fields = ["id", "kind", "kind_display", "status", "status_display", "study", "reason", "result",
                  "created_at", "started_at", "finished_at"]


# ------------------------------------------------------------------ data requests (issue 15)
class DataRequestRowSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    product = serializers.CharField(source="study_product.product.code")
    stage = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    expected_evidence = serializers.CharField()
    hint = serializers.CharField()
    status = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=28, decimal_places=9, allow_null=True)
    submitted_unit = serializers.CharField()
    note = serializers.CharField()
    rejection_comment = serializers.CharField()
    supplied_by = serializers.CharField(source="supplied_by.display_name", default=None)
    submitted_at = serializers.DateTimeField(allow_null=True)
    reviewed_by = serializers.CharField(source="reviewed_by.display_name", default=None)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    activity = serializers.IntegerField(source="activity_id", allow_null=True)
    evidence = serializers.SerializerMethodField()

    def get_evidence(self, row) -> list[dict]:
        return [{"id": e.pk, "name": e.original_name, "kind": e.kind, "sha256": e.sha256}
                for e in row.evidence.all()]


class DataRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    report_number = serializers.CharField(source="study.report_number")
    company = serializers.CharField(source="study.company.name")
    title = serializers.CharField()
    message = serializers.CharField()
    status = serializers.CharField()
    due_date = serializers.DateField()
    overdue = serializers.BooleanField(source="is_overdue")
    created_by = serializers.CharField(source="created_by.display_name")
    sent_at = serializers.DateTimeField(allow_null=True)


class RowValueSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    quantity = serializers.CharField(max_length=60)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SubmitValuesSerializer(serializers.Serializer):
    values = RowValueSerializer(many=True, allow_empty=False, max_length=5000)
class EvidenceSerializer(serializers.ModelSerializer):
    """An evidence file's record (the file itself: `download`)."""

    activity = serializers.IntegerField(source="activity_id", required=False, allow_null=True)
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, default=None)
    download = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceFile
        fields = ["id", "original_name", "kind", "size", "sha256", "description", "activity",
                  "uploaded_by", "uploaded_at", "download"]
        read_only_fields = fields

    def get_download(self, evidence) -> str:
        from django.urls import reverse

        return reverse("api_evidence_download", args=[evidence.study.report_number, evidence.pk])


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    activity = serializers.IntegerField(required=False, allow_null=True)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


# ------------------------------------------------------------------ verification of a figure (issue 15)
class ActivityVerificationSerializer(serializers.Serializer):
    """An activity record's verification status, the evidence file it was verified against and
    its data-quality ratings (pedigree 1 best … 5 worst; null clears one). PATCH sends only
    what changes; the rules are the stage editor's (docs/evidence.md)."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    stage = serializers.CharField(source="stage.stage", read_only=True)
    product = serializers.CharField(source="stage.study_product.product.code", read_only=True)
    verification = serializers.ChoiceField(choices=VerificationStatus.choices, required=False)
    verified_evidence = serializers.IntegerField(source="verified_evidence_id", required=False, allow_null=True)
    dq_reliability = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    dq_completeness = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    dq_temporal = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    dq_geographical = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    dq_technological = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
