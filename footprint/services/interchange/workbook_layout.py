"""The pcf-study/1 workbook as a person reads and fills it (issue 13).

The format's columns are codes (`quantity`, `basis`, …): the reader keys on them, and the file
is a contract (docs/study-format.md). So each table sheet keeps its codes in row 1 — hidden —
and shows a second header row with the column names in the study's language; the reader skips
that row (`is_label_row`), and reads workbooks without it exactly as before. On top: drop-down
lists for the coded columns (stages, bases, data types, units, factor codes; typing another
value is allowed where the list cannot be complete), columns sized to their content, and a
read-me sheet that explains every column. None of it changes a value: export → import → export
gives the same document.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ...choices import (
    Basis,
    Boundary,
    ClaimLevel,
    DataType,
    FactorCategory,
    GwpSet,
    Language,
    Stage,
    VerificationStatus,
)

README_SHEET = "readme"
LISTS_SHEET = "lists"

# Column names, by sheet and code. Lazy: the writer renders them in the study's language, the
# reader in every language it may meet.
_NAME = gettext_lazy("名称")
COLUMN_LABELS: dict[str, dict[str, object]] = {
    "factors": {
        "code": gettext_lazy("因子代码"), "version": gettext_lazy("版本"), "name": _NAME,
        "name_en": gettext_lazy("英文名称"), "category": gettext_lazy("类别"),
        "value": gettext_lazy("数值"), "unit": gettext_lazy("单位"), "gas": gettext_lazy("温室气体"),
        "year": gettext_lazy("年份"), "region": gettext_lazy("地区"), "source": gettext_lazy("来源"),
        "published": gettext_lazy("发布日期"), "notes": gettext_lazy("备注"),
        "ncv": gettext_lazy("低位发热量"), "carbon_content": gettext_lazy("单位热值含碳量"),
        "oxidation_rate": gettext_lazy("碳氧化率"), "value_decimals": gettext_lazy("公布的小数位数"),
        "licence_note": gettext_lazy("许可说明"),
        "redistribution_allowed": gettext_lazy("允许在报告中完整转载"),
    },
    "products": {
        "code": gettext_lazy("产品代码"), "name": gettext_lazy("产品名称"), "model": gettext_lazy("型号"),
        "functional_unit": gettext_lazy("功能单位"), "annual_output": gettext_lazy("报告期产量"),
        "description": gettext_lazy("产品描述"), "energy_using": gettext_lazy("使用阶段耗能"),
        # the PACT particulars, named as on the study's product form
        "mass_per_unit_kg": gettext_lazy("单位产品质量 (kg)"),
        "fossil_carbon_kg": gettext_lazy("化石碳含量 (kgC)"),
        "biogenic_carbon_kg": gettext_lazy("生物碳含量 (kgC)"),
        "exempted_emissions_pct": gettext_lazy("取舍排除的排放占比 (%)"),
    },
    "stages": {
        "product": gettext_lazy("产品代码"), "stage": gettext_lazy("生命周期阶段"),
        "included": gettext_lazy("包含的过程"), "excluded": gettext_lazy("排除的过程"),
        "exclusion_reason": gettext_lazy("排除理由"),
    },
    "activities": {
        "product": gettext_lazy("产品代码"), "stage": gettext_lazy("生命周期阶段"),
        "name": gettext_lazy("活动名称"), "quantity": gettext_lazy("活动数据"), "unit": gettext_lazy("单位"),
        "basis": gettext_lazy("数据基准"), "factor": gettext_lazy("排放因子代码"),
        "factor_version": gettext_lazy("因子版本"), "allocation": gettext_lazy("分配比例"),
        "data_type": gettext_lazy("数据类型"), "source": gettext_lazy("数据来源"),
        "claimed_kgco2e_per_unit": gettext_lazy("原报告声明值 (kgCO₂e/功能单位)"),
        "uncertainty_pct": gettext_lazy("不确定性 (%)"), "notes": gettext_lazy("备注"),
        "verification": gettext_lazy("核实状态"),
        "verified_evidence_sha256": gettext_lazy("核实依据文件 SHA-256"),
    },
    "team": {
        "name": gettext_lazy("姓名"), "organisation": gettext_lazy("工作单位"),
        "certificate_number": gettext_lazy("证书号"), "role": gettext_lazy("组内职务"),
    },
    "claims": {
        "level": gettext_lazy("声明类型"), "product": gettext_lazy("产品代码"),
        "stage": gettext_lazy("生命周期阶段"), "factor": gettext_lazy("排放因子代码"),
        "value": gettext_lazy("印出的数值"), "unit": gettext_lazy("单位"), "place": gettext_lazy("位置"),
        "note": gettext_lazy("备注"),
    },
    "translations": {
        "language": gettext_lazy("语言"), "kind": gettext_lazy("类型"), "key": gettext_lazy("键"),
        "text": gettext_lazy("译文"),
    },
}

# What each column holds, for the read-me sheet (columns not listed: their name says it).
COLUMN_HELP: dict[tuple[str, str], object] = {
    ("factors", "code"): gettext_lazy("因子的唯一代码，activities 工作表的 factor 列引用它。"),
    ("factors", "value"): gettext_lazy("每单位的 kgCO₂e（或所列气体的 kg）；按燃料参数推导的因子留空。"),
    ("factors", "unit"): gettext_lazy("因子的单位，如 kg/kWh、kg/t。"),
    ("factors", "ncv"): gettext_lazy("推导因子：低位发热量 × 单位热值含碳量 × 碳氧化率 × 44/12。"),
    ("factors", "redistribution_allowed"): gettext_lazy(
        "许可不允许转载该因子的详细信息时填 false；留空即允许。企业联系人导出的文件中，这样的因子只保留代码、数值、单位、"
        "气体、来源和许可说明。"),
    ("products", "code"): gettext_lazy("产品的唯一代码，stages 和 activities 工作表引用它。"),
    ("products", "annual_output"): gettext_lazy("报告期内的产量（功能单位数），按报告期总量填写的活动数据除以它。"),
    ("products", "energy_using"): gettext_lazy("产品在使用中耗能（如有损耗的开关设备）时填 true。"),
    ("products", "mass_per_unit_kg"): gettext_lazy("每个功能单位的产品质量（不含包装）。"),
    ("products", "fossil_carbon_kg"): gettext_lazy("每个功能单位产品中化石来源碳的质量。"),
    ("products", "biogenic_carbon_kg"): gettext_lazy("每个功能单位产品中生物来源碳的质量。"),
    ("products", "exempted_emissions_pct"): gettext_lazy("按取舍准则排除的过程估计占产品碳足迹的百分比。"),
    ("stages", "stage"): gettext_lazy("六个生命周期阶段之一（下拉列表）。"),
    ("stages", "exclusion_reason"): gettext_lazy("系统边界内没有活动数据的阶段必须说明理由。"),
    ("activities", "stage"): gettext_lazy("六个生命周期阶段之一（下拉列表）。"),
    ("activities", "quantity"): gettext_lazy("活动数据的数量，单位见下一列。"),
    ("activities", "unit"): gettext_lazy("活动数据的单位，必须能换算为因子单位所要求的单位（如 kWh、MWh、t、kg）。"),
    ("activities", "basis"): gettext_lazy("annual_total：报告期总量（除以产量）；per_unit：每功能单位。"),
    ("activities", "factor"): gettext_lazy("因子代码：factors 工作表或系统因子库中的代码。"),
    ("activities", "factor_version"): gettext_lazy("只在同一代码有多个版本时填写。"),
    ("activities", "allocation"): gettext_lazy("分配给本产品的比例，0 到 1，默认 1。"),
    ("activities", "data_type"): gettext_lazy("primary：初级数据（实测）；secondary：次级数据（数据库、文献）。"),
    ("activities", "claimed_kgco2e_per_unit"): gettext_lazy("原报告印出的该行结果；系统重新计算并比较。"),
    ("activities", "verification"): gettext_lazy(
        "verified：已对照证据核实；sampled：抽样核实；estimated：估算或假设；not_verified：未核实（默认）。"
        "证据文件不随文件导入，导入时 verified 记为未核实。"),
    ("activities", "verified_evidence_sha256"): gettext_lazy("导出时注明核实所依据的证据文件；导入时不使用。"),
    ("claims", "level"): gettext_lazy("product、stage、share 或 factor：原报告印出的合计、阶段合计、占比或因子。"),
}

# Units an activity row commonly has (any unit the factor's unit converts from is accepted).
COMMON_UNITS = ("kWh", "MWh", "GJ", "MJ", "t", "kg", "g", "m3", "L", "t·km", "km", "件", "台")

_CHOICES = (Stage, Basis, DataType, Boundary, GwpSet, Language, FactorCategory, ClaimLevel,
            VerificationStatus)


def labelled(values: Iterable[str]) -> list[str]:
    """Codes with their names in the current language: ["production（生产）", …]."""
    names = {}
    for choices in _CHOICES:
        names.update({str(value): str(label) for value, label in choices.choices})
    out = []
    for value in values:
        name = names.get(str(value))
        out.append(with_name(str(value), name) if name and name != value else str(value))
    return out


def with_name(code: str, name: str) -> str:
    """A code followed by its name, punctuated for the language: "production（生产）"."""
    return _("%(code)s（%(name)s）") % {"code": code, "name": name}


def column_label(sheet: str, code: str) -> str:
    """A column's name in the current language ("" for a column we do not know)."""
    label = COLUMN_LABELS.get(sheet, {}).get(code)
    return str(label) if label is not None else ""


