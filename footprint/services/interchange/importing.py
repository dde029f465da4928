"""Import a `pcf-study/1` document: validate all of it, then write all of it or nothing."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ...access import can_change_company
from ...choices import STAGE_ORDER, Role
from ...models import (
    ActivityRecord,
    Company,
    EmissionFactor,
    LifecycleStage,
    Product,
    Study,
    StudyClaim,
    StudyProduct,
    VerificationTeamMember,
)
from ...selectors import current_gwp_version
from .. import data_version
from ..freeze import (
    StudyFrozenError,
    company_change_refusal,
    company_move_refusal,
    ensure_study_editable,
    product_change_refusal,
)
from ..reference.factors import factor_value
from .distribution_fields import PARAMETERS as DISTRIBUTION_PARAMETERS
from .document import Document, Problem
from .reading import read_file
from .validation import CleanFactor, CleanStudy, LibraryFactor, validate_document


class ImportRejected(Exception):
    """The document has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


class StudyExists(Exception):
    """A study with this report number exists and replacing it was not asked for."""


@dataclass
class ImportPreview:
    """What an import would do, shown before anything is saved."""

    clean: CleanStudy | None
    problems: list[Problem]
    existing_study: Study | None = None
    company_exists: bool = False
    new_products: list[str] = field(default_factory=list)
    new_factors: list[str] = field(default_factory=list)
    reused_factors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.clean is not None and not self.problems


def library_index() -> dict[str, LibraryFactor]:
    """The current version of each library factor, by code."""
    index = {}
    for f in EmissionFactor.objects.filter(is_current=True):
        try:
            value = factor_value(f)
        except Exception:  # a broken library row must not break validation of others
            continue
        index[f.code] = LibraryFactor(code=f.code, version=f.version, unit=f.unit, value=value)
    return index


def gwp_problems(doc: Document, clean: CleanStudy) -> list[Problem]:
    """A study whose GWP set or gases this installation cannot resolve is refused: computing it
    would give silent zeros (a fresh database before its reference data, a gas the set lacks)."""
    gwp_set = clean.study["gwp_set"]
    version = current_gwp_version(gwp_set)
    if version is None:
        return [Problem(doc.where("gwp_set"), _(
            "本系统没有 GWP 版本 %(set)s 的数值（参考数据缺失）；请先运行 manage.py migrate "
            "或 manage.py load_reference_data。") % {"set": gwp_set})]
    gases = set(version.values.values_list("gas", flat=True)) | {"CO2e"}
    doc_gas = {(f.code, f.version): f.fields.get("gas") for f in clean.factors}
    library_gas = dict(EmissionFactor.objects.filter(is_current=True).values_list("code", "gas"))
    problems = []
    for product in clean.products:
        for activity in product.activities:
            code, version_number = activity.factor_ref
            gas = doc_gas.get((code, version_number)) or library_gas.get(code)
            if gas and gas not in gases:
                problems.append(Problem(activity.location, _(
                    "排放因子 %(code)s 的温室气体 %(gas)s 在 %(set)s 中没有 GWP 值，无法折算为 CO₂e。")
                    % {"code": code, "gas": gas, "set": f"{gwp_set} v{version.version}"}))
    return problems


def _validate(doc: Document) -> tuple[CleanStudy | None, list[Problem]]:
    clean, problems = validate_document(doc, library_index())
    if clean is not None:
        problems = gwp_problems(doc, clean)
        if problems:
            clean = None
    return clean, problems


def _changes(obj, fields: dict) -> dict:
    """What importing `fields` would change on `obj` (empty values in a file change nothing)."""
    return {k: v for k, v in fields.items() if v and getattr(obj, k) != v}


def database_problems(clean: CleanStudy, *, user=None, where=None) -> list[Problem]:
    """What the document would change that may not change, checked against the database:
    a study sent for review moving to another company; a company or product that an issued
    study (or one under review) uses; and, when a user imports (web, API), changes to a
    company that is not theirs to change (footprint/access.py). Commands (user None) are
    refused the first two like everyone."""
    where = where or Document(data={}).where
    problems: list[Problem] = []
    name = clean.company["name"]
    existing = Study.objects.select_related("company").filter(
        report_number=clean.study["report_number"]).first()
    if existing is not None:
        moved = company_move_refusal(existing, name)
        if moved:
            problems.append(Problem(where("company", "name"), moved))
    company = Company.objects.filter(name=name).first()
    if company is None:
        return problems
    may_change = user is None or can_change_company(user, company)
    not_yours = _("您不是企业“%(company)s”任何报告的核查员，不能修改它的信息或产品。") % {"company": name}
    if _changes(company, clean.company):
        refusal = company_change_refusal(company)
        if refusal or not may_change:
            problems.append(Problem(where("company"), refusal or not_yours))
    products = {p.code: p for p in Product.objects.filter(company=company)}
    for index, cp in enumerate(clean.products):
        product = products.get(cp.code)
        if product is None:
            if not may_change:
                problems.append(Problem(where("products", index, "code"), not_yours))
            continue
        if _changes(product, cp.fields):
            refusal = product_change_refusal(product)
            if refusal or not may_change:
                problems.append(Problem(where("products", index), refusal or not_yours))
    return problems


