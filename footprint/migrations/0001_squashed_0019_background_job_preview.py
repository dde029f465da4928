"""footprint's migrations 0001..0019 as one: the schema they end with, as CreateModel
operations, then their data steps (0004 reference data, 0009 value decimals, 0016 trigram
index), copied here so that this file does not change when the application code does (the
trigram index alone compiles `models.factor_search_text`, as 0016 does: it must match the query).

A fresh database runs this one migration, whose models Django renders once (CreateModels
below; the old chain has them rendered again after each of ~120 operations). A database that
has applied all of 0001..0019 counts it as applied; one part-way along finishes with the old
files, which stay until every deployment has passed 0019 (docs/deployment.md). The columns of each table come in the old chain's order and every
name is Django's own, so both ways give the same schema, compared by tests/test_migrations.py
and the pg_dump of docs/deployment.md.
"""

import csv
import json
import re
import uuid
from decimal import Decimal
from pathlib import Path

import django.contrib.auth.models
import django.contrib.auth.validators
import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import simple_history.models
from django.conf import settings
from django.db import DatabaseError, migrations, models, transaction
from django.utils import timezone

import footprint.models
import footprint.validators

REFERENCE = Path(__file__).resolve().parent.parent / "data" / "reference"


# --- 0004_gwp_editions_and_starter_library: GWP editions and the starter factor library --------

KNOWN_EDITIONS = (("AR4", 1), ("AR5", 1), ("AR6", 1), ("AR6", 2))
_YEAR_SUFFIX = re.compile(r"-(19|20)\d\d$")


def _editions():
    data = json.loads((REFERENCE / "gwp_sets.json").read_text(encoding="utf-8"))
    by_key = {(e["gwp_set"], e["version"]): e for e in data["editions"]}
    values = {}
    out = []
    for key in KNOWN_EDITIONS:
        edition = by_key[key]
        if "values" in edition:
            current = dict(edition["values"])
        else:
            current = {**values[(key[0], key[1] - 1)], **edition["changes"]}
        values[key] = current
        out.append((edition, current))
    return out


