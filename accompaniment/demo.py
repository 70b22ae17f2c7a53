"""The demo programme built by `manage.py seed_demo`: realistic, in French, and idempotent.

Every row is found by a natural key (an e-mail, a name) and brought to the values below, so a
second run changes nothing. Dates are relative to the day of the run.
"""

import datetime

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from beneficiaries.communes import load_metropole_communes
from beneficiaries.models import Assignment, Beneficiary, Commune, Consent
from beneficiaries.phone import to_e164
from soli_dome.users.models import User

DEMO_PASSWORD = "solidome-demo"  # noqa: S105 - documented demo password

STAFF = [
    ("coordination@example.org", "Claire", "Vidal", User.Role.COORDINATOR),
    ("accompagnateur1@example.org", "Karim", "Benali", User.Role.ACCOMPANIER),
    ("accompagnateur2@example.org", "Sophie", "Morel", User.Role.ACCOMPANIER),
]

# (account e-mail or "", first name, last name, age, gender, commune INSEE code or "" for
#  outside the métropole, status, household, housing, activity, resources,
#  days since entry, days since last contact or None, accompanier e-mail or "")
B = Beneficiary
# fmt: off
BENEFICIARIES = [
    ("beneficiaire1@example.org", "Inès", "Martin", 19, B.Gender.WOMAN, "63113", B.Status.ACTIVE,
     B.Household.ALONE, B.Housing.FJT, B.Activity.TRAINING, B.Resources.YOUTH_SCHEME, 120, 6,
     "accompagnateur1@example.org"),
    ("", "Lucas", "Bernard", 22, B.Gender.MAN, "63113", B.Status.ACTIVE, B.Household.SHARED,
     B.Housing.TENANT, B.Activity.JOB_SEEKER, B.Resources.UNEMPLOYMENT, 200, 45,
     "accompagnateur1@example.org"),
    ("", "Chloé", "Roux", 17, B.Gender.WOMAN, "63124", B.Status.PROSPECT,
     B.Household.WITH_PARENTS, B.Housing.HOSTED, B.Activity.STUDENT, B.Resources.NONE, 10, None,
     "accompagnateur1@example.org"),
    ("", "Yanis", "Haddad", 24, B.Gender.MAN, "63014", B.Status.PAUSED, B.Household.COUPLE,
     B.Housing.TENANT, B.Activity.EMPLOYED, B.Resources.EARNINGS, 300, 70,
     "accompagnateur1@example.org"),
    ("", "Jeanne", "Faure", 78, B.Gender.WOMAN, "63075", B.Status.ACTIVE, B.Household.ALONE,
     B.Housing.TENANT, B.Activity.RETIRED, B.Resources.MINIMUM_INCOME, 90, 12,
     "accompagnateur1@example.org"),
    ("", "Marcel", "Chabrol", 71, B.Gender.MAN, "63284", B.Status.ACTIVE, B.Household.ALONE,
     B.Housing.OWNER, B.Activity.RETIRED, B.Resources.PENSION, 150, 33,
     "accompagnateur1@example.org"),
    ("", "Amina", "Diallo", 20, B.Gender.WOMAN, "", B.Status.CLOSED, B.Household.ALONE,
     B.Housing.STUDENT_RESIDENCE, B.Activity.STUDENT, B.Resources.YOUTH_SCHEME, 400, 60,
     "accompagnateur1@example.org"),
    ("beneficiaire2@example.org", "Thomas", "Girard", 23, B.Gender.MAN, "63032",
     B.Status.ACTIVE, B.Household.ALONE, B.Housing.FJT, B.Activity.INSERTION,
     B.Resources.YOUTH_SCHEME, 60, 3, "accompagnateur2@example.org"),
    ("", "Léa", "Fournier", 18, B.Gender.WOMAN, "63164", B.Status.ACTIVE,
     B.Household.SINGLE_PARENT, B.Housing.HOSTED, B.Activity.NO_ACTIVITY,
     B.Resources.MINIMUM_INCOME, 75, 20, "accompagnateur2@example.org"),
    ("", "Nathan", "Lefebvre", 25, B.Gender.MAN, "63193", B.Status.ACTIVE, B.Household.SHARED,
     B.Housing.TENANT, B.Activity.EMPLOYED, B.Resources.EARNINGS, 180, 40,
     "accompagnateur2@example.org"),
    ("", "Odette", "Pradier", 82, B.Gender.WOMAN, "63307", B.Status.ACTIVE, B.Household.ALONE,
     B.Housing.SENIOR_RESIDENCE, B.Activity.RETIRED, B.Resources.PENSION, 240, 9,
     "accompagnateur2@example.org"),
    ("", "Gérard", "Vialle", 67, B.Gender.MAN, "63063", B.Status.PAUSED, B.Household.COUPLE,
     B.Housing.TENANT, B.Activity.RETIRED, B.Resources.MINIMUM_INCOME, 210, 95,
     "accompagnateur2@example.org"),
    ("", "Sarah", "Mercier", 21, B.Gender.WOMAN, "63113", B.Status.PROSPECT, B.Household.ALONE,
     B.Housing.EMERGENCY, B.Activity.JOB_SEEKER, B.Resources.NONE, 5, None,
     "accompagnateur2@example.org"),
    ("", "Hugo", "Marchand", 16, B.Gender.MAN, "63345", B.Status.CLOSED,
     B.Household.WITH_PARENTS, B.Housing.HOSTED, B.Activity.STUDENT, B.Resources.NONE, 380, 50,
     "accompagnateur2@example.org"),
    ("", "Mireille", "Bonnet", 74, B.Gender.WOMAN, "63069", B.Status.PROSPECT,
     B.Household.ALONE, B.Housing.TENANT, B.Activity.RETIRED, B.Resources.MINIMUM_INCOME, 3,
     None, ""),
    ("", "Kevin", "Dumas", 20, B.Gender.MAN, "63113", B.Status.PROSPECT, B.Household.ALONE,
     B.Housing.FJT, B.Activity.TRAINING, B.Resources.YOUTH_SCHEME, 2, None, ""),
]


