"""Importing the directory from CSV and XLSX: a preview first, then all or nothing."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import Partner
from partners.transfer import HEADERS
from tests.partners.factories import PartnerFactory
from tests.partners.transfer_helpers import csv_file, row, xlsx_file
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db

IMPORT_URL = reverse("partners:partner_import")


@pytest.fixture(autouse=True)
def _imports_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def upload(client, file):
    """Uploads ``file``; returns the preview response and its confirm URL."""
    response = client.post(IMPORT_URL, {"file": file})
    assert response.status_code == 302
    preview_url = response["Location"]
    return client.get(preview_url), preview_url + "confirmer/"


def test_preview_lists_the_bad_row_and_writes_nothing(client, coordinator):
    client.force_login(coordinator)
    file = csv_file([row(nom="Ferme A"), row(nom="Ferme B", services="Pêche au gros")])
    preview, _confirm = upload(client, file)
    assert preview.status_code == 200
    problems = preview.context["plan"].problems
    assert [(p.line, p.column) for p in problems] == [(3, "services")]
    assert "Pêche au gros" in problems[0].message
    assert "Accepte la Doume" in problems[0].message  # the accepted values are listed
    assert "Confirmer l'import" not in preview.content.decode()
    assert not Partner.objects.exists()


def test_confirm_imports_every_row(client, coordinator):
    client.force_login(coordinator)
    _preview, confirm = upload(client, csv_file([row(nom="Ferme A"), row(nom="Ferme B")]))
    response = client.post(confirm, follow=True)
    assert "Import terminé : 2 fiches créées." in response.content.decode()
    partner = Partner.objects.get(name="Ferme A")
    assert partner.commune.insee_code == "63113"
    assert partner.phone == "+33473123456"
    assert partner.publics == [Partner.Public.YOUNG]
    assert partner.may_be_recommended
    assert sorted(partner.services.values_list("name", flat=True)) == [
        "Accepte la Doume",
        "Épicerie solidaire",
    ]


def test_xlsx_file_imports(client, coordinator):
    client.force_login(coordinator)
    preview, confirm = upload(client, xlsx_file([row(nom="Ferme X", **{"code_postal": 63000})]))
    assert preview.context["plan"].to_create == 1
    client.post(confirm)
    assert Partner.objects.get(name="Ferme X").postal_code == "63000"


def test_a_file_with_an_error_cannot_be_confirmed(client, coordinator):
    client.force_login(coordinator)
    file = csv_file([row(nom="Ferme A"), row(nom="Ferme B", latitude="nord")])
    _preview, confirm = upload(client, file)
    response = client.post(confirm, follow=True)
    assert "a des erreurs" in response.content.decode()
    assert not Partner.objects.exists()


def test_missing_column_is_reported_on_line_one(client, coordinator):
    client.force_login(coordinator)
    file = SimpleUploadedFile(
        "acteurs.csv", "nom;catégories\nFerme;Producteurs\n".encode(), "text/csv"
    )
    preview, _confirm = upload(client, file)
    problems = preview.context["plan"].problems
    assert all(problem.line == 1 for problem in problems)
    assert "adresse" in [problem.column for problem in problems]


def test_reimporting_the_same_file_changes_nothing(client, coordinator):
    client.force_login(coordinator)
    rows = [row(nom="Ferme A", identifiant_externe="A-1"), row(nom="Ferme B")]
    _preview, confirm = upload(client, csv_file(rows))
    client.post(confirm)
    before = dict(Partner.objects.values_list("pk", "updated_at"))
    preview, confirm = upload(client, csv_file(rows))
    plan = preview.context["plan"]
    assert (plan.to_create, plan.to_update, plan.unchanged) == (0, 0, 2)
    client.post(confirm)
    assert dict(Partner.objects.values_list("pk", "updated_at")) == before


def test_a_changed_row_updates_the_listing_matched_on_name_and_commune(client, coordinator):
    client.force_login(coordinator)
    _preview, confirm = upload(client, csv_file([row(nom="Ferme A")]))
    client.post(confirm)
    preview, confirm = upload(client, csv_file([row(nom="ferme a", tarifs="Gratuit")]))
    assert preview.context["plan"].to_update == 1
    client.post(confirm)
    assert Partner.objects.get().fees == "Gratuit"


def test_confirm_needs_the_session_that_uploaded_the_file(client, coordinator):
    client.force_login(coordinator)
    _preview, confirm = upload(client, csv_file([row(nom="Ferme A")]))
    client.logout()
    client.force_login(UserFactory(coordinator=True))
    assert client.post(confirm).status_code == 404
    assert not Partner.objects.exists()


def test_other_file_types_are_refused(client, coordinator):
    client.force_login(coordinator)
    file = SimpleUploadedFile("acteurs.txt", b"nom", "text/plain")
    response = client.post(IMPORT_URL, {"file": file})
    assert response.status_code == 200
    assert "Choisissez un fichier .csv, .xlsx ou .json." in response.content.decode()


def test_template_downloads_import_cleanly(client, coordinator):
    client.force_login(coordinator)
    content = client.get(reverse("partners:partner_import_template", args=["xlsx"])).content
    preview, _confirm = upload(client, SimpleUploadedFile("modele.xlsx", content))
    assert preview.context["plan"].problems == []
    assert preview.context["plan"].to_create == 1
    csv_template = client.get(reverse("partners:partner_import_template", args=["csv"]))
    assert b"".join(csv_template.streaming_content).startswith("\ufeffidentifiant".encode())


def test_import_list_shows_the_buttons_to_coordinators_only(client, coordinator, accompanier):
    client.force_login(coordinator)
    assert IMPORT_URL in client.get(reverse("partners:partner_list")).content.decode()
    client.force_login(accompanier)
    assert IMPORT_URL not in client.get(reverse("partners:partner_list")).content.decode()


@pytest.mark.parametrize("persona", ["accompanier", "beneficiary_user"])
def test_staff_other_than_coordinators_get_404(client, persona, request):
    PartnerFactory()
    client.force_login(request.getfixturevalue(persona))
    assert client.get(IMPORT_URL).status_code == 404
    assert client.post(IMPORT_URL, {"file": csv_file([row()])}).status_code == 404
    template = reverse("partners:partner_import_template", args=["csv"])
    assert client.get(template).status_code == 404


def test_anonymous_is_sent_to_login(client):
    response = client.get(IMPORT_URL)
    assert response.status_code == 302
    assert "login" in response["Location"] or "connexion" in response["Location"]


def test_a_french_file_imports_from_the_english_interface(client, coordinator, settings):
    client.force_login(coordinator)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    rows = [row(nom="Ferme A", publics="Tout public", statut_du_partenariat="Ancien partenaire")]
    preview, confirm = upload(client, csv_file(rows))
    assert preview["Content-Language"] == "en"
    assert preview.context["plan"].problems == []
    client.post(confirm)
    partner = Partner.objects.get()
    assert partner.publics == [Partner.Public.EVERYONE]
    assert partner.partnership_status == Partner.PartnershipStatus.FORMER


def test_unconfirmed_uploads_older_than_a_day_are_removed(client, coordinator, tmp_path):
    client.force_login(coordinator)
    stale = tmp_path / "imports" / "ancien-fichier-abandonne-xxxx.csv"
    stale.parent.mkdir(parents=True, exist_ok=True)
    stale.write_text("nom")
    os.utime(stale, (0, 0))
    upload(client, csv_file([row()]))
    assert not stale.exists()


def test_a_second_confirmation_while_the_first_imports_writes_nothing(
    client, coordinator, tmp_path
):
    client.force_login(coordinator)
    _preview, confirm = upload(client, csv_file([row(nom="Ferme A")]))
    stored = next(p for p in (tmp_path / "imports").iterdir() if p.is_file())
    (stored.parent / f"{stored.name}.lock").touch()  # the first click is importing
    response = client.post(confirm, follow=True)
    assert not Partner.objects.exists() and "Ce fichier est déjà en cours" in response.text


def test_a_file_made_before_the_siret_column_still_imports_and_keeps_the_siret(client, coordinator):
    PartnerFactory(name="Ferme A", siret="13003013300016", postal_code="63000", commune=None)
    client.force_login(coordinator)
    older = ["SIRET", "fiche Acceslibre", "fiche d'origine", "réseaux porteurs"]
    headers = [header for header in HEADERS if header not in older]
    values = row(nom="Ferme A", code_INSEE_commune="", tarifs="Gratuit")
    cells = dict(zip(HEADERS, values, strict=True))
    content = ";".join(headers) + "\n" + ";".join(cells[h] for h in headers) + "\n"
    preview, confirm = upload(client, SimpleUploadedFile("acteurs.csv", content.encode()))
    assert (preview.context["plan"].problems, preview.context["plan"].to_update) == ([], 1)
    client.post(confirm)
    assert Partner.objects.get().siret == "13003013300016"


def test_siret_and_networks_columns_are_checked(client, coordinator):
    client.force_login(coordinator)
    file = csv_file([row(nom="Ferme A", SIRET="123"), row(nom="B", réseaux_porteurs="Restos")])
    preview, _confirm = upload(client, file)
    problems = preview.context["plan"].problems
    assert [(p.line, p.column) for p in problems] == [(2, "SIRET"), (3, "réseaux porteurs")]


def test_the_summary_of_one_row_is_in_the_singular(client, coordinator):
    PartnerFactory(name="Ferme B", postal_code="63000", commune=None)
    client.force_login(coordinator)
    rows = [row(nom="Ferme A"), row(nom="Ferme B", code_INSEE_commune="")]
    _preview, confirm = upload(client, csv_file(rows))
    response = client.post(confirm, follow=True)
    assert "Import terminé : 1 fiche créée, 1 mise à jour." in response.content.decode()


def test_the_preview_names_the_listings_to_create_and_what_changes_in_the_others(
    client, coordinator
):
    existing = PartnerFactory(name="Ferme B", postal_code="63000", commune=None, fees="")
    client.force_login(coordinator)
    rows = [row(nom="Ferme A"), row(nom="Ferme B", code_INSEE_commune="", tarifs="Gratuit")]
    preview, _confirm = upload(client, csv_file(rows))
    changing = preview.context["changing"]
    assert [(r.line, r.action, r.values["name"]) for r in changing] == [
        (2, "create", "Ferme A"),
        (3, "update", "Ferme B"),
    ]
    assert "tarifs" in changing[1].changes and "nom" not in changing[1].changes
    page = preview.content.decode()
    assert "Nouvelle fiche" in page and existing.get_absolute_url() in page
    assert "Mise à jour : " in page and "tarifs" in page


def test_the_preview_leaves_unchanged_listings_out(client, coordinator):
    client.force_login(coordinator)
    rows = [row(nom="Ferme A")]
    _preview, confirm = upload(client, csv_file(rows))
    client.post(confirm)
    preview, _confirm = upload(client, csv_file(rows))
    assert preview.context["changing"] == [] and "Ce que l'import fera" not in preview.text


def test_going_back_to_a_used_preview_gives_a_kind_page(client, coordinator):
    client.force_login(coordinator)
    preview, confirm = upload(client, csv_file([row(nom="Ferme A")]))
    client.post(confirm)
    back = client.get(preview.wsgi_request.path)
    assert back.status_code == 410
    assert "Cet aperçu n'est plus disponible" in back.content.decode()
    again = client.post(confirm)
    assert again.status_code == 410 and Partner.objects.count() == 1


def test_a_preview_of_another_session_is_still_404(client, coordinator):
    client.force_login(coordinator)
    preview, _confirm = upload(client, csv_file([row(nom="Ferme A")]))
    client.logout()
    client.force_login(UserFactory(coordinator=True))
    assert client.get(preview.wsgi_request.path).status_code == 404
