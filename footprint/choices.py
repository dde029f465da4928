"""Enumerations of the domain, shared by models, forms, services and the study format."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Stage(models.TextChoices):
    """The six lifecycle stages of `pcf-study/1`, in report order."""

    RAW_MATERIAL_ACQUISITION = "raw_material_acquisition", _("原材料获取")
    RAW_MATERIAL_TRANSPORT = "raw_material_transport", _("原材料运输")
    PRODUCTION = "production", _("生产")
    DISTRIBUTION = "distribution", _("成品运输（分销）")
    USE = "use", _("使用")
    END_OF_LIFE = "end_of_life", _("生命末期（处置）")


STAGE_ORDER: tuple[str, ...] = tuple(Stage.values)
# Stages a cradle-to-gate study covers; cradle-to-grave covers all six.
CRADLE_TO_GATE_STAGES: tuple[str, ...] = STAGE_ORDER[:3]


class ClaimLevel(models.TextChoices):
    """What a figure printed in the source report claims to be (StudyClaim.level)."""

    PRODUCT = "product", _("产品合计")
    STAGE = "stage", _("阶段合计")
    SHARE = "share", _("阶段占比")
    FACTOR = "factor", _("排放因子")


class Boundary(models.TextChoices):
    CRADLE_TO_GATE = "cradle_to_gate", _("摇篮到大门")
    CRADLE_TO_GRAVE = "cradle_to_grave", _("摇篮到坟墓")


def stages_in_boundary(boundary: str) -> tuple[str, ...]:
    return CRADLE_TO_GATE_STAGES if boundary == Boundary.CRADLE_TO_GATE else STAGE_ORDER


class GwpSet(models.TextChoices):
    AR4 = "AR4", _("IPCC 第四次评估报告 (AR4, 2007)")
    AR5 = "AR5", _("IPCC 第五次评估报告 (AR5, 2013)")
    AR6 = "AR6", _("IPCC 第六次评估报告 (AR6, 2021)")


class Gas(models.TextChoices):
    CO2E = "CO2e", "CO₂e"
    CO2 = "CO2", "CO₂"
    CH4 = "CH4", "CH₄"
    N2O = "N2O", "N₂O"
    SF6 = "SF6", "SF₆"
    NF3 = "NF3", "NF₃"
    CF4 = "CF4", "CF₄"
    HFC134A = "HFC-134a", "HFC-134a"


class Basis(models.TextChoices):
    ANNUAL_TOTAL = "annual_total", _("报告期总量")
    PER_UNIT = "per_unit", _("每功能单位")


class DataType(models.TextChoices):
    PRIMARY = "primary", _("初级数据")
    SECONDARY = "secondary", _("次级数据")


class DistributionKind(models.TextChoices):
    """A quantity's or factor's probability distribution (services/calculation/uncertainty.py)."""

    LOGNORMAL = "lognormal", _("对数正态")
    NORMAL = "normal", _("正态")
    TRIANGULAR = "triangular", _("三角")
    UNIFORM = "uniform", _("均匀")


class VerificationStatus(models.TextChoices):
    """How an auditor checked an activity's figure (docs/evidence.md)."""

    VERIFIED = "verified", _("已对照证据核实")
    SAMPLED = "sampled", _("抽样核实")
    ESTIMATED = "estimated", _("估算或假设")
    NOT_VERIFIED = "not_verified", _("未核实")


class EvidenceKind(models.TextChoices):
    """What an evidence file is, decided from its content (services/evidence/sniffing.py)."""

    PDF = "pdf", "PDF"
    PNG = "png", "PNG"
    JPEG = "jpeg", "JPEG"
    XLSX = "xlsx", "XLSX"
    CSV = "csv", "CSV"


# Pedigree-matrix scores (Weidema & Wesnæs 1996): 1 best … 5 worst.
PEDIGREE_SCORES = [(n, str(n)) for n in range(1, 6)]


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", pgettext_lazy("report language", "简体中文")
    EN = "en", "English"


class FactorCategory(models.TextChoices):
    ELECTRICITY = "electricity", _("电力")
    FUEL = "fuel", _("燃料")
    TRANSPORT = "transport", _("运输")
    MATERIAL = "material", _("原材料")
    WASTE = "waste", _("废弃物处置")
    PROCESS = "process", _("过程排放")
    OTHER = "other", _("其他")


class StudyStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CLIENT_REVIEW = "client_review", _("企业审阅中")
    CHANGES_REQUESTED = "changes_requested", _("企业要求修改")
    CLIENT_CONFIRMED = "client_confirmed", _("企业已确认")
    TECHNICAL_REVIEW = "technical_review", _("技术评审中")
    APPROVED = "approved", _("已批准")
    ISSUED = "issued", _("已签发")
    SUPERSEDED = "superseded", _("已被替代")


# Once issued (or superseded by a revision) a study is frozen.
FROZEN_STATUSES: frozenset[str] = frozenset({StudyStatus.ISSUED, StudyStatus.SUPERSEDED})


class Role(models.TextChoices):
    AUDITOR = "auditor", _("核查员")
    LEAD_VERIFIER = "lead_verifier", _("技术负责人（批准签发）")
    COMPANY_CONTACT = "company_contact", _("企业联系人")
    ADMINISTRATOR = "administrator", _("管理员")


NARRATIVE_KEYS: tuple[str, ...] = (
    "product_function",
    "process_flow",
    "allocation",
    "cut_off",
    "assumptions",
    "data_quality",
    "uncertainty",
    "improvements",
)
# Every narrative section of a study, in report order: its purpose and the narrative fields
# above (pcf-study/1 names those; `purpose` is our extension of the format).
NARRATIVE_SECTIONS: tuple[str, ...] = ("purpose", *NARRATIVE_KEYS)


class JobKind(models.TextChoices):
    ISSUE = "issue", _("签发")
    DRAFT_PDF = "draft_pdf", _("草稿 PDF")
    IMPORT = "import", _("导入")
    PREVIEW = "preview", _("导入预览")
    LIBRARY_IMPORT = "library_import", _("因子库导入")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RENDERING = "rendering", _("正在生成")
    SIGNING = "signing", _("正在签名")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class DataRequestStatus(models.TextChoices):
    """A data request of the certification body to the company (docs/data-requests.md)."""

    DRAFT = "draft", _("草稿")
    SENT = "sent", _("已发送，待企业填写")
    SUBMITTED = "submitted", _("企业已提交")
    CLOSED = "closed", _("已关闭")


class DataRowStatus(models.TextChoices):
    """One activity row of a data request."""

    PENDING = "pending", _("待填写")
    SUBMITTED = "submitted", _("已提交，待核查")
    ACCEPTED = "accepted", _("已接受")
    REJECTED = "rejected", _("已退回")


# The rows a data request waits for the company to fill: never answered, or returned to it.
DATA_ROWS_TO_FILL = (DataRowStatus.PENDING, DataRowStatus.REJECTED)


class NoticeKind(models.TextChoices):
    """What an in-app notice tells its reader waits for them."""

    REQUESTED = "requested", _("数据请求")
    SUBMITTED = "submitted", _("企业已提交数据")
    ACCEPTED = "accepted", _("数据已接受")
    REJECTED = "rejected", _("数据被退回")
    OVERDUE = "overdue", _("数据请求已逾期")
    DUE_DATE_CHANGED = "due_changed", _("截止日期已更改")
