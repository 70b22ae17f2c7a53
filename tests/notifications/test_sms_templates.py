"""(g) Every SMS template, in both languages, with the longest realistic values, fits one
segment."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.reminders import Appointment
from soli_dome.notifications import gsm7, outbox
from tests.accompaniment.factories import StepFactory

# Longest values the models allow, with characters outside GSM-7 that grow when transliterated.
LONG_PLACE = "Œuvre des Cœurs, salle « Forêt », 12 bis rue de l’Hôtel-Dieu, Clermont-Ferrand" * 3
LONG_TITLE = "Cœur de bœuf et pâtés : cuisine de saison à l’Hôtel des Fêtes " * 3
LONG_NAME = "Marie-Françoise-Éléonore-Bénédicte"
STARTS_AT = datetime.datetime(2026, 12, 24, 18, 45, tzinfo=timezone.get_default_timezone())

APPOINTMENTS = {
    "session": Appointment("session", 1, STARTS_AT, LONG_PLACE[:200], "", LONG_NAME),
    "session without place": Appointment("session", 1, STARTS_AT, "", "", LONG_NAME),
    "workshop": Appointment(
        "workshop", 1, STARTS_AT, LONG_PLACE[:200], LONG_TITLE[:200], LONG_NAME
    ),
}
TEMPLATES = [
    "appointment_reminder",
    "appointment_created",
    "appointment_changed",
    "appointment_cancelled",
]


@pytest.fixture(autouse=True)
def programme_phone(settings):
    """The longest form of the number people call (it is in every appointment SMS)."""
    settings.PROGRAMME_PHONE = "+33 4 73 12 34 56"


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("appointment", APPOINTMENTS.values(), ids=APPOINTMENTS.keys())
@pytest.mark.parametrize("morning", [False, True])
def test_appointment_sms_fits_one_segment(language, template, appointment, morning):
    text = outbox.render(
        template=template,
        context={"appointment": appointment, "morning": morning},
        channel="sms",
        language=language,
    )["body"]
    assert gsm7.fits_one_segment(text) and gsm7.is_gsm7(text), (gsm7.length(text), text)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
def test_step_sms_fits_one_segment(language):
    step = StepFactory(title=LONG_TITLE[:200], due_date=datetime.date(2026, 12, 24))
    text = outbox.render(
        template="step_reminder", context={"step": step}, channel="sms", language=language
    )["body"]
    assert gsm7.fits_one_segment(text) and gsm7.is_gsm7(text), (gsm7.length(text), text)


def test_sms_text_is_not_html_escaped():
    appointment = Appointment("session", 1, STARTS_AT, "Rue de l'Église & Co", "", "Léa")
    text = outbox.render(
        template="appointment_created",
        context={"appointment": appointment},
        channel="sms",
        language="fr",
    )["body"]
    assert "Rue de l'Église & Co" in text


@pytest.mark.parametrize("language", ["fr", "en"])
def test_portal_invitation_sms_fits_one_segment(language):
    text = outbox.render(
        template="portal_invitation",
        context={"sender": LONG_NAME, "days": 14},
        channel="sms",
        language=language,
    )["body"]
    assert gsm7.fits_one_segment(text) and gsm7.is_gsm7(text), (gsm7.length(text), text)


def sms(template, appointment, language="fr"):
    return outbox.render(
        template=template,
        context={"appointment": appointment, "morning": False},
        channel="sms",
        language=language,
    )["body"]


FRIDAY = datetime.datetime(2026, 12, 4, 9, 0, tzinfo=timezone.get_default_timezone())


@pytest.mark.parametrize(
    ("language", "when"), [("fr", "ven. 4 déc. à 9h"), ("en", "Fri 4 Dec at 9:00")]
)
def test_the_sms_says_the_weekday_and_the_time(language, when):
    appointment = Appointment("session", 1, FRIDAY, "", "", "Karim")
    assert when in sms("appointment_created", appointment, language)


def test_a_long_place_is_shortened_by_whole_words_or_to_its_name():
    named = Appointment("session", 1, FRIDAY, "Maison des solidarités, 3 rue X", "", "Karim")
    assert "Maison des solidarités." in sms("appointment_created", named)
    street = Appointment(
        "session", 1, FRIDAY, "12 rue Fontgiève prolongée jusqu'au carrefour des Salins", "", "K"
    )
    text = sms("appointment_created", street)
    assert "12 rue Fontgiève prolongée" in text and "...." not in text and "..." not in text


def test_a_long_workshop_title_is_cut_between_words():
    title = "Cuisiner les légumes d'hiver avec peu de moyens"
    text = sms("appointment_created", Appointment("workshop", 1, FRIDAY, "", title, "K"))
    sent = re.search(r'" ?(.+?) ?"', text).group(1)  # GSM-7 has no « »
    assert title.startswith(sent) and title[len(sent)] == " "


def test_the_sms_gives_the_number_to_call(settings):
    settings.PROGRAMME_PHONE = "04 73 12 34 56"
    appointment = Appointment("session", 1, FRIDAY, "", "", "Karim")
    assert "Prévenez Karim au 04 73 12 34 56." in sms("appointment_reminder", appointment)


def test_accents_that_gsm7_has_are_kept():
    appointment = Appointment("session", 1, FRIDAY, "Salle Hélène-Boucher", "", "Loïc")
    text = sms("appointment_created", appointment)
    assert "Hélène" in text and "Soli'dôme" not in text  # ô is not in GSM-7: "Soli'dome"


# E-mails to the person: where to see it, where to change one's choices ------------------------

PERSON_EMAILS = [*TEMPLATES, "step_reminder"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("template", PERSON_EMAILS)
@pytest.mark.parametrize("kind", ["session", "workshop"])
def test_every_e_mail_to_the_person_links_to_their_space_and_their_choices(
    template, kind, language, settings
):
    appointment = APPOINTMENTS[kind]
    step = StepFactory(due_date=datetime.date(2026, 12, 24))
    email = outbox.render(
        template=template,
        context={"appointment": appointment, "morning": False, "step": step},
        channel="email",
        language=language,
    )
    page = {
        "step_reminder": "accompaniment:portal_plan",
        "session": "accompaniment:portal_appointments",
        "workshop": "accompaniment:portal_workshops",
    }["step_reminder" if template == "step_reminder" else kind]
    for body in (email["body"], email["html_body"]):
        assert settings.SITE_URL + reverse(page) in body
        assert settings.SITE_URL + reverse("accompaniment:portal_preferences") in body
