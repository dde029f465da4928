"""The English wording page (`/studies/<n>/english/`): what the English report would print
untranslated, saving translations, and who may do so."""

import pytest
from django.urls import reverse

from footprint.forms.translations import term_field_name

pytestmark = pytest.mark.django_db

SEED = "202508175GHG"


def _url(number=SEED):
    return reverse("study_translations", args=[number])


def test_the_page_lists_the_chinese_texts_beside_their_english_wording(auditor_client, demo):
    html = auditor_client.get(_url()).content.decode()
    # the demo seed study comes with its English wording: nothing is missing
    assert 'id="translation-gaps" data-count="0"' in html
    assert 'value="Low-voltage switchgear assembly"' in html
    assert ">低压成套开关设备</label>" in html
    # codes and numbers need no translation and are not listed
    assert f'name="{term_field_name("LV")}"' not in html
    assert f'name="{term_field_name("生产用电")}"' in html


def test_saving_stores_the_wording_and_the_english_report_uses_it(auditor_client, demo):
    from footprint.models import Study
    from footprint.reports.inputs import load_report_inputs

    study = Study.objects.get(report_number="DEMO-2")
    study.translations = {}   # as a study entered in Chinese only
    study.save(update_fields=["translations"])
    html = auditor_client.get(_url("DEMO-2")).content.decode()
    assert 'data-count="0"' not in html
    product = study.study_products.first().product
    data = {
        term_field_name(product.name): "  Demo product  ",
        "text_title": "Demo study",
        "text_allocation": "",
    }
    response = auditor_client.post(_url("DEMO-2"), data)
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.translations == {"en": {"texts": {"title": "Demo study"},
                                         "terms": {product.name: "Demo product"}}}
    inputs = load_report_inputs(study, language="en", asset_urls={})
    assert inputs.study.title == "Demo study"
    assert inputs.products[0].name == "Demo product"
    assert inputs.result.products[0].name == "Demo product"
    # what is still untranslated is listed in the English draft, not blocking
    [gap] = [m for m in inputs.missing if m.code == "translation"]
    assert not gap.blocking and gap.field == "translations.en"
    # the Chinese report is unchanged
    zh = load_report_inputs(study, language="zh-hans", asset_urls={})
    assert zh.products[0].name == product.name and zh.study.title == study.title
    assert not [m for m in zh.missing if m.code == "translation"]


def test_an_english_study_lists_the_gap_on_its_page_with_a_link(auditor_client, demo):
    from footprint.models import Study

    study = Study.objects.get(report_number=SEED)
    study.language = "en"
    study.translations = {}
    study.save()
    html = auditor_client.get(reverse("study_detail", args=[SEED])).content.decode()
    assert 'data-code="translation"' in html
    assert f'href="{_url()}"' in html


def test_a_locked_study_shows_its_wording_but_refuses_changes(auditor_client, demo):
    from footprint.models import Study

    study = Study.objects.get(report_number="DEMO-2")
    study.status = "issued"
    study.save(update_fields=["status"])
    before = study.translations
    html = auditor_client.get(_url("DEMO-2")).content.decode()
    assert 'id="save-translations"' not in html
    response = auditor_client.post(_url("DEMO-2"), {"text_title": "Changed"}, follow=True)
    assert "已签发" in response.content.decode()
    study.refresh_from_db()
    assert study.translations == before


def test_a_company_contact_may_not_edit_and_an_outsider_does_not_see_it(client, demo, outsider_client):
    from footprint.models import User

    assert outsider_client.get(_url()).status_code == 404
    assert outsider_client.post(_url(), {"text_title": "x"}).status_code == 404
    from footprint.models import Study
    from footprint.services.workflow import transitions

    study = Study.objects.get(report_number=SEED)
    transitions.study_send_for_review(study=study, user=User.objects.get(username="auditor"))
    client.force_login(User.objects.get(username="client"))
    assert client.get(_url()).status_code == 403
    assert client.post(_url(), {"text_title": "x"}).status_code == 403


def test_texts_another_study_already_translated_are_suggested_not_saved(auditor_client, demo):
    from footprint.models import Study

    study = Study.objects.get(report_number="DEMO-2")
    study.translations = {}
    study.save(update_fields=["translations"])
    html = auditor_client.get(_url("DEMO-2")).content.decode()
    # the seed study translates 生产用电 and 1 台; DEMO-2 uses the same texts
    field = term_field_name("生产用电")
    assert f'name="{field}" id="id_{field}" value="Production electricity"' in html
    assert 'id="suggestion-note"' in html
    assert 'data-suggested="true"' in html
    study.refresh_from_db()
    assert study.translations == {}          # suggested, not saved: still counted as missing
    assert 'data-count="0"' not in html
    # saving the page as shown accepts them
    response = auditor_client.post(_url("DEMO-2"), {field: "Production electricity",
                                                    term_field_name("1 台"): "1 unit"})
    assert response.status_code == 302
    study.refresh_from_db()
    assert study.translations["en"]["terms"] == {"1 台": "1 unit", "生产用电": "Production electricity"}
    assert 'id="suggestion-note"' in auditor_client.get(_url("DEMO-2")).content.decode()  # the others


def test_suggestions_prefer_the_same_company(auditor, demo):
    from footprint.models import Study
    from footprint.selectors import translation_suggestions

    seed = Study.objects.get(report_number="202508175GHG")
    revision = Study.objects.get(pk=seed.pk)
    revision.pk = None
    revision.report_number = "202508175GHG-R1"
    revision.translations = {"en": {"terms": {"生产用电": "Electricity in production"}}}
    revision.save()
    seed.translations = {}
    seed.save()
    # the other company's study changed last, and still comes second
    other = Study.objects.get(report_number="DEMO-2")
    other.translations = {"en": {"terms": {"生产用电": "Electricity (other company)", "组长": "Lead"}}}
    other.save()
    suggestions = translation_suggestions(seed, "en", auditor)
    assert suggestions["生产用电"] == "Electricity in production"
    assert suggestions["组长"] == "Lead"   # what the same company lacks comes from the others