def _phone(index):
    return f"06 12 34 {index // 10 % 10}{index % 10} {(index * 37) % 100:02d}"


@transaction.atomic
def seed_demo(*, password=DEMO_PASSWORD, today=None):
    """Build or refresh the demo programme; return the demo accounts as (e-mail, role label)."""
    today = today or timezone.localdate()
    accounts = {}
    for email, first_name, last_name, role in STAFF:
        accounts[email] = _account(email, first_name, last_name, role, password)
    coordinator = accounts["coordination@example.org"]
    load_metropole_communes(Commune)
    communes = {commune.insee_code: commune for commune in Commune.objects.all()}

    for index, row in enumerate(BENEFICIARIES):
        (email, first_name, last_name, age, gender, insee, status, household, housing, activity,
         resources, entry_days, contact_days, accompanier_email) = row
        entry_date = today - datetime.timedelta(days=entry_days)
        closed = status == Beneficiary.Status.CLOSED
        beneficiary, _ = Beneficiary.objects.update_or_create(
            first_name=first_name,
            last_name=last_name,
            defaults={
                "birth_date": datetime.date(today.year - age, 1 + index % 12, 1 + index * 3 % 28),
                "gender": gender,
                "phone": to_e164(_phone(index)),
                "email": email or f"{first_name.lower()}.{last_name.lower()}@example.net",
                "preferred_channel": Beneficiary.Channel.SMS,
                "commune": communes.get(insee),
                "household": household,
                "housing": housing,
                "main_activity": activity,
                "resources": resources,
                "status": status,
                "entry_date": entry_date,
                "exit_date": today - datetime.timedelta(days=contact_days) if closed else None,
                "exit_reason": Beneficiary.ExitReason.GOALS_REACHED if closed else "",
                "last_contact_on": None
                if contact_days is None
                else today - datetime.timedelta(days=contact_days),
                "user": _account(email, first_name, last_name, User.Role.BENEFICIARY, password)
                if email
                else None,
            },
        )
        if email:
            accounts[email] = beneficiary.user
        if accompanier_email:
            Assignment.objects.update_or_create(
                beneficiary=beneficiary,
                accompanier=accounts[accompanier_email],
                defaults={"is_primary": True},
            )
        for kind in (Consent.Kind.DATA_PROCESSING, Consent.Kind.REMINDERS):
            Consent.objects.update_or_create(
                beneficiary=beneficiary,
                kind=kind,
                defaults={"is_given": True, "recorded_on": entry_date, "recorded_by": coordinator},
            )
    return [(email, user.get_role_display()) for email, user in accounts.items()]


def _account(email, first_name, last_name, role, password):
    user, _ = User.objects.get_or_create(email=email)
    user.first_name, user.last_name, user.role, user.is_active = first_name, last_name, role, True
    if not user.check_password(password):
        user.set_password(password)
    user.save()
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user
