"""A partner's page shows the workshops it hosts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accompaniment.models import Workshop
from tests.accompaniment.factories import RegistrationFactory, WorkshopFactory
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db


def partner_page(client, partner):
    return client.get(reverse("partners:partner_detail", args=[partner.pk]))


def test_partner_page_lists_the_workshops_it_hosts(client, accompanier):
    partner = PartnerFactory(name="Ferme des Sauzes")
    WorkshopFactory(title="Visite de la ferme", host=partner)
    WorkshopFactory(title="Marché du samedi", host=PartnerFactory(name="Marché Saint-Joseph"))
    client.force_login(accompanier)
    workshops = partner_page(client, partner).context["workshops"]
    assert [workshop.title for workshop in workshops] == ["Visite de la ferme"]


def test_partner_page_counts_held_and_coming_workshops(client, coordinator):
    partner = PartnerFactory(name="Les Toques solidaires")
    WorkshopFactory(host=partner, status=Workshop.Status.HELD)
    WorkshopFactory(host=partner)
    WorkshopFactory(host=partner, status=Workshop.Status.CANCELLED)
    client.force_login(coordinator)
    response = partner_page(client, partner)
    assert (response.context["held_count"], response.context["coming_count"]) == (1, 1)


def test_partner_page_queries_do_not_grow_with_hosted_workshops(client, coordinator):
    partner = PartnerFactory(name="Les Toques solidaires")
    client.force_login(coordinator)
    counts = []
    for batch in (1, 15):
        for _ in range(batch):
            RegistrationFactory(workshop=WorkshopFactory(host=partner))
        with CaptureQueriesContext(connection) as captured:
            partner_page(client, partner)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_workshop_form_offers_the_listings_in_use_but_not_archived_ones(client, coordinator):
    farm = PartnerFactory(name="Ferme des Sauzes")
    PartnerFactory(name="Ancienne épicerie", is_archived=True)
    client.force_login(coordinator)
    response = client.get(reverse("accompaniment:workshop_create"))
    assert list(response.context["form"].fields["host"].queryset) == [farm]


def test_workshop_page_links_to_its_host_listing(client, accompanier):
    partner = PartnerFactory(name="Ferme des Sauzes")
    workshop = WorkshopFactory(host=partner)
    client.force_login(accompanier)
    response = client.get(reverse("accompaniment:workshop_detail", args=[workshop.pk]))
    assert f'href="{partner.get_absolute_url()}"' in response.content.decode()
