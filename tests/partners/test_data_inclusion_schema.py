"""The data·inclusion exports checked by the schema's own package (``data-inclusion-schema``,
its pydantic models), the fields the schema carries kept both ways, and the kinds of file
an import recognises."""

import json

import pytest
from data_inclusion.schema.v1 import (
    Frais,
    ModeAccueil,
    Public,
    ReseauPorteur,
    Service,
    Structure,
    Thematique,
    TypeService,
)
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Commune
from partners import data_inclusion
from partners.demo import seed_partners
from partners.models import Category, Partner, ServiceTag
from tests.partners.factories import ContactFactory, PartnerFactory, service
from tests.partners.test_data_inclusion import (
    confirm,
    download,
    json_file,
    listing,
    refused,
    upload,
)

pytestmark = pytest.mark.django_db

STRICT = {"ignore_warnings": False}  # the schema's warnings count as errors here


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def schema_problems(model, items):
    problems = []
    for item in items:
        try:
            model.model_validate(item, context=STRICT)
        except ValueError as error:
            problems.append((item["id"], str(error)))
    return problems


def varied_directory():
    """Listings that cover what the exports must handle: every service, each public, no
    description, fees or none, a named contact, a long name, outside the métropole."""
    everything = listing(
        name="Épicerie solidaire du Port",
        fees="Gratuit",
        serves_everyone=True,
        siret="13003013300016",
        accessibility_url="https://acceslibre.beta.gouv.fr/app/63-clermont/a/epicerie/",
        networks=["banques-alimentaires"],
    )
    everything.services.set(ServiceTag.objects.all())
    ContactFactory(partner=everything, name="Awa Diallo", may_be_named=True)
    bare = PartnerFactory(name="Ferme", address="", description="", serves_seniors=True)
    bare.services.set([service("Visites de ferme"), service("Formation")])
    PartnerFactory(name="Très long nom " * 12, postal_code="75008", fees="2 € par an")
    return everything, bare


def test_every_exported_structure_and_service_passes_the_official_schema(client, coordinator):
    varied_directory()
    client.force_login(coordinator)
    structures = json.loads(download(client, "structures"))
    services = json.loads(download(client, "services"))
    assert (len(structures), len(services)) == (3, 9)
    assert schema_problems(Structure, structures) == []
    assert schema_problems(Service, services) == []


def test_the_demo_directory_passes_the_official_schema(client, coordinator):
    seed_partners(timezone.localdate())
    client.force_login(coordinator)
    structures = json.loads(download(client, "structures"))
    services = json.loads(download(client, "services"))
    assert len(structures) >= 15 and services
    assert schema_problems(Structure, structures) == []
    assert schema_problems(Service, services) == []


def test_our_mappings_use_only_the_schema_values():
    themes = {value for values in data_inclusion.THEMES.values() for value in values}
    assert themes <= {theme.value for theme in Thematique}
    assert set(data_inclusion.TYPES.values()) <= {kind.value for kind in TypeService}
    publics = {*data_inclusion.PUBLICS.values(), data_inclusion.EVERYONE}
    assert publics <= {public.value for public in Public}
    assert {"gratuit", "payant"} == {fees.value for fees in Frais}
    assert ModeAccueil.EN_PRESENTIEL.value == "en-presentiel"
    assert set(data_inclusion.THEMES) <= set(ServiceTag.objects.values_list("name", flat=True))


def test_place_features_are_not_exported_as_services(client, coordinator):
    partner = PartnerFactory()
    partner.services.set([service("Accepte la Doume"), service("Produits locaux ou bio")])
    client.force_login(coordinator)
    assert json.loads(download(client, "services")) == []


def test_a_listing_open_to_everyone_serves_tous_publics_alone(client, coordinator):
    everything, bare = varied_directory()
    client.force_login(coordinator)
    services = json.loads(download(client, "services"))
    publics = {item["structure_id"]: item["publics"] for item in services}
    assert publics[f"soli-dome-{everything.pk}"] == ["tous-publics"]
    assert publics[f"soli-dome-{bare.pk}"] == ["seniors"]


def test_services_carry_fees_zone_reception_and_only_an_agreeing_contact(client, coordinator):
    everything, bare = varied_directory()
    ContactFactory(partner=bare, name="Jean Refus", may_be_named=False)
    client.force_login(coordinator)
    services = json.loads(download(client, "services"))
    by_structure = {item["structure_id"]: item for item in services}
    full = by_structure[f"soli-dome-{everything.pk}"]
    other = by_structure[f"soli-dome-{bare.pk}"]
    assert (full["frais"], full["frais_precisions"], full["contact_nom_prenom"]) == (
        "gratuit",
        "Gratuit",
        "Awa Diallo",
    )
    assert full["modes_accueil"] == ["en-presentiel"]
    assert sorted(full["zone_eligibilite"]) == sorted(
        Commune.objects.values_list("insee_code", flat=True)
    )
    assert (other["contact_nom_prenom"], other["modes_accueil"], other["frais"]) == (
        None,
        None,
        None,
    )
    descriptions = {item["description"] for item in services if item is not full}
    assert "Visites de ferme, proposé par Ferme." in descriptions


