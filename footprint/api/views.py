"""API views: scope with the selectors (404), roles in the services (403), conflicts (409)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import api_view, renderer_classes
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from ..access import (
    can_add_evidence,
    can_delete_evidence,
    can_edit_study_data,
    can_import,
    can_record_verification,
    get_job_for_user,
    get_study_for_user,
    require,
    sees_licensed_factors,
)
from ..forms.importing import ImportForm
from ..models import ActivityRecord, Study, User
from ..responses import evidence_file_response
from ..selectors import (
    evidence_visible_to,
    studies_visible_to,
    study_comments,
    study_evidence,
    study_transitions,
)
from ..services.calculation.study import calculate_study, result_to_dict
from ..services.calculation.uncertainty import result_to_dict as uncertainty_to_dict
from ..services.entry.activities import RATING_FIELDS, activity_verification_record
from ..services.evidence import storage as evidence_storage
from ..services.facts.reading import study_facts
from ..services.freeze import StudyFrozenError, ensure_study_editable
from ..services.interchange import import_jobs, openlca
from ..services.interchange.document import FormatError
from ..services.interchange.exporting import issued_document, study_to_document
from ..services.interchange.import_assignment import import_document_with_people
from ..services.interchange.importing import (
    ImportRejected,
    StudyExists,
    import_study,
    pending_upload_delete,
    pending_upload_store,
)
from ..services.interchange.reading import read_json
from ..services.jobs import JobNotQueued
from ..services.results import study_calculation_input
from ..services.study_uncertainty import study_uncertainty
from ..services.workflow import comments as comment_services
from ..services.workflow import dispatch, issue_jobs, transitions
from ..services.workflow.signing import SigningUnavailable
from .renderers import ZipRenderer
from .serializers import (
    ActivityVerificationSerializer,
    CommentSerializer,
    DataRequestRowSerializer,
    DataRequestSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    JobSerializer,
    StudyDetailSerializer,
    StudyListSerializer,
    SubmitValuesSerializer,
    TransitionRequestSerializer,
    TransitionSerializer,
)


def _results(study: Study) -> dict:
    """Issued studies answer with the results they were issued with (the snapshot); others
    with the recomputed results and their Monte Carlo summary (cached per data change)."""
    if study.is_frozen and study.issued_snapshot:
        return study.issued_snapshot["results"]
    facts = study_facts(study, people=False)  # one read for the calculation and the distributions
    study_input = study_calculation_input(study, facts=facts)
    result = calculate_study(study_input)
    analysis = study_uncertainty(study, study_input=study_input, result=result, facts=facts)
    return {**result_to_dict(result), "uncertainty": uncertainty_to_dict(analysis.result)}


@extend_schema(responses=StudyListSerializer(many=True))
@api_view(["GET"])
def study_list(request):
    studies = studies_visible_to(request.user).order_by("report_number")
    return Response(StudyListSerializer(studies, many=True).data)


@extend_schema(responses=StudyDetailSerializer)
@api_view(["GET"])
def study_detail(request, report_number):
    study = get_study_for_user(request.user, report_number)
    data = StudyDetailSerializer(study).data
    data["transitions"] = TransitionSerializer(study_transitions(study), many=True).data
    data["results"] = _results(study)
    data["allowed_actions"] = [
        {"action": a.action.name, "blockers": list(a.blockers), "warnings": list(a.warnings)}
        for a in transitions.available_actions(study, request.user)
    ]
    return Response(data)


@extend_schema(responses=OpenApiTypes.OBJECT,
               description="The study as a pcf-study/1 document (an issued study: the document issued "
                           "under its signature). For a company's contact, a factor whose licence "
                           "forbids redistribution keeps only its code, value, unit, gas, source and "
                           "licence note (docs/factor-library.md).")
@api_view(["GET"])
def study_export(request, report_number):
    study = get_study_for_user(request.user, report_number)
    for_licensee = sees_licensed_factors(request.user)
    if study.is_frozen and study.issued_snapshot:
        return Response(issued_document(study, for_licensee=for_licensee))
    return Response(study_to_document(study, for_licensee=for_licensee))


@extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY},
               description="The study as an openLCA JSON-LD package (zip; docs/openlca.md): a "
                           "process per product and stage, factor processes with elementary "
                           "flows, and an LCIA method with the study's GWP100 values. For a "
                           "company's contact, a factor whose licence forbids redistribution is "
                           "named by its code, without its year.")
@api_view(["GET"])
@renderer_classes([JSONRenderer, ZipRenderer])
def study_export_openlca(request, report_number):
    study = get_study_for_user(request.user, report_number)
    package = openlca.study_to_openlca(study, for_licensee=sees_licensed_factors(request.user))
    response = HttpResponse(package, content_type=openlca.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{openlca.package_filename(study)}"'
    return response


@extend_schema(request=TransitionRequestSerializer,
               responses={200: StudyListSerializer, 202: JobSerializer},
               description="Runs the action and answers the study (200). `issue` renders and signs "
                           "for seconds: it is queued and answers 202 with the job and its URL "
                           "(`Location`, `job_url`) to poll until its status is `done` or `failed`.")
@api_view(["POST"])
def study_transition(request, report_number):
    study = get_study_for_user(request.user, report_number)
    serializer = TransitionRequestSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    action, comment = serializer.validated_data["action"], serializer.validated_data["comment"]
    try:
        if action == "issue":
            return _issue(request, study, comment)
        with transaction.atomic():
            result = dispatch.perform(action, study=study, user=request.user, comment=comment)
    except transitions.WorkflowPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except (transitions.WorkflowError, SigningUnavailable) as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    return Response(StudyListSerializer(result).data)


# Outside the request's transaction: an issue job is committed before it is queued (a worker
# would not see it otherwise); the other actions open their own.
study_transition = transaction.non_atomic_requests(study_transition)


def _issue(request, study, comment: str) -> Response:
    try:
        job = issue_jobs.issue_request(study=study, user=request.user, comment=comment)
    except JobNotQueued as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    job.refresh_from_db()
    return _job_response(request, job, status.HTTP_202_ACCEPTED)


def _job_response(request, job, code) -> Response:
    url = request.build_absolute_uri(reverse("api_job", args=[job.pk]))
    response = Response({**JobSerializer(job).data, "job_url": url}, status=code)
    response["Location"] = url
    return response


@extend_schema(responses=JobSerializer)
@api_view(["GET"])
def job_detail(request, job_id):
    """A background job's progress: queued, rendering, signing, done (with its result) or
    failed (with the reason)."""
    job = get_job_for_user(request.user, job_id)
    return _job_response(request, job, status.HTTP_200_OK)


@extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
@extend_schema(methods=["POST"], request=CommentSerializer, responses=CommentSerializer)
@api_view(["GET", "POST"])
def study_comments_view(request, report_number):
    study = get_study_for_user(request.user, report_number)
    if request.method == "GET":
        return Response(CommentSerializer(study_comments(study), many=True).data)
    serializer = CommentSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    activity = None
    activity_id = serializer.validated_data.get("activity_id")
    if activity_id is not None:
        activity = get_object_or_404(
            ActivityRecord.objects.select_related("stage__study_product"),
            pk=activity_id, stage__study_product__study=study,
        )
    try:
        comment = comment_services.comment_create(
            study=study, user=request.user, text=serializer.validated_data["text"], activity=activity
        )
    except transitions.WorkflowPermissionDenied as exc:
        raise PermissionDenied(str(exc)) from exc
    except transitions.WorkflowError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    except ValidationError as exc:
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)


@extend_schema(
    request=OpenApiTypes.OBJECT,
    parameters=[
        OpenApiParameter("replace", bool, description="replace the study with this number"),
        OpenApiParameter("lead_verifier", str, description="username of the study's lead verifier"),
        OpenApiParameter("auditor", str, many=True, description="username of an auditor (repeatable)"),
        OpenApiParameter("certification_body", str, description="the certification body (default: the file's)"),
    ],
    responses={201: StudyListSerializer, 202: JobSerializer},
    description="Import a pcf-study/1 document (the request body). Certification-body staff only. "
                "The optional people are named as in the web import preview; without a lead "
                "verifier the study cannot be sent for review. A document of "
                "IMPORT_JOB_MIN_ACTIVITIES activity records or more is imported by a background "
                "job: the answer is 202 with the job and its URL (`Location`, `job_url`) to poll "
                "until its status is `done` (its `study` and `result` name the study) or `failed` "
                "(its `reason` says why); 503 when the queue is down. Smaller ones answer 201.",
)
@api_view(["POST"])
def study_import(request):
    require(can_import(request.user))
    replace = request.query_params.get("replace", "").lower() in ("1", "true", "yes")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    # The same cap as the web import (settings.IMPORT_MAX_BYTES), checked before the body is read.
    if declared > settings.IMPORT_MAX_BYTES or len(request.body) > settings.IMPORT_MAX_BYTES:
        return Response({"detail": ImportForm.too_large_message()},
                        status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    try:
        document = read_json(request.body)
    except FormatError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    number = document.data.get("report_number")
    existing = Study.objects.filter(report_number=number).first() if isinstance(number, str) else None
    if existing is not None and replace:
        require(can_edit_study_data(request.user, existing))
        try:
            ensure_study_editable(existing)
        except StudyFrozenError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    people, unknown = _import_people(request.query_params)
    if unknown:
        return Response(unknown, status=status.HTTP_400_BAD_REQUEST)
    count = import_jobs.document_activity_count(document)
    if import_jobs.runs_as_job(count):
        return _queue_import(request, body=request.body, replace=replace, people=people,
                             existing=existing, activity_count=count)
    try:
        if people:
            study = import_document_with_people(document, replace=replace, user=request.user, **people)
        else:
            study = import_study(document, replace=replace, user=request.user)
    except ValidationError as exc:
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    except StudyExists as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    except ImportRejected as exc:
        return Response({"problems": [str(p) for p in exc.problems]}, status=status.HTTP_400_BAD_REQUEST)
    return Response(StudyListSerializer(study).data, status=status.HTTP_201_CREATED)


# Outside the request's transaction: a queued import's job is committed before it is queued;
# the synchronous import opens its own (import_study is atomic).
study_import = transaction.non_atomic_requests(study_import)


def _queue_import(request, *, body: bytes, replace: bool, people: dict, existing,
                  activity_count: int) -> Response:
    """A large document: kept in storage and imported by a job (as a large web import)."""
    if existing is not None and not replace:  # known now: no job to fail later
        return Response({"detail": _("报告 %(number)s 已存在；如要用文件内容替换它，请使用 replace=true。")
                         % {"number": existing.report_number}}, status=status.HTTP_409_CONFLICT)
    path = pending_upload_store(name="api.json", content=body)
    try:
        job = import_jobs.import_request(
            path=path, name="api.json", replace=replace, user=request.user,
            auditors=people.get("auditors", []), lead_verifier=people.get("lead_verifier"),
            certification_body=people.get("certification_body", ""), activity_count=activity_count,
            existing=existing, language=get_language(), with_people=bool(people))
    except JobNotQueued as exc:
        pending_upload_delete(path=path)
        return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
    job.refresh_from_db()
    return _job_response(request, job, status.HTTP_202_ACCEPTED)


def _import_people(params) -> tuple[dict, dict]:
    """The people an import names (as the web preview's fields), and the usernames not found."""
    lead_name = params.get("lead_verifier", "").strip()
    auditor_names = [n.strip() for n in params.getlist("auditor") if n.strip()]
    body = params.get("certification_body", "")
    if not (lead_name or auditor_names or body.strip()):
        return {}, {}
    users = {u.username: u for u in User.objects.filter(
        username__in=[lead_name, *auditor_names], is_active=True)}
    unknown = {}
    if lead_name and lead_name not in users:
        unknown["lead_verifier"] = [_("没有用户 %(name)s。") % {"name": lead_name}]
    missing = [n for n in auditor_names if n not in users]
    if missing:
        unknown["auditors"] = [_("没有用户 %(name)s。") % {"name": n} for n in missing]
    people = {"auditors": [users[n] for n in auditor_names if n in users],
              "lead_verifier": users.get(lead_name), "certification_body": body}
    return people, unknown


# ------------------------------------------------------------------ data requests (issue 15)
def _data_request(user, report_number, request_id):
    from ..access import can_view_data_request
    from ..selectors import data_requests_visible_to

    data_request = get_object_or_404(data_requests_visible_to(user), pk=request_id,
                                     study__report_number=report_number)
    if not can_view_data_request(user, data_request):
        raise Http404
    return data_request


def _request_with_rows(data_request) -> dict:
    from ..selectors import data_request_rows

    return {**DataRequestSerializer(data_request).data,
            "rows": DataRequestRowSerializer(data_request_rows(data_request), many=True).data}


@extend_schema(responses=DataRequestSerializer(many=True),
               description="The data requests the user may see: all for the certification body, "
                           "the ones sent to their company for a company contact.")
@api_view(["GET"])
def data_request_list(request):
    from ..selectors import data_requests_visible_to

    return Response(DataRequestSerializer(data_requests_visible_to(request.user).order_by("-id"), many=True).data)


@extend_schema(responses=DataRequestSerializer)
@api_view(["GET"])
def data_request_detail(request, report_number, request_id):
    return Response(_request_with_rows(_data_request(request.user, report_number, request_id)))


@extend_schema(request=SubmitValuesSerializer, responses=DataRequestSerializer,
               description="A company contact submits values for rows of the request (all or nothing; "
                           "the auditor accepts or rejects each). Errors by row id: 400.")
@api_view(["POST"])
def data_request_submit(request, report_number, request_id):
    from ..access import can_fill_data_request
    from ..services.data_requests import requesting

    data_request = _data_request(request.user, report_number, request_id)
    require(can_fill_data_request(request.user, data_request))
    serializer = SubmitValuesSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    values = [requesting.RowValue(v["row"], v["quantity"], v["unit"], v["note"])
              for v in serializer.validated_data["values"]]
    try:
        requesting.data_request_submit(data_request=data_request, user=request.user, values=values)
    except StudyFrozenError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    except requesting.RowErrors as exc:
        return Response({"rows": {str(pk): [{"field": c, "message": m} for c, m in problems]
                                  for pk, problems in exc.row_errors.items()}},
                        status=status.HTTP_400_BAD_REQUEST)
    except ValidationError as exc:
        return Response({"detail": exc.messages}, status=status.HTTP_400_BAD_REQUEST)
    data_request.refresh_from_db()
    return Response(_request_with_rows(data_request))
# ------------------------------------------------------------------------------ evidence
@extend_schema(methods=["GET"], responses=EvidenceSerializer(many=True))
@extend_schema(methods=["POST"], request={"multipart/form-data": EvidenceUploadSerializer},
               responses={201: EvidenceSerializer})
@api_view(["GET", "POST"])
def evidence_list(request, report_number):
    """The study's evidence files; POST (multipart: file, activity, description) uploads one:
    the study's auditors and the company's contacts, in draft (docs/evidence.md)."""
    study = get_study_for_user(request.user, report_number)
    if request.method == "GET":
        return Response(EvidenceSerializer(study_evidence(study), many=True).data)
    require(can_add_evidence(request.user, study))
    serializer = EvidenceUploadSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    activity = None
    activity_id = serializer.validated_data.get("activity")
    if activity_id is not None:
        activity = get_object_or_404(
            ActivityRecord.objects.select_related("stage__study_product"),
            pk=activity_id, stage__study_product__study=study)
    upload = serializer.validated_data["file"]
    try:
        evidence = evidence_storage.evidence_add(
            study=study, upload=upload, filename=upload.name, user=request.user, activity=activity,
            description=serializer.validated_data["description"])
    except StudyFrozenError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    except ValidationError as exc:
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


@extend_schema(methods=["PATCH"], request=ActivityVerificationSerializer,
               responses={200: ActivityVerificationSerializer})
@extend_schema(methods=["GET"], responses=ActivityVerificationSerializer)
@api_view(["GET", "PATCH"])
def activity_verification(request, report_number, pk):
    """How one figure was checked: its verification status, the evidence file it was verified
    against (an id from `evidence/`, required for "verified") and its five data-quality
    ratings. PATCH: the study's auditors, in draft (docs/evidence.md)."""
    study = get_study_for_user(request.user, report_number)
    activity = get_object_or_404(
        ActivityRecord.objects.select_related("stage__study_product__product", "verified_evidence"),
        pk=pk, stage__study_product__study=study)
    if request.method == "GET":
        return Response(ActivityVerificationSerializer(activity).data)
    require(can_record_verification(request.user, study))
    serializer = ActivityVerificationSerializer(data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    changes = {"verification": data.get("verification"),
               "ratings": {name: data[name] for name in RATING_FIELDS if name in data}}
    if "verified_evidence_id" in data:
        evidence_id = data["verified_evidence_id"]
        evidence = None
        if evidence_id is not None:
            evidence = study.evidence_files.filter(pk=evidence_id).first()
            if evidence is None:
                return Response({"verified_evidence": [_("所选证据文件不属于本报告。")]},
                                status=status.HTTP_400_BAD_REQUEST)
        changes["verified_evidence"] = evidence
    try:
        activity = activity_verification_record(activity=activity, **changes)
    except StudyFrozenError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    except ValidationError as exc:
        return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
    return Response(ActivityVerificationSerializer(activity).data)


def _evidence(request, report_number, pk):
    study = get_study_for_user(request.user, report_number)
    return get_object_or_404(evidence_visible_to(request.user), pk=pk, study=study)


@extend_schema(methods=["GET"], responses=EvidenceSerializer)
@extend_schema(methods=["DELETE"], responses={204: None})
@api_view(["GET", "DELETE"])
def evidence_detail(request, report_number, pk):
    evidence = _evidence(request, report_number, pk)
    if request.method == "GET":
        return Response(EvidenceSerializer(evidence).data)
    require(can_delete_evidence(request.user, evidence))
    try:
        evidence_storage.evidence_delete(evidence=evidence)
    except StudyFrozenError as exc:
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    except ValidationError as exc:
        return Response(exc.message_dict, status=status.HTTP_409_CONFLICT)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
@api_view(["GET"])
def evidence_download(request, report_number, pk):
    """The file as uploaded, always as an attachment (never rendered inline)."""
    evidence = _evidence(request, report_number, pk)
    return evidence_file_response(evidence)
