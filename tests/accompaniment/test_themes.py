import pytest
from django.urls import reverse

from accompaniment.models import Theme

pytestmark = pytest.mark.django_db


def test_coordinator_adds_a_theme(client, coordinator):
    client.force_login(coordinator)
    client.post(reverse("accompaniment:theme_list"), {"name": "Jardinage partagé"})
    assert Theme.objects.filter(name="Jardinage partagé", is_active=True).exists()


def test_a_duplicate_theme_gets_a_message(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("accompaniment:theme_list"), {"name": "Budget alimentaire"})
    assert response.context["form"].errors["name"]


def test_coordinator_withdraws_a_theme_without_deleting_it(client, coordinator):
    theme = Theme.objects.get(name="Lien social")
    client.force_login(coordinator)
    client.post(reverse("accompaniment:theme_toggle", args=[theme.pk]))
    theme.refresh_from_db()
    assert theme.is_active is False


def test_accompanier_gets_404_on_themes(client, accompanier):
    client.force_login(accompanier)
    assert client.get(reverse("accompaniment:theme_list")).status_code == 404