def test_structures_carry_siret_accessibility_and_networks(client, coordinator):
    everything, _bare = varied_directory()
    client.force_login(coordinator)
    structures = {item["id"]: item for item in json.loads(download(client, "structures"))}
    exported = structures[f"soli-dome-{everything.pk}"]
    assert (exported["siret"], exported["accessibilite_lieu"], exported["reseaux_porteurs"]) == (
        "13003013300016",
        "https://acceslibre.beta.gouv.fr/app/63-clermont/a/epicerie/",
        ["banques-alimentaires"],
    )


def schema_example(model):
    """An item made of the first example the schema gives for each field."""
    return {
        name: (
            [str(value) for value in field.examples[0]]
            if isinstance(field.examples[0], list)
            else str(field.examples[0])
        )
        for name, field in model.model_fields.items()
        if field.examples
    }


def test_the_schema_example_structure_imports_and_exports_back_valid(client, coordinator):
    example = schema_example(Structure)
    Structure.model_validate(example, context=STRICT)
    client.force_login(coordinator)
    preview, plan = upload(client, json_file([example]), Category.objects.first())
    assert (plan.problems, plan.to_create) == ([], 1)
    confirm(client, preview)
    partner = Partner.objects.get()
    assert (
        partner.external_id,
        partner.siret,
        partner.source_url,
        partner.accessibility_url,
        partner.networks,
        partner.phone,
    ) == (
        example["id"],
        example["siret"],
        example["lien_source"],
        example["accessibilite_lieu"],
        [ReseauPorteur.MISSION_LOCALE.value],
        example["telephone"],
    )
    [exported] = json.loads(download(client, "structures"))
    Structure.model_validate(exported, context=STRICT)
    compared = ["id", "nom", "description", "siret", "lien_source", "telephone", "courriel"]
    compared += ["horaires_accueil", "accessibilite_lieu", "reseaux_porteurs"]
    assert {key: exported[key] for key in compared} == {key: example[key] for key in compared}


def test_a_services_file_is_refused_with_the_reason(client, coordinator):
    example = schema_example(Service)
    Service.model_validate(example, context=STRICT)
    client.force_login(coordinator)
    # Refused on upload, the reason next to the field.
    [message] = refused(client, json_file([example]), Category.objects.first())
    assert "liste de services data·inclusion" in message
    assert "Importez le fichier des structures" in message


def test_our_own_services_export_is_not_offered_as_listings_to_create(client, coordinator):
    varied_directory()
    client.force_login(coordinator)
    services = json_file(download(client, "services"))
    [message] = refused(client, services, Category.objects.first())
    assert "structure_id" in message


def test_structures_inside_an_items_envelope_are_read(client, coordinator):
    client.force_login(coordinator)
    envelope = {"items": [{"id": "dora-1", "nom": "Centre social"}], "total": 1, "page": 1}
    _preview, plan = upload(client, json_file(envelope), Category.objects.first())
    assert (plan.problems, plan.to_create) == ([], 1)


def test_a_wrong_siret_in_a_structure_is_named(client, coordinator):
    client.force_login(coordinator)
    structures = [{"id": "a", "nom": "Ferme A", "siret": "13003013300017"}]
    _preview, plan = upload(client, json_file(structures), Category.objects.first())
    assert [(problem.line, problem.column) for problem in plan.problems] == [(1, "siret")]


def test_a_network_that_is_not_a_list_of_texts_is_refused(client, coordinator):
    client.force_login(coordinator)
    structures = [{"id": "a", "nom": "Ferme A", "reseaux_porteurs": [{"nom": "x"}]}]
    [message] = refused(client, json_file(structures), Category.objects.first())
    assert "reseaux_porteurs" in message


def test_the_partner_form_refuses_a_wrong_siret_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    data = {
        "name": "Ferme des Sauzes",
        "categories": [Category.objects.first().pk],
        "partnership_status": "active",
        "review_every_months": 12,
        "siret": "130 030 133 00017",
    }
    response = client.post(reverse("partners:partner_create"), data)
    assert response.status_code == 200
    [message] = response.context["form"].errors["siret"]
    assert message.startswith("Un numéro SIRET a 14 chiffres et celui-ci n'est pas valide")
    data["siret"] = "130 030 133 00016"
    response = client.post(reverse("partners:partner_create"), data)
    assert response.status_code == 302
    assert Partner.objects.get().siret == "13003013300016"


def test_a_coordinator_marks_a_service_as_a_place_feature(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("partners:category_list"),
        {"add": "service", "service-name": "Vrac", "service-is_service": ""},
    )
    assert response.status_code == 302
    assert ServiceTag.objects.get(name="Vrac").is_service is False
