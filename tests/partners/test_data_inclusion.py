"""The directory in the national data·inclusion schema: structures and services exported as
JSON, structures imported through the same preview and all-or-nothing confirmation."""

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from beneficiaries.models import Commune
from partners.models import Category, Partner, ServiceTag
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("partners:partner_import")


def export_url(kind):
    return reverse("partners:partner_export_data_inclusion", args=[kind])


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def listing(name="Épicerie du Port", **kwargs):
    """A listing with every field the exports carry filled in; ``kwargs`` override them."""
    fields = {
        "commune": Commune.objects.get(insee_code="63113"),
        "latitude": Decimal("45.777222"),
        "longitude": Decimal("3.087025"),
        "phone": "+33473123456",
        "email": "contact@example.org",
        "website": "https://example.org",
        "description": "Une épicerie solidaire ouverte aux personnes orientées.",
        "opening_hours": "Du mardi au samedi",
        "fees": "2 € par an",
        "serves_young": True,
    }
    partner = PartnerFactory(name=name, **{**fields, **kwargs})
    partner.services.set([ServiceTag.objects.get(name="Aide alimentaire")])
    return partner


def download(client, kind, **query):
    response = client.get(export_url(kind), query)
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def json_file(content, name="structures.json"):
    if not isinstance(content, bytes):
        content = json.dumps(content).encode()
    return SimpleUploadedFile(name, content, "application/json")


def upload(client, file, category=None):
    data = {"file": file}
    if category is not None:
        data["category"] = category.pk
    response = client.post(IMPORT_URL, data)
    assert response.status_code == 302, response.context["form"].errors
    preview = client.get(response["Location"])
    return preview, preview.context["plan"]


def confirm(client, preview):
    token = preview.context["token"]
    data = {"categorie": preview.context["category_id"] or ""}
    return client.post(reverse("partners:partner_import_confirm", args=[token]), data)


def test_structures_export_uses_the_schema_fields(client, coordinator):
    partner = listing()
    client.force_login(coordinator)
    [structure] = json.loads(download(client, "structures"))
    assert {
        key: structure[key]
        for key in ("source", "id", "nom", "code_insee", "latitude", "telephone", "courriel")
    } == {
        "source": "soli-dome",
        "id": f"soli-dome-{partner.pk}",
        "nom": "Épicerie du Port",
        "code_insee": "63113",
        "latitude": 45.777222,
        "telephone": "+33473123456",
        "courriel": "contact@example.org",
    }


def test_services_export_gives_one_service_per_offer_with_its_themes(client, coordinator):
    listing(external_id="EPI-1")
    client.force_login(coordinator)
    [service] = json.loads(download(client, "services"))
    assert (
        service["structure_id"],
        service["nom"],
        service["type"],
        service["thematiques"],
        service["publics"],
        service["frais"],
        service["modes_accueil"],
    ) == (
        "EPI-1",
        "Aide alimentaire",
        "aide-materielle",
        ["equipement-et-alimentation--alimentation"],
        ["jeunes"],
        "payant",
        ["en-presentiel"],
    )


def test_export_follows_the_directory_filters(client, coordinator):
    listing()
    PartnerFactory(name="Ferme des Sauzes")
    client.force_login(coordinator)
    structures = json.loads(download(client, "structures", q="sauzes"))
    assert [structure["nom"] for structure in structures] == ["Ferme des Sauzes"]


def test_accompaniers_cannot_export(client, accompanier):
    client.force_login(accompanier)
    assert client.get(export_url("structures")).status_code == 404


def test_reimporting_the_export_changes_nothing(client, coordinator):
    listing()
    listing(name="Ferme des Sauzes", external_id="FERME-1")
    client.force_login(coordinator)
    before = dict(Partner.objects.values_list("pk", "updated_at"))
    preview, plan = upload(
        client, json_file(download(client, "structures")), Category.objects.last()
    )
    assert (plan.problems, plan.to_create, plan.to_update, plan.unchanged) == ([], 0, 0, 2)
    confirm(client, preview)
    assert dict(Partner.objects.values_list("pk", "updated_at")) == before


