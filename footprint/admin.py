"""Django admin for every model. Factors in use are never edited in place (new version)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import access
from .models import (
    ActivityRecord,
    Comment,
    Company,
    EmissionFactor,
    EvidenceFile,
    GwpSetVersion,
    GwpValue,
    LifecycleStage,
    Product,
    Study,
    StudyClaim,
    StudyProduct,
    StudyTransition,
    User,
    VerificationTeamMember,
)
from .services.entry.team import user_delete_refusal
from .services.evidence.storage import evidence_delete, evidence_deletion_refusal
from .services.formatting import value_decimals
from .services.freeze import (
    StudyFrozenError,
    company_change_refusal,
    ensure_study_editable,
    product_change_refusal,
    study_has_been_sent,
    study_is_editable,
)
from .services.reference import factors as factor_services


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "company", "is_active")
    list_filter = ("role", "company", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("角色与企业"), {"fields": ("role", "company", "organisation", "certificate_number")}),
    )

    # Who signed, approved or worked on a study is deactivated, never deleted: the delete
    # page (and the bulk action) lists why, in place of Django's list of protected rows.
    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        reasons = [r for r in (user_delete_refusal(u) for u in objs) if r]
        return deleted, counts, perms_needed, reasons or protected

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        reason = user_delete_refusal(obj) if obj is not None else ""
        if reason and request.method == "GET":
            messages.error(request, reason)
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        reason = user_delete_refusal(obj)
        if reason:
            raise PermissionDenied(reason)
        super().delete_model(request, obj)


def _per_request(request, key: tuple, compute):
    """`compute()` once per request for `key`: the admin asks for the same permission a dozen
    times while drawing one page, and each answer here costs queries. A write re-checks the
    stored row itself (save_model), so nothing is decided on a stale answer."""
    answers = request.__dict__.setdefault("_pcf_admin_answers", {})
    if key not in answers:
        answers[key] = compute()
    return answers[key]


class SharedRecordAdminMixin:
    """A company or product that an issued study (or one under review) uses is shown
    read-only with the reason (the issued studies named); any write is refused."""

    def _refusal(self, obj) -> str:
        raise NotImplementedError

    def _may_change(self, user, obj) -> bool:
        raise NotImplementedError

    def _refusal_in(self, request, obj) -> str:
        return _per_request(request, ("refusal", obj._meta.label, obj.pk), lambda: self._refusal(obj))

    def has_change_permission(self, request, obj=None):
        if obj is not None and (self._refusal_in(request, obj) or not _per_request(
                request, ("may change", obj._meta.label, obj.pk),
                lambda: self._may_change(request.user, obj))):
            return False
        return super().has_change_permission(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        reason = self._refusal_in(request, obj) if obj is not None else ""
        if reason and request.method == "GET":
            messages.warning(request, reason)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if change:
            stored = type(obj).objects.get(pk=obj.pk)  # the stored row, not the edited one
            reason = self._refusal(stored)
            if reason:
                raise PermissionDenied(reason)
        super().save_model(request, obj, form, change)


class ProductInline(admin.TabularInline):
    """The company's products; read-only (add, change, delete) while the company is held by
    an issued study or one under review, like the company itself."""

    model = Product
    extra = 0

    def _held(self, request, obj) -> bool:
        # the same answer as the company's own page (CompanyAdmin._refusal), asked once
        return obj is not None and obj.pk is not None and bool(_per_request(
            request, ("refusal", obj._meta.label, obj.pk), lambda: company_change_refusal(obj)))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._held(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._held(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._held(request, obj)


@admin.register(Company)
class CompanyAdmin(SharedRecordAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "contact_name", "contact_phone")
    search_fields = ("name", "credit_code")
    inlines = [ProductInline]

    def _refusal(self, obj) -> str:
        return company_change_refusal(obj)

    def _may_change(self, user, obj) -> bool:
        return access.can_change_company(user, obj)


@admin.register(Product)
class ProductAdmin(SharedRecordAdminMixin, SimpleHistoryAdmin):
    list_display = ("code", "name", "model", "functional_unit", "energy_using", "company")
    list_filter = ("company", "energy_using")
    search_fields = ("code", "name", "model")

    def _refusal(self, obj) -> str:
        return product_change_refusal(obj)

    def _may_change(self, user, obj) -> bool:
        return access.can_change_product(user, obj)


@admin.register(EmissionFactor)
class EmissionFactorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "version", "is_current", "name_zh", "value", "unit", "gas", "year", "region")
    list_filter = ("category", "gas", "region", "year", "is_current")
    search_fields = ("code", "name_zh", "name_en", "source")
    readonly_fields = ("family", "value_decimals", "derivation", "created_at")

    @admin.display(description=_("推导"))
    def derivation(self, obj):
        return factor_services.factor_derivation_text(obj) if obj.pk else ""

    def save_model(self, request, obj, form, change):
        # A factor that a study uses is never silently changed: save the edit as a new version.
        if change and obj.pk and factor_services.factor_is_used(obj.pk):
            new = factor_services.factor_revise(
                factor=EmissionFactor.objects.get(pk=obj.pk),
                changes={f: form.cleaned_data[f] for f in form.changed_data},
            )
            messages.info(
                request,
                _("该因子已被报告使用，修改已保存为新版本 v%(version)s。") % {"version": new.version},
            )
            obj.pk = new.pk
            obj.refresh_from_db()
            return
        if "value" in form.changed_data:
            # The decimals the value was typed with (0.5500 → 4), as the factor forms keep them.
            obj.value_decimals = value_decimals(obj.value) if obj.value is not None else None
        super().save_model(request, obj, form, change)


class GwpValueInline(admin.TabularInline):
    model = GwpValue
    extra = 0
    fields = ("gas", "value", "name", "notes")


@admin.register(GwpSetVersion)
class GwpSetVersionAdmin(SimpleHistoryAdmin):
    """GWP editions are reference data: one that a study uses is never edited or deleted. A
    correction is a new version (`load_reference_data` adds the shipped ones and moves the
    drafts to them)."""

    list_display = ("gwp_set", "version", "is_current", "source", "created_at")
    list_filter = ("gwp_set", "is_current")
    inlines = [GwpValueInline]

    def _in_use(self, obj) -> bool:
        return obj is not None and Study.objects.filter(gwp_version=obj).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._in_use(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._in_use(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and self._in_use(self.get_object(request, object_id)):
            messages.warning(request, _("有报告使用这一版次的 GWP 值，不能修改；更正请新建版次。"))
        return super().change_view(request, object_id, form_url, extra_context)


class FrozenStudyAdminMixin:
    """Refuses changes to anything belonging to a study that is issued (frozen) or under review
    (locked): such rows show read-only with the reason, and any write is refused."""

    def _study_of(self, obj):
        raise NotImplementedError

    def _refusal(self, obj) -> str:
        study = self._study_of(obj) if obj is not None else None
        if study is None:
            return ""
        try:
            ensure_study_editable(study)
        except StudyFrozenError as exc:
            return str(exc)
        return ""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._refusal(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._refusal(obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        reason = self._refusal(obj)
        if reason and request.method == "GET":
            messages.warning(request, reason)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        self._guard(obj)
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        self._guard(obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._guard(obj)
        super().delete_queryset(request, queryset)

    def _guard(self, obj):
        reason = self._refusal(obj)
        if reason:
            raise PermissionDenied(reason)


class _StudyChildInline:
    """Inlines of a frozen or locked study are read-only like the study itself."""

    def _locked(self, request, obj) -> bool:
        if obj is None or obj.pk is None:
            return False
        return _per_request(request, ("locked", obj.pk),
                            lambda: not study_is_editable(Study.objects.get(pk=obj.pk)))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(request, obj)


class StudyProductInline(_StudyChildInline, admin.TabularInline):
    model = StudyProduct
    extra = 0


class TeamInline(_StudyChildInline, admin.TabularInline):
    model = VerificationTeamMember
    extra = 0


class ClaimInline(_StudyChildInline, admin.TabularInline):
    model = StudyClaim
    extra = 0
    fields = ("position", "level", "study_product", "stage", "factor_code", "value", "decimals",
              "unit", "place", "note")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A claim names a product of its own study. Each row's list of them is labelled
        # "number / code": read with the study and product, not two queries per option and row
        # (the seed's 59 claims made the page 490 queries and 1.6 s).
        if db_field.name == "study_product":
            products = StudyProduct.objects.select_related("study", "product")
            match = request.resolver_match
            study_id = unquote(match.kwargs.get("object_id") or "") if match else ""
            if study_id.isdigit():
                products = products.filter(study_id=int(study_id))
            kwargs["queryset"] = products
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Study)
class StudyAdmin(FrozenStudyAdminMixin, SimpleHistoryAdmin):
    list_display = ("report_number", "title", "company", "status", "gwp_set", "boundary", "updated_at")
    list_filter = ("status", "gwp_set", "boundary", "language")
    search_fields = ("report_number", "title", "company__name")
    filter_horizontal = ("auditors",)
    inlines = [StudyProductInline, TeamInline, ClaimInline]
    # The workflow owns these: status changes only through its transitions (recorded, checked
    # by role), issuing fields only through signing.
    readonly_fields = (
        "status", "revision", "supersedes", "sent_to_client_at", "issue_date", "issued_at",
        "verification_code", "issued_pdf", "issued_sha256", "issued_snapshot",
        "issued_alt_language", "issued_alt_pdf", "issued_alt_sha256",
    )

    def _study_of(self, obj):
        if obj.pk is None:
            return None
        return Study.objects.get(pk=obj.pk)  # the stored status, not the edited one

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Once sent for review a study belongs to its company for good.
        if obj is not None and obj.pk is not None and study_has_been_sent(obj):
            fields = (*fields, "company")
        return fields


@admin.register(StudyProduct)
class StudyProductAdmin(FrozenStudyAdminMixin, SimpleHistoryAdmin):
    list_display = ("study", "product", "annual_output")

    def _study_of(self, obj):
        return obj.study


@admin.register(LifecycleStage)
class LifecycleStageAdmin(FrozenStudyAdminMixin, SimpleHistoryAdmin):
    list_display = ("study_product", "stage")
    list_filter = ("stage",)

    def _study_of(self, obj):
        return obj.study_product.study


@admin.register(ActivityRecord)
class ActivityRecordAdmin(FrozenStudyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "stage", "quantity", "unit", "factor", "allocation", "data_type")
    list_filter = ("data_type", "basis", "stage__stage")
    search_fields = ("name", "stage__study_product__study__report_number")
    raw_id_fields = ("stage", "factor")

    def _study_of(self, obj):
        return obj.stage.study_product.study


@admin.register(EvidenceFile)
class EvidenceFileAdmin(FrozenStudyAdminMixin, SimpleHistoryAdmin):
    """Read-only: files come in through the upload service only (its content checks, size
    limits and hash: services/evidence/storage.py). An administrator may delete one of a study
    that can still change, and not a file a figure is verified against."""

    list_display = ("original_name", "study", "activity", "kind", "size", "sha256", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    search_fields = ("original_name", "sha256", "study__report_number")
    list_select_related = ("study", "activity", "uploaded_by")

    def _study_of(self, obj):
        return obj.study

    def _refusal(self, obj) -> str:
        return super()._refusal(obj) or (evidence_deletion_refusal(obj) if obj is not None else "")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_model(self, request, obj):
        self._guard(obj)
        evidence_delete(evidence=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._guard(obj)
        for obj in queryset:
            evidence_delete(evidence=obj)


@admin.register(VerificationTeamMember)
class VerificationTeamMemberAdmin(FrozenStudyAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "organisation", "certificate_number", "study")

    def _study_of(self, obj):
        return obj.study


@admin.register(StudyClaim)
class StudyClaimAdmin(FrozenStudyAdminMixin, SimpleHistoryAdmin):
    list_display = ("study", "place", "level", "study_product", "stage", "factor_code", "value", "unit")
    # a study product names its study and product: without these, three queries a row
    list_select_related = ("study", "study_product__study", "study_product__product")
    list_filter = ("level",)
    search_fields = ("study__report_number", "place", "factor_code")

    def _study_of(self, obj):
        return obj.study


@admin.register(StudyTransition)
class StudyTransitionAdmin(admin.ModelAdmin):
    """The workflow's record: read-only, never added or removed by hand."""

    list_display = ("study", "from_status", "to_status", "user", "created_at")
    readonly_fields = ("study", "from_status", "to_status", "user", "comment", "created_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("study", "activity", "author", "resolved", "created_at")
    list_filter = ("resolved",)
    raw_id_fields = ("activity",)

    def _frozen(self, obj) -> bool:
        return obj is not None and obj.study.is_frozen

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


# ------------------------------------------------------------------ login lockouts (axes)
# Axes' own admin lists the failed attempts (username, address, path, count, locked or not);
# this adds the administrator's unlock: removing the attempts of the selected pairs.
from axes.admin import AccessAttemptAdmin  # noqa: E402
from axes.models import AccessAttempt  # noqa: E402

admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    actions = ["unlock", *AccessAttemptAdmin.actions]

    @admin.action(description=_("解除锁定（删除所选的失败记录）"), permissions=["delete"])
    def unlock(self, request, queryset):
        count = queryset.count()
        queryset.delete()
        self.message_user(request, _("已解除 %(count)d 个锁定。") % {"count": count}, messages.SUCCESS)


from . import admin_pact  # noqa: E402, F401  (the PACT data exchange's admin)
