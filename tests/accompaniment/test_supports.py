import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Support
from beneficiaries.models import Beneficiary
from soli_dome.audit.models import AuditEntry
from tests.accompaniment.factories import SupportFactory
from tests.partners.factories import PartnerFactory
from tests.utils import recent_events

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(accompanier, beneficiary_of):
    return beneficiary_of(accompanier)


@pytest.fixture
def staff(client, accompanier):
    client.force_login(accompanier)
    return client


def create_url(beneficiary):
    return reverse("accompaniment:support_create", args=[beneficiary.pk])


def doume(**overrides):
    return {
        "kind": Support.Kind.DOUME_BONUS,
        "given_on": timezone.localdate().isoformat(),
        "euros_converted": "33.30",
        **overrides,
    }


# Recording ------------------------------------------------------------------------------


def test_recording_a_doume_bonus_stores_the_bonus_at_the_rate_of_the_day(staff, file):
    staff.post(create_url(file), doume())
    support = file.supports.get()
    assert (support.bonus_rate, support.bonus_amount) == (Decimal("15.00"), Decimal("5.00"))


def test_a_later_change_of_rate_leaves_recorded_bonuses_as_they_were(staff, file, settings):
    staff.post(create_url(file), doume(euros_converted="40"))
    support = file.supports.get()
    settings.DOUME_SOCIAL_BONUS_RATE = Decimal(20)
    staff.post(
        reverse("accompaniment:support_update", args=[support.pk]),
        doume(euros_converted="40", description="Corrigé"),
    )
    support.refresh_from_db()
    assert (support.bonus_rate, support.bonus_amount) == (Decimal("15.00"), Decimal("6.00"))


def test_a_new_bonus_takes_the_configured_rate(staff, file, settings):
    settings.DOUME_SOCIAL_BONUS_RATE = Decimal("12.5")
    staff.post(create_url(file), doume(euros_converted="40"))
    assert file.supports.get().bonus_amount == Decimal("5.00")


def test_recording_a_support_is_journalled_on_the_file(staff, file, accompanier):
    staff.post(create_url(file), doume())
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE).latest("pk")
    assert (entry.actor, entry.target, entry.event == "support.added") == (
        accompanier,
        file,
        True,
    )


