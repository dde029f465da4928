"""study_results reads a study in a constant number of queries, whatever its size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from footprint.services.calculation.study import result_to_dict
from footprint.services.demo.synthetic import synthetic_study_document
from footprint.services.interchange.document import Document
from footprint.services.interchange.importing import import_study
from footprint.services.results import study_results


def _queries(study):
    with CaptureQueriesContext(connection) as ctx:
        result = study_results(study)
    return len(ctx.captured_queries), result


def test_query_count_does_not_grow_with_activities(reference_data):
    small = import_study(Document(synthetic_study_document(report_number="S", activities=20)))
    large = import_study(Document(synthetic_study_document(report_number="L", activities=600, products=3)))
    n_small, _ = _queries(small)
    n_large, result = _queries(large)
    assert n_small == n_large <= 8
    assert sum(len(p.activities) for p in result.products) == 600


def test_results_match_hand_computation_for_a_generated_row(reference_data):
    doc = synthetic_study_document(report_number="H", activities=5, products=1)
    study = import_study(Document(doc))
    result = result_to_dict(study_results(study))
    row = doc["products"][0]["activities"][1]  # MWh of East China grid (0.5500 kg/kWh)
    expected = row["quantity"] * 1000 * 0.5500 * row["allocation"] / doc["products"][0]["annual_output"]
    assert abs(result["products"][0]["activities"][1]["kgco2e"] - expected) < 1e-9 * max(1, expected)
