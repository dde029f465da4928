"""Serializers declare fields only; the numbers come from the calculation service."""

from __future__ import annotations

from rest_framework import serializers

from ..models import BackgroundJob, Comment, Study, StudyTransition


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

    class Meta(StudyListSerializer.Meta):
        fields = StudyListSerializer.Meta.fields + [
            "language", "standards", "verification_code", "issued_sha256", "gwp_version",
        ]


class JobSerializer(serializers.ModelSerializer):
    """A background job (issuing, an import): poll its URL until the status is done or failed."""

    study = serializers.CharField(source="study.report_number", default=None)
    status_display = serializers.CharField(source="get_status_display")
    kind_display = serializers.CharField(source="get_kind_display")

    class Meta:
        model = BackgroundJob
        fields = ["id", "kind", "kind_display", "status", "status_display", "study", "reason", "result",
                  "created_at", "started_at", "finished_at"]
