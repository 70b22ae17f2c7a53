"""The demo programme built by `manage.py seed_demo`: realistic, in French, and idempotent.

Every row is found by a natural key (an e-mail, a name) and brought to the values below, so a
second run changes nothing. Dates are relative to the day of the run.
"""

import datetime
import re
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.utils import timezone

from accompaniment import reminders
from accompaniment.models import (
    FoodInsecurityAssessment,
    Goal,
    Moment,
    Note,
    Participation,
    PracticesCheckIn,
    Referral,
    Registration,
    Session,
    Step,
    Support,
    Theme,
    Workshop,
)
from accompaniment.models.assessments import FIES_FIELDS
from accompaniment.models.referrals import new_token
from beneficiaries.communes import load_commune_positions, load_metropole_communes
from beneficiaries.models import (
    AccessRequest,
    Assignment,
    Beneficiary,
    Commune,
    Consent,
    DeletionRequest,
)
from partners.demo import seed_partners
from partners.models import Partner
from soli_dome.phone import to_e164
from soli_dome.text import fold
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
    # Last seen almost two years ago: on "Fin de conservation", anonymised in 20 days.
    ("", "Bernadette", "Roche", 82, B.Gender.WOMAN, "63113", B.Status.CLOSED, B.Household.ALONE,
     B.Housing.SENIOR_RESIDENCE, B.Activity.RETIRED, B.Resources.PENSION, 900, 710,
     "accompagnateur1@example.org"),
]
# A deletion request and a right-of-access request waiting on the coordinator's dashboard.
DELETION_REQUESTED_BY = ("Amina", "Diallo")
ACCESS_REQUESTED_BY = ("Hugo", "Marchand")


def demo_address(first_name: str, last_name: str) -> str:
    """"chloe.roux@example.net" for Chloé Roux: an address every mail server takes (an
    accented local part makes an invalid To: header for most)."""
    local_part = ".".join(re.sub(r"[^a-z0-9]+", "-", fold(n)) for n in (first_name, last_name))
    return f"{local_part}@example.net"


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
    load_commune_positions(Commune)
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
                "email": email or demo_address(first_name, last_name),
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
        if accompanier_email and status != Beneficiary.Status.PROSPECT:
            _accompaniment(beneficiary, accounts[accompanier_email], contact_days, index, today)
    partners = seed_partners(today, by=coordinator)
    _workshops(accounts, today)
    _portal_accounts(accounts, partners, today)
    _supports(partners, today)
    _history(accounts, partners, today)
    _outcomes(coordinator, today)
    _reminders()
    _rights_requests()
    return [(email, user.get_role_display()) for email, user in accounts.items()]


THEMES = {
    "budget": "Budget alimentaire",
    "cooking": "Savoir-faire culinaires",
    "health": "Nutrition et santé",
    "local": "Approvisionnement local et durable",
    "rights": "Accès aux droits et à l'aide alimentaire",
    "doume": "Monnaie locale (la Doume)",
    "social": "Lien social",
}

# Plans by public: (theme, goal, status, target in days, [(step, owner, due in days, done)])
G, S = Goal.Status, Step.Owner
# fmt: off
PLANS = {
    Beneficiary.Public.YOUNG: [
        ("cooking", "Cuisiner des repas simples et équilibrés", G.IN_PROGRESS, 30, [
            ("Choisir trois recettes à moins de 2 € la part", S.TOGETHER, -10, True),
            ("Participer à un atelier cuisine", S.BENEFICIARY, 7, False),
            ("Cuisiner une recette seul·e et la raconter", S.BENEFICIARY, 14, False),
        ]),
        ("budget", "Tenir un budget alimentaire sur un mois", G.TO_START, 60, [
            ("Noter ses courses pendant deux semaines", S.BENEFICIARY, 5, False),
            ("Faire le point sur les dépenses ensemble", S.TOGETHER, 20, False),
        ]),
        ("rights", "Ouvrir ses droits à l'aide alimentaire", G.ACHIEVED, -20, [
            ("Prendre rendez-vous à l'épicerie solidaire", S.ACCOMPANIER, -40, True),
        ]),
    ],
    Beneficiary.Public.SENIOR: [
        ("social", "Retrouver le plaisir de cuisiner et de partager un repas", G.IN_PROGRESS, 45, [
            ("Venir au repas partagé du jeudi", S.BENEFICIARY, 3, False),
            ("Inviter une voisine à l'atelier", S.BENEFICIARY, 21, False),
        ]),
        ("local", "Découvrir le marché de producteurs du quartier", G.IN_PROGRESS, 20, [
            ("Visiter le marché avec l'accompagnateur·rice", S.TOGETHER, -5, True),
            ("Y faire ses courses seul·e une fois", S.BENEFICIARY, 10, False),
        ]),
        ("doume", "Payer ses courses en Doume", G.DROPPED, -15, [
            ("Ouvrir un compte Doume", S.TOGETHER, -30, False),
        ]),
    ],
}
# fmt: on

