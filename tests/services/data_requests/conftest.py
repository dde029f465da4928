import datetime as dt

import pytest

from footprint.models import EmissionFactor, Study


@pytest.fixture
def study(seed_study):
    return seed_study


@pytest.fixture
def hv(study):
    return study.study_products.get(product__code="HV")


@pytest.fixture
def grid(study):
    return EmissionFactor.objects.get(code="CN-GRID-2022", is_current=True)


@pytest.fixture
def request_with_rows(study, demo_users, hv, grid):
    """A sent request: a new row (office electricity, MWh, with the grid factor) and a row
    that updates HV's production electricity (294 kWh in the seed report)."""
    from footprint.models import ActivityRecord
    from footprint.services.data_requests import requesting as R

    auditor = demo_users["auditor"]
    dr = R.data_request_create(study=study, user=auditor, title="2024 年能源数据",
                               due_date=dt.date(2030, 1, 31))
    office = R.data_request_add_row(data_request=dr, user=auditor, study_product=hv, stage="production",
                                    name="办公用电", unit="MWh", expected_evidence="电费发票",
                                    hint="全年合计", factor=grid)
    production = ActivityRecord.objects.get(stage__study_product=hv, stage__stage="production")
    update = R.data_request_add_row(data_request=dr, user=auditor, study_product=hv, stage="production",
                                    name="生产用电", unit="", activity=production)
    R.data_request_send(data_request=dr, user=auditor)
    dr.refresh_from_db()
    return dr, office, update, production


def refreshed(obj):
    obj.refresh_from_db()
    return obj


Study  # noqa: B018 (imported for fixtures' type hints)
