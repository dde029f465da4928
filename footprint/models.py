"""The data of a product carbon footprint study.

Company → Product; Study (the report) → StudyProduct (a product in a study, with its annual
output) → LifecycleStage (six per product) → ActivityRecord → EmissionFactor (versioned).
Numbers are never stored as results: the calculation service recomputes them from these rows.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from .choices import (
    FROZEN_STATUSES,
    PEDIGREE_SCORES,
    Basis,
    Boundary,
    ClaimLevel,
    DataRequestStatus,
    DataRowStatus,
    DataType,
    DistributionKind,
    EvidenceKind,
    FactorCategory,
    Gas,
    GwpSet,
    JobKind,
    JobStatus,
    Language,
    NoticeKind,
    Role,
    Stage,
    StudyStatus,
    VerificationStatus,
)
from .validators import validate_not_dot_segment


class User(AbstractUser):
    """A person using the application; `role` decides what they may do, `company` what a
    company contact may see."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.AUDITOR)
    company = models.ForeignKey(
        "Company",
        verbose_name=_("所属企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contacts",
        help_text=_("仅企业联系人需要：只能看到本企业的报告。"),
    )
    organisation = models.CharField(_("工作单位"), max_length=200, blank=True)
    certificate_number = models.CharField(_("核查员证书号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = pgettext_lazy("plural", "用户")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=Role.COMPANY_CONTACT) | Q(company__isnull=False),
                name="user_contact_has_company",
                violation_error_message=_("企业联系人必须属于一个企业。"),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


credit_code_validator = RegexValidator(
    r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    _("统一社会信用代码应为 18 位数字或大写字母。"),
)


class Company(models.Model):
    """The manufacturer whose products are studied."""

    name = models.CharField(_("企业名称"), max_length=200, unique=True)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[credit_code_validator]
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=100, blank=True)
    contact_name = models.CharField(_("授权人（联系人）"), max_length=100, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=50, blank=True)
    overview = models.TextField(_("企业概况"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = pgettext_lazy("plural", "企业")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """A product of a company, with the functional unit its footprint is expressed per."""

    company = models.ForeignKey(
        Company, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="products"
    )
    code = models.CharField(
        _("产品代码"),
        max_length=40,
        validators=[
            RegexValidator(r"^[A-Za-z0-9_.-]+$", _("只能包含字母、数字、点、下划线和连字符。")),
            validate_not_dot_segment,
        ],
    )
    name = models.CharField(_("产品名称"), max_length=200)
    model = models.CharField(_("型号规格"), max_length=200, blank=True)
    functional_unit = models.CharField(_("功能单位"), max_length=100, default="1 台")
    description = models.TextField(_("产品描述"), blank=True)
    # Drives the use-stage check: leaving out the use stage of such a product makes its
    # result a partial CFP (ISO 14067:2018, 3.1.1.2).
    energy_using = models.BooleanField(
        _("使用阶段耗能"), default=False,
        help_text=_("产品在使用中消耗能源，例如有运行损耗的电气设备。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("产品")
        verbose_name_plural = pgettext_lazy("plural", "产品")
        ordering = ["company__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="product_code_unique_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


_YEAR_SUFFIX = re.compile(r"-(19|20)\d\d$")


def factor_family(code: str) -> str:
    """The family of a factor code: the code without a trailing year (CN-GRID-2022 → CN-GRID),
    so that two years of the same factor in one study can be noticed."""
    return _YEAR_SUFFIX.sub("", code)


def factor_search_text():
    """What the library's search box looks in: UPPER(code ‖ name_zh ‖ name_en), one expression,
    so that PostgreSQL answers `LIKE '%…%'` from one trigram index on exactly this expression
    (migration 0016_factor_library builds it from this function; selectors.factor_search
    filters on it). Change both together, or the index stops being used."""
    from django.db.models.functions import Concat, Upper

    return Upper(Concat("code", models.Value(" "), "name_zh", models.Value(" "), "name_en",
                        output_field=models.TextField()))


class EmissionFactor(models.Model):
    """A published emission factor: mass of `gas` per unit of activity, with its provenance.

    Either `value` is given, or it is derived from a fuel's net calorific value × carbon content
    × oxidation rate × 44/12. A factor used by a study is never edited in place: a change
    creates a new `version` with the same code (see services.reference.factors.factor_revise).
    """

    code = models.CharField(
        _("因子代码"),
        max_length=64,
        validators=[RegexValidator(r"^[A-Za-z0-9_.-]+$", _("只能包含字母、数字、点、下划线和连字符。"))],
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    family = models.CharField(_("因子族"), max_length=64, blank=True, db_index=True)
    is_current = models.BooleanField(_("当前版本"), default=True)
    name_zh = models.CharField(_("中文名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    category = models.CharField(
        _("类别"), max_length=20, choices=FactorCategory.choices, default=FactorCategory.OTHER
    )
    value = models.DecimalField(
        _("因子值"), max_digits=24, decimal_places=10, null=True, blank=True
    )
    # The column pads to ten decimals; the printed value keeps the decimals it was published
    # with (0.5500 stays 0.5500, docs/numbers.md). None for a derived factor.
    value_decimals = models.PositiveSmallIntegerField(
        _("因子值小数位数"), null=True, blank=True,
        help_text=_("因子值发布时的小数位数，例如 0.5500 为 4；打印时保留这些位数。"),
    )
    # Fuel derivation, kept as quantities with units (e.g. "43.330 GJ/t", "20.20 t/TJ").
    ncv = models.CharField(_("低位发热量"), max_length=50, blank=True)
    carbon_content = models.CharField(_("单位热值含碳量"), max_length=50, blank=True)
    oxidation_rate = models.DecimalField(
        _("碳氧化率"), max_digits=8, decimal_places=6, null=True, blank=True
    )
    unit = models.CharField(
        _("单位"), max_length=40, help_text=_("温室气体质量 / 活动单位，例如 kg/kWh、kg/(t*km)。")
    )
    gas = models.CharField(_("温室气体"), max_length=12, choices=Gas.choices, default=Gas.CO2)
    year = models.PositiveIntegerField(_("数据年份"), null=True, blank=True)
    region = models.CharField(_("地区"), max_length=40, blank=True)
    source = models.TextField(_("来源"))
    published = models.CharField(_("发布日期"), max_length=20, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # The terms of the database the factor comes from (CLCD, ecoinvent extracts, supplier EPDs):
    # printed with the source in a study's factor table. A factor whose licence forbids
    # redistribution is printed with its value and source only (reports/chapters/data_collection.py).
    licence_note = models.TextField(_("许可说明"), blank=True)
    redistribution_allowed = models.BooleanField(
        _("允许在报告中完整转载"), default=True,
        help_text=_("不勾选：许可不允许转载该因子的详细信息，报告只打印因子值和来源。"),
    )
    # The uncertainty its source publishes, if any (blank: the basic uncertainty of its gas,
    # docs/uncertainty.md). Parameters in the factor's own unit, as for an activity.
    distribution = models.CharField(
        _("不确定性分布"), max_length=12, choices=DistributionKind.choices, blank=True)
    distribution_gsd2 = models.DecimalField(
        _("几何标准差平方 GSD²"), max_digits=12, decimal_places=6, null=True, blank=True)
    distribution_sd = models.DecimalField(
        _("标准差"), max_digits=24, decimal_places=10, null=True, blank=True)
    distribution_low = models.DecimalField(
        _("下限"), max_digits=24, decimal_places=10, null=True, blank=True)
    distribution_high = models.DecimalField(
        _("上限"), max_digits=24, decimal_places=10, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("排放因子")
        verbose_name_plural = pgettext_lazy("plural", "排放因子")
        ordering = ["code", "-version"]
        # The library's list and filters over tens of thousands of factors (bench/factor_library.py);
        # name search on PostgreSQL also has trigram indexes (migration 0016_factor_library).
        indexes = [
            # the list's order over current versions: read in index order, a page stops after
            # its 50 rows (also a deep page: no sort of the whole library)
            models.Index(fields=["category", "code", "-version"], name="factor_list_order",
                         condition=Q(is_current=True)),
            models.Index(fields=["region"], name="factor_region"),
            models.Index(fields=["year"], name="factor_year"),
            models.Index(fields=["gas"], name="factor_gas"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="factor_code_version_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=False)
                | (~Q(ncv="") & ~Q(carbon_content="") & Q(oxidation_rate__isnull=False)),
                name="factor_has_value_or_derivation",
                violation_error_message=_("排放因子需要因子值，或低位发热量、含碳量和氧化率。"),
            ),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="factor_value_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(oxidation_rate__isnull=True)
                | (Q(oxidation_rate__gt=0) & Q(oxidation_rate__lte=1)),
                name="factor_oxidation_rate_in_0_1",
            ),
        ]

    def __str__(self) -> str:
        suffix = f" v{self.version}" if self.version > 1 else ""
        return f"{self.code}{suffix} {self.name_zh}"

    def save(self, *args, **kwargs):
        if not self.family:
            self.family = factor_family(self.code)
        if self.value is None:
            self.value_decimals = None
        elif self.value_decimals is None:
            # A path that did not say how the value was written (the services all do): its
            # significant decimals, never the column's padding.
            from .services.formatting import normalised_decimals

            self.value_decimals = normalised_decimals(self.value)
        super().save(*args, **kwargs)

    @property
    def is_derived(self) -> bool:
        return self.value is None

    @property
    def key(self) -> str:
        """Identifies one version of a factor in calculation inputs."""
        return f"{self.code}@{self.version}"



class GwpSetVersion(models.Model):
    """One edition of an IPCC set of 100-year GWP values (AR4, AR5, AR6).

    GWP values are reference data like factors: an edition is never edited in place once a
    study uses it. A correction is a new version with its reason; issued studies keep the
    version they were computed with, drafts move to the new one (services/reference/loading.py).
    """

    gwp_set = models.CharField(_("GWP 版本"), max_length=3, choices=GwpSet.choices)
    version = models.PositiveIntegerField(_("版次"), default=1)
    source = models.TextField(_("来源表"), help_text=_("所依据的 IPCC 报告表格。"))
    reason = models.TextField(_("修订原因"), blank=True)
    reason_en = models.TextField(_("修订原因（英文）"), blank=True)
    is_current = models.BooleanField(_("当前版次"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("GWP 值版次")
        verbose_name_plural = pgettext_lazy("plural", "GWP 值版次")
        ordering = ["gwp_set", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["gwp_set", "version"], name="gwp_set_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.gwp_set} v{self.version}"

    def reason_in(self, language: str | None) -> str:
        """The reason in the page's language (shipped editions carry both)."""
        if language and not language.startswith("zh") and self.reason_en:
            return self.reason_en
        return self.reason


class GwpValue(models.Model):
    """100-year global warming potential of a gas in one edition of an IPCC set."""

    set_version = models.ForeignKey(
        GwpSetVersion, verbose_name=_("GWP 值版次"), on_delete=models.PROTECT, related_name="values"
    )
    gas = models.CharField(_("温室气体"), max_length=12, choices=Gas.choices)
    value = models.DecimalField(_("GWP 值"), max_digits=12, decimal_places=3)
    name = models.CharField(_("名称"), max_length=100, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("全球变暖潜势 (GWP)")
        verbose_name_plural = pgettext_lazy("plural", "全球变暖潜势 (GWP)")
        ordering = ["set_version", "gas"]
        constraints = [
            models.UniqueConstraint(fields=["set_version", "gas"], name="gwp_version_gas_unique"),
            models.CheckConstraint(condition=Q(value__gt=0), name="gwp_value_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.gas} {self.set_version} = {self.value}"


class StudyGwpChange(models.Model):
    """A study moved from one GWP edition to a corrected one (drafts follow corrections)."""

    study = models.ForeignKey("Study", on_delete=models.CASCADE, related_name="gwp_changes")
    from_version = models.ForeignKey(
        GwpSetVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("原版次")
    )
    to_version = models.ForeignKey(
        GwpSetVersion, on_delete=models.PROTECT, related_name="+", verbose_name=_("新版次")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("GWP 版次变更")
        verbose_name_plural = pgettext_lazy("plural", "GWP 版次变更")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.study_id}: {self.from_version} → {self.to_version}"


def _default_standards() -> list[str]:
    return ["GB/T 24067-2024/ISO 14067:2018"]


class Study(models.Model):
    """One carbon footprint study and the report issued from it."""

    report_number = models.CharField(
        _("报告编号"),
        max_length=64,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Za-z0-9_.-]+$", _("只能包含字母、数字、点、下划线和连字符。")),
            validate_not_dot_segment,
        ],
    )
    revision = models.PositiveIntegerField(_("修订版次"), default=0)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("替代的报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    title = models.CharField(_("报告标题"), max_length=300)
    language = models.CharField(
        _("报告语言"), max_length=8, choices=Language.choices, default=Language.ZH_HANS
    )
    standards = models.JSONField(_("核算和报告依据"), default=_default_standards)
    period_start = models.DateField(_("报告期开始"))
    period_end = models.DateField(_("报告期结束"))
    gwp_set = models.CharField(_("GWP 版本"), max_length=3, choices=GwpSet.choices, default=GwpSet.AR6)
    # The edition of the set the numbers are computed with: pinned, so that a correction
    # of reference data never changes an issued study (services/reference/loading.py).
    gwp_version = models.ForeignKey(
        GwpSetVersion,
        verbose_name=_("GWP 值版次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="studies",
    )
    boundary = models.CharField(
        _("系统边界"), max_length=20, choices=Boundary.choices, default=Boundary.CRADLE_TO_GRAVE
    )
    company = models.ForeignKey(
        Company, verbose_name=_("企业"), on_delete=models.PROTECT, related_name="studies"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=StudyStatus.choices, default=StudyStatus.DRAFT
    )

    # Narrative sections of the report; empty means "use our default paragraph".
    purpose = models.TextField(_("评价目的"), blank=True)
    product_function = models.TextField(_("产品功能"), blank=True)
    process_flow = models.TextField(_("工艺流程"), blank=True)
    allocation = models.TextField(_("分配原则"), blank=True)
    cut_off = models.TextField(_("取舍准则"), blank=True)
    assumptions = models.TextField(_("假设和限制"), blank=True)
    data_quality = models.TextField(_("数据质量"), blank=True)
    uncertainty = models.TextField(_("不确定性"), blank=True)
    improvements = models.TextField(_("改进建议"), blank=True)

    # The study's own text in other report languages (services/report_prose/translation.py):
    # {"en": {"texts": {section: text}, "terms": {text as entered: translation}}}.
    translations = models.JSONField(_("报告译文"), default=dict, blank=True)

    certification_body = models.CharField(_("认证机构"), max_length=200, blank=True)
    auditors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查员"),
        blank=True,
        related_name="assigned_studies",
    )
    lead_verifier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("技术负责人"),
        null=True,
        blank=True,
        # Who signed, approved or did the work stays named: such users are deactivated,
        # never deleted (the admin says why).
        on_delete=models.PROTECT,
        related_name="led_studies",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="created_studies",
    )
    sent_to_client_at = models.DateTimeField(_("发送企业审阅时间"), null=True, blank=True)
    issue_date = models.DateField(_("签发日期"), null=True, blank=True)
    issued_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    verification_code = models.CharField(
        _("验证码"), max_length=40, unique=True, null=True, blank=True
    )
    issued_pdf = models.FileField(_("签发的 PDF"), upload_to="issued/", blank=True)
    issued_sha256 = models.CharField(_("签发文件 SHA-256"), max_length=64, blank=True)
    issued_snapshot = models.JSONField(_("签发时的数据快照"), null=True, blank=True)
    # The same report signed in the study's other language (English for a Chinese study), in
    # the same issuing step, when that language's wording was complete
    # (services/workflow/issuing.py). Empty for a study issued in one language.
    issued_alt_language = models.CharField(
        _("另一语言签发文件的语言"), max_length=8, choices=Language.choices, blank=True
    )
    issued_alt_pdf = models.FileField(_("另一语言签发的 PDF"), upload_to="issued/", blank=True)
    issued_alt_sha256 = models.CharField(_("另一语言签发文件 SHA-256"), max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("碳足迹报告")
        verbose_name_plural = pgettext_lazy("plural", "碳足迹报告")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="study_period_end_after_start",
                violation_error_message=_("报告期结束日期不能早于开始日期。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_number} {self.title}"

    @property
    def is_frozen(self) -> bool:
        return self.status in FROZEN_STATUSES


class StudyProduct(models.Model):
    """A product within a study, with its output over the reference period."""

    study = models.ForeignKey(
        Study, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="study_products"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("产品"), on_delete=models.PROTECT, related_name="study_products"
    )
    annual_output = models.DecimalField(
        _("报告期产量"),
        max_digits=24,
        decimal_places=6,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("报告期内生产的功能单位数量。"),
    )
    position = models.PositiveIntegerField(default=0)
    # What a PACT ProductFootprint requires and the calculation does not yield (docs/pact.md):
    # empty means unknown, and no footprint is published for the product until it is known.
    mass_per_unit_kg = models.DecimalField(
        _("单位产品质量 (kg)"), max_digits=18, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("每个功能单位的产品质量（不含包装）。"),
    )
    fossil_carbon_kg = models.DecimalField(
        _("化石碳含量 (kgC)"), max_digits=18, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("每个功能单位产品中化石来源碳的质量。"),
    )
    biogenic_carbon_kg = models.DecimalField(
        _("生物碳含量 (kgC)"), max_digits=18, decimal_places=6, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("每个功能单位产品中生物来源碳的质量。"),
    )
    exempted_emissions_pct = models.DecimalField(
        _("取舍排除的排放占比 (%)"), max_digits=7, decimal_places=3, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("按取舍准则排除的过程估计占产品碳足迹的百分比。"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("报告中的产品")
        verbose_name_plural = pgettext_lazy("plural", "报告中的产品")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["study", "product"], name="study_product_unique"),
            models.CheckConstraint(
                condition=Q(annual_output__gte=0), name="study_product_output_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.study.report_number} / {self.product.code}"


class LifecycleStage(models.Model):
    """One of the six lifecycle stages of a product in a study, with its boundary."""

    study_product = models.ForeignKey(
        StudyProduct, verbose_name=_("报告中的产品"), on_delete=models.CASCADE, related_name="stages"
    )
    stage = models.CharField(_("生命周期阶段"), max_length=30, choices=Stage.choices)
    included = models.TextField(_("包含的过程"), blank=True)
    excluded = models.TextField(_("未包含的过程"), blank=True)
    exclusion_reason = models.TextField(
        _("排除理由"), blank=True, help_text=_("该阶段无活动数据时，说明为何排除。")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("生命周期阶段")
        verbose_name_plural = pgettext_lazy("plural", "生命周期阶段")
        constraints = [
            models.UniqueConstraint(fields=["study_product", "stage"], name="stage_unique_per_product")
        ]

    def __str__(self) -> str:
        return f"{self.study_product} / {self.get_stage_display()}"


class ActivityRecord(models.Model):
    """A quantity of activity (energy, fuel, material, transport…) and the factor that turns
    it into emissions."""

    stage = models.ForeignKey(
        LifecycleStage, verbose_name=_("生命周期阶段"), on_delete=models.CASCADE, related_name="activities"
    )
    position = models.PositiveIntegerField(default=0, db_index=True)
    name = models.CharField(_("活动名称"), max_length=200)
    quantity = models.DecimalField(_("活动数据"), max_digits=28, decimal_places=9)
    unit = models.CharField(_("单位"), max_length=40)
    basis = models.CharField(
        _("数据基准"), max_length=20, choices=Basis.choices, default=Basis.ANNUAL_TOTAL
    )
    allocation = models.DecimalField(
        _("分配比例"), max_digits=9, decimal_places=8, default=Decimal("1")
    )
    factor = models.ForeignKey(
        EmissionFactor, verbose_name=_("排放因子"), on_delete=models.PROTECT, related_name="activities"
    )
    data_type = models.CharField(
        _("数据类型"), max_length=10, choices=DataType.choices, default=DataType.PRIMARY
    )
    source = models.CharField(_("数据来源"), max_length=300, blank=True)
    claimed_kgco2e_per_unit = models.DecimalField(
        _("原报告声明值 (kgCO₂e/功能单位)"), max_digits=24, decimal_places=9, null=True, blank=True
    )
    uncertainty_pct = models.DecimalField(
        _("不确定性 (%)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    # The quantity's distribution, in its own unit (docs/uncertainty.md); it takes precedence
    # over uncertainty_pct. Lognormal: GSD², the entered quantity is the median; normal: SD;
    # triangular: low and high, the quantity is the mode; uniform: low and high.
    distribution = models.CharField(
        _("不确定性分布"), max_length=12, choices=DistributionKind.choices, blank=True)
    distribution_gsd2 = models.DecimalField(
        _("几何标准差平方 GSD²"), max_digits=12, decimal_places=6, null=True, blank=True)
    distribution_sd = models.DecimalField(
        _("标准差"), max_digits=28, decimal_places=9, null=True, blank=True)
    distribution_low = models.DecimalField(
        _("下限"), max_digits=28, decimal_places=9, null=True, blank=True)
    distribution_high = models.DecimalField(
        _("上限"), max_digits=28, decimal_places=9, null=True, blank=True)
    # Data-quality ratings (pedigree matrix, 1 best … 5 worst): without an entered distribution
    # or ±%, they give the quantity's lognormal spread.
    dq_reliability = models.PositiveSmallIntegerField(
        _("可靠性"), choices=PEDIGREE_SCORES, null=True, blank=True)
    dq_completeness = models.PositiveSmallIntegerField(
        _("完整性"), choices=PEDIGREE_SCORES, null=True, blank=True)
    dq_temporal = models.PositiveSmallIntegerField(
        _("时间相关性"), choices=PEDIGREE_SCORES, null=True, blank=True)
    dq_geographical = models.PositiveSmallIntegerField(
        _("地理相关性"), choices=PEDIGREE_SCORES, null=True, blank=True)
    dq_technological = models.PositiveSmallIntegerField(
        _("技术相关性"), choices=PEDIGREE_SCORES, null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)
    # How the auditor checked the figure (docs/evidence.md); "verified" names its evidence.
    verification = models.CharField(
        _("核实状态"), max_length=20, choices=VerificationStatus.choices,
        default=VerificationStatus.NOT_VERIFIED)
    verified_evidence = models.ForeignKey(
        "EvidenceFile", verbose_name=_("核实依据"), null=True, blank=True,
        # A file that verifies a figure is not deleted under it (the status changes first);
        # deleting the whole study takes both.
        on_delete=models.RESTRICT, related_name="verified_activities")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("活动数据")
        verbose_name_plural = pgettext_lazy("plural", "活动数据")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0),
                name="activity_quantity_non_negative",
                violation_error_message=_("活动数据不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(allocation__gt=0) & Q(allocation__lte=1),
                name="activity_allocation_in_0_1",
                violation_error_message=_("分配比例必须大于 0 且不超过 1。"),
            ),
            models.CheckConstraint(
                condition=Q(uncertainty_pct__isnull=True) | Q(uncertainty_pct__gte=0),
                name="activity_uncertainty_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(distribution_gsd2__isnull=True) | Q(distribution_gsd2__gte=1),
                name="activity_distribution_gsd2_at_least_1",
                violation_error_message=_("GSD² 不能小于 1。"),
            ),
            models.CheckConstraint(
                condition=Q(verification="verified", verified_evidence__isnull=False)
                | (~Q(verification="verified") & Q(verified_evidence__isnull=True)),
                name="activity_verified_names_its_evidence",
                violation_error_message=_("“已对照证据核实”需要选择证据文件；其他核实状态不关联文件。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.quantity} {self.unit}"


def evidence_upload_to(instance: EvidenceFile, filename: str) -> str:
    """A name the service builds (never the uploaded name): evidence/<study id>/<uuid>.<ext>."""
    return f"evidence/{instance.study_id}/{filename}"


class EvidenceFile(models.Model):
    """A file that supports a study's data (a bill, an invoice, a bill of materials, a waybill,
    a meter photo), attached to the study or to one of its activities. Stored through Django's
    storage API under a generated name; its type is read from the content
    (services/evidence/storage.py) and it is only ever served as a download."""

    study = models.ForeignKey(
        Study, verbose_name=_("报告"), on_delete=models.CASCADE, related_name="evidence_files")
    activity = models.ForeignKey(
        ActivityRecord, verbose_name=_("活动数据"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="evidence_files")
    original_name = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("文件"), upload_to=evidence_upload_to, max_length=255)
    kind = models.CharField(_("文件类型"), max_length=8, choices=EvidenceKind.choices)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    description = models.CharField(_("说明"), max_length=300, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="uploaded_evidence")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("证据文件")
        verbose_name_plural = pgettext_lazy("plural", "证据文件")
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in EvidenceKind]),
                                   name="evidence_kind_known"),
        ]

    def __str__(self) -> str:
        return self.original_name


class StudyClaim(models.Model):
    """A figure the source report prints: a product total, a stage total, a stage's share or a
    stated factor value, with where it is printed. Like `ActivityRecord.claimed_kgco2e_per_unit`
    it is never used as a result, only checked against the recomputation and against the
    report's other figures (services/calculation/study.py, checks `claims_conflict`, …)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="claims")
    level = models.CharField(_("声明类型"), max_length=10, choices=ClaimLevel.choices)
    study_product = models.ForeignKey(
        StudyProduct, verbose_name=_("报告中的产品"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="claims",
    )
    stage = models.CharField(_("生命周期阶段"), max_length=30, choices=Stage.choices, blank=True)
    factor_code = models.CharField(_("因子代码"), max_length=64, blank=True)
    value = models.DecimalField(_("声明值"), max_digits=28, decimal_places=12)
    # The decimals the report printed: 24.160 is not 24.16 (half a unit of the last printed
    # decimal is the rounding a printed figure may carry).
    decimals = models.PositiveSmallIntegerField(_("印出的小数位数"), default=3)
    unit = models.CharField(_("单位（原样）"), max_length=40)
    place = models.CharField(_("出处"), max_length=100, help_text=_("原报告中的位置，例如“摘要”“表 5.2-2”。"))
    note = models.TextField(_("备注"), blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("原报告声明值")
        verbose_name_plural = pgettext_lazy("plural", "原报告声明值")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(level__in=["product", "stage", "share"]) & Q(study_product__isnull=False))
                | (Q(level="factor") & ~Q(factor_code="")),
                name="claim_has_its_subject",
                violation_error_message=_("产品、阶段和占比声明需要产品；因子声明需要因子代码。"),
            ),
            models.CheckConstraint(
                condition=Q(level__in=["product", "factor"]) | ~Q(stage=""),
                name="claim_stage_given",
                violation_error_message=_("阶段和占比声明需要生命周期阶段。"),
            ),
        ]

    def __str__(self) -> str:
        # The stage and level by their names in the active language (the admin's row headings)
        subject = self.factor_code or (self.get_stage_display() if self.stage else self.get_level_display())
        return f"{self.place}: {subject} = {self.printed_value} {self.unit}"

    @property
    def printed_value(self) -> str:
        """The value as the report printed it (with its trailing zeros)."""
        return f"{self.value:.{self.decimals}f}"


class VerificationTeamMember(models.Model):
    """A member of the verification team, printed in the report's annex."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="team")
    name = models.CharField(_("姓名"), max_length=100)
    organisation = models.CharField(_("工作单位"), max_length=200, blank=True)
    certificate_number = models.CharField(_("证书号"), max_length=100, blank=True)
    role = models.CharField(_("组内职务"), max_length=50, blank=True)
    position = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("核查组成员")
        verbose_name_plural = pgettext_lazy("plural", "核查组成员")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class StudyTransition(models.Model):
    """A change of a study's workflow status, who made it and why."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=StudyStatus.choices)
    to_status = models.CharField(max_length=20, choices=StudyStatus.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("状态变更")
        verbose_name_plural = pgettext_lazy("plural", "状态变更")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.study_id}: {self.from_status} → {self.to_status}"


class Comment(models.Model):
    """A review comment on a study or on one of its activity records."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="comments")
    activity = models.ForeignKey(
        ActivityRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT)
    text = models.TextField(_("意见"))
    resolved = models.BooleanField(_("已解决"), default=False)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolved_comments",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审阅意见")
        verbose_name_plural = pgettext_lazy("plural", "审阅意见")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class PactFootprint(models.Model):
    """The PACT ProductFootprint id of a product of an issued study: made once, when the study
    is issued (or first exported), and kept, so every export and the API name it alike."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    study_product = models.OneToOneField(
        StudyProduct, verbose_name=_("报告中的产品"), on_delete=models.PROTECT,
        related_name="pact_footprint",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("PACT 产品碳足迹")
        verbose_name_plural = pgettext_lazy("plural", "PACT 产品碳足迹")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return str(self.id)


class PactClient(models.Model):
    """A data recipient of the PACT API (a company's customer), registered by an administrator.

    It authenticates with OAuth 2 client credentials; only a hash of its secret is stored. It
    sees the footprints of the companies whose contacts granted it access (PactGrant). Events
    for it go to its own events endpoint, with the credentials its host issued to us."""

    name = models.CharField(_("名称"), max_length=200)
    client_id = models.CharField(
        _("客户端 ID"), max_length=100, unique=True,
        validators=[RegexValidator(r"^[A-Za-z0-9_.-]+$", _("只能包含字母、数字、点、下划线和连字符。"))],
    )
    secret_hash = models.CharField(_("密钥哈希"), max_length=200)
    is_active = models.BooleanField(_("启用"), default=True)
    # Tokens carry this number: changing the secret or deactivating the client ends them.
    token_generation = models.PositiveIntegerField(default=0, editable=False)
    events_url = models.URLField(
        _("事件接收地址"), blank=True,
        help_text=_("对方系统的 PACT 基础地址（https://…），事件发送到其 /3/events。"),
    )
    events_client_id = models.CharField(_("对方系统的客户端 ID"), max_length=200, blank=True)
    # Sent to the recipient's own /auth/token, so it cannot be stored as a hash.
    events_client_secret = models.CharField(_("对方系统的密钥"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["secret_hash", "events_client_secret"])

    class Meta:
        verbose_name = _("PACT 数据接收方")
        verbose_name_plural = pgettext_lazy("plural", "PACT 数据接收方")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"


class PactGrant(models.Model):
    """A company contact's permission for a client to read their company's footprints."""

    client = models.ForeignKey(PactClient, verbose_name=_("数据接收方"), on_delete=models.CASCADE,
                               related_name="grants")
    company = models.ForeignKey(Company, verbose_name=_("企业"), on_delete=models.CASCADE,
                                related_name="pact_grants")
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("授权人"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("授权时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("PACT 数据授权")
        verbose_name_plural = pgettext_lazy("plural", "PACT 数据授权")
        ordering = ["company__name", "client__name"]
        constraints = [
            models.UniqueConstraint(fields=["client", "company"], name="pact_grant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.company} → {self.client}"


class PactOutboundEvent(models.Model):
    """An event we owe a client (RequestFulfilled / RequestRejected / Published): kept until it
    is delivered, retried with growing pauses, abandoned after 72 hours (the spec's rule)."""

    client = models.ForeignKey(PactClient, on_delete=models.CASCADE, related_name="outbound_events")
    event = models.JSONField()
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    abandoned = models.BooleanField(default=False)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("PACT 待发送事件")
        verbose_name_plural = pgettext_lazy("plural", "PACT 待发送事件")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.client_id}: {self.event.get('type', '')}"
class BackgroundJob(models.Model):
    """Work done by a task worker (footprint/tasks.py) that a user waits for: issuing a study,
    rendering a draft PDF. The page reads its status, so the user may
    leave and come back; a job that failed says why."""

    ACTIVE = (JobStatus.QUEUED, JobStatus.RENDERING, JobStatus.SIGNING)

    kind = models.CharField(max_length=20, choices=JobKind.choices)
    status = models.CharField(max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    study = models.ForeignKey(Study, null=True, blank=True, on_delete=models.CASCADE, related_name="jobs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                             related_name="jobs")
    # What makes two requests the same job: the draft PDF's cache key; empty for issuing.
    key = models.CharField(max_length=64, blank=True, default="")
    payload = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    # A storage name (a draft PDF in the cache) or a report number (an imported study).
    result = models.CharField(max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = pgettext_lazy("plural", "后台任务")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Two clicks on "issue" (or two downloads of the same draft) are one job.
            models.UniqueConstraint(
                fields=["kind", "study", "key"],
                condition=Q(status__in=["queued", "rendering", "signing"]),
                name="one_active_job_per_study_and_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class StudyDataVersion(models.Model):
    """A token that changes whenever anything a study's report prints changes: the study, its
    products, stages, activities, claims, team, people, company, the factors it uses, the GWP
    tables, its images. Draft PDFs are cached under it (reports/draft_cache.py), so a repeat
    download reads one row instead of the whole study.

    Changed by model signals registered in one place (services/data_version.py), so the
    forms, the admin, the API, the importer and the commands all change it. A random token
    rather than a counter: a restored backup or a lost row can never bring back a token that
    was once given to other data. A study without a row gets a new token when asked."""

    study = models.OneToOneField(Study, on_delete=models.CASCADE, primary_key=True,
                                 related_name="data_version")
    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("研究数据版本")
        verbose_name_plural = pgettext_lazy("plural", "研究数据版本")

    def __str__(self) -> str:
        return f"{self.study_id}: {self.token}"


# ------------------------------------------------------------------- data requests (issue 15)
class DataRequest(models.Model):
    """The certification body asks the company for activity data: a list of rows to fill,
    with a due date (docs/data-requests.md). Values the company submits enter the calculation
    only when an auditor accepts them."""

    study = models.ForeignKey(Study, verbose_name=_("报告"), on_delete=models.CASCADE,
                              related_name="data_requests")
    title = models.CharField(_("标题"), max_length=200)
    message = models.TextField(_("给企业的说明"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=DataRequestStatus.choices,
                              default=DataRequestStatus.DRAFT)
    due_date = models.DateField(_("截止日期"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发起人"),
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    # The overdue notice goes once per due date (notify_overdue_requests runs daily).
    overdue_notified_on = models.DateField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("数据请求")
        verbose_name_plural = pgettext_lazy("plural", "数据请求")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.study.report_number} #{self.pk} {self.title}"

    @property
    def is_overdue(self) -> bool:
        return (self.status == DataRequestStatus.SENT and self.due_date is not None
                and self.due_date < timezone.localdate())


class DataRequestRow(models.Model):
    """One activity the company is asked for, and what it answered."""

    request = models.ForeignKey(DataRequest, on_delete=models.CASCADE, related_name="rows")
    study_product = models.ForeignKey(StudyProduct, verbose_name=_("产品"), on_delete=models.CASCADE,
                                      related_name="+")
    stage = models.CharField(_("生命周期阶段"), max_length=30, choices=Stage.choices)
    position = models.PositiveIntegerField(default=0)
    name = models.CharField(_("活动名称"), max_length=200)
    unit = models.CharField(_("单位"), max_length=40)
    expected_evidence = models.CharField(_("需提供的证据"), max_length=300, blank=True)
    hint = models.TextField(_("填写提示"), blank=True)
    # The factor the auditor will use; needed to accept a value into a new activity record.
    factor = models.ForeignKey(EmissionFactor, verbose_name=_("排放因子"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    # The activity record the accepted value went into (or that the row asks to update).
    activity = models.ForeignKey(ActivityRecord, verbose_name=_("活动数据"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="request_rows")
    quantity = models.DecimalField(_("提交的数量"), max_digits=28, decimal_places=9, null=True, blank=True)
    submitted_unit = models.CharField(_("提交的单位"), max_length=40, blank=True)
    note = models.TextField(_("企业说明"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=DataRowStatus.choices,
                              default=DataRowStatus.PENDING)
    rejection_comment = models.TextField(_("退回意见"), blank=True)
    supplied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("提供人"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核查人"), null=True,
                                    blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    # The company's evidence for the value (bills, invoices, waybills): EvidenceFile rows of the
    # study, stored by services/evidence; attached to the activity record when accepted.
    evidence = models.ManyToManyField(EvidenceFile, verbose_name=_("证据文件"), blank=True,
                                      related_name="request_rows")
    history = HistoricalRecords(m2m_fields=[evidence])

    class Meta:
        verbose_name = _("数据请求行")
        verbose_name_plural = pgettext_lazy("plural", "数据请求行")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__isnull=True) | Q(quantity__gte=0),
                name="data_row_quantity_non_negative",
                violation_error_message=_("活动数据不能为负数。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"


class Notice(models.Model):
    """An in-app notice: what waits for its reader (the inbox; the same news goes by e-mail)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="notices")
    kind = models.CharField(max_length=12, choices=NoticeKind.choices)
    data_request = models.ForeignKey(DataRequest, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="notices")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    count = models.PositiveIntegerField(default=0)  # rows concerned
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)  # each notice is e-mailed once

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = pgettext_lazy("plural", "通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.kind} {self.created_at:%Y-%m-%d}"
