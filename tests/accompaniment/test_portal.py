"""The beneficiary portal: each person sees their own file only, never staff-private notes."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Registration, Step
from beneficiaries.models import Beneficiary, Commune, Consent, DeletionRequest
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import (
    GoalFactory,
    NoteFactory,
    RegistrationFactory,
    SessionFactory,
    StepFactory,
    SupportFactory,
    ThemeFactory,
    WorkshopFactory,
)
from tests.accompaniment.test_referrals import make_referral, post_referral
from tests.partners.factories import ClosureFactory, PartnerFactory

pytestmark = pytest.mark.django_db

PRIVATE_SESSION_NOTE = "Très fatigué en ce moment, voir avec le médecin du FJT."
PRIVATE_FILE_NOTE = "Dettes de loyer, ne pas en parler devant la famille."

PORTAL_PAGES = [
    "accompaniment:portal_home",
    "accompaniment:portal_plan",
    "accompaniment:portal_plan_print",
    "accompaniment:portal_appointments",
    "accompaniment:portal_workshops",
    "accompaniment:portal_addresses",
    "accompaniment:portal_file_access",
    "accompaniment:portal_preferences",
    "accompaniment:portal_data",
    "accompaniment:portal_data_print",
    "accompaniment:portal_data_download",
    "accompaniment:portal_calendar",
]


def full_file(beneficiary, accompanier, *, tag=""):
    """A file with something on every portal page; returns the objects by name."""
    goal = GoalFactory(beneficiary=beneficiary, title=f"Cuisiner plus souvent{tag}")
    own = StepFactory(goal=goal, title=f"Acheter des légumes{tag}")
    theirs = StepFactory(goal=goal, title=f"Trouver un atelier{tag}", owner=Step.Owner.ACCOMPANIER)
    held = SessionFactory(
        held=True,
        accompanier=accompanier,
        participants=[beneficiary],
        private_notes=f"{PRIVATE_SESSION_NOTE}{tag}",
        shared_summary=f"Nous avons choisi deux recettes{tag}.",
    )
    coming = SessionFactory(accompanier=accompanier, participants=[beneficiary], place="Local")
    NoteFactory(beneficiary=beneficiary, author=accompanier, text=f"{PRIVATE_FILE_NOTE}{tag}")
    Consent.objects.get_or_create(
        beneficiary=beneficiary,
        kind=Consent.Kind.PARTNER_SHARING,
        defaults={"recorded_by": accompanier},
    )
    referral = make_referral(
        beneficiary,
        accompanier,
        partner=PartnerFactory(name=f"Épicerie{tag}"),
        shared_fields=["phone"],
    )
    workshop = WorkshopFactory()  # workshops are open to all: their titles are not personal
    RegistrationFactory(workshop=workshop, beneficiary=beneficiary)
    support = SupportFactory(
        beneficiary=beneficiary, doume=True, description=f"Conversion du mois{tag}"
    )
    return {
        "support": support,
        "goal": goal,
        "own_step": own,
        "their_step": theirs,
        "held": held,
        "coming": coming,
        "referral": referral,
        "workshop": workshop,
    }


@pytest.fixture
def me(beneficiary_user):
    return beneficiary_user.beneficiary_file


@pytest.fixture
def my_file(me, accompanier):
    return full_file(me, accompanier)


@pytest.fixture
def someone_else(other_accompanier, beneficiary_of):
    other = beneficiary_of(other_accompanier, with_account=True, first_name="Zébulon")
    return other, full_file(other, other_accompanier, tag=" (Zébulon)")


@pytest.fixture
def logged_in(client, beneficiary_user):
    client.force_login(beneficiary_user)
    return client


# Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_every_portal_page_opens_for_the_beneficiary(logged_in, my_file, name):
    assert logged_in.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_staff_get_404_on_portal_pages(client, accompanier, name):
    client.force_login(accompanier)
    assert client.get(reverse(name)).status_code == 404


def test_beneficiary_gets_404_on_staff_pages_of_their_own_file(logged_in, me, my_file):
    urls = [
        me.get_absolute_url(),
        reverse("beneficiaries:beneficiary_list"),
        reverse("accompaniment:plan_print", args=[me.pk]),
        reverse("accompaniment:session_list"),
        my_file["held"].get_absolute_url(),
        my_file["workshop"].get_absolute_url(),
        my_file["referral"].get_absolute_url(),
        reverse("partners:partner_list"),
    ]
    assert {url: logged_in.get(url).status_code for url in urls} == dict.fromkeys(urls, 404)


def test_beneficiary_gets_404_on_another_persons_objects(logged_in, my_file, someone_else):
    _other, theirs = someone_else
    responses = [
        logged_in.post(
            reverse("accompaniment:portal_step_toggle", args=[theirs["own_step"].pk]),
            {"done": "1"},
        ),
        logged_in.post(
            reverse("accompaniment:portal_step_add", args=[theirs["goal"].pk]),
            {f"goal{theirs['goal'].pk}-title": "Intrus"},
        ),
        logged_in.get(
            reverse("accompaniment:portal_appointment_ics", args=["session", theirs["coming"].pk])
        ),
        logged_in.post(
            reverse(
                "accompaniment:portal_consent_withdraw",
                args=[Consent.objects.get(beneficiary=_other).pk],
            )
        ),
    ]
    assert [response.status_code for response in responses] == [404, 404, 404, 404]


@pytest.mark.parametrize("name", [n for n in PORTAL_PAGES if n != "accompaniment:portal_home"])
def test_no_portal_page_shows_another_persons_data(logged_in, my_file, someone_else, name):
    assert "Zébulon" not in logged_in.get(reverse(name)).content.decode()


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_no_portal_page_shows_a_private_note(logged_in, my_file, name):
    page = logged_in.get(reverse(name)).content.decode()
    assert PRIVATE_SESSION_NOTE not in page and PRIVATE_FILE_NOTE not in page


def _closed_while_logged_in(me, my_file):
    """The file is closed while the person's session is still open; returns, for each kind of
    portal request, the request to send."""
    me.close(on=timezone.localdate(), reason=Beneficiary.ExitReason.MOVED)
    step, goal, workshop = my_file["own_step"], my_file["goal"], my_file["workshop"]
    return {
        **{name: ("get", reverse(name), {}) for name in PORTAL_PAGES},
        "step_toggle": (
            "post",
            reverse("accompaniment:portal_step_toggle", args=[step.pk]),
            {"done": "1"},
        ),
        "step_add": (
            "post",
            reverse("accompaniment:portal_step_add", args=[goal.pk]),
            {f"goal{goal.pk}-title": "Goûter une soupe"},
        ),
        "workshop_unregister": (
            "post",
            reverse("accompaniment:portal_workshop_unregister", args=[workshop.pk]),
            {},
        ),
        "appointment_ics": (
            "get",
            reverse("accompaniment:portal_appointment_ics", args=["workshop", workshop.pk]),
            {},
        ),
    }


CLOSED_FILE_REQUESTS = [
    *PORTAL_PAGES,
    "step_toggle",
    "step_add",
    "workshop_unregister",
    "appointment_ics",
]


@pytest.mark.parametrize("kind", CLOSED_FILE_REQUESTS)
def test_a_person_whose_file_is_closed_is_logged_out_and_told_why(logged_in, me, my_file, kind):
    method, url, data = _closed_while_logged_in(me, my_file)[kind]
    response = getattr(logged_in, method)(url, data, follow=True)
    assert (
        response.redirect_chain[-1][0],
        response.wsgi_request.user.is_authenticated,
        "votre espace est fermé" in response.content.decode(),
    ) == (reverse("account_login"), False, True)


@pytest.mark.parametrize("kind", ["step_toggle", "step_add", "workshop_unregister"])
def test_nothing_changes_on_a_closed_file_from_a_portal_left_open(logged_in, me, my_file, kind):
    method, url, data = _closed_while_logged_in(me, my_file)[kind]
    getattr(logged_in, method)(url, data)
    my_file["own_step"].refresh_from_db()
    assert (
        my_file["own_step"].is_done,
        my_file["goal"].steps.count(),
        Registration.objects.active().filter(workshop=my_file["workshop"]).count(),
    ) == (False, 2, 1)


# My plan --------------------------------------------------------------------------------


def test_beneficiary_ticks_their_own_step(logged_in, my_file):
    step = my_file["own_step"]
    logged_in.post(reverse("accompaniment:portal_step_toggle", args=[step.pk]), {"done": "1"})
    step.refresh_from_db()
    assert step.is_done and step.done_on == timezone.localdate()


def test_beneficiary_cannot_tick_the_accompaniers_step(logged_in, my_file):
    step = my_file["their_step"]
    url = reverse("accompaniment:portal_step_toggle", args=[step.pk])
    assert logged_in.post(url, {"done": "1"}).status_code == 404


def test_beneficiary_adds_a_step_of_their_own(logged_in, my_file):
    goal = my_file["goal"]
    logged_in.post(
        reverse("accompaniment:portal_step_add", args=[goal.pk]),
        {f"goal{goal.pk}-title": "Goûter une soupe de potimarron"},
    )
    step = goal.steps.get(title="Goûter une soupe de potimarron")
    assert step.owner == Step.Owner.BENEFICIARY


def test_an_empty_step_is_refused_next_to_the_field(logged_in, my_file):
    goal = my_file["goal"]
    response = logged_in.post(
        reverse("accompaniment:portal_step_add", args=[goal.pk]), {f"goal{goal.pk}-title": ""}
    )
    assert response.status_code == 422 and "invalid-feedback" in response.content.decode()


def test_the_printable_plan_is_reachable_from_the_staff_plan(client, accompanier, me, my_file):
    client.force_login(accompanier)
    url = reverse("accompaniment:plan_print", args=[me.pk])
    assert url in client.get(me.get_absolute_url()).content.decode()
    assert my_file["goal"].title in client.get(url).content.decode()


# Appointments and workshops --------------------------------------------------------------


def test_appointments_show_the_coming_session_and_the_past_summary(logged_in, my_file):
    page = logged_in.get(reverse("accompaniment:portal_appointments")).content.decode()
    ics = reverse("accompaniment:portal_appointment_ics", args=["session", my_file["coming"].pk])
    assert ics in page and "Nous avons choisi deux recettes." in page


def test_an_appointment_downloads_as_a_calendar_event(logged_in, my_file):
    url = reverse("accompaniment:portal_appointment_ics", args=["session", my_file["coming"].pk])
    response = logged_in.get(url)
    assert response["Content-Type"].startswith("text/calendar")
    assert "LOCATION:Local" in response.content.decode()


def test_signing_up_takes_a_place_and_shows_in_appointments(logged_in, me):
    workshop = WorkshopFactory(title="Marché et Doume", capacity=2)
    logged_in.post(reverse("accompaniment:portal_workshop_register", args=[workshop.pk]))
    page = logged_in.get(reverse("accompaniment:portal_appointments")).content.decode()
    registration = Registration.objects.get(workshop=workshop, beneficiary=me)
    assert registration.status == Registration.Status.REGISTERED and "Marché et Doume" in page


def test_a_full_workshop_puts_the_person_on_the_waiting_list(logged_in, me):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop)
    logged_in.post(reverse("accompaniment:portal_workshop_register", args=[workshop.pk]))
    registration = Registration.objects.get(workshop=workshop, beneficiary=me)
    assert registration.status == Registration.Status.WAITING


def test_a_person_who_has_the_last_place_is_not_told_to_join_the_waiting_list(logged_in, me):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop, beneficiary=me)
    page = logged_in.get(reverse("accompaniment:portal_workshops")).content.decode()
    assert "Votre place est réservée" in page and "vous mettre sur la liste" not in page


def test_cancelling_gives_the_place_to_the_first_person_waiting(logged_in, me):
    workshop = WorkshopFactory(capacity=1)
    RegistrationFactory(workshop=workshop, beneficiary=me)
    waiting = RegistrationFactory(workshop=workshop, status=Registration.Status.WAITING)
    logged_in.post(reverse("accompaniment:portal_workshop_unregister", args=[workshop.pk]))
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED


# Good addresses --------------------------------------------------------------------------


def test_good_addresses_list_recommended_partners_nearest_first(logged_in, me):
    me.commune = Commune.objects.get(insee_code="63284")  # Pont-du-Château
    me.save()
    far = PartnerFactory(name="Loin", may_be_recommended=True, latitude=45.72, longitude=3.02)
    near = PartnerFactory(
        name="Près", may_be_recommended=True, commune=Commune.objects.get(insee_code="63284")
    )
    PartnerFactory(name="Réservé à l'équipe", may_be_recommended=False)
    ClosureFactory(partner=near, starts_on=timezone.localdate(), ends_on=timezone.localdate())
    partners = logged_in.get(reverse("accompaniment:portal_addresses")).context["partners"]
    assert [partner.name for partner in partners] == [near.name, far.name]
    assert partners[0].distance == 0 and partners[0].closed_until == timezone.localdate()


# Who sees my file and consents -----------------------------------------------------------


def test_who_sees_my_file_lists_exactly_my_accompaniers_and_referrals(
    logged_in, accompanier, my_file, someone_else
):
    context = logged_in.get(reverse("accompaniment:portal_file_access")).context
    assert [a.accompanier for a in context["assignments"]] == [accompanier]
    assert list(context["referrals"]) == [my_file["referral"]]


def test_withdrawing_a_consent_is_recorded_and_mailed_to_the_accompanier(
    logged_in,
    beneficiary_user,
    accompanier,
    me,
    my_file,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    consent = Consent.objects.get(beneficiary=me, kind=Consent.Kind.PARTNER_SHARING)
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(reverse("accompaniment:portal_consent_withdraw", args=[consent.pk]))
    consent.refresh_from_db()
    assert not consent.is_given and consent.recorded_by == beneficiary_user
    assert [message.to for message in mailoutbox] == [[accompanier.email]]


def test_the_accompanier_is_told_in_their_own_language(
    logged_in, accompanier, me, my_file, mailoutbox, django_capture_on_commit_callbacks
):
    accompanier.language = "en"
    accompanier.save()
    consent = Consent.objects.get(beneficiary=me, kind=Consent.Kind.PARTNER_SHARING)
    with django_capture_on_commit_callbacks(execute=True):
        logged_in.post(reverse("accompaniment:portal_consent_withdraw", args=[consent.pk]))
    assert "has withdrawn a consent" in mailoutbox[0].subject


def test_withdrawn_sharing_consent_stops_new_referrals(client, logged_in, accompanier, me, my_file):
    consent = Consent.objects.get(beneficiary=me, kind=Consent.Kind.PARTNER_SHARING)
    logged_in.post(reverse("accompaniment:portal_consent_withdraw", args=[consent.pk]))
    client.force_login(accompanier)
    post_referral(client, me, PartnerFactory(), ThemeFactory())
    assert me.referrals.count() == 1


def test_withdrawn_reminders_consent_turns_reminders_off(logged_in, accompanier, me):
    consent = Consent.objects.create(
        beneficiary=me, kind=Consent.Kind.REMINDERS, recorded_by=accompanier
    )
    logged_in.post(reverse("accompaniment:portal_consent_withdraw", args=[consent.pk]))
    me = Beneficiary.objects.get(pk=me.pk)
    assert me.reminder_channel == Beneficiary.ReminderChannel.SMS
    assert me.effective_reminder_channel() == Beneficiary.ReminderChannel.NONE


# Preferences -----------------------------------------------------------------------------


def test_choosing_english_switches_the_site_and_the_account_language(logged_in, me):
    response = logged_in.post(
        reverse("accompaniment:portal_preferences"),
        {"reminder_channel": "email", "preferred_language": "en", "step_reminders": "on"},
    )
    me.refresh_from_db()
    me.user.refresh_from_db()
    assert (me.reminder_channel, me.step_reminders, me.user.language) == ("email", True, "en")
    assert response.cookies["django_language"].value == "en"


# My data ---------------------------------------------------------------------------------


def test_data_download_holds_my_data_and_nobody_elses(logged_in, me, my_file, someone_else):
    response = logged_in.get(reverse("accompaniment:portal_data_download"))
    data = json.loads(response.content)
    text = response.content.decode()
    assert data["identity"]["first_name"] == me.first_name
    assert [goal["goal"] for goal in data["plan"]] == [my_file["goal"].title]
    assert [r["partner"] for r in data["referrals"]] == [my_file["referral"].partner.name]
    assert "Zébulon" not in text and PRIVATE_SESSION_NOTE not in text


def test_data_download_holds_my_supports_with_their_doume_bonus(logged_in, my_file, someone_else):
    response = logged_in.get(reverse("accompaniment:portal_data_download"))
    supports = json.loads(response.content)["supports"]
    assert [(s["description"], s["euros_converted"], s["bonus_amount"]) for s in supports] == [
        ("Conversion du mois", "40.00", "6.00")
    ]


def test_my_data_page_lists_my_supports_only(logged_in, my_file, someone_else):
    page = logged_in.get(reverse("accompaniment:portal_data")).content.decode()
    assert "Conversion du mois" in page and "Conversion du mois (Zébulon)" not in page


def test_asking_for_deletion_shows_on_the_coordinators_dashboard(
    logged_in, me, client, coordinator
):
    logged_in.post(reverse("accompaniment:portal_deletion_request"))
    client.force_login(coordinator)
    requests = client.get(reverse("accompaniment:dashboard")).context["deletion_requests"]
    assert [request.beneficiary for request in requests] == [me]


def test_coordinator_marks_a_deletion_request_handled(logged_in, me, client, coordinator):
    logged_in.post(reverse("accompaniment:portal_deletion_request"))
    request = me.deletion_requests.get()
    client.force_login(coordinator)
    client.post(reverse("beneficiaries:deletion_request_handled", args=[request.pk]))
    request.refresh_from_db()
    assert request.handled_by == coordinator


def test_a_request_marked_handled_twice_is_journaled_once(logged_in, me, client, coordinator):
    logged_in.post(reverse("accompaniment:portal_deletion_request"))
    request = me.deletion_requests.get()
    client.force_login(coordinator)
    url = reverse("beneficiaries:deletion_request_handled", args=[request.pk])
    client.post(url)
    client.post(url)  # a second coordinator, or a double click
    assert AuditEntry.objects.filter(event="deletion.handled").count() == 1


# Bounded queries -------------------------------------------------------------------------


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize(
    "name",
    [
        "accompaniment:portal_plan",
        "accompaniment:portal_appointments",
        "accompaniment:portal_workshops",
        "accompaniment:portal_addresses",
        "accompaniment:portal_file_access",
        "accompaniment:portal_data",
    ],
)
def test_portal_pages_queries_do_not_grow_with_the_data(logged_in, accompanier, me, name):
    full_file(me, accompanier, tag=" 1")
    PartnerFactory(may_be_recommended=True)
    few = _queries(logged_in, reverse(name))
    for number in range(2, 6):
        full_file(me, accompanier, tag=f" {number}")
        PartnerFactory(may_be_recommended=True, latitude=45.7, longitude=3.1)
    assert _queries(logged_in, reverse(name)) == few


def test_coordinator_dashboard_queries_do_not_grow_with_deletion_requests(
    client, coordinator, beneficiary_of, accompanier
):
    DeletionRequest.objects.create(beneficiary=beneficiary_of(accompanier))
    client.force_login(coordinator)
    few = _queries(client, reverse("accompaniment:dashboard"))
    for _number in range(4):
        DeletionRequest.objects.create(beneficiary=beneficiary_of(accompanier))
    assert _queries(client, reverse("accompaniment:dashboard")) == few


def test_unregistering_asks_for_confirmation_first(logged_in, me):
    workshop = WorkshopFactory(title="Marché et Doume")
    RegistrationFactory(workshop=workshop, beneficiary=me)
    page = logged_in.get(reverse("accompaniment:portal_workshops")).content.decode()
    url = reverse("accompaniment:portal_workshop_unregister", args=[workshop.pk])
    assert f'href="{url}"' in page  # a link to the question, not a button that acts
    question = logged_in.get(url)
    assert question.status_code == 200
    assert "Vous ne venez plus à « Marché et Doume » ?" in question.content.decode()
    assert Registration.objects.active().filter(workshop=workshop, beneficiary=me).exists()
    logged_in.post(url)
    assert not Registration.objects.active().filter(workshop=workshop, beneficiary=me).exists()


def test_choosing_sms_with_a_landline_says_so_and_keeps_the_choice(logged_in, me):
    Beneficiary.objects.filter(pk=me.pk).update(
        phone="+33473123456", reminder_channel="email", email="me@example.org"
    )
    response = logged_in.post(
        reverse("accompaniment:portal_preferences"),
        {"reminder_channel": "sms", "preferred_language": "fr"},
    )
    assert response.status_code == 422
    assert "04 73 12 34 56" in response.content.decode()
    assert "ne reçoit pas les SMS" in response.content.decode()
    me.refresh_from_db()
    assert me.reminder_channel == "email"


def test_good_addresses_show_one_page_whatever_their_number(logged_in, me):
    def cards():
        page = logged_in.get(reverse("accompaniment:portal_addresses")).text
        return page.count('<li class="card'), page.count('"lat":')

    PartnerFactory.create_batch(30, may_be_recommended=True, latitude=45.7, longitude=3.1)
    few = cards()
    PartnerFactory.create_batch(270, may_be_recommended=True, latitude=45.7, longitude=3.1)
    assert cards() == few == (12, 12)
    second = logged_in.get(reverse("accompaniment:portal_addresses") + "?page=2")
    assert second.context["page"].number == 2 and len(second.context["partners"]) == 12


def test_good_addresses_filter_by_kind_of_place_and_commune_own_commune_first(logged_in, me):
    from partners.models import Category

    me.commune = Commune.objects.get(insee_code="63284")  # Pont-du-Château
    me.save()
    producers = Category.objects.get(name="Producteurs")
    farm = PartnerFactory(
        name="Ferme", may_be_recommended=True, categories=[producers], commune=me.commune
    )
    PartnerFactory(name="Épicerie", may_be_recommended=True, commune=me.commune)
    PartnerFactory(name="Ferme lointaine", may_be_recommended=True, categories=[producers])
    url = reverse("accompaniment:portal_addresses")
    response = logged_in.get(url)
    communes = list(response.context["form"].fields["commune"].choices)
    assert communes[1][1] == "Pont-du-Château (votre commune)"
    # Only kinds of place that have an address to show.
    kinds = [label for _value, label in response.context["form"].fields["category"].choices]
    assert kinds[1:] == [str(Category.objects.order_by("position").first()), str(producers)]
    filtered = logged_in.get(url, {"category": producers.pk, "commune": me.commune.pk})
    assert [partner.name for partner in filtered.context["partners"]] == [farm.name]
    assert "Voir toutes les adresses" in filtered.text