def is_label_row(sheet: str, codes: list[str], values: Iterable) -> bool:
    """Whether the row below the codes is the names row of our workbooks (in any language):
    most of its cells are the names of their columns."""
    from django.conf import settings

    cells = [(code, str(v).strip()) for code, v in zip(codes, values, strict=False)
             if code and v not in (None, "")]
    if not cells or sheet not in COLUMN_LABELS:
        return False
    matches = 0
    for code, text in cells:
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                if text == column_label(sheet, code):
                    matches += 1
                    break
    return matches * 2 >= len(cells)


def _width(value) -> int:
    """Roughly how many character cells a value takes (CJK characters count double)."""
    text = "" if value is None else str(value)
    longest = max((len(line) + sum(1 for ch in line if ord(ch) > 0x2E80) for line in text.splitlines()),
                  default=0)
    return longest


def _size_columns(sheet, *, minimum: int = 8, maximum: int = 60) -> None:
    from openpyxl.utils import get_column_letter

    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            widths[cell.column] = max(widths.get(cell.column, 0), _width(cell.value))
    for column, width in widths.items():
        sheet.column_dimensions[get_column_letter(column)].width = max(minimum, min(maximum, width + 2))


def _lists_sheet(wb, document: dict) -> dict[str, str]:
    """A hidden sheet of the drop-down values; the range of each list, by name."""
    factor_codes = sorted({f["code"] for f in document.get("factors", [])} | {
        a["factor"] for p in document.get("products", []) for a in p.get("activities", [])
        if a.get("factor")})
    lists = {
        "stage": list(Stage.values), "basis": list(Basis.values), "data_type": list(DataType.values),
        "verification": list(VerificationStatus.values),
        "unit": list(COMMON_UNITS), "factor": factor_codes, "level": ["product", "stage", "share", "factor"],
    }
    sheet = wb.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    ranges = {}
    from openpyxl.utils import get_column_letter

    for index, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index, value=name)
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=value).data_type = "s"
        if values:
            ranges[name] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    return ranges


