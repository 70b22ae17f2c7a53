"""The directory pages run the same number of queries whatever the size of the directory."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from beneficiaries.models import Commune
from partners.models import ServiceTag
from tests.partners.factories import (
    ClosureFactory,
    ContactFactory,
    PartnerFactory,
    PartnershipEventFactory,
)

pytestmark = pytest.mark.django_db


def add_partners(count, target):
    services = list(ServiceTag.objects.all()[:3])
    commune = Commune.objects.get(insee_code="63113")
    for _ in range(count):
        partner = PartnerFactory(commune=commune, services=services, never_checked=True)
        ClosureFactory(partner=partner)
        ContactFactory(partner=partner)
        ContactFactory(partner=target)
        ClosureFactory(partner=target)
        PartnershipEventFactory(partner=target)


def queries_of(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    ("persona", "url_name"),
    [
        ("coordinator", "partners:partner_list"),
        ("accompanier", "partners:partner_list"),
        ("coordinator", "partners:partner_review_list"),
        ("coordinator", "partners:partner_detail"),
        ("accompanier", "partners:partner_detail"),
    ],
)
def test_page_queries_do_not_grow_with_the_directory(client, request, persona, url_name):
    client.force_login(request.getfixturevalue(persona))
    target = PartnerFactory(never_checked=True)
    url = reverse(url_name, args=[target.pk] if url_name == "partners:partner_detail" else [])
    counts = []
    for batch in (5, 45):
        add_partners(batch, target)
        counts.append(queries_of(client, url))
    assert counts[0] == counts[1]
