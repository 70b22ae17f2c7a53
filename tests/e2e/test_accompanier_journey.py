"""An accompanier's working day, through the interface only: a new file, its plan, a session
with a private note and a shared summary, the next appointment found on the dashboard and in
the week calendar. And a followed person's page, read on a phone."""

import datetime
import re

import pytest
from django.template.defaultfilters import date as format_date
from django.utils import timezone, translation
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, assert_no_serious_axe_violations, login

pytestmark = pytest.mark.browser

ACCOMPANIER = "accompagnateur1@example.org"
FIRST_NAME, LAST_NAME = "Lina", "Perrier"
GOAL = "Préparer ses repas de la semaine"
STEP = "Faire une liste de courses avec trois recettes"
THEME = "Savoir-faire culinaires"  # one of the themes the demo seeds
SUMMARY = "Nous avons choisi ensemble trois recettes simples pour la semaine."
PRIVATE_NOTE = "Fatiguée en ce moment : reparler du sommeil au prochain rendez-vous."


def _french(moment, pattern):
    with translation.override("fr"):
        return format_date(moment, pattern)


def _datetime_local(moment):
    """The value a person types into a ``datetime-local`` field."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _slots():
    """Local times: a session that took place two hours ago, and the next one, later this week
    (tomorrow, or tonight on a Sunday) so that the dashboard's week lists it."""
    now = timezone.localtime().replace(tzinfo=None, second=0, microsecond=0)
    held = now.replace(minute=0) - datetime.timedelta(hours=2)
    if now.weekday() < 6:
        coming = datetime.datetime.combine(
            now.date() + datetime.timedelta(days=1), datetime.time(17, 30)
        )
    else:
        coming = datetime.datetime.combine(now.date(), datetime.time(23, 30))
    return held, coming


def _menu(page):
    return page.get_by_role("navigation", name="Navigation principale")


