"""Choosing a partner or a person in a form among thousands: the pages render a search box
and a short list, whatever the size of the directory and of the programme; what is submitted
is checked against what the user may see, with a message next to the field; without
JavaScript, "Chercher" brings the form back with the matches, keeping what was typed."""

import re

import pytest
from django.urls import reverse

from accompaniment.models import Referral, Session, Support
from beneficiaries.models import Consent
from soli_dome.choosers import LIMIT
from tests.accompaniment.factories import SessionFactory, ThemeFactory, WorkshopFactory
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def consenting(beneficiary, by):
    Consent.objects.create(
        beneficiary=beneficiary, kind=Consent.Kind.PARTNER_SHARING, is_given=True, recorded_by=by
    )
    return beneficiary


def main_of(html):
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def sizes(client, url):
    """How many options, inputs and list items the page's main part renders, and its size."""
    response = client.get(url)
    assert response.status_code == 200, url
    main = main_of(response.content.decode())
    counts = {tag: len(re.findall(rf"<{tag}\b", main)) for tag in ("option", "input", "li")}
    return counts, len(main)


def form_pages(person, workshop, session):
    return {
        "referral form": reverse("accompaniment:referral_create", args=[person.pk]),
        "inbound referral form": reverse("accompaniment:referral_inbound_create", args=[person.pk]),
        "support form": reverse("accompaniment:support_create", args=[person.pk]),
        "workshop form": reverse("accompaniment:workshop_create"),
        "workshop sign-up": workshop.get_absolute_url(),
        "session form": reverse("accompaniment:session_create"),
        "session edit form": reverse("accompaniment:session_update", args=[session.pk]),
    }


def more_of_everything(count, accompanier, beneficiary_of):
    PartnerFactory.create_batch(count, may_be_recommended=True)
    for _ in range(count):
        beneficiary_of(accompanier)


@pytest.mark.parametrize("role", ["accompanier", "coordinator"])
def test_form_pages_render_as_much_with_ten_times_more_partners_and_people(
    client, role, accompanier, coordinator, beneficiary_of
):
    person = beneficiary_of(accompanier)
    workshop = WorkshopFactory(organiser=accompanier)
    session = SessionFactory(accompanier=accompanier, participants=[person])
    client.force_login(accompanier if role == "accompanier" else coordinator)
    pages = form_pages(person, workshop, session)

    more_of_everything(60, accompanier, beneficiary_of)
    few = {name: sizes(client, url) for name, url in pages.items()}
    more_of_everything(540, accompanier, beneficiary_of)
    many = {name: sizes(client, url) for name, url in pages.items()}

    grown = {
        name: (few[name], many[name])
        for name in pages
        if few[name][0] != many[name][0] or many[name][1] > few[name][1] * 1.1
    }
    assert grown == {}
    # Without JavaScript the short list still offers a first choice.
    page = client.get(pages["referral form"]).text
    select = page.split('id="id_partner_choice"', 1)[1].split("</select>", 1)[0]
    assert select.count("<option") == LIMIT + 1


def test_an_archived_or_forged_partner_is_refused_next_to_the_field(
    client, accompanier, beneficiary_of
):
    person = consenting(beneficiary_of(accompanier), accompanier)
    archived = PartnerFactory(archived=True, name="Ancienne épicerie")
    client.force_login(accompanier)
    url = reverse("accompaniment:referral_create", args=[person.pk])
    for forged in (archived.pk, 999_999, "abc"):
        response = client.post(
            url, {"partner": forged, "theme": ThemeFactory().pk, "message": "Mon message"}
        )
        assert response.status_code == 200
        field = response.text.split('id="div_id_partner"', 1)[1].split('id="div_id_theme"')[0]
        assert "Ce choix n&#x27;est pas possible ici" in field
        assert "Ancienne épicerie" not in field and "Mon message" in response.text
    assert not Referral.objects.exists()


