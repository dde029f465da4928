"""Reads: every query that returns domain objects goes through here, scoped by the user.

A company contact can never load another company's object because no query path returns it;
views turn "not in my queryset" into 404.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import Prefetch, Q, QuerySet

from .choices import DataRequestStatus, Role
from .models import (
    ActivityRecord,
    Comment,
    Company,
    DataRequest,
    DataRequestRow,
    EmissionFactor,
    EvidenceFile,
    GwpSetVersion,
    GwpValue,
    LifecycleStage,
    Notice,
    Product,
    Study,
    StudyProduct,
    StudyTransition,
    factor_search_text,
)


# ------------------------------------------------------------------------------ scoping
def is_staff_role(user) -> bool:
    """Auditors, lead verifiers and administrators work for the certification body."""
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.role in (Role.AUDITOR, Role.LEAD_VERIFIER, Role.ADMINISTRATOR))
    )


def studies_visible_to(user) -> QuerySet[Study]:
    """The studies a user may open at all."""
    qs = Study.objects.select_related("company")
    if not user.is_authenticated:
        return qs.none()
    if is_staff_role(user):
        return qs
    if user.role == Role.COMPANY_CONTACT and user.company_id:
        # Once sent to the company, a study stays visible to its contacts whatever happens
        # next (back to draft for corrections, issued, superseded): a contact who asked for
        # changes expects to follow them, and links in their e-mails must keep working.
        # A draft never sent (including a new revision) stays with the certification body.
        return qs.filter(company_id=user.company_id, sent_to_client_at__isnull=False)
    return qs.none()


def evidence_visible_to(user) -> QuerySet[EvidenceFile]:
    """The evidence files of the studies the user may open (another company's never)."""
    return EvidenceFile.objects.filter(study__in=studies_visible_to(user)).select_related(
        "study", "activity", "uploaded_by")


def study_evidence(study: Study) -> list[EvidenceFile]:
    """A study's evidence files in upload order, each with its activity and uploader."""
    return list(EvidenceFile.objects.filter(study=study)
                .select_related("activity", "activity__stage__study_product__product", "uploaded_by")
                .order_by("uploaded_at", "id"))


def study_transitions(study: Study) -> list[StudyTransition]:
    """The workflow timeline of a study, oldest first."""
    return list(study.transitions.select_related("user").order_by("created_at", "id"))


def study_comments(study: Study) -> list[Comment]:
    """Review comments, unresolved first, each with its activity (if any) and product."""
    return list(
        study.comments.select_related(
            "author", "resolved_by", "activity__stage__study_product__product"
        ).order_by("resolved", "created_at", "id")
    )


def study_activities(study: Study) -> list[ActivityRecord]:
    """A study's activity records in report order, for choosing one to comment on."""
    return list(
        ActivityRecord.objects.filter(stage__study_product__study=study)
        .select_related("stage__study_product__product")
        .order_by("stage__study_product__position", "stage__study_product_id", "position", "id")
    )


def companies_visible_to(user) -> QuerySet[Company]:
    qs = Company.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if is_staff_role(user):
        return qs
    if user.role == Role.COMPANY_CONTACT and user.company_id:
        return qs.filter(pk=user.company_id)
    return qs.none()


def products_visible_to(user) -> QuerySet[Product]:
    return Product.objects.select_related("company").filter(
        company__in=companies_visible_to(user)
    )


def study_get_by_report_number(report_number: str) -> Study:
    return Study.objects.select_related("company").get(report_number=report_number)


def gwp_version_of(study: Study) -> GwpSetVersion | None:
    """The GWP edition a study is computed with: the one it is pinned to, else (a study made
    before pinning was possible) the current edition of its set."""
    if study.gwp_version_id:
        return study.gwp_version
    return current_gwp_version(study.gwp_set)


def current_gwp_version(gwp_set: str) -> GwpSetVersion | None:
    """The current edition of an IPCC set: what new and moved studies are computed with."""
    return GwpSetVersion.objects.filter(gwp_set=gwp_set, is_current=True).first()


def gwp_values(version: GwpSetVersion | None) -> dict[str, float]:
    values = {} if version is None else {
        gas: float(value) for gas, value in version.values.values_list("gas", "value")
    }
    # CO2e factors are already characterised: their GWP is 1 by definition.
    values.setdefault("CO2e", 1.0)
    return values


def gwp_tables() -> tuple[dict[int, dict[str, float]], dict[str, int]]:
    """Every GWP edition's values by edition id, and the current edition id of each set
    (one query)."""
    tables: dict[int, dict[str, float]] = {}
    current: dict[str, int] = {}
    for version_id, gwp_set, is_current, gas, value in GwpValue.objects.values_list(
        "set_version_id", "set_version__gwp_set", "set_version__is_current", "gas", "value"
    ):
        tables.setdefault(version_id, {})[gas] = float(value)
        if is_current:
            current[gwp_set] = version_id
    return tables, current


def study_restricted_factors(study: Study) -> list[EmissionFactor]:
    """The factor versions the study's rows use whose licence forbids redistribution
    (services/reference/licences.py)."""
    return list(EmissionFactor.objects
                .filter(activities__stage__study_product__study=study, redistribution_allowed=False)
                .order_by().only("code", "version", "licence_note", "redistribution_allowed").distinct())


def study_products_with_data(study: Study) -> list[StudyProduct]:
    """Products of a study with stages, activities and factors, in a constant number of
    queries whatever the number of activities."""
    activities = ActivityRecord.objects.select_related("factor", "verified_evidence").order_by("position", "id")
    return list(
        StudyProduct.objects.filter(study=study)
        .select_related("product")
        .prefetch_related(
            Prefetch("stages", queryset=LifecycleStage.objects.prefetch_related(
                Prefetch("activities", queryset=activities)
            ))
        )
        .order_by("position", "id")
    )


def activities_of(study_product: StudyProduct) -> list[ActivityRecord]:
    """A product's activities in document order (from the prefetch, no query)."""
    rows = [a for stage in study_product.stages.all() for a in stage.activities.all()]
    rows.sort(key=lambda a: (a.position, a.id))
    return rows


# How many other studies' wording the English page looks through for suggestions.
SUGGESTION_STUDIES = 200


def translation_suggestions(study: Study, language: str, user) -> dict[str, str]:
    """The wording that other studies the user may open already give the same texts in
    `language`: the same company's studies first, then the most recently changed."""
    from django.db.models import Case, IntegerField, Value, When

    rows = (
        studies_visible_to(user).exclude(pk=study.pk)
        .order_by(Case(When(company_id=study.company_id, then=Value(0)), default=Value(1),
                       output_field=IntegerField()), "-updated_at")
        .values_list("translations", flat=True)[:SUGGESTION_STUDIES]
    )
    out: dict[str, str] = {}
    for translations in rows:
        for source, target in (((translations or {}).get(language) or {}).get("terms") or {}).items():
            out.setdefault(source, target)
    return out





def dashboard_studies(user, *, q: str = "", status: str = "", company_id: int | None = None
                      ) -> QuerySet[Study]:
    """The studies a user may see, filtered and searched (report number, title, company,
    product code or name), most recently changed first."""
    from django.db.models import Q

    qs = studies_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    if company_id:
        qs = qs.filter(company_id=company_id)
    if q:
        qs = qs.filter(
            Q(report_number__icontains=q) | Q(title__icontains=q) | Q(company__name__icontains=q)
            | Q(study_products__product__code__icontains=q)
            | Q(study_products__product__name__icontains=q)
        ).distinct()
    return qs.order_by("-updated_at", "-id")


def studies_waiting_for(user, studies: QuerySet[Study]) -> QuerySet[Study]:
    """Of `studies`, those waiting for this user's next step: the lead verifier's to review,
    approve or issue; the auditors' drafts, corrections and confirmed studies to submit; the
    company contact's to confirm."""
    from django.db.models import Q

    from .choices import Role
    from .choices import StudyStatus as S

    if user.role == Role.LEAD_VERIFIER:
        return studies.filter(status__in=(S.TECHNICAL_REVIEW, S.APPROVED)).filter(
            Q(lead_verifier=user) | Q(lead_verifier__isnull=True))
    if user.role == Role.COMPANY_CONTACT:
        return studies.filter(status=S.CLIENT_REVIEW)
    waiting = studies.filter(status__in=(S.DRAFT, S.CHANGES_REQUESTED, S.CLIENT_CONFIRMED))
    if user.role == Role.AUDITOR:
        waiting = waiting.filter(Q(created_by=user) | Q(auditors=user)).distinct()
    return waiting


def study_product_of(study: Study, product_code: str) -> StudyProduct | None:
    return (
        StudyProduct.objects.select_related("product", "study")
        .filter(study=study, product__code=product_code).first()
    )


def stages_of(study_product: StudyProduct) -> dict[str, LifecycleStage]:
    return {s.stage: s for s in LifecycleStage.objects.filter(study_product=study_product)}


def stage_activities(stage: LifecycleStage) -> QuerySet[ActivityRecord]:
    """A stage's activity rows in document order, each with its factor (no query per row)."""
    return ActivityRecord.objects.filter(stage=stage).select_related("factor").order_by("position", "id")


def factors_by_pk(pks) -> dict[int, EmissionFactor]:
    ids = {int(p) for p in pks if str(p).isdigit()}
    return {f.pk: f for f in EmissionFactor.objects.filter(pk__in=ids)} if ids else {}


def current_factors_by_code(codes) -> dict[str, EmissionFactor]:
    """The library's current version of each factor code asked for (one query)."""
    return {f.code: f for f in EmissionFactor.objects.filter(code__in=list(codes), is_current=True)}


def factor_search(*, q: str = "", category: str = "", region: str = "", year: int | None = None,
                  gas: str = "", source: str = "", current_only: bool = True
                  ) -> QuerySet[EmissionFactor]:
    """The factor library, searched by code and names (Chinese, English) and filtered by its
    columns (the source has a filter of its own). Quick for 50,000 factors: the indexes of
    migration 0016_factor_library, bench/factor_library.py, docs/performance.md."""
    qs = EmissionFactor.objects.all()
    if current_only:
        qs = qs.filter(is_current=True)
    if q:
        if connection.vendor == "postgresql":
            # one expression, one trigram index (models.factor_search_text, migration 0016)
            qs = qs.alias(search_text=factor_search_text()).filter(search_text__contains=q.upper())
        else:
            # SQLite has no such index; its LIKE ignores ASCII case and stops at the first
            # column that matches (three times quicker than the expression, bench/factor_library.py)
            qs = qs.filter(Q(code__icontains=q) | Q(name_zh__icontains=q) | Q(name_en__icontains=q))
    if category:
        qs = qs.filter(category=category)
    if region:
        qs = qs.filter(region=region)
    if year:
        qs = qs.filter(year=year)
    if gas:
        qs = qs.filter(gas=gas)
    if source:
        qs = qs.filter(source__icontains=source)
    return qs.order_by("category", "code", "-version")


FILTER_VALUES_SECONDS = 60


def factor_filter_values() -> dict[str, list]:
    """Distinct regions and years of the library, for the filter drop-downs.

    Two scans of the whole library (~50 ms each for 50,000 factors): kept for a minute per
    newest factor, so an import shows its regions at once and an in-place edit of an unused
    factor within a minute."""
    from django.core.cache import cache

    # order_by(): without it the model's ordering joins the DISTINCT (one row per factor)
    factors = EmissionFactor.objects.order_by()
    newest = dict(zip(("pk", "at"), factors.order_by("-pk").values_list("pk", "created_at").first()
                      or (None, None), strict=True))

    def read() -> dict[str, list]:
        return {
            "regions": sorted(r for r in factors.values_list("region", flat=True).distinct() if r),
            "years": sorted((y for y in factors.values_list("year", flat=True).distinct() if y),
                            reverse=True),
        }

    key = f"factor-filter-values:{newest['pk']}:{newest['at'].isoformat() if newest['at'] else ''}"
    return cache.get_or_set(key, read, FILTER_VALUES_SECONDS)


def factor_versions(factor: EmissionFactor) -> QuerySet[EmissionFactor]:
    return EmissionFactor.objects.filter(code=factor.code).order_by("-version")


def factor_version_studies(user, code: str) -> dict[int, list[Study]]:
    """Every version of a factor code (by id) → the studies the user may see that use it, in
    one query."""
    out: dict[int, list[Study]] = {}
    rows = (ActivityRecord.objects.filter(factor__code=code)
            .filter(stage__study_product__study__in=studies_visible_to(user))
            .values_list("factor_id", "stage__study_product__study_id").distinct())
    pairs = list(rows)
    studies = Study.objects.in_bulk({study_id for _f, study_id in pairs})
    for factor_id, study_id in sorted(pairs, key=lambda p: studies[p[1]].report_number):
        out.setdefault(factor_id, []).append(studies[study_id])
    return out


def studies_using_factor(user, factor: EmissionFactor) -> QuerySet[Study]:
    """Studies (that the user may see) with at least one activity on this factor version."""
    return (
        studies_visible_to(user)
        .filter(study_products__stages__activities__factor=factor)
        .distinct()
        .order_by("-updated_at")
    )


def company_studies(user, company: Company) -> QuerySet[Study]:
    return studies_visible_to(user).filter(company=company).order_by("-updated_at")


def products_lacking_pact_particulars(study: Study) -> list[str]:
    """Codes of the study's products whose mass or fossil carbon content PACT still needs."""
    return list(
        StudyProduct.objects.filter(study=study)
        .filter(Q(mass_per_unit_kg=None) | Q(fossil_carbon_kg=None))
        .order_by("position", "id").values_list("product__code", flat=True)
    )


# ------------------------------------------------------------------------ data requests
def data_requests_visible_to(user) -> QuerySet[DataRequest]:
    """The data requests a user may open: all of them for the certification body's people,
    the ones sent to their company for a company contact (never a draft)."""
    qs = DataRequest.objects.select_related("study__company", "created_by")
    if not user.is_authenticated:
        return qs.none()
    if is_staff_role(user):
        return qs
    if user.role == Role.COMPANY_CONTACT and user.company_id:
        return qs.filter(study__company_id=user.company_id).exclude(status=DataRequestStatus.DRAFT)
    return qs.none()


def study_data_requests(user, study: Study) -> QuerySet[DataRequest]:
    return data_requests_visible_to(user).filter(study=study)


def open_data_requests_for(user) -> list[DataRequest]:
    """The requests waiting for a company contact (sent, not closed), soonest due first."""
    if not user.is_authenticated or user.role != Role.COMPANY_CONTACT:
        return []
    return list(data_requests_visible_to(user)
                .filter(status__in=(DataRequestStatus.SENT, DataRequestStatus.SUBMITTED))
                .order_by("due_date", "id"))


def data_request_rows(data_request: DataRequest) -> list[DataRequestRow]:
    return list(data_request.rows.select_related(
        "study_product__product", "factor", "supplied_by", "reviewed_by", "activity")
        .prefetch_related("evidence"))


def activity_suppliers(activity_ids) -> dict[int, DataRequestRow]:
    """For activity records filled from a data request: the accepted row (who supplied the
    value, who accepted it), by activity id (one query)."""
    rows = (DataRequestRow.objects.filter(activity_id__in=list(activity_ids), status="accepted")
            .select_related("supplied_by", "reviewed_by").order_by("reviewed_at", "id"))
    return {row.activity_id: row for row in rows}


def company_contacts(company: Company) -> QuerySet:
    from .models import User

    return User.objects.filter(role=Role.COMPANY_CONTACT, company=company).order_by("username")


def notices_for(user) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user).select_related(
        "data_request__study", "actor")


def unread_notice_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def data_request_evidence_visible_to(user) -> QuerySet[EvidenceFile]:
    """Evidence files attached to rows of the data requests the user may see (a company's
    contacts see their requests' files before the study itself is sent to them)."""
    return EvidenceFile.objects.filter(
        request_rows__request__in=data_requests_visible_to(user)).distinct().select_related("study")