SUMMARIES = [
    "Nous avons parlé de vos repas de la semaine et choisi ensemble deux recettes faciles.",
    "Vous avez découvert le marché et repéré deux producteurs qui acceptent la Doume.",
    "Nous avons fait le point sur votre budget courses : l'objectif avance bien.",
]
PRIVATE_NOTES = [
    "Fatigue en ce moment, à surveiller. Pas de frigo en état de marche : voir avec le FJT.",
    "Situation budgétaire tendue ce mois-ci ; orienter vers l'épicerie solidaire si besoin.",
    "Isolement marqué depuis le décès du conjoint ; très motivé·e par les ateliers collectifs.",
]


def _accompaniment(beneficiary, accompanier, contact_days, index, today):
    """A plan, two held sessions and, for an ongoing file, a coming appointment."""
    themes = {key: Theme.objects.get_or_create(name=name)[0] for key, name in THEMES.items()}
    public = beneficiary.public(today)
    for position, (theme, title, status, target, steps) in enumerate(PLANS[public]):
        closed = status in {Goal.Status.ACHIEVED, Goal.Status.DROPPED}
        goal, _ = Goal.objects.update_or_create(
            beneficiary=beneficiary,
            title=title,
            defaults={
                "theme": themes[theme],
                "status": status,
                "target_date": today + datetime.timedelta(days=target),
                "closed_on": today + datetime.timedelta(days=target) if closed else None,
                "position": position,
                "created_by": accompanier,
            },
        )
        for step_position, (step_title, owner, due, done) in enumerate(steps):
            Step.objects.update_or_create(
                goal=goal,
                title=step_title,
                defaults={
                    "owner": owner,
                    "due_date": today + datetime.timedelta(days=due),
                    "is_done": done,
                    "done_on": today + datetime.timedelta(days=due) if done else None,
                    "position": step_position,
                },
            )
    last_contact = contact_days or 10
    for number, days_ago in enumerate([last_contact + 21, last_contact]):
        _session(
            beneficiary,
            accompanier,
            key=f"{PRIVATE_NOTES[(index + number) % 3]} (Rendez-vous n°{number + 1} "
            f"avec {beneficiary.first_name}.)",
            starts_at=_at(today - datetime.timedelta(days=days_ago), 10 + number),
            status=Session.Status.HELD,
            summary=SUMMARIES[(index + number) % 3],
            themes=[themes["cooking"], themes["budget"]] if number else [themes["local"]],
        )
    if beneficiary.status == Beneficiary.Status.ACTIVE:
        _session(
            beneficiary,
            accompanier,
            key=f"Préparer le bilan des objectifs avec {beneficiary.first_name}.",
            starts_at=_at(today + datetime.timedelta(days=1 + index % 6), 9 + index % 7),
            status=Session.Status.PLANNED,
            summary="",
            themes=[themes["cooking"]],
        )
    Note.objects.update_or_create(
        beneficiary=beneficiary,
        text="Appel pour confirmer le prochain rendez-vous, la personne sera présente.",
        defaults={
            "author": accompanier,
            "is_contact": True,
            "happened_on": today - datetime.timedelta(days=last_contact),
        },
    )