def test_a_partner_chosen_in_the_list_is_saved(client, accompanier, beneficiary_of):
    person = consenting(beneficiary_of(accompanier), accompanier)
    partner = PartnerFactory(name="Épicerie solidaire du Port")
    client.force_login(accompanier)
    client.post(
        reverse("accompaniment:referral_create", args=[person.pk]),
        {
            "partner": partner.pk,
            "partner_search": "Épicerie solidaire du Port",
            "theme": ThemeFactory().pk,
            "message": "Bonjour",
        },
    )
    assert Referral.objects.get().partner == partner


def test_without_javascript_searching_brings_back_the_matches_and_what_was_typed(
    client, accompanier, beneficiary_of
):
    person = consenting(beneficiary_of(accompanier), accompanier)
    PartnerFactory.create_batch(30)
    wanted = PartnerFactory(name="Ferme des Sauzes")
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:referral_create", args=[person.pk]),
        {
            "partner": "",
            "partner_search": "sauzes",
            "chooser_search": "partner",
            "theme": ThemeFactory().pk,
            "message": "Un message déjà écrit",
        },
    )
    assert not Referral.objects.exists()
    select = response.text.split('id="id_partner_choice"', 1)[1].split("</select>", 1)[0]
    assert re.findall(r'<option value="(\d+)"', select) == [str(wanted.pk)]
    assert "Un message déjà écrit" in response.text
    assert "Choisissez dans la liste des résultats" in response.text


def test_typed_text_without_a_choice_is_refused_with_a_message(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:support_create", args=[person.pk]),
        {"kind": "food_basket", "given_on": "2024-01-10", "partner": "", "partner_search": "xyz"},
    )
    assert response.context["form"].has_error("partner", code="not_chosen")
    assert not Support.objects.exists()


def test_a_person_of_another_accompanier_cannot_be_added_to_a_session(
    client, accompanier, other_accompanier, beneficiary_of
):
    mine = beneficiary_of(accompanier, last_name="Mienne")
    theirs = beneficiary_of(other_accompanier, last_name="Autrui")
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:session_create"),
        {
            "when": "planned",
            "kind": "collective",
            "modality": "in_person",
            "starts_at": "2099-01-01T10:00",
            "duration_minutes": 60,
            "place": "Local",
            "participants": [mine.pk, theirs.pk],
        },
    )
    assert not Session.objects.exists()
    field = response.text.split('id="div_id_participants"', 1)[1].split('id="div_id_', 1)[0]
    assert "Un des choix n&#x27;est pas possible ici" in field
    assert "AUTRUI" not in response.text and "MIENNE" in field


def test_without_javascript_people_are_searched_then_ticked(client, accompanier, beneficiary_of):
    chosen = beneficiary_of(accompanier, last_name="Arnaud")
    wanted = beneficiary_of(accompanier, last_name="Bertrand")
    beneficiary_of(accompanier, last_name="Chevalier")
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:session_create"),
        {
            "when": "planned",
            "kind": "collective",
            "participants": [chosen.pk],
            "participants_search": "bertr",
            "chooser_search": "participants",
        },
    )
    field = response.text.split('id="div_id_participants"', 1)[1]
    checked = re.findall(r'value="(\d+)" id="id_participants_chosen_\d+" checked', field)
    found = re.findall(r'value="(\d+)" id="id_participants_found_\d+"', field)
    assert (checked, found) == ([str(chosen.pk)], [str(wanted.pk)])


def test_a_workshop_sign_up_refuses_a_person_the_user_does_not_follow(
    client, accompanier, other_accompanier, beneficiary_of
):
    workshop = WorkshopFactory(organiser=accompanier)
    beneficiary_of(accompanier)
    theirs = beneficiary_of(other_accompanier)
    client.force_login(accompanier)
    response = client.post(
        reverse("accompaniment:workshop_register", args=[workshop.pk]),
        {"beneficiary": theirs.pk},
    )
    assert not workshop.registrations.exists()
    assert "Choisissez une personne que vous suivez" in response.text
