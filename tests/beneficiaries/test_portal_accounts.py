"""Getting into the portal: invitations by the accompanier, login by e-mailed code, closed files
turned away; and the contact details a person asks to change."""

import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from beneficiaries import services
from beneficiaries.models import Beneficiary, Commune, ContactChangeRequest, PortalInvitation
from soli_dome.notifications import outbox
from soli_dome.notifications.models import Notification
from soli_dome.users.models import User
from tests.beneficiaries.test_beneficiary_form import form_data
from tests.users.factories import PASSWORD

pytestmark = pytest.mark.django_db


def invite(client, accompanier, beneficiary, capture):
    client.force_login(accompanier)
    with capture(execute=True):
        client.post(reverse("beneficiaries:portal_invite", args=[beneficiary.pk]))
    client.logout()
    return PortalInvitation.objects.get(beneficiary=beneficiary)


def test_invitation_creates_an_inactive_beneficiary_account_and_mails_the_link(
    client, accompanier, beneficiary_of, mailoutbox, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@example.net")
    invitation = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    user = User.objects.get(email="ines@example.net")
    assert (user.role, user.is_active, user.beneficiary_file) == ("beneficiary", False, beneficiary)
    assert invitation.token in mailoutbox[0].body


def test_accepting_the_invitation_lets_the_person_in(
    client, accompanier, beneficiary_of, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@example.net")
    invitation = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    url = reverse("beneficiaries:invitation_accept", args=[invitation.token])
    response = client.post(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("accompaniment:portal_home")
    assert response.wsgi_request.user.beneficiary_file == beneficiary


def test_an_expired_invitation_is_refused_with_a_clear_message(
    client, accompanier, beneficiary_of, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@example.net")
    invitation = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    invitation.expires_at = timezone.now() - datetime.timedelta(minutes=1)
    invitation.save()
    response = client.post(reverse("beneficiaries:invitation_accept", args=[invitation.token]))
    assert response.status_code == 410 and "Ce lien d&#x27;invitation a expiré" in response.text
    assert not response.wsgi_request.user.is_authenticated


def test_sending_again_renews_the_link(
    client, accompanier, beneficiary_of, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@example.net")
    first = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    second = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    assert second.token != first.token and second.expires_at > first.expires_at


def test_a_file_without_email_cannot_be_invited(client, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier, email="")
    client.force_login(accompanier)
    response = client.post(
        reverse("beneficiaries:portal_invite", args=[beneficiary.pk]), follow=True
    )
    assert "Ajoutez d&#x27;abord l&#x27;adresse e-mail" in response.text
    assert not PortalInvitation.objects.exists()


def test_another_accompanier_cannot_invite(client, other_accompanier, accompanier, beneficiary_of):
    beneficiary = beneficiary_of(accompanier, email="ines@example.net")
    client.force_login(other_accompanier)
    url = reverse("beneficiaries:portal_invite", args=[beneficiary.pk])
    assert client.post(url).status_code == 404


def test_a_closed_file_cannot_log_in_with_a_password(client, beneficiary_user):
    beneficiary_user.beneficiary_file.close(
        on=timezone.localdate(), reason=Beneficiary.ExitReason.MOVED
    )
    response = client.post(
        reverse("account_login"),
        {"login": beneficiary_user.email, "password": PASSWORD},
        follow=True,
    )
    assert not response.wsgi_request.user.is_authenticated
    assert "votre espace est fermé" in response.text


def login_code(client, email, mailoutbox):
    client.post(reverse("account_request_login_code"), {"email": email})
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mailoutbox[-1].body, re.MULTILINE).group(
        1
    )


def test_the_person_logs_in_with_a_code_received_by_email(client, beneficiary_user, mailoutbox):
    code = login_code(client, beneficiary_user.email, mailoutbox)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert response.wsgi_request.user == beneficiary_user


def test_a_closed_file_cannot_log_in_with_a_code(client, beneficiary_user, mailoutbox):
    beneficiary_user.beneficiary_file.close(
        on=timezone.localdate(), reason=Beneficiary.ExitReason.MOVED
    )
    code = login_code(client, beneficiary_user.email, mailoutbox)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, follow=True)
    assert not response.wsgi_request.user.is_authenticated
    assert "votre espace est fermé" in response.text


# Contact details -------------------------------------------------------------------------


@pytest.fixture
def change_asked(client, beneficiary_user):
    client.force_login(beneficiary_user)
    client.post(
        reverse("accompaniment:portal_contact_change"),
        {"phone": "07 81 22 33 44", "commune": Commune.objects.get(insee_code="63124").pk},
    )
    client.logout()
    return ContactChangeRequest.objects.get()


def test_a_contact_change_request_does_not_change_the_file(change_asked):
    beneficiary = Beneficiary.objects.get(pk=change_asked.beneficiary_id)
    assert beneficiary.phone != "+33781223344"


def test_an_empty_contact_change_request_is_refused(client, beneficiary_user):
    client.force_login(beneficiary_user)
    response = client.post(reverse("accompaniment:portal_contact_change"), {})
    assert response.status_code == 422 and not ContactChangeRequest.objects.exists()


def test_the_accompanier_sees_and_confirms_the_change(client, accompanier, change_asked):
    client.force_login(accompanier)
    page = client.get(change_asked.beneficiary.get_absolute_url()).text
    assert "07 81 22 33 44" in page
    client.post(
        reverse("beneficiaries:contact_change_decide", args=[change_asked.pk]),
        {"decision": "confirm"},
    )
    beneficiary = Beneficiary.objects.get(pk=change_asked.beneficiary_id)
    assert (beneficiary.phone, beneficiary.commune.insee_code) == ("+33781223344", "63124")


def test_a_declined_change_leaves_the_file_as_it_was(client, accompanier, change_asked):
    client.force_login(accompanier)
    client.post(
        reverse("beneficiaries:contact_change_decide", args=[change_asked.pk]),
        {"decision": "decline"},
    )
    change_asked.refresh_from_db()
    beneficiary = Beneficiary.objects.get(pk=change_asked.beneficiary_id)
    assert change_asked.status == "declined" and beneficiary.phone != "+33781223344"


def test_another_accompanier_cannot_decide(client, other_accompanier, change_asked):
    client.force_login(other_accompanier)
    url = reverse("beneficiaries:contact_change_decide", args=[change_asked.pk])
    assert client.post(url, {"decision": "confirm"}).status_code == 404


def test_a_confirmed_email_becomes_the_login_address(client, accompanier, beneficiary_user):
    client.force_login(beneficiary_user)
    client.post(reverse("accompaniment:portal_contact_change"), {"email": "nouvelle@example.net"})
    change = ContactChangeRequest.objects.get()
    client.force_login(accompanier)
    client.post(
        reverse("beneficiaries:contact_change_decide", args=[change.pk]), {"decision": "confirm"}
    )
    beneficiary_user.refresh_from_db()
    assert beneficiary_user.email == "nouvelle@example.net"


def test_a_beneficiary_who_chose_english_gets_the_site_in_english_at_login(
    client, beneficiary_user
):
    beneficiary_user.language = "en"
    beneficiary_user.save()
    response = client.post(
        reverse("account_login"), {"login": beneficiary_user.email, "password": PASSWORD}
    )
    assert response.cookies["django_language"].value == "en"


def test_a_person_with_a_phone_is_also_told_by_sms_to_look_at_their_email(
    client, accompanier, beneficiary_of, sms_outbox, django_capture_on_commit_callbacks
):
    # No reminders consent: the invitation is not a reminder, the accompanier asked for it.
    beneficiary = beneficiary_of(accompanier, email="ines@example.net", phone="06 12 34 56 78")
    invitation = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    outbox.dispatch()
    (sms,) = sms_outbox
    assert (sms["to"], "e-mail" in sms["text"], invitation.token in sms["text"]) == (
        "+33612345678",
        True,
        False,
    )


def test_a_person_without_a_phone_gets_no_sms(
    client, accompanier, beneficiary_of, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@example.net", phone="")
    invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    assert not Notification.objects.filter(channel=Notification.Channel.SMS).exists()


def test_the_invitation_is_written_in_the_persons_language(
    client, accompanier, beneficiary_of, mailoutbox, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@example.net", preferred_language="en")
    invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    assert mailoutbox[0].subject.endswith("Your Soli'dôme space is waiting for you")


# An invitation link opens the space once -------------------------------------------------


@pytest.fixture
def accepted(client, accompanier, beneficiary_of, django_capture_on_commit_callbacks):
    """An invitation the person accepted, then logged out; returns (invitation, link)."""
    beneficiary = beneficiary_of(accompanier, email="ines@example.net")
    invitation = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    link = reverse("beneficiaries:invitation_accept", args=[invitation.token])
    client.post(link)
    client.logout()
    return invitation, link


def test_a_used_invitation_link_no_longer_logs_in_and_says_why(client, accepted):
    _invitation, link = accepted
    response = client.post(link)
    assert (
        response.status_code,
        response.wsgi_request.user.is_authenticated,
        "il ne sert qu&#x27;une fois" in response.text,
    ) == (410, False, True)


def test_a_used_invitation_link_does_not_reopen_a_deactivated_account(client, accepted):
    invitation, link = accepted
    User.objects.filter(beneficiary_file=invitation.beneficiary).update(is_active=False)
    client.post(link)
    assert not User.objects.get(beneficiary_file=invitation.beneficiary).is_active


def test_two_clicks_at_once_open_the_space_only_once(
    accompanier, beneficiary_of, client, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@example.net")
    invitation = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    second_click = PortalInvitation.objects.get(pk=invitation.pk)  # read before the first ends
    services.accept_invitation(invitation=invitation)
    with pytest.raises(ValidationError):
        services.accept_invitation(invitation=second_click)


def test_a_link_sent_to_an_address_the_account_no_longer_has_is_refused(
    client, accompanier, beneficiary_of, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@exemple.net")  # a typo
    invitation = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    User.objects.filter(beneficiary_file=beneficiary).update(email="ines@example.net")
    response = client.post(reverse("beneficiaries:invitation_accept", args=[invitation.token]))
    assert (response.status_code, response.wsgi_request.user.is_authenticated) == (410, False)


def test_a_new_invitation_opens_a_deactivated_account_again(
    client, accompanier, accepted, django_capture_on_commit_callbacks
):
    invitation, _link = accepted
    User.objects.filter(beneficiary_file=invitation.beneficiary).update(is_active=False)
    renewed = invite(
        client, accompanier, invitation.beneficiary, django_capture_on_commit_callbacks
    )
    client.post(reverse("beneficiaries:invitation_accept", args=[renewed.token]))
    assert User.objects.get(beneficiary_file=invitation.beneficiary).is_active


# Staff correct the e-mail of a file with an account --------------------------------------


def edit_email(client, staff, beneficiary, email):
    client.force_login(staff)
    url = reverse("beneficiaries:beneficiary_update", args=[beneficiary.pk])
    version = client.get(url).context["form"]["version"].value()
    data = form_data(email=email, version=version, phone=beneficiary.phone)
    data["birth_date"] = beneficiary.birth_date.isoformat()
    response = client.post(url, data)
    client.logout()
    return response


def test_a_corrected_email_becomes_the_login_address(client, accompanier, beneficiary_user):
    edit_email(client, accompanier, beneficiary_user.beneficiary_file, "nouvelle@example.net")
    beneficiary_user.refresh_from_db()
    assert (
        beneficiary_user.email,
        list(EmailAddress.objects.filter(user=beneficiary_user).values_list("email", flat=True)),
    ) == ("nouvelle@example.net", ["nouvelle@example.net"])


def test_an_address_of_another_account_is_refused_next_to_the_field(
    client, accompanier, coordinator, beneficiary_user
):
    response = edit_email(client, accompanier, beneficiary_user.beneficiary_file, coordinator.email)
    assert response.context["form"].errors["email"] == [
        "Cette adresse e-mail est déjà celle d'un autre compte."
    ]


def test_inviting_again_after_a_correction_writes_to_the_corrected_address(
    client, accompanier, beneficiary_of, mailoutbox, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@exemple.net")  # a typo
    invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    edit_email(client, accompanier, beneficiary, "ines@example.net")
    mailoutbox.clear()
    invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    assert mailoutbox[0].to == ["ines@example.net"]


def test_an_invitation_goes_to_the_files_address_even_if_changed_outside_the_form(
    client, accompanier, beneficiary_of, mailoutbox, django_capture_on_commit_callbacks
):
    beneficiary = beneficiary_of(accompanier, email="ines@exemple.net")
    invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    Beneficiary.objects.filter(pk=beneficiary.pk).update(email="ines@example.net")  # the admin
    mailoutbox.clear()
    invitation = invite(client, accompanier, beneficiary, django_capture_on_commit_callbacks)
    assert (mailoutbox[0].to, invitation.email) == (["ines@example.net"], "ines@example.net")
