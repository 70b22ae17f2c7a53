"""(g) Every SMS template, in both languages, with the longest realistic values, fits one
segment."""

import datetime

import pytest
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
