"""The directory's journey across roles, through the interface: a coordinator imports a file
with a bad row, reads the error, fixes the file and imports it; an accompanier finds the new
partner by search and on the map and refers a person to it; the partner accepts through its
link, without an account; the accompanier sees the referral accepted. Every page axe-checked."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_no_serious_axe_violations, login
from tests.partners.transfer_helpers import csv_file, row

pytestmark = pytest.mark.browser

COORDINATOR = "coordination@example.org"
ACCOMPANIER = "accompagnateur1@example.org"
PARTNER = "Épicerie des Volcans"
THEME = "Accès aux droits et à l'aide alimentaire"  # one of the themes the demo seeds


def import_file(page, rows):
    """Uploads a CSV of ``rows`` from the import page; the preview opens."""
    content = csv_file(rows).read()
    page.get_by_label("Fichier à importer").set_input_files(
        files=[{"name": "acteurs.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Aperçu de l'import")


def coordinator_imports_the_partner(page, live_server):
    login(page, live_server, COORDINATOR)
    page.goto(f"{live_server.url}/acteurs/")
    page.get_by_role("link", name="Importer").click()
    good = row(nom=PARTNER, identifiant_externe="VOLC-1", latitude="45.7801", longitude="3.0902")
    bad = row(nom="Ferme du Puy", identifiant_externe="PUY-1", latitude="nord")
    import_file(page, [good, bad])

    errors = page.get_by_role("table", name="Erreurs du fichier")
    expect(errors.get_by_role("row").nth(1)).to_contain_text("3latitude")
    expect(page.get_by_role("button", name="Confirmer l'import")).to_have_count(0)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Déposer le fichier corrigé").click()
    bad = row(nom="Ferme du Puy", identifiant_externe="PUY-1", latitude="45.75")
    import_file(page, [good, bad])
    expect(page.get_by_role("definition").first).to_have_text("2")  # listings to create
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_role("main")).to_contain_text("Import terminé : 2 fiches créées")
    expect(page.locator(".messages")).to_be_focused()  # not the top of the page
    page.get_by_role("button", name="Claire").click()  # the coordinator's account menu
    page.get_by_role("button", name="Se déconnecter").click()


def accompanier_finds_the_partner(page, live_server):
    login(page, live_server, ACCOMPANIER)
    page.goto(f"{live_server.url}/acteurs/")
    page.get_by_label("Rechercher", exact=True).fill("epicerie volcans")
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_role("link", name=PARTNER)).to_be_visible()
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name="Voir sur la carte").click()
    expect(page.get_by_role("button", name=PARTNER, exact=True)).to_be_visible()
    assert_no_serious_axe_violations(page)


def accompanier_refers_a_person(page, live_server, beneficiary):
    page.goto(f"{live_server.url}{beneficiary.get_absolute_url()}")
    page.get_by_role("link", name="Orienter vers un partenaire").click()
    page.get_by_role("combobox", name="Partenaire").press_sequentially("volcans")
    page.get_by_role("option", name=PARTNER).click()
    page.get_by_role("combobox", name="Besoin").select_option(label=THEME)
    page.get_by_label("Message au partenaire").fill("Besoin d'un colis cette semaine.")
    page.get_by_role("checkbox", name="Téléphone").check()
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Envoyer l'orientation").click()
    expect(page.get_by_role("main")).to_contain_text(
        f"L'orientation vers {PARTNER} est enregistrée."
    )


def partner_accepts(browser, live_server, referral):
    context = browser.new_context(bypass_csp=True, locale="fr-FR", timezone_id="Europe/Paris")
    page = context.new_page()
    page.goto(live_server.url + reverse("accompaniment:referral_answer", args=[referral.token]))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Orientation vers {PARTNER}")
    expect(page.get_by_role("main")).to_contain_text(referral.beneficiary.first_name)
    expect(page.get_by_role("main")).not_to_contain_text(referral.beneficiary.last_name)
    assert_no_serious_axe_violations(page)
    page.get_by_role("button", name="Accepter l'orientation").click()
    expect(page.get_by_role("main")).to_contain_text("Acceptée")
    context.close()


def test_import_search_map_referral_and_answer(page, browser, live_server, demo, settings):
    from accompaniment.models import Referral
    from beneficiaries.models import Beneficiary, Consent
    from soli_dome.users.models import User

    settings.MAP_TILE_URL = ""  # every connection stays on this machine
    beneficiary = (
        Beneficiary.objects.filter(
            assignments__accompanier__email=ACCOMPANIER, status=Beneficiary.Status.ACTIVE
        )
        .order_by("pk")
        .first()
    )
    # The person agreed to share with partners (recorded on the file beforehand).
    Consent.objects.update_or_create(
        beneficiary=beneficiary,
        kind=Consent.Kind.PARTNER_SHARING,
        defaults={"is_given": True, "recorded_by": User.objects.get(email=ACCOMPANIER)},
    )

    coordinator_imports_the_partner(page, live_server)
    accompanier_finds_the_partner(page, live_server)
    accompanier_refers_a_person(page, live_server, beneficiary)
    referral = Referral.objects.get(partner__name=PARTNER)
    partner_accepts(browser, live_server, referral)

    page.reload()
    expect(page.get_by_role("main")).to_contain_text("Acceptée")
    assert_no_serious_axe_violations(page)


def test_coordinator_reads_the_network_and_a_host_partner_on_a_phone(
    page, live_server, demo, settings
):
    from accompaniment.models import Workshop

    host = Workshop.objects.exclude(host=None).order_by("pk").first().host.name
    page.set_viewport_size(PHONE)
    login(page, live_server, COORDINATOR)
    page.goto(f"{live_server.url}/")
    page.get_by_role("button", name="Ouvrir le menu").click()
    page.get_by_role("button", name="Coordination").click()
    page.get_by_role("link", name="Réseau").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réseau des partenaires")
    expect(
        page.get_by_role("table", name="Échanges avec chaque acteur sur la période")
    ).to_contain_text(host)
    assert_no_serious_axe_violations(page)

    page.get_by_role("link", name=host).click()
    expect(page.get_by_role("region", name="Ateliers accueillis")).to_contain_text(
        "1 atelier à venir"
    )
    assert_no_serious_axe_violations(page)


def test_a_large_file_imports_in_the_background(page, live_server, demo, monkeypatch):
    from partners import import_jobs

    monkeypatch.setattr(import_jobs, "BACKGROUND_FROM_ROWS", 3)
    login(page, live_server, COORDINATOR)
    page.goto(f"{live_server.url}/acteurs/importer/")
    import_file(page, [row(nom=f"Jardin n°{index}") for index in range(3)])
    page.get_by_role("button", name="Confirmer l'import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Import en arrière-plan")
    expect(page.get_by_role("main")).to_contain_text("Import terminé : 3 fiches créées")
    assert_no_serious_axe_violations(page)


def test_the_progress_bar_follows_a_running_import(page, live_server, demo, settings, tmp_path):
    from partners import import_jobs
    from partners.models import ImportJob

    settings.VAR_DIR = tmp_path
    job = ImportJob.objects.create(token="f" * 24 + ".csv", status=ImportJob.Status.RUNNING)
    import_jobs.write_progress(job, 40, 100)
    login(page, live_server, COORDINATOR)
    page.goto(live_server.url + job.get_absolute_url())
    bar = page.get_by_role("progressbar", name="Import en cours : 40 lignes sur 100.")
    expect(bar).to_have_attribute("value", "40")
    assert_no_serious_axe_violations(page)

    # The worker moves on, then ends: the page follows without being reloaded.
    import_jobs.write_progress(job, 80, 100)
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "80")
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, created_count=100)
    expect(page.get_by_role("main")).to_contain_text("Import terminé : 100 fiches créées")