def test_accompanier_follows_a_new_person_from_first_file_to_next_appointment(
    page, live_server, demo
):
    held_at, next_at = _slots()
    name = f"{FIRST_NAME} {LAST_NAME}"
    login(page, live_server, ACCOMPANIER)
    expect(page).to_have_url(f"{live_server.url}/tableau-de-bord/")

    # A new file, opened from the list of the people followed.
    _menu(page).get_by_role("link", name="Bénéficiaires").click()
    page.get_by_role("link", name="Nouveau dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau dossier")
    assert_no_serious_axe_violations(page)
    page.get_by_role("textbox", name=re.compile(r"^Prénom")).fill(FIRST_NAME)
    page.get_by_role("textbox", name=re.compile(r"^Nom")).fill(LAST_NAME)
    birth_date = datetime.date(timezone.localdate().year - 20, 3, 14)
    page.get_by_label("Date de naissance").fill(birth_date.isoformat())
    page.get_by_label("Moyen de contact préféré").select_option(label="SMS")
    page.get_by_role("button", name="Enregistrer").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"{FIRST_NAME} {LAST_NAME.upper()}")
    expect(page.get_by_role("main")).to_contain_text(f"Le dossier de {name} est créé.")

    # The plan: a goal written with the person, then a first step towards it.
    plan = page.get_by_role("region", name="Plan d'accompagnement")
    plan.locator("summary", has_text="Ajouter un objectif").click()
    plan.get_by_role("combobox", name=re.compile(r"^Thème")).select_option(label=THEME)
    plan.get_by_role("textbox", name=re.compile(r"^Objectif")).fill(GOAL)
    plan.get_by_role("button", name="Ajouter l'objectif").click()
    expect(plan.get_by_role("status")).to_contain_text(f"L'objectif « {GOAL} » est ajouté au plan.")

    goal = plan.get_by_role("article", name=GOAL)
    goal.locator("summary", has_text="Ajouter une action").click()
    goal.get_by_role("textbox", name=re.compile(r"^Action")).fill(STEP)
    goal.get_by_role("combobox", name=re.compile(r"^Qui s'en charge")).select_option(
        label="Ensemble"
    )
    goal.get_by_role("button", name="Ajouter l'action").click()
    expect(plan.get_by_role("status")).to_contain_text(f"L'action « {STEP} » est ajoutée.")
    expect(goal.get_by_role("list", name=f"Actions de l'objectif « {GOAL} »")).to_contain_text(STEP)
    assert_no_serious_axe_violations(page)

    # The session that just took place: what is shared with the person, what stays private.
    page.get_by_role("link", name="Nouvelle séance").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Nouvelle séance avec {name}")
    assert_no_serious_axe_violations(page)
    page.get_by_role("radio", name="a eu lieu").check()
    page.get_by_label("Date et heure").fill(_datetime_local(held_at))
    page.get_by_role("textbox", name=re.compile(r"^Lieu")).fill("Local Soli'dôme")
    page.get_by_role("checkbox", name=THEME, exact=True).check()
    page.get_by_role("checkbox", name=re.compile(f"^{re.escape(GOAL)}")).check()
    page.get_by_role("textbox", name=re.compile(r"^Compte rendu partagé")).fill(SUMMARY)
    page.get_by_role("textbox", name=re.compile(r"^Notes privées")).fill(PRIVATE_NOTE)
    page.get_by_role("button", name="Enregistrer la séance").click()

    expect(page.get_by_role("main")).to_contain_text("La séance est enregistrée.")
    expect(page.get_by_role("region", name="Compte rendu partagé")).to_contain_text(SUMMARY)
    expect(page.get_by_role("region", name="Notes privées")).to_contain_text(PRIVATE_NOTE)
    expect(page.get_by_role("region", name="Thèmes et objectifs")).to_contain_text(GOAL)

    # The next appointment, scheduled from the person's file.
    page.get_by_role("region", name="Participant·es").get_by_role("link", name=name).click()
    page.get_by_role("link", name="Nouvelle séance").click()
    expect(page.get_by_role("radio", name="est à venir")).to_be_checked()
    page.get_by_label("Date et heure").fill(_datetime_local(next_at))
    page.get_by_role("textbox", name=re.compile(r"^Lieu")).fill("Marché Saint-Joseph")
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_role("main")).to_contain_text("La séance est planifiée.")

    page.get_by_role("region", name="Participant·es").get_by_role("link", name=name).click()
    next_appointment = page.get_by_role("region", name="Prochain rendez-vous")
    expect(
        next_appointment.get_by_role("link", name=f"{_french(next_at, 'l j F Y')}, {next_at:%H:%M}")
    ).to_be_visible()

    # On the dashboard: in this week's appointments.
    _menu(page).get_by_role("link", name="Tableau de bord").click()
    week = page.get_by_role("region", name="Rendez-vous de la semaine")
    appointment = week.get_by_role("listitem").filter(has_text=name)
    expect(appointment).to_have_count(1)
    expect(appointment.get_by_role("link")).to_have_text(_french(next_at, "l j F, H:i"))
    expect(appointment).to_contain_text("Marché Saint-Joseph")
    assert_no_serious_axe_violations(page)

    # In the week calendar: on its day, at its time.
    _menu(page).get_by_role("link", name="Agenda").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon agenda")
    day = page.get_by_role(
        "region", name=re.compile(f"^{re.escape(_french(next_at, 'l j F'))}", re.I)
    )
    ends_at = next_at + datetime.timedelta(minutes=60)
    expect(
        day.get_by_role("link", name=f"{next_at:%H:%M}–{ends_at:%H:%M} · {name}")
    ).to_be_visible()
    assert_no_serious_axe_violations(page)

    # The workshops, where the person may be registered next.
    _menu(page).get_by_role("link", name="Ateliers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ateliers collectifs")
    assert_no_serious_axe_violations(page)


@pytest.mark.browser_context_args(viewport=PHONE)
def test_followed_persons_page_and_plan_are_readable_on_a_phone(page, live_server, demo):
    login(page, live_server, ACCOMPANIER)
    expect(page).to_have_url(f"{live_server.url}/tableau-de-bord/")

    page.get_by_role("button", name="Ouvrir le menu").click()
    _menu(page).get_by_role("link", name="Bénéficiaires").click()
    page.get_by_role("link", name="MARTIN Inès").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Inès MARTIN")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"the page scrolls sideways: {scroll_width}px wide"

    plan = page.get_by_role("region", name="Plan d'accompagnement")
    goal = plan.get_by_role("article", name="Cuisiner des repas simples et équilibrés")
    goal.scroll_into_view_if_needed()
    expect(goal).to_be_visible()
    expect(goal).to_contain_text("Participer à un atelier cuisine")
    for element in (plan, goal, goal.get_by_role("button", name=re.compile("^Objectif atteint"))):
        box = element.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], (
            f"the plan does not fit the screen: {box}"
        )