# Which drop-down each coded column gets; strict lists refuse other values in Excel, open ones
# (units, factor codes: the library has more) only offer theirs.
_DROPDOWNS = {
    "stages": {"stage": ("stage", True)},
    "activities": {"stage": ("stage", True), "basis": ("basis", True), "data_type": ("data_type", True),
                   "verification": ("verification", True),
                   "unit": ("unit", False), "factor": ("factor", False)},
    "claims": {"level": ("level", True), "stage": ("stage", True)},
}
_DROPDOWN_ROWS = 5000  # rows below the data that get the lists too (new rows typed in Excel)


def _add_dropdowns(sheet, ranges: dict[str, str]) -> None:
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    codes = [c.value for c in sheet[1]]
    last = max(sheet.max_row, 2) + _DROPDOWN_ROWS
    for code, (list_name, strict) in _DROPDOWNS.get(sheet.title, {}).items():
        if code not in codes or list_name not in ranges:
            continue
        letter = get_column_letter(codes.index(code) + 1)
        validation = DataValidation(type="list", formula1=ranges[list_name], allow_blank=True,
                                    showErrorMessage=strict)
        if strict:
            validation.errorTitle = _("无效的值")
            validation.error = _("请从下拉列表中选择。")
        validation.add(f"{letter}3:{letter}{last}")
        sheet.add_data_validation(validation)


