import pytest
from django.urls import reverse

from tests.beneficiaries.factories import BeneficiaryFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url_name", ["beneficiaries:beneficiary_list", "accompaniment:dashboard"])
def test_page_queries_do_not_grow_with_the_number_of_files(client, accompanier, url_name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(accompanier)
    url = reverse(url_name)
    counts = []
    for batch in (5, 45):
        BeneficiaryFactory.create_batch(batch, accompanied_by=accompanier, last_contact_on=None)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
