import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from beneficiaries.models import Beneficiary, Commune
from soli_dome.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    today = timezone.localdate()
    data = {
        "first_name": "Zoé",
        "last_name": "Aubert",
        "birth_date": today.replace(year=today.year - 20, day=1).isoformat(),
        "phone": "06 11 22 33 44",
        "email": "",
        "preferred_channel": "sms",
        "commune": Commune.objects.get(insee_code="63113").pk,
        "entry_date": today.isoformat(),
    }
    data.update(overrides)
    return data


def test_accompanier_creates_a_file_they_then_follow(client, accompanier):
    client.force_login(accompanier)
    client.post(reverse("beneficiaries:beneficiary_create"), form_data())
    created = Beneficiary.objects.get(last_name="Aubert")
    assert created.primary_accompanier() == accompanier


def test_phone_is_stored_in_international_format(client, accompanier):
    client.force_login(accompanier)
    client.post(reverse("beneficiaries:beneficiary_create"), form_data())
    assert Beneficiary.objects.get().phone == "+33611223344"


def test_an_unreadable_phone_gets_a_message_next_to_the_field(client, accompanier):
    client.force_login(accompanier)
    response = client.post(reverse("beneficiaries:beneficiary_create"), form_data(phone="12"))
    assert response.context["form"].errors["phone"] and not Beneficiary.objects.exists()


def test_a_person_outside_the_publics_needs_a_confirmation(client, accompanier):
    client.force_login(accompanier)
    forty = form_data(birth_date=datetime.date(timezone.localdate().year - 40, 1, 1).isoformat())
    response = client.post(reverse("beneficiaries:beneficiary_create"), forty)
    assert "confirm_outside_public" in response.context["form"].errors
    client.post(
        reverse("beneficiaries:beneficiary_create"), {**forty, "confirm_outside_public": "on"}
    )
    assert Beneficiary.objects.filter(last_name="Aubert").exists()


def test_a_likely_duplicate_is_flagged_with_a_link(client, accompanier, beneficiary_of):
    existing = beneficiary_of(accompanier, phone="+33611223344")
    client.force_login(accompanier)
    response = client.post(reverse("beneficiaries:beneficiary_create"), form_data())
    assert existing.get_absolute_url() in response.text
    assert Beneficiary.objects.count() == 1


def test_a_duplicate_followed_by_someone_else_is_flagged_without_their_name(
    client, accompanier, other_accompanier, beneficiary_of
):
    beneficiary_of(other_accompanier, last_name="Secret", phone="+33611223344")
    client.force_login(accompanier)
    response = client.post(reverse("beneficiaries:beneficiary_create"), form_data())
    assert "Doublon possible" in response.text and "Secret" not in response.text


def test_a_confirmed_non_duplicate_is_created(client, accompanier, beneficiary_of):
    beneficiary_of(accompanier, phone="+33611223344")
    client.force_login(accompanier)
    client.post(reverse("beneficiaries:beneficiary_create"), form_data(confirm_not_duplicate="on"))
    assert Beneficiary.objects.count() == 2


def test_a_concurrent_edit_is_refused_and_the_text_kept(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier, first_name="Avant")
    client.force_login(accompanier)
    url = reverse("beneficiaries:beneficiary_update", args=[file.pk])
    version = client.get(url).context["form"]["version"].value()
    Beneficiary.objects.filter(pk=file.pk).update(updated_at=timezone.now())  # someone else saved
    data = form_data(first_name="Mon texte", version=version, phone=file.phone)
    data["birth_date"] = file.birth_date.isoformat()
    response = client.post(url, data)
    assert "Mon texte" in response.text and Beneficiary.objects.get().first_name == "Avant"


def test_an_edit_is_saved_and_logged(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    url = reverse("beneficiaries:beneficiary_update", args=[file.pk])
    version = client.get(url).context["form"]["version"].value()
    data = form_data(email="nouvelle@example.net", version=version, phone=file.phone)
    data["birth_date"] = file.birth_date.isoformat()
    client.post(url, data)
    entry = AuditEntry.objects.about(file).filter(action=AuditEntry.Action.UPDATE).get()
    assert "email" in entry.params["fields"]


def test_other_accompanier_cannot_edit(client, accompanier, other_accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(other_accompanier)
    url = reverse("beneficiaries:beneficiary_update", args=[file.pk])
    assert client.get(url).status_code == 404


def test_coordinator_reads_the_access_log(client, coordinator, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    client.get(file.get_absolute_url())
    client.force_login(coordinator)
    response = client.get(reverse("beneficiaries:beneficiary_access_log", args=[file.pk]))
    assert str(accompanier) in response.text


def test_accompanier_cannot_read_the_access_log(client, accompanier, beneficiary_of):
    file = beneficiary_of(accompanier)
    client.force_login(accompanier)
    url = reverse("beneficiaries:beneficiary_access_log", args=[file.pk])
    assert client.get(url).status_code == 404


def test_a_birth_date_in_the_future_is_refused_next_to_the_field(client, accompanier):
    client.force_login(accompanier)
    later = form_data(birth_date=datetime.date(timezone.localdate().year + 4, 1, 1).isoformat())
    response = client.post(reverse("beneficiaries:beneficiary_create"), later)
    assert response.context["form"].errors["birth_date"] == [
        "La date de naissance ne peut pas être dans le futur."
    ]
    assert not Beneficiary.objects.exists()


@pytest.mark.parametrize(
    ("existing", "criterion"),
    [
        ({"phone": "+33611223344"}, "même téléphone"),
        ({"phone": "", "email": "zoe@example.org"}, "même e-mail"),
        ({"phone": "", "first_name": "Zoé", "last_name": "Aubert"}, "même nom et même date"),
    ],
)
def test_the_duplicate_warning_says_which_criterion_matched(
    client, accompanier, beneficiary_of, existing, criterion
):
    today = timezone.localdate()
    beneficiary_of(accompanier, birth_date=today.replace(year=today.year - 20, day=1), **existing)
    client.force_login(accompanier)
    data = form_data(email="zoe@example.org")
    response = client.post(reverse("beneficiaries:beneficiary_create"), data)
    warning = response.text.split("Doublon possible", 1)[1].split("</ul>", 1)[0]
    assert criterion in warning
    others = {"même téléphone", "même e-mail", "même nom et même date"} - {criterion}
    assert not any(other in warning for other in others)


def test_a_landline_for_sms_is_refused_with_a_message_next_to_the_phone(client, accompanier):
    client.force_login(accompanier)
    response = client.post(
        reverse("beneficiaries:beneficiary_create"), form_data(phone="04 73 12 34 56")
    )
    assert "fixe" in response.context["form"].errors["phone"][0]
    assert not Beneficiary.objects.exists()


def test_a_landline_is_kept_for_a_person_reminded_by_email(client, accompanier):
    client.force_login(accompanier)
    client.post(
        reverse("beneficiaries:beneficiary_create"),
        form_data(
            phone="04 73 12 34 56",
            email="zoe.aubert@example.org",
            preferred_channel="phone_call",
            reminder_channel="email",
        ),
    )
    created = Beneficiary.objects.get()
    assert (created.phone, created.reminder_channel) == ("+33473123456", "email")


def test_an_overseas_mobile_gets_its_own_country_code(client, accompanier):
    client.force_login(accompanier)
    client.post(reverse("beneficiaries:beneficiary_create"), form_data(phone="0692 12 34 56"))
    assert Beneficiary.objects.get().phone == "+262692123456"
