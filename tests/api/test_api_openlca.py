"""GET /api/studies/<number>/openlca/: the openLCA package, scoped like the study."""

import io

import olca_schema as o
from django.urls import reverse
from olca_schema.zipio import ZipReader

from footprint.models import Study
from footprint.services.workflow import transitions

NUMBER = "202508175GHG"


def test_the_package_for_the_study_scope_404_outside(client, demo_users):
    transitions.study_send_for_review(study=Study.objects.get(report_number=NUMBER), user=demo_users["auditor"])
    url = reverse("api_study_export_openlca", args=[NUMBER])
    assert url == f"/api/studies/{NUMBER}/openlca/"
    for who in ("auditor", "client"):
        client.force_login(demo_users[who])
        # A client that asks for the zip by its media type gets it (no 406).
        response = client.get(url, HTTP_ACCEPT="application/zip")
        assert response.status_code == 200 and response["Content-Type"] == "application/zip", who
        with ZipReader(io.BytesIO(response.content)) as reader:
            assert len(reader.ids_of(o.Process)) == 10 + 2 + 2  # stages, factors, products
    client.force_login(demo_users["client2"])
    response = client.get(url, HTTP_ACCEPT="application/zip")
    assert response.status_code == 404
    assert client.get(url).status_code == 404