def test_a_basket_ignores_a_conversion_typed_before_changing_the_kind(staff, file):
    partner = PartnerFactory(name="Épicerie solidaire")
    staff.post(
        create_url(file),
        {
            "kind": Support.Kind.FOOD_BASKET,
            "given_on": timezone.localdate().isoformat(),
            "euros_converted": "30",
            "partner": partner.pk,
        },
    )
    support = file.supports.get()
    assert (support.euros_converted, support.bonus_amount, support.amount, support.partner) == (
        None,
        None,
        None,
        partner,
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (doume(euros_converted="-5"), "euros_converted", "doit être positif"),
        (doume(euros_converted=""), "euros_converted", "Indiquez les euros convertis"),
        (
            doume(given_on=(timezone.localdate() + datetime.timedelta(days=1)).isoformat()),
            "given_on",
            "dans le futur",
        ),
        (
            {"kind": Support.Kind.VOUCHER, "given_on": timezone.localdate().isoformat()},
            "amount",
            "montant du bon",
        ),
        (
            {
                "kind": Support.Kind.FOOD_BASKET,
                "given_on": timezone.localdate().isoformat(),
                "amount": "-1",
            },
            "amount",
            "supérieure ou égale à 0",
        ),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_saves_nothing(
    staff, file, data, field, message
):
    response = staff.post(create_url(file), data)
    assert response.status_code == 422
    assert message in " ".join(response.context["form"].errors[field])
    assert f'id="error_1_id_{field}"' in response.content.decode()
    assert not Support.objects.exists()


# Editing and deleting -------------------------------------------------------------------


def test_editing_a_support_changes_it(staff, file):
    support = SupportFactory(beneficiary=file)
    staff.post(
        reverse("accompaniment:support_update", args=[support.pk]),
        {"kind": Support.Kind.VOUCHER, "given_on": support.given_on.isoformat(), "amount": "20"},
    )
    support.refresh_from_db()
    assert (support.kind, support.amount) == (Support.Kind.VOUCHER, Decimal("20.00"))


def test_deleting_a_support_asks_for_confirmation_first(staff, file):
    support = SupportFactory(beneficiary=file)
    response = staff.get(reverse("accompaniment:support_delete", args=[support.pk]))
    assert "enregistrée par erreur" in response.content.decode()
    assert Support.objects.filter(pk=support.pk).exists()


def test_deleting_a_support_removes_it(staff, file):
    support = SupportFactory(beneficiary=file)
    staff.post(reverse("accompaniment:support_delete", args=[support.pk]))
    assert not Support.objects.filter(pk=support.pk).exists()


def test_a_closed_file_takes_no_new_support(staff, file):
    file.close(on=timezone.localdate(), reason=Beneficiary.ExitReason.GOALS_REACHED)
    response = staff.post(create_url(file), doume(), follow=True)
    assert "Ce dossier est clos" in response.content.decode()
    assert not Support.objects.exists()


def test_a_closed_file_keeps_its_supports(staff, file):
    support = SupportFactory(beneficiary=file)
    file.close(on=timezone.localdate(), reason=Beneficiary.ExitReason.GOALS_REACHED)
    staff.post(reverse("accompaniment:support_delete", args=[support.pk]))
    assert Support.objects.filter(pk=support.pk).exists()


# Access ---------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["create", "update", "delete"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_another_accompanier_gets_404(client, other_accompanier, file, action, method):
    support = SupportFactory(beneficiary=file)
    target = file if action == "create" else support
    client.force_login(other_accompanier)
    url = reverse(f"accompaniment:support_{action}", args=[target.pk])
    response = getattr(client, method)(url, doume())
    assert response.status_code == 404
    assert Support.objects.get() == support and support.amount == Decimal(10)


def test_the_coordinator_records_a_support_on_any_file(client, coordinator, file):
    client.force_login(coordinator)
    client.post(create_url(file), doume())
    assert file.supports.count() == 1


def test_the_beneficiary_cannot_record_a_support(client, beneficiary_user):
    client.force_login(beneficiary_user)
    response = client.get(create_url(beneficiary_user.beneficiary_file))
    assert response.status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, file):
    response = client.get(create_url(file))
    assert response.url.startswith(reverse("account_login"))


# File page ------------------------------------------------------------------------------


def test_the_file_page_sums_the_doume_bonus_and_counts_the_supports(staff, file):
    SupportFactory(beneficiary=file, doume=True)  # 6 € on 40 €
    SupportFactory(beneficiary=file, doume=True, euros_converted=Decimal(20))  # 3 €
    SupportFactory(beneficiary=file)
    response = staff.get(file.get_absolute_url())
    assert (response.context["totals"]["count"], response.context["totals"]["bonus"]) == (
        3,
        Decimal("9.00"),
    )


def test_the_file_page_offers_to_record_a_support(staff, file):
    page = staff.get(file.get_absolute_url()).content.decode()
    assert create_url(file) in page


def test_the_timeline_shows_supports_with_amount_and_partner(staff, file):
    partner = PartnerFactory(name="Doume — ADML63")
    SupportFactory(beneficiary=file, doume=True, partner=partner)
    entry = next(e for e in recent_events(staff, file).context["entries"])
    assert (entry.kind, entry.title, entry.details[:3]) == (
        "support",
        "Bonus solidaire Doume",
        [
            ("Euros convertis", "40,00 €"),
            ("Bonus solidaire", "6,00 € (15 %)"),
            ("Fournie par", "Doume — ADML63"),
        ],
    )


def test_the_timeline_puts_supports_among_the_other_events_newest_first(staff, file):
    today = timezone.localdate()
    SupportFactory(beneficiary=file, given_on=today - datetime.timedelta(days=10))
    SupportFactory(beneficiary=file, doume=True, given_on=today - datetime.timedelta(days=2))
    entries = recent_events(staff, file).context["entries"]
    assert [entry.title for entry in entries if entry.kind == "support"] == [
        "Bonus solidaire Doume",
        "Colis ou panier alimentaire",
    ]
