"""Alphabetical lists follow French: accents and case do not move a name ("Cébazat" before
"Chamalières", "Épicerie…" among the E), on SQLite and on PostgreSQL whatever its collation
(the CI database is in "C.UTF-8", where plain ORDER BY puts "É" after "Z")."""

import re

import pytest
from django.urls import reverse

from beneficiaries.models import Beneficiary, Commune
from partners.models import Partner
from soli_dome.sorting import Folded
from soli_dome.text import fold
from soli_dome.users.models import User
from tests.beneficiaries.factories import BeneficiaryFactory
from tests.partners.factories import ContactFactory, PartnerFactory
from tests.users.factories import UserFactory

pytestmark = pytest.mark.django_db


def options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_communes_sort_with_their_accents():
    names = list(Commune.objects.values_list("name", flat=True))
    assert names.index("Cébazat") < names.index("Ceyrat") < names.index("Chamalières")
    assert names.index("Châteaugay") < names.index("Clermont-Ferrand")
    assert names.index("Pérignat-lès-Sarliève") < names.index("Pont-du-Château")


def test_the_commune_filter_lists_them_in_french_order(client, coordinator):
    client.force_login(coordinator)
    html = client.get(reverse("partners:partner_list")).content.decode()
    listed = options(html, "commune")
    assert listed.index("Cébazat") < listed.index("Chamalières")


def test_the_directory_puts_epicerie_among_the_e(client, coordinator):
    for name in ("Zeste", "Épicerie du Port", "Ferme", "Eau vive", "Association"):
        PartnerFactory(name=name)
    client.force_login(coordinator)
    response = client.get(reverse("partners:partner_list"))
    names = [partner.name for partner in response.context["page"].object_list]
    assert names == ["Association", "Eau vive", "Épicerie du Port", "Ferme", "Zeste"]


def test_beneficiaries_sort_by_folded_last_then_first_name(client, coordinator):
    for first, last in [
        ("Zoé", "Zola"),
        ("Élodie", "Écuyer"),
        ("Anne", "Dupont"),
        ("Paul", "fabre"),
    ]:
        BeneficiaryFactory(first_name=first, last_name=last)
    assert [b.last_name for b in Beneficiary.objects.all()] == ["Dupont", "Écuyer", "fabre", "Zola"]
    client.force_login(coordinator)
    page = client.get(reverse("beneficiaries:beneficiary_list")).context["page"]
    assert [b.last_name for b in page.object_list] == ["Dupont", "Écuyer", "fabre", "Zola"]


def test_staff_and_contacts_sort_with_their_accents():
    for last in ("Zidane", "Émery", "Dubois"):
        UserFactory(accompanier=True, last_name=last)
    assert [u.last_name for u in User.objects.all()] == ["Dubois", "Émery", "Zidane"]
    partner = PartnerFactory()
    for name in ("Zoé Roux", "Œillet Marie", "Odile Petit"):
        ContactFactory(partner=partner, name=name)
    assert [c.name for c in partner.contacts.all()] == ["Odile Petit", "Œillet Marie", "Zoé Roux"]


def test_the_database_sorts_as_python_folds():
    names = ["Éa", "Eb", "œuf", "Oeuvre", "Ça", "cb", "Ÿz", "Àb", "Zz", "Ñu", "ÆON"]
    for name in names:
        PartnerFactory(name=name)
    ordered = list(Partner.objects.order_by(Folded("name")).values_list("name", flat=True))
    assert ordered == sorted(names, key=fold)