def preview_document(doc: Document, *, user=None) -> ImportPreview:
    clean, problems = _validate(doc)
    if clean is not None:
        problems = database_problems(clean, user=user, where=doc.where)
        if problems:
            clean = None
    preview = ImportPreview(clean=clean, problems=problems)
    if clean is None:
        return preview
    preview.existing_study = Study.objects.filter(report_number=clean.study["report_number"]).first()
    company = Company.objects.filter(name=clean.company["name"]).first()
    preview.company_exists = company is not None
    existing_products = set(
        Product.objects.filter(company=company).values_list("code", flat=True) if company else []
    )
    preview.new_products = [p.code for p in clean.products if p.code not in existing_products]
    for f in clean.factors:
        (preview.reused_factors if _matching_factor(f) else preview.new_factors).append(f.code)
    return preview


def preview_file(name: str, content: bytes, *, user=None) -> ImportPreview:
    return preview_document(read_file(name, content), user=user)


_MATCH_FIELDS = ("unit", "gas", "year", "source", "ncv", "carbon_content")


def _matching_factor(f: CleanFactor) -> EmissionFactor | None:
    """The library version with the same numbers, unit, gas, year and source, if any (and no
    looser licence)."""
    qs = EmissionFactor.objects.filter(code=f.code)
    if f.version is not None:
        qs = qs.filter(version=f.version)
    for candidate in qs.order_by("-is_current", "-version"):
        same = all(getattr(candidate, k) == (f.fields[k] if f.fields[k] is not None else None)
                   for k in _MATCH_FIELDS)
        same = same and _same_decimal(candidate.value, f.fields["value"])
        same = same and _same_decimal(candidate.oxidation_rate, f.fields["oxidation_rate"])
        # A published uncertainty is part of the version: another one is another version.
        same = same and candidate.distribution == f.fields.get("distribution", "") and all(
            _same_decimal(getattr(candidate, k), f.fields.get(k)) for k in DISTRIBUTION_PARAMETERS)
        # A licence that forbids redistribution is never lost to a version that allows it: the
        # document's restriction makes another version (services/reference/licences.py).
        same = same and (f.fields.get("redistribution_allowed", True) or not candidate.redistribution_allowed)
        if same:
            return candidate
    return None