def _readme(wb, document: dict) -> None:
    from openpyxl.styles import Alignment, Font

    sheet = wb.create_sheet(README_SHEET, 0)
    sheet.append([_("pcf-study/1 研究工作簿")])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in (
        _("每个工作表的第 1 行（已隐藏）是格式规定的列代码，导入时按它读取；第 2 行是列名。请从第 3 行起填写，不要修改前两行。"),
        _("study 工作表每行一个字段（A 列代码，B 列值，C 列说明）。带下拉列表的列请从列表中选择；单位和因子代码也可以输入列表以外的值。"),
        _("导入时整份文件先预览：每个问题都注明工作表、行和列，全部正确后才会保存。"),
    ):
        sheet.append([line])
    sheet.append([])
    header = [_("工作表"), _("列代码"), _("列名"), _("说明")]
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for title in wb.sheetnames:
        if title not in COLUMN_LABELS:
            continue
        codes = [c.value for c in wb[title][1]]
        for code in codes:
            help_text = COLUMN_HELP.get((title, code))
            sheet.append([title, code, column_label(title, code), str(help_text) if help_text else ""])
    _size_columns(sheet, maximum=70)
    sheet.column_dimensions["A"].width = 14
    for row in sheet.iter_rows(min_row=2, max_row=4):
        row[0].alignment = Alignment(wrap_text=False)


def study_key_labels() -> dict[str, str]:
    """The name of each key of the study sheet, in the current language (its column C)."""
    from ..report_prose.translation import passage_labels

    passages = passage_labels()
    labels = {
        "format": _("格式"), "report_number": _("报告编号"), "title": _("报告标题"),
        "language": _("报告语言"), "gwp_set": _("GWP 版本"), "boundary": _("系统边界"),
        "revision": _("修订版本"), "certification_body": _("认证机构"), "issue_date": _("签发日期"),
        "standards": _("核算和报告依据（以分号分隔）"), "reference_period.start": _("报告期开始"),
        "reference_period.end": _("报告期结束"), "company.name": _("企业名称"),
        "company.credit_code": _("统一社会信用代码"), "company.address": _("地址"),
        "company.legal_representative": _("法定代表人"), "company.contact_name": _("授权人（联系人）"),
        "company.contact_phone": _("联系电话"), "company.overview": _("企业概况"),
    }
    labels.update({f"narrative.{key}": name for key, name in passages.items()})
    return labels


def dress_workbook(wb, document: dict) -> None:
    """Names rows, drop-downs, sizes and the read-me, in the document's language."""
    from openpyxl.styles import Font, PatternFill

    language = document.get("language") or Language.ZH_HANS
    with translation.override(language):
        ranges = _lists_sheet(wb, document)
        code_font = Font(color="595959", italic=True, size=9)
        for sheet in wb.worksheets:
            if sheet.title in COLUMN_LABELS:
                codes = [c.value for c in sheet[1]]
                sheet.insert_rows(2)
                for index, code in enumerate(codes, start=1):
                    cell = sheet.cell(row=2, column=index, value=column_label(sheet.title, code) or code)
                    cell.font = Font(bold=True)
                    cell.fill = PatternFill("solid", fgColor="E9ECEF")
                    sheet.cell(row=1, column=index).font = code_font
                sheet.row_dimensions[1].hidden = True
                sheet.freeze_panes = "A3"
                _add_dropdowns(sheet, ranges)
                _size_columns(sheet)
            elif sheet.title == "study":
                sheet.cell(row=1, column=3, value=_("说明"))
                study_labels = study_key_labels()
                for row in sheet.iter_rows(min_row=2):
                    key, value = row[0].value, row[1].value
                    if key in study_labels:
                        text = study_labels[key]
                        if key in ("gwp_set", "boundary", "language"):
                            text += " — " + labelled([value])[0]  # AR5（IPCC 第五次评估报告…）
                        sheet.cell(row=row[0].row, column=3, value=text)
                for cell in sheet[1]:
                    cell.font = Font(bold=True)
                sheet.freeze_panes = "A2"
                _size_columns(sheet, maximum=80)
        _readme(wb, document)