def _rights_requests():
    first_name, last_name = DELETION_REQUESTED_BY
    DeletionRequest.objects.pending().get_or_create(
        beneficiary=Beneficiary.objects.get(first_name=first_name, last_name=last_name)
    )
    first_name, last_name = ACCESS_REQUESTED_BY
    AccessRequest.objects.pending().get_or_create(
        beneficiary=Beneficiary.objects.get(first_name=first_name, last_name=last_name)
    )


def _reminders():
    """The reminders of the coming sessions and workshops, in the outbox (same keys on every
    run: refreshed, never doubled)."""
    for session in Session.objects.upcoming().select_related("accompanier"):
        expected = Beneficiary.objects.filter(
            participations__session=session,
            participations__attendance=Participation.Attendance.EXPECTED,
        )
        reminders.sync_reminders(reminders.of_session(session), expected)
    for workshop in Workshop.objects.coming().select_related("organiser"):
        registered = Beneficiary.objects.filter(
            registrations__workshop=workshop, registrations__status=Registration.Status.REGISTERED
        )
        reminders.sync_reminders(reminders.of_workshop(workshop), registered)


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _session(beneficiary, accompanier, *, key, starts_at, status, summary, themes):
    """Demo sessions are found again by their private note, which is unique to each."""
    session, _ = Session.objects.update_or_create(
        accompanier=accompanier,
        private_notes=key,
        defaults={
            "starts_at": starts_at,
            "status": status,
            "modality": Session.Modality.IN_PERSON,
            "place": "Local Soli'dôme, 12 rue Fontgiève, Clermont-Ferrand",
            "duration_minutes": 60,
            "shared_summary": summary,
            "next_steps": "Revoir les recettes choisies au prochain rendez-vous."
            if summary
            else "",
        },
    )
    session.themes.set(themes)
    attendance = (
        Participation.Attendance.PRESENT
        if status == Session.Status.HELD
        else Participation.Attendance.EXPECTED
    )
    Participation.objects.update_or_create(
        session=session, beneficiary=beneficiary, defaults={"attendance": attendance}
    )


# fmt: off
WORKSHOPS = [
    ("Atelier cuisine : soupes de saison à petit prix", "cooking", 4, 18,
     "Cuisine partagée de la Maison des solidarités, Clermont-Ferrand", "", 8,
     "accompagnateur1@example.org"),
    ("Visite de ferme maraîchère et cueillette", "local", 9, 14,
     "Ferme des Sauzes, Pont-du-Château", "Ferme des Sauzes", 12,
     "accompagnateur2@example.org"),
    ("Marché de producteurs et paiement en Doume", "doume", 12, 10,
     "Marché Saint-Joseph, Clermont-Ferrand", "Doume — ADML63", 6,
     "accompagnateur1@example.org"),
]
# fmt: on


def _workshops(accounts, today):
    # The people of the year's history (below) stay out of the coming workshops.
    followed = list(
        Beneficiary.objects.followed()
        .exclude(status=Beneficiary.Status.PROSPECT)
        .exclude(last_name__in=HISTORY_LAST_NAMES)
        .order_by("pk")
    )
    for index, row in enumerate(WORKSHOPS):
        title, theme, in_days, hour, place, host, capacity, organiser = row
        workshop, _ = Workshop.objects.update_or_create(
            title=title,
            defaults={
                "description": "Un moment convivial, ouvert à toutes et tous, sans inscription "
                "payante.",
                "starts_at": _at(today + datetime.timedelta(days=in_days), hour),
                "place": place,
                "host": Partner.objects.get(name=host) if host else None,
                "capacity": capacity,
                "organiser": accounts[organiser],
                "status": Workshop.Status.OPEN,
            },
        )
        workshop.themes.set([Theme.objects.get(name=THEMES[theme])])
        for position, beneficiary in enumerate(followed[index::2][: capacity + 1]):
            Registration.objects.update_or_create(
                workshop=workshop,
                beneficiary=beneficiary,
                defaults={
                    "status": Registration.Status.REGISTERED
                    if position < capacity
                    else Registration.Status.WAITING
                },
            )