def _same_decimal(a: Decimal | None, b: Decimal | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return Decimal(a) == Decimal(b)


def _resolve_factor(f: CleanFactor) -> EmissionFactor:
    """Reuse an identical library factor, or add this one: as version 1 of a new code, or as a
    new (non-current) version of an existing code so the library's own values stay current."""
    match = _matching_factor(f)
    if match:
        return match
    existing = EmissionFactor.objects.filter(code=f.code)
    next_version = (max(existing.values_list("version", flat=True), default=0)) + 1
    if f.version is not None and not existing.filter(version=f.version).exists():
        next_version = max(next_version, f.version) if existing.exists() else f.version
    factor = EmissionFactor(code=f.code, version=next_version, is_current=not existing.exists(), **f.fields)
    factor.full_clean()
    factor.save()
    return factor


@transaction.atomic
def import_study(doc: Document, *, replace: bool = False, user=None) -> Study:
    """Validate `doc` and write the whole study, or raise and write nothing."""
    clean, problems = _validate(doc)
    if clean is None:
        raise ImportRejected(problems)
    return import_clean_study(clean, replace=replace, user=user, where=doc.where)


@transaction.atomic
def import_clean_study(clean: CleanStudy, *, replace: bool = False, user=None, where=None) -> Study:
    """Write a validated study. An auditor who imports it is assigned to it."""
    # One change of the study's data version for the thousands of rows written (and, when
    # replacing, deleted); bulk_create sends no signal, so the study is touched at the end.
    with data_version.batch():
        study = _write_clean_study(clean, replace=replace, user=user, where=where)
        data_version.touch_studies([study.pk])
    return study


def _write_clean_study(clean: CleanStudy, *, replace: bool, user, where) -> Study:
    number = clean.study["report_number"]
    study = Study.objects.select_for_update().filter(report_number=number).first()
    if study is not None and not replace:
        raise StudyExists(
            _("报告 %(number)s 已存在；如要用文件内容替换它，请使用 --replace（网页上选择“替换”）。")
            % {"number": number}
        )
    if study is not None:
        try:
            ensure_study_editable(study)
        except StudyFrozenError as exc:
            raise ImportRejected([Problem("report_number", str(exc))]) from exc
    problems = database_problems(clean, user=user, where=where)
    if problems:
        raise ImportRejected(problems)

    company, created = Company.objects.get_or_create(name=clean.company["name"])
    changes = _changes(company, clean.company)  # allowed: database_problems said so
    for key, value in changes.items():
        setattr(company, key, value)
    if created or changes:
        company.full_clean()
        company.save()

    study_fields = dict(clean.study)
    if study is None:
        study = Study(company=company, created_by=user if user and user.pk else None, **study_fields)
    else:
        for key, value in study_fields.items():
            setattr(study, key, value)
        study.company = company
        # Replacing: the old products, stages and activities go; the study row, its workflow
        # history and comments on the study stay.
        study.claims.all().delete()
        study.study_products.all().delete()
        study.team.all().delete()
    # Imported data is computed with the current edition of its GWP set (a draft).
    study.gwp_version = current_gwp_version(study.gwp_set)
    study.full_clean()
    study.save()

    factors_by_ref: dict[tuple[str, int | None], EmissionFactor] = {}
    for f in clean.factors:
        factors_by_ref[(f.code, f.version)] = _resolve_factor(f)
    library = {f.code: f for f in EmissionFactor.objects.filter(is_current=True)}

    activities: list[ActivityRecord] = []
    study_product_of: dict[str, StudyProduct] = {}
    for position, cp in enumerate(clean.products):
        product, _created = Product.objects.get_or_create(
            company=company, code=cp.code, defaults={k: v for k, v in cp.fields.items()}
        )
        changes = _changes(product, cp.fields)  # allowed: database_problems said so
        for key, value in changes.items():
            setattr(product, key, value)
        if changes:
            product.full_clean()
            product.save()
        sp = StudyProduct.objects.create(
            study=study, product=product, annual_output=cp.annual_output, position=position,
            **cp.pact,
        )
        study_product_of[cp.code] = sp
        stages = {
            s: LifecycleStage.objects.create(study_product=sp, stage=s, **cp.stages.get(s, {}))
            for s in STAGE_ORDER
        }
        for index, ca in enumerate(cp.activities):
            code, version = ca.factor_ref
            factor = factors_by_ref.get((code, version)) or library[code]
            activities.append(
                ActivityRecord(stage=stages[ca.stage], position=index, factor=factor, **ca.fields)
            )
    # bulk_create: one INSERT per batch instead of one per row (10,000-row studies);
    # history rows are written in bulk too, so the audit trail still has them.
    from simple_history.utils import bulk_create_with_history

    bulk_create_with_history(activities, ActivityRecord, batch_size=1000)
    for position, member in enumerate(clean.team):
        VerificationTeamMember.objects.create(study=study, position=position, **member)
    # Claims, like activities, were validated with the document (validation.CLAIM_RULES are the
    # model's check constraints): one INSERT for all instead of a full_clean() per claim, whose
    # foreign-key and constraint checks cost four queries each (59 claims in the seed report).
    claims = []
    for position, claim in enumerate(clean.claims):
        fields = dict(claim)
        code = fields.pop("product")
        claims.append(StudyClaim(study=study, position=position,
                                 study_product=study_product_of.get(code) if code else None, **fields))
    bulk_create_with_history(claims, StudyClaim, batch_size=1000)
    if user is not None and getattr(user, "role", None) == Role.AUDITOR:
        study.auditors.add(user)  # add() leaves an existing assignment as it is
    return study


def import_file(name: str, content: bytes, *, replace: bool = False, user=None) -> Study:
    return import_study(read_file(name, content), replace=replace, user=user)


# ------------------------------------------------------------------ uploads awaiting confirmation
# A browser cannot re-post a file, so the web import keeps the upload between the preview and
# the confirmation. Each is removed when it is confirmed or cancelled; the ones a user walks
# away from are removed after IMPORT_PENDING_MAX_AGE_HOURS (checked on every new upload, and
# by `manage.py cleanup_uploads`).
PENDING_DIR = "imports"


def pending_upload_store(*, name: str, content: bytes) -> str:
    """Keep an upload until it is confirmed; returns its storage path. Removes expired ones."""
    pending_uploads_cleanup()
    suffix = next((s for s in (".xlsx", ".csv") if name.lower().endswith(s)), ".json")
    return default_storage.save(f"{PENDING_DIR}/{uuid.uuid4().hex}{suffix}", ContentFile(content))


def pending_upload_delete(*, path: str) -> None:
    if path.startswith(f"{PENDING_DIR}/"):
        default_storage.delete(path)
        default_storage.delete(f"{path}.preview.json")  # a preview job's summary (preview_jobs.py)


def pending_uploads_cleanup(*, older_than: dt.timedelta | None = None) -> int:
    """Delete pending uploads older than `older_than` (default: the setting); how many."""
    if older_than is None:
        older_than = dt.timedelta(hours=settings.IMPORT_PENDING_MAX_AGE_HOURS)
    cutoff = timezone.now() - older_than
    try:
        _dirs, files = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return 0
    removed = 0
    for filename in files:
        path = f"{PENDING_DIR}/{filename}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
        except FileNotFoundError:  # removed by a concurrent request
            continue
    return removed
