"""The technical administration: allauth's login (second factor, limits), superusers with a
second factor only, a strict CSP, and its reads and changes of files in the journal."""

import pytest
from django.urls import reverse

from soli_dome.audit.models import AuditEntry
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.users.factories import PASSWORD, UserFactory, totp_code, with_totp

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator():
    user = UserFactory(is_staff=True, is_superuser=True)
    user.totp_secret = with_totp(user)
    return user


def test_admin_login_is_the_platform_login(client):
    response = client.get(reverse("admin:login") + "?next=/admin/beneficiaries/")
    assert response.status_code == 302
    assert response["Location"] == "/compte/login/?next=/admin/beneficiaries/"


def test_admin_login_with_an_unsafe_next_goes_to_the_admin_index(client):
    response = client.get(reverse("admin:login") + "?next=https://evil.example/")
    assert response["Location"] == "/compte/login/?next=/admin/"


def test_anonymous_visitor_of_the_admin_lands_on_the_platform_login(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0] == "/compte/login/?next=/admin/"


def test_a_password_alone_does_not_open_the_admin(client, administrator):
    response = client.post(
        reverse("account_login"), {"login": administrator.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("admin:index")).status_code == 302  # still to the login

    client.post(reverse("mfa_authenticate"), {"code": totp_code(administrator.totp_secret)})
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    "user_kwargs",
    [
        {"is_staff": True, "is_superuser": True},  # no second factor
        {"is_staff": True},
        {"coordinator": True},
    ],
)
def test_the_admin_is_not_found_for_others(client, user_kwargs):
    client.force_login(UserFactory(**user_kwargs))
    assert client.get(reverse("admin:index")).status_code == 404
    assert client.get(reverse("admin:beneficiaries_beneficiary_changelist")).status_code == 404
    assert client.get(reverse("admin:login")).status_code == 404


def test_admin_pages_have_a_content_security_policy(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:index"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy


def test_opening_a_file_in_the_admin_is_journaled(client, administrator):
    beneficiary = BeneficiaryFactory()
    client.force_login(administrator)
    url = reverse("admin:beneficiaries_beneficiary_change", args=[beneficiary.pk])
    assert client.get(url).status_code == 200
    entry = AuditEntry.objects.about(beneficiary).get()
    assert (entry.actor, entry.action) == (administrator, AuditEntry.Action.READ)


def test_changing_a_file_in_the_admin_is_journaled(client, administrator):
    beneficiary = BeneficiaryFactory()
    client.force_login(administrator)
    url = reverse("admin:beneficiaries_beneficiary_change", args=[beneficiary.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if name in form.fields and value is not None
    }
    data.update(
        first_name="Nouveau",
        birth_date=beneficiary.birth_date.isoformat(),
        commune=beneficiary.commune_id,
        **{
            f"{prefix}-{key}": 0
            for prefix in ("assignments", "consents")
            for key in ("TOTAL_FORMS", "INITIAL_FORMS")
        },
    )
    data = {key: value for key, value in data.items() if not isinstance(value, list)}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    beneficiary.refresh_from_db()
    assert beneficiary.first_name == "Nouveau"
    actions = set(AuditEntry.objects.about(beneficiary).values_list("action", flat=True))
    assert AuditEntry.Action.UPDATE in actions


def test_the_admin_file_list_is_journaled_in_constant_queries(
    client, administrator, django_assert_max_num_queries
):
    client.force_login(administrator)
    url = reverse("admin:beneficiaries_beneficiary_changelist")
    BeneficiaryFactory.create_batch(2)
    client.get(url)  # warms the content types
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    BeneficiaryFactory.create_batch(8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many) == len(few)
    listed = AuditEntry.objects.filter(action=AuditEntry.Action.READ, actor=administrator)
    assert listed.values("object_id").distinct().count() == 10