# What the two demo beneficiaries' portals show beyond their plan and sessions: consent to
# share with partners, and one referral that shared a little about them.
# (account e-mail, partner, theme key, shared fields, days ago, status)
PORTAL_REFERRALS = [
    (
        "beneficiaire1@example.org",
        "Épicerie solidaire du Vergnes",
        "rights",
        ["phone", "age"],
        20,
        Referral.Status.ACCEPTED,
    ),
    (
        "beneficiaire2@example.org",
        "Mission locale de l'agglomération clermontoise",
        "budget",
        ["phone", "commune"],
        8,
        Referral.Status.SENT,
    ),
]


def _portal_accounts(accounts, partners, today):
    now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12, 0)))
    for email, partner, theme, shared, days_ago, status in PORTAL_REFERRALS:
        beneficiary = Beneficiary.objects.get(user=accounts[email])
        sender = beneficiary.primary_accompanier()
        Consent.objects.update_or_create(
            beneficiary=beneficiary,
            kind=Consent.Kind.PARTNER_SHARING,
            defaults={
                "is_given": True,
                "recorded_on": beneficiary.entry_date,
                "recorded_by": sender,
            },
        )
        sent_at = now - datetime.timedelta(days=days_ago)
        values = {
            "theme": Theme.objects.get(name=THEMES[theme]),
            "message": "Besoin d'un coup de main pour les courses de la fin du mois.",
            "shared_fields": shared,
            "status": status,
            "sent_at": sent_at,
            "answered_at": sent_at + datetime.timedelta(days=2)
            if status == Referral.Status.ACCEPTED
            else None,
            "expires_at": sent_at + datetime.timedelta(days=30),
            "created_by": sender,
        }
        # The partner's link token is drawn once: a second run keeps it.
        Referral.objects.update_or_create(
            beneficiary=beneficiary,
            partner=partners[partner],
            direction=Referral.Direction.OUTBOUND,
            defaults=values,
            create_defaults={**values, "token": new_token()},
        )


# (first name, last name, kind, days ago, euros converted to Doume, amount, partner, text)
# The text is the support's natural key: unique within a file.
K = Support.Kind
DOUME, VERGNES = "Doume — ADML63", "Épicerie solidaire du Vergnes"
PANIER, SAUZES = "Le Panier cournonnais — aide alimentaire", "Ferme des Sauzes"
# fmt: off
SUPPORTS = [
    ("Inès", "Martin", K.DOUME_BONUS, 40, "30", None, DOUME, "Première conversion en Doume."),
    ("Inès", "Martin", K.DOUME_BONUS, 10, "40", None, DOUME, "Conversion du mois."),
    ("Inès", "Martin", K.FOOD_BASKET, 25, None, None, VERGNES, "Panier de la semaine."),
    ("Lucas", "Bernard", K.DOUME_BONUS, 50, "20", None, DOUME, "Conversion au marché."),
    ("Lucas", "Bernard", K.VOUCHER, 30, None, "25", "Centre communal d'action sociale de "
     "Chamalières", "Bon d'achat pour les courses de la fin du mois."),
    ("Jeanne", "Faure", K.FOOD_BASKET, 15, None, "12", PANIER, "Colis de légumes de saison."),
    ("Marcel", "Chabrol", K.DOUME_BONUS, 20, "50", None, DOUME, "Conversion pour le marché."),
    ("Thomas", "Girard", K.DOUME_BONUS, 12, "25", None, DOUME, "Conversion du mois."),
    ("Thomas", "Girard", K.WORKSHOP_INGREDIENTS, 5, None, "8.50", SAUZES,
     "Légumes pour l'atelier soupes."),
    ("Léa", "Fournier", K.FOOD_BASKET, 18, None, None, VERGNES, "Panier donné en nature."),
    ("Odette", "Pradier", K.DOUME_BONUS, 35, "45", None, DOUME, "Conversion avec sa voisine."),
]
# fmt: on
DEMO_BONUS_RATE = Decimal(15)