def test_export_imported_into_an_empty_directory_gives_the_listings_back(client, coordinator):
    fields = ["name", "commune", "latitude", "longitude", "phone", "email", "website"]
    fields += ["description", "opening_hours", "address", "postal_code"]
    listing()
    expected = list(Partner.objects.values(*fields))
    client.force_login(coordinator)
    exported = download(client, "structures")
    Partner.objects.all().delete()
    category = Category.objects.get(name="Producteurs")
    preview, plan = upload(client, json_file(exported), category)
    confirm(client, preview)
    assert list(Partner.objects.values(*fields)) == expected
    assert list(Partner.objects.get().categories.all()) == [category]


def test_a_matched_listing_keeps_what_the_schema_does_not_carry(client, coordinator):
    partner = listing(external_id="EPI-1")
    categories = list(partner.categories.all())
    client.force_login(coordinator)
    structure = {"id": "EPI-1", "nom": "Épicerie du Port", "description": "Nouvelle présentation."}
    preview, plan = upload(client, json_file([structure]), Category.objects.last())
    confirm(client, preview)
    partner.refresh_from_db()
    assert (partner.description, list(partner.categories.all()), partner.fees) == (
        "Nouvelle présentation.",
        categories,
        "2 € par an",
    )


def test_a_structure_outside_the_metropole_is_imported_without_commune(client, coordinator):
    client.force_login(coordinator)
    structure = {
        "source": "dora",
        "id": "dora-42",
        "nom": "Centre social Le Tournesol",
        "commune": "Paris",
        "code_postal": "75008",
        "code_insee": "75108",
        "presentation_resume": "Un centre social de quartier.",
    }
    preview, _plan = upload(client, json_file([structure]), Category.objects.first())
    confirm(client, preview)
    partner = Partner.objects.get(external_id="dora-42")
    assert (partner.commune, partner.postal_code, partner.description) == (
        None,
        "75008",
        "Un centre social de quartier.",
    )


def test_a_bad_structure_is_listed_by_number_and_field_and_nothing_is_written(client, coordinator):
    client.force_login(coordinator)
    structures = [
        {"id": "a", "nom": "Ferme A"},
        {"id": "b", "nom": "Ferme B", "courriel": "pas une adresse"},
    ]
    preview, plan = upload(client, json_file(structures), Category.objects.first())
    assert [(problem.line, problem.column) for problem in plan.problems] == [(2, "courriel")]
    confirm(client, preview)
    assert not Partner.objects.exists()


def test_a_json_file_needs_the_category_of_new_listings(client, coordinator):
    client.force_login(coordinator)
    response = client.post(IMPORT_URL, {"file": json_file([{"id": "a", "nom": "Ferme A"}])})
    assert "category" in response.context["form"].errors


def refused(client, file, category):
    """The message next to the file field: an unreadable file is refused on upload."""
    response = client.post(IMPORT_URL, {"file": file, "category": category.pk})
    assert response.status_code == 200
    return response.context["form"].errors["file"]


def test_a_file_that_is_not_a_list_of_structures_is_explained(client, coordinator):
    client.force_login(coordinator)
    assert refused(client, json_file(b"{not json"), Category.objects.first()) == [
        "Le fichier n'est pas un JSON lisible."
    ]


def test_a_structure_given_twice_names_the_first_one(client, coordinator):
    client.force_login(coordinator)
    structures = [{"id": "a", "nom": "Ferme A"}, {"id": "a", "nom": "Ferme A bis"}]
    _preview, plan = upload(client, json_file(structures), Category.objects.first())
    assert [(p.line, p.message) for p in plan.problems] == [
        (2, "La même fiche paraît déjà ligne 1.")
    ]


def test_a_list_where_a_text_is_expected_is_named_not_imported(client, coordinator):
    client.force_login(coordinator)
    structures = [{"id": "a", "nom": "Ferme A"}, {"id": "b", "nom": ["Ferme B"], "commune": 63000}]
    assert refused(client, json_file(structures), Category.objects.first()) == [
        "Ces champs devraient contenir un texte ou un nombre : structure 2, champ « nom »."
    ]


def test_a_number_given_as_commune_is_read_as_text(client, coordinator):
    client.force_login(coordinator)
    structures = [{"id": "a", "nom": "Ferme A", "commune": 63000, "code_postal": 63000}]
    preview, plan = upload(client, json_file(structures), Category.objects.first())
    assert plan is not None and not plan.problems