def _gas_names():
    names = {}
    with open(REFERENCE / "gwp_100.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            gas = {"CH2FCF3": "HFC-134a"}.get(row["formula"], row["formula"])
            names[gas] = row["gas"]
    return names


def gwp_editions(apps):
    # 0004's, less what only an upgraded installation had: values without an edition and a
    # `gwp_set` column on GwpValue (dropped by 0005). This migration runs on an empty schema.
    GwpSetVersion = apps.get_model("footprint", "GwpSetVersion")
    GwpValue = apps.get_model("footprint", "GwpValue")
    names = _gas_names()
    for edition, values in _editions():
        version, _ = GwpSetVersion.objects.get_or_create(
            gwp_set=edition["gwp_set"], version=edition["version"],
            defaults={"source": edition["source"], "reason": edition.get("reason", ""),
                      "reason_en": edition.get("reason_en", ""), "is_current": False},
        )
        have = set(GwpValue.objects.filter(set_version=version).values_list("gas", flat=True))
        for gas, value in values.items():
            if gas not in have:
                GwpValue.objects.create(set_version=version, gas=gas, value=Decimal(value),
                                        name=names.get(gas, ""))
    for gwp_set in {e[0] for e in KNOWN_EDITIONS}:
        newest = GwpSetVersion.objects.filter(gwp_set=gwp_set).order_by("-version").first()
        GwpSetVersion.objects.filter(gwp_set=gwp_set).update(is_current=False)
        GwpSetVersion.objects.filter(pk=newest.pk).update(is_current=True)


def starter_library(apps):
    EmissionFactor = apps.get_model("footprint", "EmissionFactor")
    known = set(EmissionFactor.objects.values_list("code", flat=True))
    with open(REFERENCE / "emission_factors_cn.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["code"] in known:
                continue
            EmissionFactor.objects.create(
                code=row["code"], version=1, family=_YEAR_SUFFIX.sub("", row["code"]),
                is_current=True, name_zh=row["name_zh"], name_en=row["name_en"],
                category=row["category"], value=Decimal(row["value"]),
                unit=f"{row['numerator_unit'].split()[0]}/{row['denominator_unit']}",
                gas=row["gas"], region=row["region"], year=int(row["data_year"]),
                source=row["source"], published=row["published"], notes=row["notes"],
            )
    with open(REFERENCE / "fuel_defaults_cn.csv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["code"] in known:
                continue
            EmissionFactor.objects.create(
                code=row["code"], version=1, family=_YEAR_SUFFIX.sub("", row["code"]),
                is_current=True, name_zh=row["name_zh"], name_en=row["name_en"], category="fuel",
                value=None, ncv=f"{row['ncv_value']} {row['ncv_unit']}",
                carbon_content=f"{row['carbon_content_tC_per_TJ']} t/TJ",
                oxidation_rate=Decimal(row["oxidation_rate"]), unit="kg/kg", gas="CO2", region="CN",
                year=None, source=row["source"], notes=row["notes"],
            )


# The order 0004 read the rows in (the models' ordering at 0004; GwpValue's changed in 0005):
# the history records get their ids in it.
ORDER_AT_0004 = {"GwpSetVersion": ("gwp_set", "-version"), "GwpValue": ("set_version__gwp_set", "gas"),
                 "EmissionFactor": ("code", "-version")}


def record_history(apps, model_name, reason):
    """Reference rows made here get their "created" history record, as rows made by the
    application do (django-simple-history's signals do not run in migrations)."""
    model = apps.get_model("footprint", model_name)
    historical = apps.get_model("footprint", f"Historical{model_name}")
    have = set(historical.objects.values_list("id", flat=True))
    fields = [f.attname for f in model._meta.concrete_fields]
    now = timezone.now()
    historical.objects.bulk_create(
        historical(**{name: getattr(obj, name) for name in fields}, history_date=now,
                   history_type="+", history_change_reason=reason)
        for obj in model.objects.exclude(id__in=have).order_by(*ORDER_AT_0004[model_name])
    )


def reference_data(apps, schema_editor):
    # 0004 also pinned existing studies to an edition: there are none on an empty schema.
    gwp_editions(apps)
    starter_library(apps)
    for name in ("GwpSetVersion", "GwpValue", "EmissionFactor"):
        record_history(apps, name, "migration 0004: reference data")


# --- 0009_factor_value_decimals: the decimals a factor's value was published with -------------
# Not a no-op on a fresh database: the starter library above is made without them (as by 0004,
# before the column existed), and this fills them, history records included.

REFERENCE_CSV = REFERENCE / "emission_factors_cn.csv"


def _decimals(text_or_value) -> int:
    exponent = Decimal(str(text_or_value)).as_tuple().exponent
    return min(max(0, -exponent), 10)


def _published_decimals() -> dict[str, tuple[Decimal, int]]:
    """Code → (value, decimals as written) from the reference CSV shipped with the app."""
    if not REFERENCE_CSV.exists():
        return {}
    with open(REFERENCE_CSV, encoding="utf-8", newline="") as fh:
        return {row["code"]: (Decimal(row["value"]), _decimals(row["value"].strip()))
                for row in csv.DictReader(fh) if row.get("value")}


def fill_value_decimals(apps, schema_editor):
    """Existing factors: the decimals of the reference CSV where the code and value match it
    (0.5500 → 4), else those of the stored value without the column's padding (0.55 → 2)."""
    published = _published_decimals()
    for model_name in ("EmissionFactor", "HistoricalEmissionFactor"):
        model = apps.get_model("footprint", model_name)
        for factor in model.objects.filter(value__isnull=False).only("pk", "code", "value"):
            reference = published.get(factor.code)
            if reference is not None and reference[0] == factor.value:
                decimals = reference[1]
            else:
                value = factor.value.normalize()
                decimals = 0 if value == value.to_integral_value() else _decimals(value)
            model.objects.filter(pk=factor.pk).update(value_decimals=decimals)


# --- 0016_factor_library: the library search's trigram index (PostgreSQL only) ----------------
# The search box (`models.factor_search_text`: UPPER(code ‖ ' ' ‖ name_zh ‖ ' ' ‖ name_en)
# LIKE '%q%') on PostgreSQL uses one trigram GIN index on that very expression, compiled by
# Django from the same function so that the planner matches it. SQLite (development, tests)
# has none and keeps the B-tree indexes. Without the right to create pg_trgm the index is
# skipped: search stays correct, only slower (docs/performance.md).
SEARCH_INDEX = "factor_search_trgm"


def add_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    from django.db.models.sql import Query

    from footprint.models import factor_search_text

    # The expression as the ORM writes it in a query (Django's GinIndex(OpClass(...)) puts the
    # operator class inside the expression's parentheses for this one: a syntax error).
    model = apps.get_model("footprint", "EmissionFactor")
    query = Query(model)
    compiler = query.get_compiler(connection=schema_editor.connection)
    sql, params = compiler.compile(factor_search_text().resolve_expression(query))
    sql = sql % tuple(schema_editor.quote_value(p) for p in params)
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEX} ON {model._meta.db_table} "
        f"USING gin (({sql}) gin_trgm_ops)")


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {SEARCH_INDEX}")


class CreateModels(migrations.operations.base.Operation):
    """Django's CreateModel operations, applied as one: each adds its model's state, and the
    models are rendered once at the end. Applied one at a time, each CreateModel has Django
    render again every model related to the new one (all of them, through the user model):
    ~900 renderings: 11 s for this migration that way, 2 s as one. The tables are the same: each
    is created from its CreateModel. A foreign key to a table created later in the list (the
    one cycle: activity → evidence → activity) is fine: PostgreSQL gets every foreign key at
    the end of the migration, SQLite accepts a reference to a table not there yet."""

    def __init__(self, operations):
        self.operations = operations

    def deconstruct(self):
        return self.__class__.__qualname__, [self.operations], {}

    def state_forwards(self, app_label, state):
        rendered = state.__dict__.pop("apps", None) is not None
        for operation in self.operations:
            operation.state_forwards(app_label, state)
        if rendered:
            state.apps  # noqa: B018 -- one rendering for all the new models

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self.operations:
            model = to_state.apps.get_model(app_label, operation.name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.create_model(model)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self.operations):
            model = from_state.apps.get_model(app_label, operation.name)
            if self.allow_migrate_model(schema_editor.connection.alias, model):
                schema_editor.delete_model(model)

    def describe(self):
        return f"Create {len(self.operations)} models"

    @property
    def migration_name_fragment(self):
        return "initial"


class Migration(migrations.Migration):

    replaces = [
        ('footprint', '0001_initial'),
        ('footprint', '0002_study_translations'),
        ('footprint', '0003_gwp_set_versions'),
        ('footprint', '0004_gwp_editions_and_starter_library'),
        ('footprint', '0005_gwp_values_per_edition'),
        ('footprint', '0006_product_energy_using'),
        ('footprint', '0007_path_segment_codes'),
        ('footprint', '0008_study_claims'),
        ('footprint', '0009_factor_value_decimals'),
        ('footprint', '0010_user_protect'),
        ('footprint', '0011_uncertainty_distributions'),
        ('footprint', '0012_background_job'),
        ('footprint', '0013_pact'),
        ('footprint', '0014_evidence'),
        ('footprint', '0016_factor_library'),
        ('footprint', '0015_data_requests'),
        ('footprint', '0017_data_version'),
        ('footprint', '0018_issued_english'),
        ('footprint', '0019_background_job_preview'),
    ]

    initial = True

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
    ]

    operations = [
        CreateModels([
            migrations.CreateModel(
                name='Company',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=200, unique=True, verbose_name='企业名称')),
                    ('credit_code', models.CharField(blank=True, max_length=18, validators=[django.core.validators.RegexValidator('^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$', '统一社会信用代码应为 18 位数字或大写字母。')], verbose_name='统一社会信用代码')),
                    ('address', models.CharField(blank=True, max_length=300, verbose_name='地址')),
                    ('legal_representative', models.CharField(blank=True, max_length=100, verbose_name='法定代表人')),
                    ('contact_name', models.CharField(blank=True, max_length=100, verbose_name='授权人（联系人）')),
                    ('contact_phone', models.CharField(blank=True, max_length=50, verbose_name='联系电话')),
                    ('overview', models.TextField(blank=True, verbose_name='企业概况')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                ],
                options={
                    'verbose_name': '企业',
                    'verbose_name_plural': '企业',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='User',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('password', models.CharField(max_length=128, verbose_name='password')),
                    ('last_login', models.DateTimeField(blank=True, null=True, verbose_name='last login')),
                    ('is_superuser', models.BooleanField(default=False, help_text='Designates that this user has all permissions without explicitly assigning them.', verbose_name='superuser status')),
                    ('username', models.CharField(error_messages={'unique': 'A user with that username already exists.'}, help_text='Required. 150 characters or fewer. Letters, digits and @/./+/-/_ only.', max_length=150, unique=True, validators=[django.contrib.auth.validators.UnicodeUsernameValidator()], verbose_name='username')),
                    ('first_name', models.CharField(blank=True, max_length=150, verbose_name='first name')),
                    ('last_name', models.CharField(blank=True, max_length=150, verbose_name='last name')),
                    ('email', models.EmailField(blank=True, max_length=254, verbose_name='email address')),
                    ('is_staff', models.BooleanField(default=False, help_text='Designates whether the user can log into this admin site.', verbose_name='staff status')),
                    ('is_active', models.BooleanField(default=True, help_text='Designates whether this user should be treated as active. Unselect this instead of deleting accounts.', verbose_name='active')),
                    ('date_joined', models.DateTimeField(default=django.utils.timezone.now, verbose_name='date joined')),
                    ('role', models.CharField(choices=[('auditor', '核查员'), ('lead_verifier', '技术负责人（批准签发）'), ('company_contact', '企业联系人'), ('administrator', '管理员')], default='auditor', max_length=20, verbose_name='角色')),
                    ('organisation', models.CharField(blank=True, max_length=200, verbose_name='工作单位')),
                    ('certificate_number', models.CharField(blank=True, max_length=100, verbose_name='核查员证书号')),
                    ('groups', models.ManyToManyField(blank=True, help_text='The groups this user belongs to. A user will get all permissions granted to each of their groups.', related_name='user_set', related_query_name='user', to='auth.group', verbose_name='groups')),
                    ('user_permissions', models.ManyToManyField(blank=True, help_text='Specific permissions for this user.', related_name='user_set', related_query_name='user', to='auth.permission', verbose_name='user permissions')),
                    ('company', models.ForeignKey(blank=True, help_text='仅企业联系人需要：只能看到本企业的报告。', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='contacts', to='footprint.company', verbose_name='所属企业')),
                ],
                options={
                    'verbose_name': '用户',
                    'verbose_name_plural': '用户',
                    'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('role', 'company_contact'), _negated=True), ('company__isnull', False), _connector='OR'), name='user_contact_has_company', violation_error_message='企业联系人必须属于一个企业。')],
                },
                managers=[
                    ('objects', django.contrib.auth.models.UserManager()),
                ],
            ),
            migrations.CreateModel(
                name='EmissionFactor',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=64, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_.-]+$', '只能包含字母、数字、点、下划线和连字符。')], verbose_name='因子代码')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='版本')),
                    ('family', models.CharField(blank=True, db_index=True, max_length=64, verbose_name='因子族')),
                    ('is_current', models.BooleanField(default=True, verbose_name='当前版本')),
                    ('name_zh', models.CharField(max_length=200, verbose_name='中文名称')),
                    ('name_en', models.CharField(blank=True, max_length=200, verbose_name='英文名称')),
                    ('category', models.CharField(choices=[('electricity', '电力'), ('fuel', '燃料'), ('transport', '运输'), ('material', '原材料'), ('waste', '废弃物处置'), ('process', '过程排放'), ('other', '其他')], default='other', max_length=20, verbose_name='类别')),
                    ('value', models.DecimalField(blank=True, decimal_places=10, max_digits=24, null=True, verbose_name='因子值')),
                    ('ncv', models.CharField(blank=True, max_length=50, verbose_name='低位发热量')),
                    ('carbon_content', models.CharField(blank=True, max_length=50, verbose_name='单位热值含碳量')),
                    ('oxidation_rate', models.DecimalField(blank=True, decimal_places=6, max_digits=8, null=True, verbose_name='碳氧化率')),
                    ('unit', models.CharField(help_text='温室气体质量 / 活动单位，例如 kg/kWh、kg/(t*km)。', max_length=40, verbose_name='单位')),
                    ('gas', models.CharField(choices=[('CO2e', 'CO₂e'), ('CO2', 'CO₂'), ('CH4', 'CH₄'), ('N2O', 'N₂O'), ('SF6', 'SF₆'), ('NF3', 'NF₃'), ('CF4', 'CF₄'), ('HFC-134a', 'HFC-134a')], default='CO2', max_length=12, verbose_name='温室气体')),
                    ('year', models.PositiveIntegerField(blank=True, null=True, verbose_name='数据年份')),
                    ('region', models.CharField(blank=True, max_length=40, verbose_name='地区')),
                    ('source', models.TextField(verbose_name='来源')),
                    ('published', models.CharField(blank=True, max_length=20, verbose_name='发布日期')),
                    ('notes', models.TextField(blank=True, verbose_name='备注')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('value_decimals', models.PositiveSmallIntegerField(blank=True, help_text='因子值发布时的小数位数，例如 0.5500 为 4；打印时保留这些位数。', null=True, verbose_name='因子值小数位数')),
                    ('distribution', models.CharField(blank=True, choices=[('lognormal', '对数正态'), ('normal', '正态'), ('triangular', '三角'), ('uniform', '均匀')], max_length=12, verbose_name='不确定性分布')),
                    ('distribution_gsd2', models.DecimalField(blank=True, decimal_places=6, max_digits=12, null=True, verbose_name='几何标准差平方 GSD²')),
                    ('distribution_high', models.DecimalField(blank=True, decimal_places=10, max_digits=24, null=True, verbose_name='上限')),
                    ('distribution_low', models.DecimalField(blank=True, decimal_places=10, max_digits=24, null=True, verbose_name='下限')),
                    ('distribution_sd', models.DecimalField(blank=True, decimal_places=10, max_digits=24, null=True, verbose_name='标准差')),
                    ('licence_note', models.TextField(blank=True, verbose_name='许可说明')),
                    ('redistribution_allowed', models.BooleanField(default=True, help_text='不勾选：许可不允许转载该因子的详细信息，报告只打印因子值和来源。', verbose_name='允许在报告中完整转载')),
                ],
                options={
                    'verbose_name': '排放因子',
                    'verbose_name_plural': '排放因子',
                    'ordering': ['code', '-version'],
                    'constraints': [models.UniqueConstraint(fields=('code', 'version'), name='factor_code_version_unique'), models.CheckConstraint(condition=models.Q(('value__isnull', False), models.Q(models.Q(('ncv', ''), _negated=True), models.Q(('carbon_content', ''), _negated=True), ('oxidation_rate__isnull', False)), _connector='OR'), name='factor_has_value_or_derivation', violation_error_message='排放因子需要因子值，或低位发热量、含碳量和氧化率。'), models.CheckConstraint(condition=models.Q(('value__isnull', True), ('value__gte', 0), _connector='OR'), name='factor_value_non_negative'), models.CheckConstraint(condition=models.Q(('oxidation_rate__isnull', True), models.Q(('oxidation_rate__gt', 0), ('oxidation_rate__lte', 1)), _connector='OR'), name='factor_oxidation_rate_in_0_1')],
                    'indexes': [models.Index(condition=models.Q(('is_current', True)), fields=['category', 'code', '-version'], name='factor_list_order'), models.Index(fields=['region'], name='factor_region'), models.Index(fields=['year'], name='factor_year'), models.Index(fields=['gas'], name='factor_gas')],
                },
            ),
            migrations.CreateModel(
                name='HistoricalCompany',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(db_index=True, max_length=200, verbose_name='企业名称')),
                    ('credit_code', models.CharField(blank=True, max_length=18, validators=[django.core.validators.RegexValidator('^[0-9A-HJ-NPQRTUWXY]{2}\\d{6}[0-9A-HJ-NPQRTUWXY]{10}$', '统一社会信用代码应为 18 位数字或大写字母。')], verbose_name='统一社会信用代码')),
                    ('address', models.CharField(blank=True, max_length=300, verbose_name='地址')),
                    ('legal_representative', models.CharField(blank=True, max_length=100, verbose_name='法定代表人')),
                    ('contact_name', models.CharField(blank=True, max_length=100, verbose_name='授权人（联系人）')),
                    ('contact_phone', models.CharField(blank=True, max_length=50, verbose_name='联系电话')),
                    ('overview', models.TextField(blank=True, verbose_name='企业概况')),
                    ('created_at', models.DateTimeField(blank=True, editable=False)),
                    ('updated_at', models.DateTimeField(blank=True, editable=False)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'historical 企业',
                    'verbose_name_plural': 'historical 企业',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalEmissionFactor',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('code', models.CharField(max_length=64, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_.-]+$', '只能包含字母、数字、点、下划线和连字符。')], verbose_name='因子代码')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='版本')),
                    ('family', models.CharField(blank=True, db_index=True, max_length=64, verbose_name='因子族')),
                    ('is_current', models.BooleanField(default=True, verbose_name='当前版本')),
                    ('name_zh', models.CharField(max_length=200, verbose_name='中文名称')),
                    ('name_en', models.CharField(blank=True, max_length=200, verbose_name='英文名称')),
                    ('category', models.CharField(choices=[('electricity', '电力'), ('fuel', '燃料'), ('transport', '运输'), ('material', '原材料'), ('waste', '废弃物处置'), ('process', '过程排放'), ('other', '其他')], default='other', max_length=20, verbose_name='类别')),
                    ('value', models.DecimalField(blank=True, decimal_places=10, max_digits=24, null=True, verbose_name='因子值')),
                    ('ncv', models.CharField(blank=True, max_length=50, verbose_name='低位发热量')),
                    ('carbon_content', models.CharField(blank=True, max_length=50, verbose_name='单位热值含碳量')),
                    ('oxidation_rate', models.DecimalField(blank=True, decimal_places=6, max_digits=8, null=True, verbose_name='碳氧化率')),
                    ('unit', models.CharField(help_text='温室气体质量 / 活动单位，例如 kg/kWh、kg/(t*km)。', max_length=40, verbose_name='单位')),
                    ('gas', models.CharField(choices=[('CO2e', 'CO₂e'), ('CO2', 'CO₂'), ('CH4', 'CH₄'), ('N2O', 'N₂O'), ('SF6', 'SF₆'), ('NF3', 'NF₃'), ('CF4', 'CF₄'), ('HFC-134a', 'HFC-134a')], default='CO2', max_length=12, verbose_name='温室气体')),
                    ('year', models.PositiveIntegerField(blank=True, null=True, verbose_name='数据年份')),
                    ('region', models.CharField(blank=True, max_length=40, verbose_name='地区')),
                    ('source', models.TextField(verbose_name='来源')),
                    ('published', models.CharField(blank=True, max_length=20, verbose_name='发布日期')),
                    ('notes', models.TextField(blank=True, verbose_name='备注')),
                    ('created_at', models.DateTimeField(blank=True, editable=False)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('value_decimals', models.PositiveSmallIntegerField(blank=True, help_text='因子值发布时的小数位数，例如 0.5500 为 4；打印时保留这些位数。', null=True, verbose_name='因子值小数位数')),
                    ('distribution', models.CharField(blank=True, choices=[('lognormal', '对数正态'), ('normal', '正态'), ('triangular', '三角'), ('uniform', '均匀')], max_length=12, verbose_name='不确定性分布')),
                    ('distribution_gsd2', models.DecimalField(blank=True, decimal_places=6, max_digits=12, null=True, verbose_name='几何标准差平方 GSD²')),
                    ('distribution_high', models.DecimalField(blank=True, decimal_places=10, max_digits=24, null=True, verbose_name='上限')),
                    ('distribution_low', models.DecimalField(blank=True, decimal_places=10, max_digits=24, null=True, verbose_name='下限')),
                    ('distribution_sd', models.DecimalField(blank=True, decimal_places=10, max_digits=24, null=True, verbose_name='标准差')),
                    ('licence_note', models.TextField(blank=True, verbose_name='许可说明')),
                    ('redistribution_allowed', models.BooleanField(default=True, help_text='不勾选：许可不允许转载该因子的详细信息，报告只打印因子值和来源。', verbose_name='允许在报告中完整转载')),
                ],
                options={
                    'verbose_name': 'historical 排放因子',
                    'verbose_name_plural': 'historical 排放因子',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalProduct',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('code', models.CharField(max_length=40, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_.-]+$', '只能包含字母、数字、点、下划线和连字符。'), footprint.validators.validate_not_dot_segment], verbose_name='产品代码')),
                    ('name', models.CharField(max_length=200, verbose_name='产品名称')),
                    ('model', models.CharField(blank=True, max_length=200, verbose_name='型号规格')),
                    ('functional_unit', models.CharField(default='1 台', max_length=100, verbose_name='功能单位')),
                    ('description', models.TextField(blank=True, verbose_name='产品描述')),
                    ('created_at', models.DateTimeField(blank=True, editable=False)),
                    ('updated_at', models.DateTimeField(blank=True, editable=False)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('company', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.company', verbose_name='企业')),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('energy_using', models.BooleanField(default=False, help_text='产品在使用中消耗能源，例如有运行损耗的电气设备。', verbose_name='使用阶段耗能')),
                ],
                options={
                    'verbose_name': 'historical 产品',
                    'verbose_name_plural': 'historical 产品',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='Product',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=40, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_.-]+$', '只能包含字母、数字、点、下划线和连字符。'), footprint.validators.validate_not_dot_segment], verbose_name='产品代码')),
                    ('name', models.CharField(max_length=200, verbose_name='产品名称')),
                    ('model', models.CharField(blank=True, max_length=200, verbose_name='型号规格')),
                    ('functional_unit', models.CharField(default='1 台', max_length=100, verbose_name='功能单位')),
                    ('description', models.TextField(blank=True, verbose_name='产品描述')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='products', to='footprint.company', verbose_name='企业')),
                    ('energy_using', models.BooleanField(default=False, help_text='产品在使用中消耗能源，例如有运行损耗的电气设备。', verbose_name='使用阶段耗能')),
                ],
                options={
                    'verbose_name': '产品',
                    'verbose_name_plural': '产品',
                    'ordering': ['company__name', 'code'],
                    'constraints': [models.UniqueConstraint(fields=('company', 'code'), name='product_code_unique_per_company')],
                },
            ),
            migrations.CreateModel(
                name='GwpSetVersion',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('gwp_set', models.CharField(choices=[('AR4', 'IPCC 第四次评估报告 (AR4, 2007)'), ('AR5', 'IPCC 第五次评估报告 (AR5, 2013)'), ('AR6', 'IPCC 第六次评估报告 (AR6, 2021)')], max_length=3, verbose_name='GWP 版本')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='版次')),
                    ('source', models.TextField(help_text='所依据的 IPCC 报告表格。', verbose_name='来源表')),
                    ('reason', models.TextField(blank=True, verbose_name='修订原因')),
                    ('reason_en', models.TextField(blank=True, verbose_name='修订原因（英文）')),
                    ('is_current', models.BooleanField(default=True, verbose_name='当前版次')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                ],
                options={
                    'verbose_name': 'GWP 值版次',
                    'verbose_name_plural': 'GWP 值版次',
                    'ordering': ['gwp_set', '-version'],
                    'constraints': [models.UniqueConstraint(fields=('gwp_set', 'version'), name='gwp_set_version_unique')],
                },
            ),
            migrations.CreateModel(
                name='GwpValue',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('gas', models.CharField(choices=[('CO2e', 'CO₂e'), ('CO2', 'CO₂'), ('CH4', 'CH₄'), ('N2O', 'N₂O'), ('SF6', 'SF₆'), ('NF3', 'NF₃'), ('CF4', 'CF₄'), ('HFC-134a', 'HFC-134a')], max_length=12, verbose_name='温室气体')),
                    ('value', models.DecimalField(decimal_places=3, max_digits=12, verbose_name='GWP 值')),
                    ('name', models.CharField(blank=True, max_length=100, verbose_name='名称')),
                    ('notes', models.TextField(blank=True, verbose_name='备注')),
                    ('set_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='values', to='footprint.gwpsetversion', verbose_name='GWP 值版次')),
                ],
                options={
                    'verbose_name': '全球变暖潜势 (GWP)',
                    'verbose_name_plural': '全球变暖潜势 (GWP)',
                    'ordering': ['set_version', 'gas'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('value__gt', 0)), name='gwp_value_positive'), models.UniqueConstraint(fields=('set_version', 'gas'), name='gwp_version_gas_unique')],
                },
            ),
            migrations.CreateModel(
                name='HistoricalGwpValue',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('gas', models.CharField(choices=[('CO2e', 'CO₂e'), ('CO2', 'CO₂'), ('CH4', 'CH₄'), ('N2O', 'N₂O'), ('SF6', 'SF₆'), ('NF3', 'NF₃'), ('CF4', 'CF₄'), ('HFC-134a', 'HFC-134a')], max_length=12, verbose_name='温室气体')),
                    ('value', models.DecimalField(decimal_places=3, max_digits=12, verbose_name='GWP 值')),
                    ('name', models.CharField(blank=True, max_length=100, verbose_name='名称')),
                    ('notes', models.TextField(blank=True, verbose_name='备注')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('set_version', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.gwpsetversion', verbose_name='GWP 值版次')),
                ],
                options={
                    'verbose_name': 'historical 全球变暖潜势 (GWP)',
                    'verbose_name_plural': 'historical 全球变暖潜势 (GWP)',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='Study',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('report_number', models.CharField(max_length=64, unique=True, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_.-]+$', '只能包含字母、数字、点、下划线和连字符。'), footprint.validators.validate_not_dot_segment], verbose_name='报告编号')),
                    ('revision', models.PositiveIntegerField(default=0, verbose_name='修订版次')),
                    ('title', models.CharField(max_length=300, verbose_name='报告标题')),
                    ('language', models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], default='zh-hans', max_length=8, verbose_name='报告语言')),
                    ('standards', models.JSONField(default=footprint.models._default_standards, verbose_name='核算和报告依据')),
                    ('period_start', models.DateField(verbose_name='报告期开始')),
                    ('period_end', models.DateField(verbose_name='报告期结束')),
                    ('gwp_set', models.CharField(choices=[('AR4', 'IPCC 第四次评估报告 (AR4, 2007)'), ('AR5', 'IPCC 第五次评估报告 (AR5, 2013)'), ('AR6', 'IPCC 第六次评估报告 (AR6, 2021)')], default='AR6', max_length=3, verbose_name='GWP 版本')),
                    ('boundary', models.CharField(choices=[('cradle_to_gate', '摇篮到大门'), ('cradle_to_grave', '摇篮到坟墓')], default='cradle_to_grave', max_length=20, verbose_name='系统边界')),
                    ('status', models.CharField(choices=[('draft', '草稿'), ('client_review', '企业审阅中'), ('changes_requested', '企业要求修改'), ('client_confirmed', '企业已确认'), ('technical_review', '技术评审中'), ('approved', '已批准'), ('issued', '已签发'), ('superseded', '已被替代')], default='draft', max_length=20, verbose_name='状态')),
                    ('purpose', models.TextField(blank=True, verbose_name='评价目的')),
                    ('product_function', models.TextField(blank=True, verbose_name='产品功能')),
                    ('process_flow', models.TextField(blank=True, verbose_name='工艺流程')),
                    ('allocation', models.TextField(blank=True, verbose_name='分配原则')),
                    ('cut_off', models.TextField(blank=True, verbose_name='取舍准则')),
                    ('assumptions', models.TextField(blank=True, verbose_name='假设和限制')),
                    ('data_quality', models.TextField(blank=True, verbose_name='数据质量')),
                    ('uncertainty', models.TextField(blank=True, verbose_name='不确定性')),
                    ('improvements', models.TextField(blank=True, verbose_name='改进建议')),
                    ('certification_body', models.CharField(blank=True, max_length=200, verbose_name='认证机构')),
                    ('sent_to_client_at', models.DateTimeField(blank=True, null=True, verbose_name='发送企业审阅时间')),
                    ('issue_date', models.DateField(blank=True, null=True, verbose_name='签发日期')),
                    ('issued_at', models.DateTimeField(blank=True, null=True, verbose_name='签发时间')),
                    ('verification_code', models.CharField(blank=True, max_length=40, null=True, unique=True, verbose_name='验证码')),
                    ('issued_pdf', models.FileField(blank=True, upload_to='issued/', verbose_name='签发的 PDF')),
                    ('issued_sha256', models.CharField(blank=True, max_length=64, verbose_name='签发文件 SHA-256')),
                    ('issued_snapshot', models.JSONField(blank=True, null=True, verbose_name='签发时的数据快照')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('updated_at', models.DateTimeField(auto_now=True)),
                    ('auditors', models.ManyToManyField(blank=True, related_name='assigned_studies', to=settings.AUTH_USER_MODEL, verbose_name='核查员')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='studies', to='footprint.company', verbose_name='企业')),
                    ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='created_studies', to=settings.AUTH_USER_MODEL)),
                    ('lead_verifier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='led_studies', to=settings.AUTH_USER_MODEL, verbose_name='技术负责人')),
                    ('supersedes', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='superseded_by', to='footprint.study', verbose_name='替代的报告')),
                    ('translations', models.JSONField(blank=True, default=dict, verbose_name='报告译文')),
                    ('gwp_version', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='studies', to='footprint.gwpsetversion', verbose_name='GWP 值版次')),
                    ('issued_alt_language', models.CharField(blank=True, choices=[('zh-hans', '简体中文'), ('en', 'English')], max_length=8, verbose_name='另一语言签发文件的语言')),
                    ('issued_alt_pdf', models.FileField(blank=True, upload_to='issued/', verbose_name='另一语言签发的 PDF')),
                    ('issued_alt_sha256', models.CharField(blank=True, max_length=64, verbose_name='另一语言签发文件 SHA-256')),
                ],
                options={
                    'verbose_name': '碳足迹报告',
                    'verbose_name_plural': '碳足迹报告',
                    'ordering': ['-updated_at'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('period_end__gte', models.F('period_start'))), name='study_period_end_after_start', violation_error_message='报告期结束日期不能早于开始日期。')],
                },
            ),
            migrations.CreateModel(
                name='HistoricalVerificationTeamMember',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='姓名')),
                    ('organisation', models.CharField(blank=True, max_length=200, verbose_name='工作单位')),
                    ('certificate_number', models.CharField(blank=True, max_length=100, verbose_name='证书号')),
                    ('role', models.CharField(blank=True, max_length=50, verbose_name='组内职务')),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('study', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.study')),
                ],
                options={
                    'verbose_name': 'historical 核查组成员',
                    'verbose_name_plural': 'historical 核查组成员',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalStudyProduct',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('annual_output', models.DecimalField(decimal_places=6, help_text='报告期内生产的功能单位数量。', max_digits=24, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='报告期产量')),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('product', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.product', verbose_name='产品')),
                    ('study', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.study', verbose_name='报告')),
                    ('biogenic_carbon_kg', models.DecimalField(blank=True, decimal_places=6, help_text='每个功能单位产品中生物来源碳的质量。', max_digits=18, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='生物碳含量 (kgC)')),
                    ('exempted_emissions_pct', models.DecimalField(blank=True, decimal_places=3, help_text='按取舍准则排除的过程估计占产品碳足迹的百分比。', max_digits=7, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='取舍排除的排放占比 (%)')),
                    ('fossil_carbon_kg', models.DecimalField(blank=True, decimal_places=6, help_text='每个功能单位产品中化石来源碳的质量。', max_digits=18, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='化石碳含量 (kgC)')),
                    ('mass_per_unit_kg', models.DecimalField(blank=True, decimal_places=6, help_text='每个功能单位的产品质量（不含包装）。', max_digits=18, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='单位产品质量 (kg)')),
                ],
                options={
                    'verbose_name': 'historical 报告中的产品',
                    'verbose_name_plural': 'historical 报告中的产品',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalStudy',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('report_number', models.CharField(db_index=True, max_length=64, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_.-]+$', '只能包含字母、数字、点、下划线和连字符。'), footprint.validators.validate_not_dot_segment], verbose_name='报告编号')),
                    ('revision', models.PositiveIntegerField(default=0, verbose_name='修订版次')),
                    ('title', models.CharField(max_length=300, verbose_name='报告标题')),
                    ('language', models.CharField(choices=[('zh-hans', '简体中文'), ('en', 'English')], default='zh-hans', max_length=8, verbose_name='报告语言')),
                    ('standards', models.JSONField(default=footprint.models._default_standards, verbose_name='核算和报告依据')),
                    ('period_start', models.DateField(verbose_name='报告期开始')),
                    ('period_end', models.DateField(verbose_name='报告期结束')),
                    ('gwp_set', models.CharField(choices=[('AR4', 'IPCC 第四次评估报告 (AR4, 2007)'), ('AR5', 'IPCC 第五次评估报告 (AR5, 2013)'), ('AR6', 'IPCC 第六次评估报告 (AR6, 2021)')], default='AR6', max_length=3, verbose_name='GWP 版本')),
                    ('boundary', models.CharField(choices=[('cradle_to_gate', '摇篮到大门'), ('cradle_to_grave', '摇篮到坟墓')], default='cradle_to_grave', max_length=20, verbose_name='系统边界')),
                    ('status', models.CharField(choices=[('draft', '草稿'), ('client_review', '企业审阅中'), ('changes_requested', '企业要求修改'), ('client_confirmed', '企业已确认'), ('technical_review', '技术评审中'), ('approved', '已批准'), ('issued', '已签发'), ('superseded', '已被替代')], default='draft', max_length=20, verbose_name='状态')),
                    ('purpose', models.TextField(blank=True, verbose_name='评价目的')),
                    ('product_function', models.TextField(blank=True, verbose_name='产品功能')),
                    ('process_flow', models.TextField(blank=True, verbose_name='工艺流程')),
                    ('allocation', models.TextField(blank=True, verbose_name='分配原则')),
                    ('cut_off', models.TextField(blank=True, verbose_name='取舍准则')),
                    ('assumptions', models.TextField(blank=True, verbose_name='假设和限制')),
                    ('data_quality', models.TextField(blank=True, verbose_name='数据质量')),
                    ('uncertainty', models.TextField(blank=True, verbose_name='不确定性')),
                    ('improvements', models.TextField(blank=True, verbose_name='改进建议')),
                    ('certification_body', models.CharField(blank=True, max_length=200, verbose_name='认证机构')),
                    ('sent_to_client_at', models.DateTimeField(blank=True, null=True, verbose_name='发送企业审阅时间')),
                    ('issue_date', models.DateField(blank=True, null=True, verbose_name='签发日期')),
                    ('issued_at', models.DateTimeField(blank=True, null=True, verbose_name='签发时间')),
                    ('verification_code', models.CharField(blank=True, db_index=True, max_length=40, null=True, verbose_name='验证码')),
                    ('issued_pdf', models.TextField(blank=True, max_length=100, verbose_name='签发的 PDF')),
                    ('issued_sha256', models.CharField(blank=True, max_length=64, verbose_name='签发文件 SHA-256')),
                    ('issued_snapshot', models.JSONField(blank=True, null=True, verbose_name='签发时的数据快照')),
                    ('created_at', models.DateTimeField(blank=True, editable=False)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('company', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.company', verbose_name='企业')),
                    ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('lead_verifier', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='技术负责人')),
                    ('supersedes', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.study', verbose_name='替代的报告')),
                    ('translations', models.JSONField(blank=True, default=dict, verbose_name='报告译文')),
                    ('gwp_version', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.gwpsetversion', verbose_name='GWP 值版次')),
                    ('issued_alt_language', models.CharField(blank=True, choices=[('zh-hans', '简体中文'), ('en', 'English')], max_length=8, verbose_name='另一语言签发文件的语言')),
                    ('issued_alt_pdf', models.TextField(blank=True, max_length=100, verbose_name='另一语言签发的 PDF')),
                    ('issued_alt_sha256', models.CharField(blank=True, max_length=64, verbose_name='另一语言签发文件 SHA-256')),
                ],
                options={
                    'verbose_name': 'historical 碳足迹报告',
                    'verbose_name_plural': 'historical 碳足迹报告',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='StudyProduct',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('annual_output', models.DecimalField(decimal_places=6, help_text='报告期内生产的功能单位数量。', max_digits=24, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='报告期产量')),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('product', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='study_products', to='footprint.product', verbose_name='产品')),
                    ('study', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='study_products', to='footprint.study', verbose_name='报告')),
                    ('biogenic_carbon_kg', models.DecimalField(blank=True, decimal_places=6, help_text='每个功能单位产品中生物来源碳的质量。', max_digits=18, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='生物碳含量 (kgC)')),
                    ('exempted_emissions_pct', models.DecimalField(blank=True, decimal_places=3, help_text='按取舍准则排除的过程估计占产品碳足迹的百分比。', max_digits=7, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='取舍排除的排放占比 (%)')),
                    ('fossil_carbon_kg', models.DecimalField(blank=True, decimal_places=6, help_text='每个功能单位产品中化石来源碳的质量。', max_digits=18, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='化石碳含量 (kgC)')),
                    ('mass_per_unit_kg', models.DecimalField(blank=True, decimal_places=6, help_text='每个功能单位的产品质量（不含包装）。', max_digits=18, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0'))], verbose_name='单位产品质量 (kg)')),
                ],
                options={
                    'verbose_name': '报告中的产品',
                    'verbose_name_plural': '报告中的产品',
                    'ordering': ['position', 'id'],
                    'constraints': [models.UniqueConstraint(fields=('study', 'product'), name='study_product_unique'), models.CheckConstraint(condition=models.Q(('annual_output__gte', 0)), name='study_product_output_non_negative')],
                },
            ),
            migrations.CreateModel(
                name='LifecycleStage',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('stage', models.CharField(choices=[('raw_material_acquisition', '原材料获取'), ('raw_material_transport', '原材料运输'), ('production', '生产'), ('distribution', '成品运输（分销）'), ('use', '使用'), ('end_of_life', '生命末期（处置）')], max_length=30, verbose_name='生命周期阶段')),
                    ('included', models.TextField(blank=True, verbose_name='包含的过程')),
                    ('excluded', models.TextField(blank=True, verbose_name='未包含的过程')),
                    ('exclusion_reason', models.TextField(blank=True, help_text='该阶段无活动数据时，说明为何排除。', verbose_name='排除理由')),
                    ('study_product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='stages', to='footprint.studyproduct', verbose_name='报告中的产品')),
                ],
                options={
                    'verbose_name': '生命周期阶段',
                    'verbose_name_plural': '生命周期阶段',
                    'constraints': [models.UniqueConstraint(fields=('study_product', 'stage'), name='stage_unique_per_product')],
                },
            ),
            migrations.CreateModel(
                name='HistoricalLifecycleStage',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('stage', models.CharField(choices=[('raw_material_acquisition', '原材料获取'), ('raw_material_transport', '原材料运输'), ('production', '生产'), ('distribution', '成品运输（分销）'), ('use', '使用'), ('end_of_life', '生命末期（处置）')], max_length=30, verbose_name='生命周期阶段')),
                    ('included', models.TextField(blank=True, verbose_name='包含的过程')),
                    ('excluded', models.TextField(blank=True, verbose_name='未包含的过程')),
                    ('exclusion_reason', models.TextField(blank=True, help_text='该阶段无活动数据时，说明为何排除。', verbose_name='排除理由')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('study_product', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.studyproduct', verbose_name='报告中的产品')),
                ],
                options={
                    'verbose_name': 'historical 生命周期阶段',
                    'verbose_name_plural': 'historical 生命周期阶段',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='StudyTransition',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('from_status', models.CharField(choices=[('draft', '草稿'), ('client_review', '企业审阅中'), ('changes_requested', '企业要求修改'), ('client_confirmed', '企业已确认'), ('technical_review', '技术评审中'), ('approved', '已批准'), ('issued', '已签发'), ('superseded', '已被替代')], max_length=20)),
                    ('to_status', models.CharField(choices=[('draft', '草稿'), ('client_review', '企业审阅中'), ('changes_requested', '企业要求修改'), ('client_confirmed', '企业已确认'), ('technical_review', '技术评审中'), ('approved', '已批准'), ('issued', '已签发'), ('superseded', '已被替代')], max_length=20)),
                    ('comment', models.TextField(blank=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('study', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='transitions', to='footprint.study')),
                    ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': '状态变更',
                    'verbose_name_plural': '状态变更',
                    'ordering': ['created_at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='VerificationTeamMember',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=100, verbose_name='姓名')),
                    ('organisation', models.CharField(blank=True, max_length=200, verbose_name='工作单位')),
                    ('certificate_number', models.CharField(blank=True, max_length=100, verbose_name='证书号')),
                    ('role', models.CharField(blank=True, max_length=50, verbose_name='组内职务')),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('study', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='team', to='footprint.study')),
                ],
                options={
                    'verbose_name': '核查组成员',
                    'verbose_name_plural': '核查组成员',
                    'ordering': ['position', 'id'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalGwpSetVersion',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('gwp_set', models.CharField(choices=[('AR4', 'IPCC 第四次评估报告 (AR4, 2007)'), ('AR5', 'IPCC 第五次评估报告 (AR5, 2013)'), ('AR6', 'IPCC 第六次评估报告 (AR6, 2021)')], max_length=3, verbose_name='GWP 版本')),
                    ('version', models.PositiveIntegerField(default=1, verbose_name='版次')),
                    ('source', models.TextField(help_text='所依据的 IPCC 报告表格。', verbose_name='来源表')),
                    ('reason', models.TextField(blank=True, verbose_name='修订原因')),
                    ('reason_en', models.TextField(blank=True, verbose_name='修订原因（英文）')),
                    ('is_current', models.BooleanField(default=True, verbose_name='当前版次')),
                    ('created_at', models.DateTimeField(blank=True, editable=False)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'historical GWP 值版次',
                    'verbose_name_plural': 'historical GWP 值版次',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='StudyGwpChange',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('from_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='footprint.gwpsetversion', verbose_name='原版次')),
                    ('study', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='gwp_changes', to='footprint.study')),
                    ('to_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='footprint.gwpsetversion', verbose_name='新版次')),
                ],
                options={
                    'verbose_name': 'GWP 版次变更',
                    'verbose_name_plural': 'GWP 版次变更',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalStudyClaim',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('level', models.CharField(choices=[('product', '产品合计'), ('stage', '阶段合计'), ('share', '阶段占比'), ('factor', '排放因子')], max_length=10, verbose_name='声明类型')),
                    ('stage', models.CharField(blank=True, choices=[('raw_material_acquisition', '原材料获取'), ('raw_material_transport', '原材料运输'), ('production', '生产'), ('distribution', '成品运输（分销）'), ('use', '使用'), ('end_of_life', '生命末期（处置）')], max_length=30, verbose_name='生命周期阶段')),
                    ('factor_code', models.CharField(blank=True, max_length=64, verbose_name='因子代码')),
                    ('value', models.DecimalField(decimal_places=12, max_digits=28, verbose_name='声明值')),
                    ('decimals', models.PositiveSmallIntegerField(default=3, verbose_name='印出的小数位数')),
                    ('unit', models.CharField(max_length=40, verbose_name='单位（原样）')),
                    ('place', models.CharField(help_text='原报告中的位置，例如“摘要”“表 5.2-2”。', max_length=100, verbose_name='出处')),
                    ('note', models.TextField(blank=True, verbose_name='备注')),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('study', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.study')),
                    ('study_product', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.studyproduct', verbose_name='报告中的产品')),
                ],
                options={
                    'verbose_name': 'historical 原报告声明值',
                    'verbose_name_plural': 'historical 原报告声明值',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='StudyClaim',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('level', models.CharField(choices=[('product', '产品合计'), ('stage', '阶段合计'), ('share', '阶段占比'), ('factor', '排放因子')], max_length=10, verbose_name='声明类型')),
                    ('stage', models.CharField(blank=True, choices=[('raw_material_acquisition', '原材料获取'), ('raw_material_transport', '原材料运输'), ('production', '生产'), ('distribution', '成品运输（分销）'), ('use', '使用'), ('end_of_life', '生命末期（处置）')], max_length=30, verbose_name='生命周期阶段')),
                    ('factor_code', models.CharField(blank=True, max_length=64, verbose_name='因子代码')),
                    ('value', models.DecimalField(decimal_places=12, max_digits=28, verbose_name='声明值')),
                    ('decimals', models.PositiveSmallIntegerField(default=3, verbose_name='印出的小数位数')),
                    ('unit', models.CharField(max_length=40, verbose_name='单位（原样）')),
                    ('place', models.CharField(help_text='原报告中的位置，例如“摘要”“表 5.2-2”。', max_length=100, verbose_name='出处')),
                    ('note', models.TextField(blank=True, verbose_name='备注')),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('study', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='claims', to='footprint.study')),
                    ('study_product', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='claims', to='footprint.studyproduct', verbose_name='报告中的产品')),
                ],
                options={
                    'verbose_name': '原报告声明值',
                    'verbose_name_plural': '原报告声明值',
                    'ordering': ['position', 'id'],
                    'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('level__in', ['product', 'stage', 'share']), ('study_product__isnull', False)), models.Q(('level', 'factor'), models.Q(('factor_code', ''), _negated=True)), _connector='OR'), name='claim_has_its_subject', violation_error_message='产品、阶段和占比声明需要产品；因子声明需要因子代码。'), models.CheckConstraint(condition=models.Q(('level__in', ['product', 'factor']), models.Q(('stage', ''), _negated=True), _connector='OR'), name='claim_stage_given', violation_error_message='阶段和占比声明需要生命周期阶段。')],
                },
            ),
            migrations.CreateModel(
                name='BackgroundJob',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('issue', '签发'), ('draft_pdf', '草稿 PDF'), ('import', '导入'), ('preview', '导入预览'), ('library_import', '因子库导入')], max_length=20)),
                    ('status', models.CharField(choices=[('queued', '排队中'), ('rendering', '正在生成'), ('signing', '正在签名'), ('done', '已完成'), ('failed', '失败')], default='queued', max_length=20)),
                    ('key', models.CharField(blank=True, default='', max_length=64)),
                    ('payload', models.JSONField(blank=True, default=dict)),
                    ('reason', models.TextField(blank=True)),
                    ('result', models.CharField(blank=True, max_length=255)),
                    ('attempts', models.PositiveSmallIntegerField(default=0)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('started_at', models.DateTimeField(blank=True, null=True)),
                    ('finished_at', models.DateTimeField(blank=True, null=True)),
                    ('study', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='jobs', to='footprint.study')),
                    ('user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='jobs', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': '后台任务',
                    'verbose_name_plural': '后台任务',
                    'ordering': ['-created_at', '-id'],
                    'constraints': [models.UniqueConstraint(condition=models.Q(('status__in', ['queued', 'rendering', 'signing'])), fields=('kind', 'study', 'key'), name='one_active_job_per_study_and_key')],
                },
            ),
            migrations.CreateModel(
                name='PactClient',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('name', models.CharField(max_length=200, verbose_name='名称')),
                    ('client_id', models.CharField(max_length=100, unique=True, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_.-]+$', '只能包含字母、数字、点、下划线和连字符。')], verbose_name='客户端 ID')),
                    ('secret_hash', models.CharField(max_length=200, verbose_name='密钥哈希')),
                    ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                    ('token_generation', models.PositiveIntegerField(default=0, editable=False)),
                    ('events_url', models.URLField(blank=True, help_text='对方系统的 PACT 基础地址（https://…），事件发送到其 /3/events。', verbose_name='事件接收地址')),
                    ('events_client_id', models.CharField(blank=True, max_length=200, verbose_name='对方系统的客户端 ID')),
                    ('events_client_secret', models.CharField(blank=True, max_length=200, verbose_name='对方系统的密钥')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                ],
                options={
                    'verbose_name': 'PACT 数据接收方',
                    'verbose_name_plural': 'PACT 数据接收方',
                    'ordering': ['name'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalPactClient',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('name', models.CharField(max_length=200, verbose_name='名称')),
                    ('client_id', models.CharField(db_index=True, max_length=100, validators=[django.core.validators.RegexValidator('^[A-Za-z0-9_.-]+$', '只能包含字母、数字、点、下划线和连字符。')], verbose_name='客户端 ID')),
                    ('is_active', models.BooleanField(default=True, verbose_name='启用')),
                    ('token_generation', models.PositiveIntegerField(default=0, editable=False)),
                    ('events_url', models.URLField(blank=True, help_text='对方系统的 PACT 基础地址（https://…），事件发送到其 /3/events。', verbose_name='事件接收地址')),
                    ('events_client_id', models.CharField(blank=True, max_length=200, verbose_name='对方系统的客户端 ID')),
                    ('created_at', models.DateTimeField(blank=True, editable=False)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'historical PACT 数据接收方',
                    'verbose_name_plural': 'historical PACT 数据接收方',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalPactGrant',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='授权时间')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('company', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.company', verbose_name='企业')),
                    ('granted_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='授权人')),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('client', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.pactclient', verbose_name='数据接收方')),
                ],
                options={
                    'verbose_name': 'historical PACT 数据授权',
                    'verbose_name_plural': 'historical PACT 数据授权',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='PactFootprint',
                fields=[
                    ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                    ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='创建时间')),
                    ('study_product', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='pact_footprint', to='footprint.studyproduct', verbose_name='报告中的产品')),
                ],
                options={
                    'verbose_name': 'PACT 产品碳足迹',
                    'verbose_name_plural': 'PACT 产品碳足迹',
                    'ordering': ['created_at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='PactOutboundEvent',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('event', models.JSONField()),
                    ('attempts', models.PositiveIntegerField(default=0)),
                    ('next_attempt_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                    ('delivered_at', models.DateTimeField(blank=True, null=True)),
                    ('abandoned', models.BooleanField(default=False)),
                    ('last_error', models.TextField(blank=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='outbound_events', to='footprint.pactclient')),
                ],
                options={
                    'verbose_name': 'PACT 待发送事件',
                    'verbose_name_plural': 'PACT 待发送事件',
                    'ordering': ['created_at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='PactGrant',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='授权时间')),
                    ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='grants', to='footprint.pactclient', verbose_name='数据接收方')),
                    ('company', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='pact_grants', to='footprint.company', verbose_name='企业')),
                    ('granted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='授权人')),
                ],
                options={
                    'verbose_name': 'PACT 数据授权',
                    'verbose_name_plural': 'PACT 数据授权',
                    'ordering': ['company__name', 'client__name'],
                    'constraints': [models.UniqueConstraint(fields=('client', 'company'), name='pact_grant_unique')],
                },
            ),
            migrations.CreateModel(
                name='DataRequest',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('title', models.CharField(max_length=200, verbose_name='标题')),
                    ('message', models.TextField(blank=True, verbose_name='给企业的说明')),
                    ('status', models.CharField(choices=[('draft', '草稿'), ('sent', '已发送，待企业填写'), ('submitted', '企业已提交'), ('closed', '已关闭')], default='draft', max_length=12, verbose_name='状态')),
                    ('due_date', models.DateField(verbose_name='截止日期')),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='关闭时间')),
                    ('overdue_notified_on', models.DateField(blank=True, editable=False, null=True)),
                    ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                    ('study', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='data_requests', to='footprint.study', verbose_name='报告')),
                ],
                options={
                    'verbose_name': '数据请求',
                    'verbose_name_plural': '数据请求',
                    'ordering': ['-created_at', '-id'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalDataRequest',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('title', models.CharField(max_length=200, verbose_name='标题')),
                    ('message', models.TextField(blank=True, verbose_name='给企业的说明')),
                    ('status', models.CharField(choices=[('draft', '草稿'), ('sent', '已发送，待企业填写'), ('submitted', '企业已提交'), ('closed', '已关闭')], default='draft', max_length=12, verbose_name='状态')),
                    ('due_date', models.DateField(verbose_name='截止日期')),
                    ('created_at', models.DateTimeField(blank=True, editable=False)),
                    ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                    ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='关闭时间')),
                    ('overdue_notified_on', models.DateField(blank=True, editable=False, null=True)),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('created_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发起人')),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('study', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.study', verbose_name='报告')),
                ],
                options={
                    'verbose_name': 'historical 数据请求',
                    'verbose_name_plural': 'historical 数据请求',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='Notice',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('kind', models.CharField(choices=[('requested', '数据请求'), ('submitted', '企业已提交数据'), ('accepted', '数据已接受'), ('rejected', '数据被退回'), ('overdue', '数据请求已逾期')], max_length=12)),
                    ('count', models.PositiveIntegerField(default=0)),
                    ('comment', models.TextField(blank=True)),
                    ('created_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                    ('read_at', models.DateTimeField(blank=True, null=True)),
                    ('emailed_at', models.DateTimeField(blank=True, null=True)),
                    ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('data_request', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='notices', to='footprint.datarequest')),
                    ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notices', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': '通知',
                    'verbose_name_plural': '通知',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(fields=['recipient', 'read_at'], name='notice_unread')],
                },
            ),
            migrations.CreateModel(
                name='StudyDataVersion',
                fields=[
                    ('study', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='data_version', serialize=False, to='footprint.study')),
                    ('token', models.CharField(max_length=32)),
                    ('changed_at', models.DateTimeField(default=django.utils.timezone.now)),
                ],
                options={
                    'verbose_name': '研究数据版本',
                    'verbose_name_plural': '研究数据版本',
                },
            ),
            migrations.CreateModel(
                name='HistoricalActivityRecord',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('position', models.PositiveIntegerField(db_index=True, default=0)),
                    ('name', models.CharField(max_length=200, verbose_name='活动名称')),
                    ('quantity', models.DecimalField(decimal_places=9, max_digits=28, verbose_name='活动数据')),
                    ('unit', models.CharField(max_length=40, verbose_name='单位')),
                    ('basis', models.CharField(choices=[('annual_total', '报告期总量'), ('per_unit', '每功能单位')], default='annual_total', max_length=20, verbose_name='数据基准')),
                    ('allocation', models.DecimalField(decimal_places=8, default=Decimal('1'), max_digits=9, verbose_name='分配比例')),
                    ('data_type', models.CharField(choices=[('primary', '初级数据'), ('secondary', '次级数据')], default='primary', max_length=10, verbose_name='数据类型')),
                    ('source', models.CharField(blank=True, max_length=300, verbose_name='数据来源')),
                    ('claimed_kgco2e_per_unit', models.DecimalField(blank=True, decimal_places=9, max_digits=24, null=True, verbose_name='原报告声明值 (kgCO₂e/功能单位)')),
                    ('uncertainty_pct', models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True, verbose_name='不确定性 (%)')),
                    ('notes', models.TextField(blank=True, verbose_name='备注')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('factor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.emissionfactor', verbose_name='排放因子')),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('stage', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.lifecyclestage', verbose_name='生命周期阶段')),
                    ('distribution', models.CharField(blank=True, choices=[('lognormal', '对数正态'), ('normal', '正态'), ('triangular', '三角'), ('uniform', '均匀')], max_length=12, verbose_name='不确定性分布')),
                    ('distribution_gsd2', models.DecimalField(blank=True, decimal_places=6, max_digits=12, null=True, verbose_name='几何标准差平方 GSD²')),
                    ('distribution_high', models.DecimalField(blank=True, decimal_places=9, max_digits=28, null=True, verbose_name='上限')),
                    ('distribution_low', models.DecimalField(blank=True, decimal_places=9, max_digits=28, null=True, verbose_name='下限')),
                    ('distribution_sd', models.DecimalField(blank=True, decimal_places=9, max_digits=28, null=True, verbose_name='标准差')),
                    ('dq_completeness', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='完整性')),
                    ('dq_geographical', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='地理相关性')),
                    ('dq_reliability', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='可靠性')),
                    ('dq_technological', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='技术相关性')),
                    ('dq_temporal', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='时间相关性')),
                    ('verification', models.CharField(choices=[('verified', '已对照证据核实'), ('sampled', '抽样核实'), ('estimated', '估算或假设'), ('not_verified', '未核实')], default='not_verified', max_length=20, verbose_name='核实状态')),
                    ('verified_evidence', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.evidencefile', verbose_name='核实依据')),
                ],
                options={
                    'verbose_name': 'historical 活动数据',
                    'verbose_name_plural': 'historical 活动数据',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='ActivityRecord',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('position', models.PositiveIntegerField(db_index=True, default=0)),
                    ('name', models.CharField(max_length=200, verbose_name='活动名称')),
                    ('quantity', models.DecimalField(decimal_places=9, max_digits=28, verbose_name='活动数据')),
                    ('unit', models.CharField(max_length=40, verbose_name='单位')),
                    ('basis', models.CharField(choices=[('annual_total', '报告期总量'), ('per_unit', '每功能单位')], default='annual_total', max_length=20, verbose_name='数据基准')),
                    ('allocation', models.DecimalField(decimal_places=8, default=Decimal('1'), max_digits=9, verbose_name='分配比例')),
                    ('data_type', models.CharField(choices=[('primary', '初级数据'), ('secondary', '次级数据')], default='primary', max_length=10, verbose_name='数据类型')),
                    ('source', models.CharField(blank=True, max_length=300, verbose_name='数据来源')),
                    ('claimed_kgco2e_per_unit', models.DecimalField(blank=True, decimal_places=9, max_digits=24, null=True, verbose_name='原报告声明值 (kgCO₂e/功能单位)')),
                    ('uncertainty_pct', models.DecimalField(blank=True, decimal_places=3, max_digits=7, null=True, verbose_name='不确定性 (%)')),
                    ('notes', models.TextField(blank=True, verbose_name='备注')),
                    ('factor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='footprint.emissionfactor', verbose_name='排放因子')),
                    ('stage', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='activities', to='footprint.lifecyclestage', verbose_name='生命周期阶段')),
                    ('distribution', models.CharField(blank=True, choices=[('lognormal', '对数正态'), ('normal', '正态'), ('triangular', '三角'), ('uniform', '均匀')], max_length=12, verbose_name='不确定性分布')),
                    ('distribution_gsd2', models.DecimalField(blank=True, decimal_places=6, max_digits=12, null=True, verbose_name='几何标准差平方 GSD²')),
                    ('distribution_high', models.DecimalField(blank=True, decimal_places=9, max_digits=28, null=True, verbose_name='上限')),
                    ('distribution_low', models.DecimalField(blank=True, decimal_places=9, max_digits=28, null=True, verbose_name='下限')),
                    ('distribution_sd', models.DecimalField(blank=True, decimal_places=9, max_digits=28, null=True, verbose_name='标准差')),
                    ('dq_completeness', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='完整性')),
                    ('dq_geographical', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='地理相关性')),
                    ('dq_reliability', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='可靠性')),
                    ('dq_technological', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='技术相关性')),
                    ('dq_temporal', models.PositiveSmallIntegerField(blank=True, choices=[(1, '1'), (2, '2'), (3, '3'), (4, '4'), (5, '5')], null=True, verbose_name='时间相关性')),
                    ('verification', models.CharField(choices=[('verified', '已对照证据核实'), ('sampled', '抽样核实'), ('estimated', '估算或假设'), ('not_verified', '未核实')], default='not_verified', max_length=20, verbose_name='核实状态')),
                    ('verified_evidence', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.RESTRICT, related_name='verified_activities', to='footprint.evidencefile', verbose_name='核实依据')),
                ],
                options={
                    'verbose_name': '活动数据',
                    'verbose_name_plural': '活动数据',
                    'ordering': ['position', 'id'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('quantity__gte', 0)), name='activity_quantity_non_negative', violation_error_message='活动数据不能为负数。'), models.CheckConstraint(condition=models.Q(('allocation__gt', 0), ('allocation__lte', 1)), name='activity_allocation_in_0_1', violation_error_message='分配比例必须大于 0 且不超过 1。'), models.CheckConstraint(condition=models.Q(('uncertainty_pct__isnull', True), ('uncertainty_pct__gte', 0), _connector='OR'), name='activity_uncertainty_non_negative'), models.CheckConstraint(condition=models.Q(('distribution_gsd2__isnull', True), ('distribution_gsd2__gte', 1), _connector='OR'), name='activity_distribution_gsd2_at_least_1', violation_error_message='GSD² 不能小于 1。'), models.CheckConstraint(condition=models.Q(models.Q(('verification', 'verified'), ('verified_evidence__isnull', False)), models.Q(models.Q(('verification', 'verified'), _negated=True), ('verified_evidence__isnull', True)), _connector='OR'), name='activity_verified_names_its_evidence', violation_error_message='“已对照证据核实”需要选择证据文件；其他核实状态不关联文件。')],
                },
            ),
            migrations.CreateModel(
                name='Comment',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('text', models.TextField(verbose_name='意见')),
                    ('resolved', models.BooleanField(default=False, verbose_name='已解决')),
                    ('resolved_at', models.DateTimeField(blank=True, null=True)),
                    ('created_at', models.DateTimeField(auto_now_add=True)),
                    ('activity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='comments', to='footprint.activityrecord')),
                    ('author', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, to=settings.AUTH_USER_MODEL)),
                    ('resolved_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='resolved_comments', to=settings.AUTH_USER_MODEL)),
                    ('study', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='footprint.study')),
                ],
                options={
                    'verbose_name': '审阅意见',
                    'verbose_name_plural': '审阅意见',
                    'ordering': ['created_at', 'id'],
                },
            ),
            migrations.CreateModel(
                name='HistoricalEvidenceFile',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('original_name', models.CharField(max_length=255, verbose_name='文件名')),
                    ('file', models.TextField(max_length=255, verbose_name='文件')),
                    ('kind', models.CharField(choices=[('pdf', 'PDF'), ('png', 'PNG'), ('jpeg', 'JPEG'), ('xlsx', 'XLSX'), ('csv', 'CSV')], max_length=8, verbose_name='文件类型')),
                    ('size', models.PositiveBigIntegerField(verbose_name='大小（字节）')),
                    ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                    ('description', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                    ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='上传时间')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('activity', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.activityrecord', verbose_name='活动数据')),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('study', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.study', verbose_name='报告')),
                    ('uploaded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='上传人')),
                ],
                options={
                    'verbose_name': 'historical 证据文件',
                    'verbose_name_plural': 'historical 证据文件',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='EvidenceFile',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('original_name', models.CharField(max_length=255, verbose_name='文件名')),
                    ('file', models.FileField(max_length=255, upload_to=footprint.models.evidence_upload_to, verbose_name='文件')),
                    ('kind', models.CharField(choices=[('pdf', 'PDF'), ('png', 'PNG'), ('jpeg', 'JPEG'), ('xlsx', 'XLSX'), ('csv', 'CSV')], max_length=8, verbose_name='文件类型')),
                    ('size', models.PositiveBigIntegerField(verbose_name='大小（字节）')),
                    ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                    ('description', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                    ('uploaded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='上传时间')),
                    ('activity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='evidence_files', to='footprint.activityrecord', verbose_name='活动数据')),
                    ('study', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence_files', to='footprint.study', verbose_name='报告')),
                    ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='uploaded_evidence', to=settings.AUTH_USER_MODEL, verbose_name='上传人')),
                ],
                options={
                    'verbose_name': '证据文件',
                    'verbose_name_plural': '证据文件',
                    'ordering': ['uploaded_at', 'id'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('kind__in', ['pdf', 'png', 'jpeg', 'xlsx', 'csv'])), name='evidence_kind_known')],
                },
            ),
            migrations.CreateModel(
                name='DataRequestRow',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('stage', models.CharField(choices=[('raw_material_acquisition', '原材料获取'), ('raw_material_transport', '原材料运输'), ('production', '生产'), ('distribution', '成品运输（分销）'), ('use', '使用'), ('end_of_life', '生命末期（处置）')], max_length=30, verbose_name='生命周期阶段')),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('name', models.CharField(max_length=200, verbose_name='活动名称')),
                    ('unit', models.CharField(max_length=40, verbose_name='单位')),
                    ('expected_evidence', models.CharField(blank=True, max_length=300, verbose_name='需提供的证据')),
                    ('hint', models.TextField(blank=True, verbose_name='填写提示')),
                    ('quantity', models.DecimalField(blank=True, decimal_places=9, max_digits=28, null=True, verbose_name='提交的数量')),
                    ('submitted_unit', models.CharField(blank=True, max_length=40, verbose_name='提交的单位')),
                    ('note', models.TextField(blank=True, verbose_name='企业说明')),
                    ('status', models.CharField(choices=[('pending', '待填写'), ('submitted', '已提交，待核查'), ('accepted', '已接受'), ('rejected', '已退回')], default='pending', max_length=12, verbose_name='状态')),
                    ('rejection_comment', models.TextField(blank=True, verbose_name='退回意见')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                    ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='核查时间')),
                    ('activity', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='request_rows', to='footprint.activityrecord', verbose_name='活动数据')),
                    ('evidence', models.ManyToManyField(blank=True, related_name='request_rows', to='footprint.evidencefile', verbose_name='证据文件')),
                    ('factor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='footprint.emissionfactor', verbose_name='排放因子')),
                    ('request', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='rows', to='footprint.datarequest')),
                    ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='核查人')),
                    ('study_product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='footprint.studyproduct', verbose_name='产品')),
                    ('supplied_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提供人')),
                ],
                options={
                    'verbose_name': '数据请求行',
                    'verbose_name_plural': '数据请求行',
                    'ordering': ['position', 'id'],
                    'constraints': [models.CheckConstraint(condition=models.Q(('quantity__isnull', True), ('quantity__gte', 0), _connector='OR'), name='data_row_quantity_non_negative', violation_error_message='活动数据不能为负数。')],
                },
            ),
            migrations.CreateModel(
                name='HistoricalDataRequestRow',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('stage', models.CharField(choices=[('raw_material_acquisition', '原材料获取'), ('raw_material_transport', '原材料运输'), ('production', '生产'), ('distribution', '成品运输（分销）'), ('use', '使用'), ('end_of_life', '生命末期（处置）')], max_length=30, verbose_name='生命周期阶段')),
                    ('position', models.PositiveIntegerField(default=0)),
                    ('name', models.CharField(max_length=200, verbose_name='活动名称')),
                    ('unit', models.CharField(max_length=40, verbose_name='单位')),
                    ('expected_evidence', models.CharField(blank=True, max_length=300, verbose_name='需提供的证据')),
                    ('hint', models.TextField(blank=True, verbose_name='填写提示')),
                    ('quantity', models.DecimalField(blank=True, decimal_places=9, max_digits=28, null=True, verbose_name='提交的数量')),
                    ('submitted_unit', models.CharField(blank=True, max_length=40, verbose_name='提交的单位')),
                    ('note', models.TextField(blank=True, verbose_name='企业说明')),
                    ('status', models.CharField(choices=[('pending', '待填写'), ('submitted', '已提交，待核查'), ('accepted', '已接受'), ('rejected', '已退回')], default='pending', max_length=12, verbose_name='状态')),
                    ('rejection_comment', models.TextField(blank=True, verbose_name='退回意见')),
                    ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                    ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='核查时间')),
                    ('history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('history_date', models.DateTimeField(db_index=True)),
                    ('history_change_reason', models.CharField(max_length=100, null=True)),
                    ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                    ('activity', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.activityrecord', verbose_name='活动数据')),
                    ('factor', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.emissionfactor', verbose_name='排放因子')),
                    ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ('request', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.datarequest')),
                    ('reviewed_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='核查人')),
                    ('study_product', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.studyproduct', verbose_name='产品')),
                    ('supplied_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提供人')),
                ],
                options={
                    'verbose_name': 'historical 数据请求行',
                    'verbose_name_plural': 'historical 数据请求行',
                    'ordering': ('-history_date', '-history_id'),
                    'get_latest_by': ('history_date', 'history_id'),
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
            migrations.CreateModel(
                name='HistoricalDataRequestRow_evidence',
                fields=[
                    ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                    ('m2m_history_id', models.AutoField(primary_key=True, serialize=False)),
                    ('datarequestrow', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.datarequestrow')),
                    ('evidencefile', models.ForeignKey(blank=True, db_constraint=False, db_tablespace='', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='footprint.evidencefile')),
                    ('history', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, to='footprint.historicaldatarequestrow')),
                ],
                options={
                    'verbose_name': 'HistoricalDataRequestRow_evidence',
                },
                bases=(simple_history.models.HistoricalChanges, models.Model),
            ),
        ]),
        # The data steps of the replaced chain, in its order (see above).
        migrations.RunPython(reference_data, migrations.RunPython.noop),
        migrations.RunPython(fill_value_decimals, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_index, drop_trigram_index),
    ]
