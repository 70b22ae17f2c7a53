"""Outcome questionnaires: FIES scoring and bands, recorded from the file, the person's own
check-in on their portal, the trend on the file, and who may see what."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import FoodInsecurityAssessment, Moment, PracticesCheckIn
from accompaniment.models.assessments import (
    FIES_FIELDS,
    PRACTICE_FIELDS,
    FoodInsecurityBand,
    fies_band,
    fies_score,
)
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import (
    FoodInsecurityAssessmentFactory,
    PracticesCheckInFactory,
)
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, FoodInsecurityBand.SECURE),
        (1, FoodInsecurityBand.MILD),
        (3, FoodInsecurityBand.MILD),
        (4, FoodInsecurityBand.MODERATE),
        (6, FoodInsecurityBand.MODERATE),
        (7, FoodInsecurityBand.SEVERE),
        (8, FoodInsecurityBand.SEVERE),
    ],
)
def test_fies_bands_follow_the_raw_score(score, band):
    assert fies_band(score) == band


def test_fies_raw_score_counts_the_yes_answers():
    assert fies_score({}) == 0
    assert fies_score(dict.fromkeys(FIES_FIELDS, True)) == 8
    assert fies_score({"worried": True, "skipped": True, "hungry": False}) == 2
    with pytest.raises(ValueError):
        fies_band(9)


def test_saved_fies_keeps_its_score_and_band(accompanier, beneficiary_of):
    assessment = FoodInsecurityAssessmentFactory(beneficiary=beneficiary_of(accompanier), score=5)
    assessment.refresh_from_db()
    assert assessment.raw_score == 5
    assert assessment.band == FoodInsecurityBand.MODERATE
    assessment.worried = False
    assessment.save(update_fields=["worried"])
    assessment.refresh_from_db()
    assert assessment.raw_score == 4


def fies_answers(yes=(), **overrides):
    return {
        "moment": Moment.ENTRY,
        "taken_on": timezone.localdate().isoformat(),
        **{name: "yes" if name in yes else "no" for name in FIES_FIELDS},
        **overrides,
    }


def test_accompanier_records_a_fies_from_the_file(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    url = reverse("accompaniment:assessment_create", args=[person.pk, "fies"])
    page = client.get(url)
    assert "vous avez eu peur de ne plus avoir assez à manger" in page.content.decode()

    response = client.post(url, fies_answers(yes={"worried", "healthy", "few_foods", "skipped"}))

    assert response.status_code == 302
    assessment = FoodInsecurityAssessment.objects.get(beneficiary=person)
    assert (assessment.raw_score, assessment.band, assessment.recorded_by) == (
        4,
        FoodInsecurityBand.MODERATE,
        accompanier,
    )
    assert AuditEntry.objects.filter(
        object_id=person.pk, action=AuditEntry.Action.UPDATE, event="assessment.added"
    ).exists()


def test_unanswered_question_is_told_next_to_it(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    answers = fies_answers()
    del answers["hungry"]
    response = client.post(
        reverse("accompaniment:assessment_create", args=[person.pk, "fies"]), answers
    )
    assert response.status_code == 422
    assert "Répondez oui ou non." in response.content.decode()
    assert not FoodInsecurityAssessment.objects.exists()


def test_a_second_entry_questionnaire_is_refused_with_a_message(
    client, accompanier, beneficiary_of
):
    person = beneficiary_of(accompanier)
    FoodInsecurityAssessmentFactory(beneficiary=person, moment=Moment.ENTRY, score=2)
    client.force_login(accompanier)
    url = reverse("accompaniment:assessment_create", args=[person.pk, "fies"])

    refused = client.post(url, fies_answers())
    assert refused.status_code == 422
    assert "déjà été rempli à ce moment" in refused.content.decode()
    assert client.post(url, fies_answers(moment=Moment.DURING)).status_code == 302
    assert FoodInsecurityAssessment.objects.filter(beneficiary=person).count() == 2


def test_a_questionnaire_in_the_future_is_refused(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(accompanier)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("accompaniment:assessment_create", args=[person.pk, "fies"]),
        fies_answers(taken_on=tomorrow.isoformat()),
    )
    assert response.status_code == 422
    assert "La date ne peut pas être dans le futur." in response.content.decode()


def test_accompanier_corrects_a_check_in(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    check_in = PracticesCheckInFactory(beneficiary=person)
    client.force_login(accompanier)
    url = reverse("accompaniment:assessment_update", args=["habitudes", check_in.pk])
    assert client.get(url).status_code == 200
    answers = {name: "3" for name in PRACTICE_FIELDS}
    response = client.post(url, {"moment": Moment.ENTRY, "taken_on": "2026-01-05", **answers})
    assert response.status_code == 302
    check_in.refresh_from_db()
    assert check_in.home_cooking == 3
    assert check_in.recorded_by != accompanier  # a correction keeps who recorded it


def test_file_shows_the_persons_trend(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    today = timezone.localdate()
    FoodInsecurityAssessmentFactory(
        beneficiary=person, moment=Moment.ENTRY, score=7, taken_on=today - datetime.timedelta(90)
    )
    FoodInsecurityAssessmentFactory(beneficiary=person, moment=Moment.EXIT, score=2, taken_on=today)
    PracticesCheckInFactory(beneficiary=person, home_cooking=1)
    client.force_login(accompanier)

    file_page = client.get(person.get_absolute_url()).content.decode()
    assert reverse("accompaniment:file_outcomes", args=[person.pk]) in file_page
    panel = client.get(reverse("accompaniment:file_outcomes", args=[person.pk]), **HTMX)
    html = panel.content.decode()
    assert "<svg" in html and "<polyline" in html
    assert "7/8" in html and "2/8" in html
    assert "Insécurité grave (7 à 8)" in html and "Insécurité légère (1 à 3)" in html
    assert "Jamais" in html
    assert AuditEntry.objects.filter(
        object_id=person.pk, action=AuditEntry.Action.READ, event="file.outcomes_read"
    ).exists()
    # Without JavaScript, the same panel on a page of its own.
    assert (
        "<h1"
        in client.get(reverse("accompaniment:file_outcomes", args=[person.pk])).content.decode()
    )


def test_other_accompanier_gets_404(client, accompanier, other_accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    fies = FoodInsecurityAssessmentFactory(beneficiary=person)
    client.force_login(other_accompanier)
    urls = [
        reverse("accompaniment:file_outcomes", args=[person.pk]),
        reverse("accompaniment:assessment_create", args=[person.pk, "fies"]),
        reverse("accompaniment:assessment_update", args=["fies", fies.pk]),
        reverse("accompaniment:assessment_create", args=[person.pk, "inconnu"]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_coordinator_sees_every_file_outcomes(client, coordinator, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier)
    client.force_login(coordinator)
    url = reverse("accompaniment:file_outcomes", args=[person.pk])
    assert client.get(url).status_code == 200


def test_beneficiary_and_anonymous_are_kept_out_of_staff_pages(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier, with_account=True)
    url = reverse("accompaniment:file_outcomes", args=[person.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(person.user)
    assert client.get(url).status_code == 404


def test_beneficiary_sees_only_their_own_questionnaires(accompanier, beneficiary_of):
    mine = beneficiary_of(accompanier, with_account=True)
    other = beneficiary_of(accompanier)
    own = PracticesCheckInFactory(beneficiary=mine)
    PracticesCheckInFactory(beneficiary=other)
    assert list(PracticesCheckIn.objects.visible_to(mine.user)) == [own]
    assert not FoodInsecurityAssessment.objects.visible_to(UserFactory()).exists()


def check_in_answers(value="4"):
    return {name: value for name in PRACTICE_FIELDS}


def test_person_fills_the_check_in_in_their_portal(client, accompanier, beneficiary_of):
    person = beneficiary_of(accompanier, with_account=True)
    client.force_login(person.user)
    url = reverse("accompaniment:portal_check_in")
    page = client.get(url).content.decode()
    assert "Vous cuisinez vous-même vos repas ?" in page
    assert (
        reverse("accompaniment:portal_check_in")
        in client.get(reverse("accompaniment:portal_home")).content.decode()
    )

    assert client.post(url, check_in_answers("4")).status_code == 302
    assert client.post(url, check_in_answers("3")).status_code == 302

    first, second = PracticesCheckIn.objects.filter(beneficiary=person).order_by("pk")
    assert (first.moment, second.moment) == (Moment.ENTRY, Moment.DURING)
    assert first.recorded_by == person.user and first.is_filled_by_person
    assert first.taken_on == timezone.localdate()
    assert "Mes réponses d'avant" in client.get(url).content.decode()


def test_portal_check_in_with_a_missing_answer_keeps_the_others(
    client, accompanier, beneficiary_of
):
    person = beneficiary_of(accompanier, with_account=True)
    client.force_login(person.user)
    answers = check_in_answers("2")
    del answers["doume_use"]
    response = client.post(reverse("accompaniment:portal_check_in"), answers)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Choisissez une réponse." in html
    # The answers already given stay ticked.
    assert re.search(r'name="home_cooking" value="2"[^>]*checked', html)
    assert not PracticesCheckIn.objects.exists()


def test_staff_cannot_open_the_portal_check_in(client, accompanier):
    client.force_login(accompanier)
    assert client.get(reverse("accompaniment:portal_check_in")).status_code == 404
