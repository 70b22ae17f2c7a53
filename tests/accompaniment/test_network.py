"""The coordinators' network view: figures per partner and per kind of partner over a period,
as a table and a chart, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accompaniment.models import Referral, Workshop
from accompaniment.models.referrals import new_token
from partners.models import Category, Partner
from tests.accompaniment.factories import WorkshopFactory
from tests.partners.factories import PartnerFactory, PartnershipEventFactory

pytestmark = pytest.mark.django_db

URL = reverse("accompaniment:network_overview")


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def refer(
    partner,
    by,
    beneficiary,
    *,
    status=Referral.Status.SENT,
    sent_days_ago=3,
    answered_after=datetime.timedelta(days=2),
):
    sent_at = days_ago(sent_days_ago)
    answered = status not in {Referral.Status.SENT, Referral.Status.EXPIRED}
    answered_at = sent_at + answered_after if answered else None
    return Referral.objects.create(
        beneficiary=beneficiary,
        created_by=by,
        partner=partner,
        theme=None,
        token=new_token(),
        status=status,
        sent_at=sent_at,
        answered_at=answered_at,
        expires_at=sent_at + datetime.timedelta(days=30),
        refusal_reason="Plus de place" if status == Referral.Status.REFUSED else "",
    )


def row_of(rows, name):
    return next(row for row in rows if row.name == name)


@pytest.fixture
def network(accompanier, beneficiary_of):
    """An épicerie with three referrals (accepted in 2 days, accepted in 4 days, refused), one
    left waiting, one older than the period, one person it referred in, a workshop hosted and
    a meeting."""
    epicerie = PartnerFactory(name="Épicerie du Port")
    person = beneficiary_of(accompanier)
    refer(epicerie, accompanier, person, status=Referral.Status.ACCEPTED)
    refer(
        epicerie,
        accompanier,
        person,
        status=Referral.Status.DONE,
        answered_after=datetime.timedelta(days=4),
    )
    refer(epicerie, accompanier, person, status=Referral.Status.REFUSED)
    refer(epicerie, accompanier, person)
    refer(epicerie, accompanier, person, status=Referral.Status.ACCEPTED, sent_days_ago=400)
    Referral.objects.create(
        beneficiary=beneficiary_of(accompanier),
        partner=epicerie,
        direction=Referral.Direction.INBOUND,
        status=Referral.Status.DONE,
        created_by=accompanier,
    )
    WorkshopFactory(host=epicerie, starts_at=days_ago(10))
    WorkshopFactory(host=epicerie, starts_at=days_ago(5), status=Workshop.Status.CANCELLED)
    PartnershipEventFactory(partner=epicerie, date=datetime.date(2026, 3, 2))
    PartnershipEventFactory(partner=epicerie, date=datetime.date(2026, 5, 4))
    return epicerie


@pytest.mark.parametrize("persona", ["accompanier", "beneficiary_user"])
def test_only_coordinators_reach_the_network_view(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 404


def test_coordinator_navigation_links_to_the_network_view(client, coordinator):
    client.force_login(coordinator)
    assert f'href="{URL}"' in client.get(reverse("partners:partner_list")).content.decode()


def test_partner_row_sums_up_the_referrals_of_the_last_twelve_months(client, coordinator, network):
    client.force_login(coordinator)
    row = row_of(client.get(URL).context["partners"], "Épicerie du Port")
    figures = (row.sent_count, row.accepted_count, row.refused_count, row.acceptance_rate)
    assert figures == (4, 2, 1, 67)


def test_partner_row_gives_the_mean_answer_delay_in_days(client, coordinator, network):
    client.force_login(coordinator)
    row = row_of(client.get(URL).context["partners"], "Épicerie du Port")
    assert row.answer_delay_days == pytest.approx((2 + 4 + 2) / 3)


def test_partner_row_counts_workshops_people_referred_in_and_last_contact(
    client, coordinator, network
):
    client.force_login(coordinator)
    row = row_of(client.get(URL).context["partners"], "Épicerie du Port")
    assert (row.workshop_count, row.referred_in_count, row.last_contact_on) == (
        1,
        1,
        datetime.date(2026, 5, 4),
    )


def test_category_row_adds_up_its_partners(client, coordinator, accompanier, network):
    other = PartnerFactory(categories=list(network.categories.all()))
    refer(other, accompanier, network.referrals.first().beneficiary)
    client.force_login(coordinator)
    row = row_of(client.get(URL).context["categories"], network.categories.get().name)
    assert (row.partner_count, row.sent_count, row.workshop_count) == (2, 5, 1)


def test_a_chosen_period_includes_older_referrals(client, coordinator, network):
    client.force_login(coordinator)
    start = timezone.localdate() - datetime.timedelta(days=500)
    response = client.get(URL, {"start": start, "end": timezone.localdate()})
    assert row_of(response.context["partners"], "Épicerie du Port").sent_count == 5


def test_a_period_ending_before_it_starts_is_explained_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    response = client.get(URL, {"start": "2026-05-01", "end": "2026-04-01"})
    assert response.context["form"].errors["end"] == ["La fin de la période vient après son début."]


@pytest.mark.parametrize("end", ["9999-12-31", "0001-01-01"])
def test_a_period_outside_the_programme_years_is_explained_not_a_server_error(
    client, coordinator, end
):
    """Found by tests/test_forms_generated_input.py: the 31 December 9999 overflowed (500)."""
    client.force_login(coordinator)
    url = reverse("accompaniment:network_overview")
    response = client.get(url, {"start": "2025-01-01", "end": end})
    assert response.status_code == 200
    assert "Indiquez une date entre 1900 et 2100." in response.content.decode()
    export = reverse("accompaniment:network_export", args=["categories"])
    assert client.get(export, {"start": "2025-01-01", "end": end}).status_code == 200


def test_archived_partners_are_left_out(client, coordinator):
    PartnerFactory(name="Ancienne ferme", archived=True)
    client.force_login(coordinator)
    names = [row.name for row in client.get(URL).context["partners"]]
    assert "Ancienne ferme" not in names


def test_directory_shape_counts_agreements_and_listings_to_review(client, coordinator):
    PartnerFactory(agreement_date=datetime.date(2025, 1, 10))
    PartnerFactory(never_checked=True, partnership_status=Partner.PartnershipStatus.PROSPECT)
    client.force_login(coordinator)
    shape = client.get(URL).context["shape"]
    assert (shape["total"], shape["agreements"], shape["overdue"]) == (2, 1, 1)


def test_chart_draws_each_category_against_the_largest_figure(client, coordinator, network):
    client.force_login(coordinator)
    bars = dict(client.get(URL).context["category_bars"])
    sent, accepted = bars[network.categories.get()]
    assert (sent[3], accepted[3]) == (100, 50)


def add_network(count, accompanier, beneficiary):
    categories = list(Category.objects.all())
    for index in range(count):
        partner = PartnerFactory(categories=[categories[index % len(categories)]])
        refer(partner, accompanier, beneficiary, status=Referral.Status.ACCEPTED)
        WorkshopFactory(host=partner, starts_at=days_ago(2))
        PartnershipEventFactory(partner=partner)


def test_queries_do_not_grow_with_the_network(client, coordinator, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier)
    client.force_login(coordinator)
    counts = []
    for batch in (1, 30):
        add_network(batch, accompanier, beneficiary)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_default_period_of_a_leap_day_starts_the_next_day_a_year_before():
    from accompaniment.queries import Period

    period = Period.year_to(datetime.date(2028, 2, 29))
    assert (period.start, period.end) == (datetime.date(2027, 3, 1), datetime.date(2028, 2, 29))


def exported(client, table, **query):
    response = client.get(reverse("accompaniment:network_export", args=[table]), query)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return [line.split(";") for line in text.splitlines()]


def test_the_partner_table_exports_as_the_page_shows_it(client, coordinator, network):
    client.force_login(coordinator)
    header, *rows = exported(client, "acteurs")
    assert header[:5] == ["Acteur", "Catégories", "Commune", "Partenariat", "Orientations envoyées"]
    row = dict(zip(header, next(r for r in rows if r[0] == "Épicerie du Port"), strict=True))
    assert (row["Orientations envoyées"], row["Acceptées"], row["Taux d'acceptation (%)"]) == (
        "4",
        "2",
        "67",
    )
    assert (row["Délai moyen de réponse (jours)"], row["Dernier contact"]) == ("2,7", "04/05/2026")


def test_the_category_table_exports_for_the_chosen_period(client, coordinator, network):
    client.force_login(coordinator)
    start = (timezone.localdate() - datetime.timedelta(days=500)).isoformat()
    end = timezone.localdate().isoformat()
    header, *rows = exported(client, "categories", start=start, end=end)
    row = dict(
        zip(header, rows[[r[0] for r in rows].index(str(network.categories.get()))], strict=True)
    )
    assert (row["Acteurs"], row["Orientations envoyées"]) == ("1", "5")


def test_the_page_links_each_table_to_its_export_with_the_period(client, coordinator):
    client.force_login(coordinator)
    page = client.get(URL, {"start": "2026-01-01", "end": "2026-06-30"}).content.decode()
    for table in ("categories", "acteurs"):
        url = reverse("accompaniment:network_export", args=[table])
        assert f'href="{url}?start=2026-01-01&amp;end=2026-06-30"' in page


@pytest.mark.parametrize("persona", ["accompanier", "beneficiary_user"])
def test_only_coordinators_export_the_network(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("accompaniment:network_export", args=["acteurs"])
    assert client.get(url).status_code == 404


def test_an_unknown_table_is_404(client, coordinator):
    client.force_login(coordinator)
    url = reverse("accompaniment:network_export", args=["beneficiaires"])
    assert client.get(url).status_code == 404