def _supports(partners, today):
    for first_name, last_name, kind, days_ago, euros, amount, partner, text in SUPPORTS:
        beneficiary = Beneficiary.objects.get(first_name=first_name, last_name=last_name)
        Support.objects.update_or_create(
            beneficiary=beneficiary,
            kind=kind,
            description=text,
            defaults={
                "given_on": today - datetime.timedelta(days=days_ago),
                "euros_converted": Decimal(euros) if euros else None,
                "bonus_rate": DEMO_BONUS_RATE if euros else None,
                "amount": Decimal(amount) if amount else None,
                "partner": partners[partner],
                "recorded_by": beneficiary.primary_accompanier(),
            },
        )


def _outcomes(coordinator, today):
    """Entry and exit questionnaires for every file past its first contact (a "during" one
    too for some), so that the file trends, the outcome statistics and the exports show
    something; most people are better at exit, a few the same or worse. Every other one gave
    the research consent."""
    people = (
        Beneficiary.objects.exclude(status=Beneficiary.Status.PROSPECT)
        .filter(assignments__is_primary=True)
        .order_by("pk")
    )
    for index, person in enumerate(people):
        by = person.primary_accompanier()
        entry_on = person.entry_date
        exit_on = person.exit_date or today - datetime.timedelta(days=index % 4)
        entry_score = 3 + index * 5 % 6
        exit_score = {0: entry_score, 5: min(entry_score + 1, 8)}.get(
            index % 7, max(entry_score - 3 - index % 3, 0)
        )
        moments = [(Moment.ENTRY, entry_on, entry_score, 0), (Moment.EXIT, exit_on, exit_score, 2)]
        if index % 2:
            middle = entry_on + (exit_on - entry_on) / 2
            moments.append((Moment.DURING, middle, (entry_score + exit_score) // 2, 1))
        for moment, on, score, progress in moments:
            answers = {name: rank < score for rank, name in enumerate(FIES_FIELDS)}
            keys = {"beneficiary": person, "moment": moment}
            if moment == Moment.DURING:
                keys["taken_on"] = on
            FoodInsecurityAssessment.objects.update_or_create(
                **keys, defaults={**answers, "taken_on": on, "recorded_by": by}
            )
            step = -1 if index % 7 == 5 and moment == Moment.EXIT else progress
            # The person filled their own check-in in the portal when they have an account.
            filled_by = person.user if person.user_id and moment != Moment.ENTRY else by
            PracticesCheckIn.objects.update_or_create(
                **keys,
                defaults={
                    "taken_on": on,
                    "recorded_by": filled_by,
                    "home_cooking": min(max(2 + step + index % 2, 1), 5),
                    "fresh_seasonal": min(max(2 + step, 1), 5),
                    "local_products": min(max(1 + step + index % 3, 1), 5),
                    "skipped_meals": min(max(4 - step - index % 2, 1), 5),
                    "cooking_confidence": min(max(2 + step, 1), 4),
                    "doume_use": min(max(1 + step * (index % 3), 1), 5),
                },
            )
        if index % 2 == 0:
            Consent.objects.update_or_create(
                beneficiary=person,
                kind=Consent.Kind.RESEARCH,
                defaults={"is_given": True, "recorded_on": entry_on, "recorded_by": coordinator},
            )


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


# A year of the programme's life, for the statistics and the funder report: people who came
# in month after month (some already gone, for every exit reason), their sessions in every
# modality, a referral each with its outcome, their supports, and past workshops with the
# attendance taken. (first name, last name); the rest is drawn from the position in the list.
# fmt: off
HISTORY = [
    ("Manon", "Chassaigne"), ("Raymonde", "Bouchet"), ("Enzo", "Pélissier"),
    ("Lucienne", "Fayolle"), ("Jade", "Tixier"), ("Roger", "Montel"), ("Théo", "Soulier"),
    ("Simone", "Vernière"), ("Clara", "Aubignat"), ("André", "Rouchon"), ("Noah", "Gidon"),
    ("Paulette", "Brugière"), ("Zoé", "Malleret"), ("Henri", "Cohadon"), ("Rayan", "Bardin"),
    ("Yvette", "Chomette"), ("Maëlys", "Delorme"), ("Robert", "Gauttier"), ("Ilyes", "Besson"),
    ("Germaine", "Ollier"),
]
HISTORY_COMMUNES = [
    "63113", "63124", "63032", "63075", "63164", "63193", "63284", "63307", "63063", "63014",
    "63042", "63069", "63070", "63099", "63141", "63254", "63263", "63272", "63308", "63345", "",
]
HISTORY_PARTNERS = [
    "Épicerie solidaire du Vergnes", "Mission locale de l'agglomération clermontoise",
    "Résidence Habitat Jeunes Les Puys", "Jardins de Sarliève — chantier d'insertion",
    "Le Panier cournonnais — aide alimentaire", "Centre communal d'action sociale de Chamalières",
    "Les Toques solidaires", "Résidence autonomie Les Tilleuls", "Doume — ADML63",
    "CFPPA des Volcans — formation maraîchage",
]
# (title, theme key, days ago, host partner or "", capacity, organiser)
PAST_WORKSHOPS = [
    ("Atelier cuisine : légumes d'hiver à petit prix", "cooking", 40, "Les Toques solidaires", 8,
     "accompagnateur1@example.org"),
    ("Visite de la ferme du Bois de Riom", "local", 95, "Ferme du Bois de Riom", 10,
     "accompagnateur2@example.org"),
    ("Repas partagé de printemps", "social", 160, "", 12, "accompagnateur1@example.org"),
    ("Faire ses courses en Doume au marché", "doume", 250, "Doume — ADML63", 8,
     "accompagnateur2@example.org"),
]
# fmt: on
HISTORY_LAST_NAMES = [last_name for _first, last_name in HISTORY]
R, Ref = Beneficiary.ExitReason, Referral.Status
REFERRAL_OUTCOMES = [Ref.ACCEPTED, Ref.DONE, Ref.REFUSED, Ref.EXPIRED, Ref.DONE, Ref.ACCEPTED]


def _history(accounts, partners, today):
    coordinator = accounts["coordination@example.org"]
    communes = {commune.insee_code: commune for commune in Commune.objects.all()}
    themes = {key: Theme.objects.get(name=name) for key, name in THEMES.items()}
    people, accompanists, exits = [], {}, 0
    for index, (first_name, last_name) in enumerate(HISTORY):
        accompanier = accounts[f"accompagnateur{1 + index % 2}@example.org"]
        senior = index % 4 >= 2
        entry_days = 20 + index * 17
        closed = index >= 5 and index % 3 != 1
        exit_days = entry_days - 60 - (index % 4) * 15 if closed else None
        entry_date = today - datetime.timedelta(days=entry_days)
        exit_date = today - datetime.timedelta(days=exit_days) if closed else None
        B = Beneficiary
        if senior:
            situation = {
                "household": [B.Household.ALONE, B.Household.COUPLE][index % 2],
                "housing": [B.Housing.TENANT, B.Housing.SENIOR_RESIDENCE, B.Housing.OWNER][
                    index % 3
                ],
                "main_activity": B.Activity.RETIRED,
                "resources": [B.Resources.PENSION, B.Resources.MINIMUM_INCOME][index % 2],
            }
        else:
            situation = {
                "household": [
                    B.Household.ALONE,
                    B.Household.SHARED,
                    B.Household.WITH_PARENTS,
                    B.Household.SINGLE_PARENT,
                ][index % 4],
                "housing": [
                    B.Housing.FJT,
                    B.Housing.TENANT,
                    B.Housing.STUDENT_RESIDENCE,
                    B.Housing.HOSTED,
                    B.Housing.EMERGENCY,
                ][index % 5],
                "main_activity": [
                    B.Activity.STUDENT,
                    B.Activity.TRAINING,
                    B.Activity.JOB_SEEKER,
                    B.Activity.INSERTION,
                    B.Activity.EMPLOYED,
                ][index % 5],
                "resources": [
                    B.Resources.YOUTH_SCHEME,
                    B.Resources.UNEMPLOYMENT,
                    B.Resources.EARNINGS,
                    B.Resources.MINIMUM_INCOME,
                    B.Resources.NONE,
                ][index % 5],
            }
        age = 62 + index * 3 % 25 if senior else 17 + index % 9
        beneficiary, _ = Beneficiary.objects.update_or_create(
            first_name=first_name,
            last_name=last_name,
            defaults={
                "birth_date": datetime.date(today.year - age, 1 + index * 5 % 12, 1 + index % 27),
                "gender": [B.Gender.WOMAN, B.Gender.MAN][index % 2],
                "phone": to_e164(_phone(40 + index)),
                "email": demo_address(first_name, last_name),
                "commune": communes.get(HISTORY_COMMUNES[index % len(HISTORY_COMMUNES)]),
                **situation,
                "status": B.Status.CLOSED
                if closed
                else (B.Status.PAUSED if index % 7 == 3 else B.Status.ACTIVE),
                "entry_date": entry_date,
                "exit_date": exit_date,
                "exit_reason": R.values[exits % len(R.values)] if closed else "",
                "last_contact_on": exit_date or today - datetime.timedelta(days=2 + index * 5 % 40),
            },
        )
        exits += closed
        Assignment.objects.update_or_create(
            beneficiary=beneficiary, accompanier=accompanier, defaults={"is_primary": True}
        )
        for kind in (
            Consent.Kind.DATA_PROCESSING,
            Consent.Kind.REMINDERS,
            Consent.Kind.PARTNER_SHARING,
        ):
            Consent.objects.update_or_create(
                beneficiary=beneficiary,
                kind=kind,
                defaults={"is_given": True, "recorded_on": entry_date, "recorded_by": coordinator},
            )
        last_day = exit_date or today - datetime.timedelta(days=1)
        _history_referral(beneficiary, accompanier, partners, index, entry_date, today)
        _history_supports(beneficiary, accompanier, partners, index, entry_date, last_day)
        people.append((beneficiary, index))
        accompanists[beneficiary.pk] = accompanier
    _history_sessions(people, accompanists, themes, today)
    _past_workshops(accounts, partners, [person for person, _i in people], themes, today)


def _history_sessions(people, accompanists, themes, today):
    """A session about every month from entry to exit (six at most) for each person, in every
    modality. Written in bulk, replacing those of the previous run: a few queries instead of
    a dozen per session, so that the seed stays quick."""
    Session.objects.filter(
        workshop=None, participations__beneficiary__in=[person for person, _i in people]
    ).delete()
    modalities, theme_list = Session.Modality.values, list(themes.values())
    A = Participation.Attendance
    sessions, participants, session_themes = [], [], []
    for person, index in people:
        day, number = person.entry_date + datetime.timedelta(days=3), 0
        last_day = person.exit_date or today - datetime.timedelta(days=1)
        while day <= last_day and number < 6:
            step = index + number
            missed = step % 9 == 4
            sessions.append(
                Session(
                    accompanier=accompanists[person.pk],
                    private_notes=f"Point d'étape n°{number + 1} avec {person.first_name}.",
                    starts_at=_at(day, 9 + step % 8),
                    status=Session.Status.MISSED if missed else Session.Status.HELD,
                    modality=modalities[step % len(modalities)],
                    duration_minutes=30 + 15 * (step % 5),
                    place="" if step % 7 in (1, 2, 4) else "Local Soli'dôme, Clermont-Ferrand",
                    shared_summary="" if missed else SUMMARIES[step % 3],
                )
            )
            attendance = A.ABSENT if missed else A.PRESENT
            participants.append((person, attendance))
            session_themes.append(theme_list[step % len(theme_list)])
            day += datetime.timedelta(days=26 + index % 9)
            number += 1
    Session.objects.bulk_create(sessions)
    Participation.objects.bulk_create(
        Participation(session=session, beneficiary=person, attendance=attendance)
        for session, (person, attendance) in zip(sessions, participants, strict=True)
    )
    Session.themes.through.objects.bulk_create(
        Session.themes.through(session=session, theme=theme)
        for session, theme in zip(sessions, session_themes, strict=True)
    )


def _history_referral(beneficiary, accompanier, partners, index, entry_date, today):
    partner = partners[HISTORY_PARTNERS[index % len(HISTORY_PARTNERS)]]
    sent_at = _at(entry_date + datetime.timedelta(days=10), 11)
    recent = (today - entry_date).days < 40
    status = Referral.Status.SENT if recent else REFERRAL_OUTCOMES[index % len(REFERRAL_OUTCOMES)]
    answered = status in {Ref.ACCEPTED, Ref.DONE, Ref.REFUSED}
    values = {
        "theme": Theme.objects.get(
            name=THEMES[["rights", "budget", "cooking", "local"][index % 4]]
        ),
        "message": "Besoin d'un relais pour les courses et les repas de la semaine.",
        "shared_fields": ["phone"],
        "status": status,
        "sent_at": sent_at,
        "answered_at": sent_at + datetime.timedelta(days=3) if answered else None,
        "closed_at": sent_at + datetime.timedelta(days=20)
        if status in {Ref.DONE, Ref.REFUSED}
        else None,
        "refusal_reason": "Plus de place ce trimestre, à reproposer."
        if status == Ref.REFUSED
        else "",
        "expires_at": sent_at + datetime.timedelta(days=30),
        "created_by": accompanier,
    }
    Referral.objects.update_or_create(
        beneficiary=beneficiary,
        partner=partner,
        direction=Referral.Direction.OUTBOUND,
        defaults=values,
        create_defaults={**values, "token": new_token()},
    )


def _history_supports(beneficiary, accompanier, partners, index, entry_date, last_day):
    """Doume conversions every other month for half of them, food baskets for the others."""
    for number in range(3):
        given_on = entry_date + datetime.timedelta(days=15 + 55 * number)
        if given_on > last_day:
            break
        doume = index % 2 == 0
        Support.objects.update_or_create(
            beneficiary=beneficiary,
            kind=Support.Kind.DOUME_BONUS if doume else Support.Kind.FOOD_BASKET,
            description=f"Conversion n°{number + 1}." if doume else f"Panier n°{number + 1}.",
            defaults={
                "given_on": given_on,
                "euros_converted": Decimal(20 + 10 * ((index + number) % 4)) if doume else None,
                "bonus_rate": DEMO_BONUS_RATE if doume else None,
                "amount": None if doume else Decimal(12 + (index + number) % 3 * 4),
                "partner": partners[DOUME if doume else PANIER],
                "recorded_by": accompanier,
            },
        )


def _past_workshops(accounts, partners, people, themes, today):
    """Workshops already held: the people followed that day signed up, and most came."""
    A = Participation.Attendance
    for title, theme, days_ago, host, capacity, organiser in PAST_WORKSHOPS:
        day = today - datetime.timedelta(days=days_ago)
        starts_at = _at(day, 14)
        workshop, _ = Workshop.objects.update_or_create(
            title=title,
            defaults={
                "description": "Un moment convivial, ouvert à toutes et tous.",
                "starts_at": starts_at,
                "place": partners[host].address if host else "Local Soli'dôme, Clermont-Ferrand",
                "host": partners[host] if host else None,
                "capacity": capacity,
                "organiser": accounts[organiser],
                "status": Workshop.Status.HELD,
            },
        )
        workshop.themes.set([themes[theme]])
        session, _ = Session.objects.update_or_create(
            workshop=workshop,
            defaults={
                "kind": Session.Kind.COLLECTIVE,
                "modality": Session.Modality.OUTING if host else Session.Modality.IN_PERSON,
                "starts_at": starts_at,
                "duration_minutes": 120,
                "place": workshop.place,
                "accompanier": accounts[organiser],
                "status": Session.Status.HELD,
            },
        )
        there = [
            person
            for person in people
            if person.entry_date <= day and (person.exit_date is None or person.exit_date >= day)
        ][: capacity + 1]
        # Replaced in bulk on every run, as the sessions above.
        workshop.registrations.all().delete()
        session.participations.all().delete()
        Registration.objects.bulk_create(
            Registration(
                workshop=workshop,
                beneficiary=person,
                status=Registration.Status.REGISTERED
                if position < capacity
                else Registration.Status.WAITING,
            )
            for position, person in enumerate(there)
        )
        Participation.objects.bulk_create(
            Participation(
                session=session,
                beneficiary=person,
                attendance=[A.PRESENT, A.PRESENT, A.ABSENT, A.PRESENT, A.EXCUSED][position % 5],
            )
            for position, person in enumerate(there[:capacity])
        )
