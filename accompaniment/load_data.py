"""A métropole-sized programme for load tests and benchmarks (`manage.py generate_load_data`).

The default sizes are those of a programme after a few years: 10,000 people, 60 accompaniers
(about 170 people each), 200,000 sessions, 3,000 partners, 100,000 messages and 100,000 journal
entries, plus one person with 100 sessions (the heaviest file page), and the questionnaires
(FIES and food practices) at entry for most people and at exit for most who left. Rows go in with
``bulk_create`` in batches, sessions a chunk at a time so that memory stays bounded, and a
seeded random generator makes two runs with the same sizes alike.

Every generated account has an e-mail under ``LOAD_DOMAIN`` and every partner an external id
starting with ``LOAD_PREFIX``: that is how the command tells generated data from real data.
"""

import datetime
import random
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction
from django.utils import timezone

from accompaniment.models import (
    ExitReview,
    Goal,
    Note,
    Participation,
    Referral,
    Registration,
    Session,
    Step,
    Support,
    Theme,
    Workshop,
)
from accompaniment.models.assessments import (
    FIES_FIELDS,
    PRACTICE_QUESTIONS,
    FoodInsecurityAssessment,
    Moment,
    PracticesCheckIn,
    fies_score,
)
from accompaniment.models.calendar import CalendarFeed
from accompaniment.models.supports import social_bonus
from beneficiaries.models import Assignment, Beneficiary, Commune, Consent, years_ago
from partners.models import AccessCondition, Category, Contact, Partner, ServiceTag
from soli_dome.audit.models import AuditEntry
from soli_dome.notifications.models import Notification
from soli_dome.phone import national_digits
from soli_dome.text import fold
from soli_dome.users.models import User

LOAD_DOMAIN = "charge.example.org"
LOAD_PREFIX = "charge-"
BATCH = 2000
SESSION_CHUNK = 10_000

COORDINATOR_EMAIL = f"coordination@{LOAD_DOMAIN}"
BENEFICIARY_EMAIL = f"beneficiaire@{LOAD_DOMAIN}"  # the person with the most sessions


def accompanier_email(number: int) -> str:
    return f"accompagnateur{number:02d}@{LOAD_DOMAIN}"


FIRST_NAMES = [
    "Inès",
    "Lucas",
    "Chloé",
    "Yanis",
    "Léa",
    "Nathan",
    "Sarah",
    "Hugo",
    "Amina",
    "Thomas",
    "Manon",
    "Enzo",
    "Camille",
    "Noah",
    "Jade",
    "Adam",
    "Lina",
    "Rayan",
    "Zoé",
    "Mathis",
    "Emma",
    "Louis",
    "Anaïs",
    "Sofiane",
    "Clara",
    "Théo",
    "Maëlle",
    "Ilyès",
    "Lola",
    "Karim",
    "Jeanne",
    "Marcel",
    "Odette",
    "Gérard",
    "Mireille",
    "Paulette",
    "Raymond",
    "Simone",
    "André",
    "Yvette",
    "Bernard",
    "Colette",
    "Henri",
    "Germaine",
    "Jacques",
    "Lucienne",
    "Roger",
    "Monique",
    "Fatima",
    "Ahmed",
]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Roux",
    "Haddad",
    "Faure",
    "Chabrol",
    "Diallo",
    "Girard",
    "Fournier",
    "Lefebvre",
    "Pradier",
    "Vialle",
    "Mercier",
    "Marchand",
    "Bonnet",
    "Dumas",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Garcia",
    "Leroy",
    "Bertrand",
    "Petit",
    "Robert",
    "Richard",
    "Durand",
    "Dubois",
    "Morel",
    "Fontaine",
    "Chevalier",
    "Gauthier",
    "Perrin",
    "Lambert",
    "Rousseau",
    "Vincent",
    "Blanc",
    "Guérin",
    "Boyer",
    "Roussel",
    "Rivière",
    "Vidal",
    "Arnaud",
    "Benali",
    "Mallet",
    "Brun",
    "Gaillard",
    "Barbier",
]
SUMMARIES = [
    "Nous avons regardé ensemble le budget des courses de la semaine.",
    "Visite du marché Saint-Joseph : repérage des producteurs qui acceptent la Doume.",
    "Préparation d'un repas simple avec des légumes de saison.",
    "Point sur les droits : dossier d'aide alimentaire à compléter.",
    "Échange sur les petits-déjeuners et les collations.",
]
PRIVATE_NOTES = [
    "Fatigue en ce moment, à revoir dans deux semaines.",
    "Difficultés avec le bailleur : orienter vers l'ADIL si besoin.",
    "",
    "",
]
GOAL_TITLES = [
    "Cuisiner deux repas maison par semaine",
    "Tenir un budget courses mensuel",
    "Découvrir les producteurs du quartier",
    "Ouvrir un compte Doume",
    "Connaître l'épicerie solidaire la plus proche",
    "Manger des fruits et légumes de saison",
]
STEP_TITLES = [
    "Noter les dépenses de la semaine",
    "Aller au marché avec l'accompagnateur",
    "Tester une recette du livret",
    "Prendre rendez-vous à l'épicerie solidaire",
]
PLACES = ["Local Soli'dôme, Clermont-Ferrand", "Maison des solidarités", "Marché Saint-Pierre", ""]


@dataclass
class Sizes:
    beneficiaries: int = 10_000
    accompaniers: int = 60
    sessions: int = 200_000
    partners: int = 3_000
    notifications: int = 100_000
    journal_entries: int = 100_000
    heavy_file_sessions: int = 100


def holds_foreign_data() -> bool:
    """True when the database holds accounts or listings that this module did not make."""
    return (
        User.objects.exclude(email__endswith=f"@{LOAD_DOMAIN}").exists()
        or Partner.objects.exclude(external_id__startswith=LOAD_PREFIX).exists()
        or Beneficiary.objects.exclude(assignments__accompanier__email__endswith=f"@{LOAD_DOMAIN}")
        .exclude(user__email__endswith=f"@{LOAD_DOMAIN}")
        .exists()
    )


def holds_generated_data() -> bool:
    return User.objects.filter(email__endswith=f"@{LOAD_DOMAIN}").exists()


@contextmanager
def dates_as_given(model: type[models.Model], field_name: str) -> Iterator[None]:
    """Let ``bulk_create`` keep the dates given to an ``auto_now_add`` field: generated history
    is dated in the past, and the journal refuses to be updated afterwards."""
    field = model._meta.get_field(field_name)
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def batched(rows: Iterator[models.Model], size: int = BATCH) -> Iterator[list[models.Model]]:
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert(model: type[models.Model], rows) -> list[models.Model]:
    created = []
    for batch in batched(iter(rows)):
        created.extend(model.objects.bulk_create(batch))
    return created


class Generator:
    def __init__(self, *, sizes: Sizes, password: str, seed: int, today: datetime.date, log):
        self.sizes = sizes
        self.random = random.Random(seed)  # noqa: S311 - made-up data, not secrets
        self.today = today
        self.now = timezone.now()
        self.password_hash = make_password(password)
        self.log = log

    # Helpers -------------------------------------------------------------------------------
    def moment(self, day: datetime.date, hour: int | None = None) -> datetime.datetime:
        hour = hour if hour is not None else self.random.choice([9, 10, 11, 14, 15, 16])
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))

    def day_between(self, start: datetime.date, end: datetime.date) -> datetime.date:
        return start + datetime.timedelta(days=self.random.randint(0, max((end - start).days, 0)))

    def step(self, label: str, work: Callable[[], object]):
        started = time.monotonic()
        result = work()
        self.log(f"{label}: {time.monotonic() - started:.1f} s")
        return result

    # Stages --------------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        self.communes = list(Commune.objects.all())
        self.themes = list(Theme.objects.all())
        self.step("staff accounts", self.make_staff)
        self.step("partners", self.make_partners)
        self.step("beneficiaries", self.make_beneficiaries)
        self.step("plans", self.make_plans)
        self.step("sessions", self.make_sessions)
        self.step("workshops", self.make_workshops)
        self.step("referrals, supports, exit reviews", self.make_referrals_supports_reviews)
        self.step("questionnaires", self.make_questionnaires)
        self.step("notifications", self.make_notifications)
        self.step("journal", self.make_journal)
        return {
            model.__name__: model.objects.count()
            for model in (Beneficiary, Session, Participation, Partner, Notification, AuditEntry)
        }

    def account(self, email: str, first_name: str, last_name: str, role: str) -> User:
        return User(
            email=email,
            first_name=first_name,
            last_name=last_name,
            role=role,
            password=self.password_hash,
        )

    def make_staff(self):
        staff = [self.account(COORDINATOR_EMAIL, "Claire", "Vidal", User.Role.COORDINATOR)]
        for number in range(1, self.sizes.accompaniers + 1):
            staff.append(
                self.account(
                    accompanier_email(number),
                    self.random.choice(FIRST_NAMES),
                    self.random.choice(LAST_NAMES),
                    User.Role.ACCOMPANIER,
                )
            )
        staff = insert(User, staff)
        self.coordinator = staff[0]
        self.accompaniers = staff[1:]
        insert(CalendarFeed, (CalendarFeed(user=user) for user in staff))
        self.verify_emails(staff)

    def verify_emails(self, users: list[User]):
        insert(
            EmailAddress,
            (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
        )

    def make_partners(self):
        categories = list(Category.objects.all())
        services = list(ServiceTag.objects.all())
        conditions = list(AccessCondition.objects.all())
        partners = []
        for number in range(self.sizes.partners):
            commune = self.random.choice(self.communes)
            name = f"{self.random.choice(['Épicerie', 'Ferme', 'Association', 'Marché'])} " + (
                f"{self.random.choice(LAST_NAMES)} {number}"
            )
            address = f"{self.random.randint(1, 120)} rue {self.random.choice(LAST_NAMES)}"
            partner = Partner(
                name=name,
                address=address,
                postal_code=commune.postal_code,
                commune=commune,
                latitude=(commune.latitude or Decimal("45.777"))
                + Decimal(self.random.randint(-900, 900)) / 100_000,
                longitude=(commune.longitude or Decimal("3.087"))
                + Decimal(self.random.randint(-900, 900)) / 100_000,
                phone=f"+334731{number % 100_000:05d}",
                email=f"contact{number}@{LOAD_DOMAIN}",
                serves_young=self.random.random() < 0.5,
                serves_seniors=self.random.random() < 0.5,
                serves_everyone=self.random.random() < 0.3,
                partnership_status=self.random.choice(Partner.PartnershipStatus.values),
                may_be_recommended=self.random.random() < 0.4,
                last_checked_on=self.today - datetime.timedelta(days=self.random.randint(0, 500)),
                is_archived=self.random.random() < 0.05,
                external_id=f"{LOAD_PREFIX}{number}",
                description="Un acteur du territoire engagé pour une alimentation durable.",
            )
            # save() is not called by bulk_create: keep the folded copy it would have written.
            partner.search_text = fold(
                " ".join([name, address, commune.postal_code, commune.name, partner.description])
            )
            partners.append(partner)
        self.partners = insert(Partner, partners)
        self.active_partners = [p for p in self.partners if not p.is_archived]
        self.link(Partner.categories.through, "category", categories, (1, 2))
        self.link(Partner.services.through, "servicetag", services, (0, 3))
        self.link(Partner.access_conditions.through, "accesscondition", conditions, (0, 2))
        insert(
            Contact,
            (
                Contact(partner=p, name=f"{self.random.choice(FIRST_NAMES)} {p.pk}", role="Accueil")
                for p in self.partners
            ),
        )

    def link(self, through, field: str, choices: list, counts: tuple[int, int]):
        rows = (
            through(partner_id=partner.pk, **{f"{field}_id": choice.pk})
            for partner in self.partners
            for choice in self.random.sample(choices, self.random.randint(*counts))
        )
        insert(through, rows)

    def make_beneficiaries(self):
        weights = [commune.population or 1 for commune in self.communes]
        beneficiaries = []
        for number in range(self.sizes.beneficiaries):
            senior = self.random.random() < 0.35
            age = self.random.randint(60, 92) if senior else self.random.randint(16, 25)
            birth = years_ago(age, self.today) - datetime.timedelta(
                days=self.random.randint(1, 360)
            )
            entry = self.today - datetime.timedelta(days=self.random.randint(0, 4 * 365))
            status = self.random.choices(Beneficiary.Status.values, weights=[7, 55, 8, 30])[0]
            closed = status == Beneficiary.Status.CLOSED
            exit_date = self.day_between(entry, self.today) if closed else None
            first_name = self.random.choice(FIRST_NAMES)
            last_name = self.random.choice(LAST_NAMES)
            phone = f"+3367{number:07d}"
            email = f"personne{number}@{LOAD_DOMAIN}" if self.random.random() < 0.6 else ""
            last_contact = (
                None
                if status == Beneficiary.Status.PROSPECT
                else self.day_between(entry, exit_date or self.today)
            )
            beneficiaries.append(
                Beneficiary(
                    first_name=first_name,
                    last_name=last_name,
                    birth_date=birth,
                    gender=self.random.choice(Beneficiary.Gender.values),
                    phone=phone,
                    email=email,
                    reminder_channel=Beneficiary.ReminderChannel.EMAIL
                    if email
                    else Beneficiary.ReminderChannel.SMS,
                    commune=self.random.choices(self.communes, weights)[0]
                    if self.random.random() < 0.9
                    else None,
                    household=self.random.choice(Beneficiary.Household.values),
                    housing=self.random.choice(Beneficiary.Housing.values),
                    main_activity=Beneficiary.Activity.RETIRED
                    if senior
                    else self.random.choice(Beneficiary.Activity.values),
                    resources=self.random.choice(Beneficiary.Resources.values),
                    status=status,
                    entry_date=entry,
                    exit_date=exit_date,
                    exit_reason=self.random.choice(Beneficiary.ExitReason.values) if closed else "",
                    last_contact_on=last_contact,
                    search_name=fold(f"{first_name} {last_name}"),
                    phone_digits=national_digits(phone),
                )
            )
        # The heaviest file: followed for years, with a portal account and many sessions.
        heavy = beneficiaries[0]
        heavy.status, heavy.exit_date, heavy.exit_reason = Beneficiary.Status.ACTIVE, None, ""
        heavy.entry_date = self.today - datetime.timedelta(days=3 * 365)
        heavy.last_contact_on = self.today - datetime.timedelta(days=3)
        user = User.objects.create(
            email=BENEFICIARY_EMAIL,
            first_name=heavy.first_name,
            last_name=heavy.last_name,
            role=User.Role.BENEFICIARY,
            password=self.password_hash,
        )
        self.verify_emails([user])
        heavy.user, heavy.email = user, BENEFICIARY_EMAIL
        self.beneficiaries = insert(Beneficiary, beneficiaries)
        self.heavy = self.beneficiaries[0]
        self.followers = {}
        assignments = []
        for index, beneficiary in enumerate(self.beneficiaries):
            primary = self.accompaniers[index % len(self.accompaniers)]
            self.followers[beneficiary.pk] = primary
            assignments.append(
                Assignment(beneficiary=beneficiary, accompanier=primary, is_primary=True)
            )
            if len(self.accompaniers) > 1 and self.random.random() < 0.1:
                other = self.accompaniers[(index + 1) % len(self.accompaniers)]
                assignments.append(Assignment(beneficiary=beneficiary, accompanier=other))
        insert(Assignment, assignments)
        consent_rates = {
            Consent.Kind.DATA_PROCESSING: 1.0,
            Consent.Kind.REMINDERS: 0.8,
            Consent.Kind.PARTNER_SHARING: 0.7,
            Consent.Kind.RESEARCH: 0.4,
        }
        insert(
            Consent,
            (
                Consent(
                    beneficiary=b,
                    kind=kind,
                    is_given=self.random.random() < rate,
                    recorded_on=b.entry_date,
                    recorded_by=self.followers[b.pk],
                )
                for b in self.beneficiaries
                for kind, rate in consent_rates.items()
            ),
        )

    def make_plans(self):
        goals = []
        for beneficiary in self.beneficiaries:
            if beneficiary.status == Beneficiary.Status.PROSPECT:
                continue
            for position in range(self.random.randint(1, 3)):
                status = self.random.choice(Goal.Status.values)
                goals.append(
                    Goal(
                        beneficiary=beneficiary,
                        theme=self.random.choice(self.themes),
                        title=self.random.choice(GOAL_TITLES),
                        status=status,
                        target_date=self.today
                        + datetime.timedelta(days=self.random.randint(-90, 120)),
                        closed_on=self.today if status in {"achieved", "dropped"} else None,
                        position=position,
                        created_by=self.followers[beneficiary.pk],
                    )
                )
        goals = insert(Goal, goals)
        self.goals_by_beneficiary = {}
        for goal in goals:
            self.goals_by_beneficiary.setdefault(goal.beneficiary_id, []).append(goal)
        steps = []
        for goal in goals:
            for position in range(2):
                done = self.random.random() < 0.5
                steps.append(
                    Step(
                        goal=goal,
                        title=self.random.choice(STEP_TITLES),
                        owner=self.random.choice(Step.Owner.values),
                        due_date=self.today + datetime.timedelta(days=self.random.randint(-30, 60)),
                        is_done=done,
                        done_on=self.today if done else None,
                        position=position,
                    )
                )
        insert(Step, steps)

    def session_plan(self) -> Iterator[tuple[Beneficiary, list[Beneficiary]]]:
        """(the person, the others in a collective session) for every session to write: the
        heavy file's sessions first, then sessions spread over the other files."""
        by_accompanier = {}
        for beneficiary in self.beneficiaries:
            by_accompanier.setdefault(self.followers[beneficiary.pk].pk, []).append(beneficiary)
        for _ in range(min(self.sizes.heavy_file_sessions, self.sizes.sessions)):
            yield self.heavy, []
        others = self.beneficiaries[1:] or self.beneficiaries
        for _ in range(self.sizes.sessions - self.sizes.heavy_file_sessions):
            person = self.random.choice(others)
            group = []
            if self.random.random() < 0.05:
                colleagues = by_accompanier[self.followers[person.pk].pk]
                group = [b for b in self.random.sample(colleagues, min(5, len(colleagues)))]
                group = [b for b in group if b.pk != person.pk]
            yield person, group

    def session_for(self, person: Beneficiary, group: list[Beneficiary]) -> Session:
        end = person.exit_date or self.today + datetime.timedelta(days=56)
        if person.status != Beneficiary.Status.ACTIVE:
            end = min(end, self.today)
        day = self.day_between(person.entry_date, end)
        starts_at = self.moment(day)
        if starts_at >= self.now:
            status = Session.Status.PLANNED
        else:
            status = self.random.choices(
                [Session.Status.HELD, Session.Status.CANCELLED, Session.Status.MISSED], [8, 1, 1]
            )[0]
        held = status == Session.Status.HELD
        return Session(
            kind=Session.Kind.COLLECTIVE if group else Session.Kind.INDIVIDUAL,
            modality=self.random.choice(Session.Modality.values),
            starts_at=starts_at,
            duration_minutes=self.random.choice([30, 45, 60, 90]),
            place=self.random.choice(PLACES),
            accompanier=self.followers[person.pk],
            status=status,
            private_notes=self.random.choice(PRIVATE_NOTES) if held else "",
            shared_summary=self.random.choice(SUMMARIES) if held else "",
            cancellation_reason="Empêchement" if status == Session.Status.CANCELLED else "",
        )

    def make_sessions(self):
        attendance_of = {
            Session.Status.PLANNED: Participation.Attendance.EXPECTED,
            Session.Status.CANCELLED: Participation.Attendance.EXCUSED,
            Session.Status.MISSED: Participation.Attendance.ABSENT,
        }
        theme_link = Session.themes.through
        for chunk in batched(self.session_plan(), SESSION_CHUNK):
            sessions = insert(Session, (self.session_for(person, group) for person, group in chunk))
            participations, themes = [], []
            for session, (person, group) in zip(sessions, chunk, strict=True):
                for beneficiary in [person, *group]:
                    attendance = attendance_of.get(session.status) or (
                        Participation.Attendance.PRESENT
                        if self.random.random() < 0.9
                        else Participation.Attendance.ABSENT
                    )
                    participations.append(
                        Participation(
                            session=session, beneficiary=beneficiary, attendance=attendance
                        )
                    )
                themes.append(
                    theme_link(session_id=session.pk, theme_id=self.random.choice(self.themes).pk)
                )
            insert(Participation, participations)
            insert(theme_link, themes)
        notes = (
            Note(
                beneficiary=b,
                author=self.followers[b.pk],
                text="Appel pour prendre des nouvelles.",
                is_contact=True,
                happened_on=b.last_contact_on,
            )
            for b in self.beneficiaries
            if b.last_contact_on and self.random.random() < 0.3
        )
        insert(Note, notes)

    def make_workshops(self):
        count = max(1, self.sizes.sessions // 400)
        workshops = []
        for _ in range(count):
            day = self.today + datetime.timedelta(days=self.random.randint(-3 * 365, 60))
            starts_at = self.moment(day, hour=14)
            workshops.append(
                Workshop(
                    title=self.random.choice(
                        ["Atelier cuisine de saison", "Visite de ferme", "Marché et budget"]
                    ),
                    starts_at=starts_at,
                    place="Cuisine partagée, Clermont-Ferrand",
                    capacity=self.random.randint(8, 15),
                    host=self.random.choice(self.active_partners) if self.active_partners else None,
                    organiser=self.random.choice(self.accompaniers),
                    status=Workshop.Status.OPEN if starts_at >= self.now else Workshop.Status.HELD,
                )
            )
        workshops = insert(Workshop, workshops)
        registrations = []
        for workshop in workshops:
            people = self.random.sample(
                self.beneficiaries, min(workshop.capacity + 2, len(self.beneficiaries))
            )
            for place, person in enumerate(people):
                registrations.append(
                    Registration(
                        workshop=workshop,
                        beneficiary=person,
                        status=Registration.Status.REGISTERED
                        if place < workshop.capacity
                        else Registration.Status.WAITING,
                    )
                )
        insert(Registration, registrations)

    def make_referrals_supports_reviews(self):
        referrals, supports, reviews = [], [], []
        for beneficiary in self.beneficiaries:
            follower = self.followers[beneficiary.pk]
            for _ in range(self.random.choice([0, 1, 1, 2])):
                sent_at = self.moment(self.day_between(beneficiary.entry_date, self.today))
                status = self.random.choice(Referral.Status.values)
                answered = status != Referral.Status.SENT and status != Referral.Status.EXPIRED
                referrals.append(
                    Referral(
                        beneficiary=beneficiary,
                        partner=self.random.choice(self.active_partners),
                        theme=self.random.choice(self.themes),
                        message="Besoin d'un accès à l'épicerie solidaire.",
                        shared_fields=["phone"],
                        status=status,
                        sent_at=sent_at,
                        answered_at=sent_at + datetime.timedelta(days=3) if answered else None,
                        closed_at=sent_at + datetime.timedelta(days=10)
                        if status in {Referral.Status.REFUSED, Referral.Status.DONE}
                        else None,
                        refusal_reason="Plus de place ce mois-ci."
                        if status == Referral.Status.REFUSED
                        else "",
                        token=secrets.token_urlsafe(32),
                        expires_at=sent_at + datetime.timedelta(days=30),
                        created_by=follower,
                    )
                )
            for _ in range(self.random.choice([0, 1, 2, 3])):
                kind = self.random.choice(Support.Kind.values)
                given_on = self.day_between(beneficiary.entry_date, self.today)
                support = Support(
                    beneficiary=beneficiary, kind=kind, given_on=given_on, recorded_by=follower
                )
                if kind == Support.Kind.DOUME_BONUS:
                    support.euros_converted = Decimal(self.random.choice([20, 30, 50, 80]))
                    support.bonus_rate = Decimal(15)
                    support.bonus_amount = social_bonus(support.euros_converted, support.bonus_rate)
                else:
                    support.amount = Decimal(self.random.randint(5, 40))
                supports.append(support)
            if beneficiary.status == Beneficiary.Status.CLOSED:
                reviews.append(
                    ExitReview(
                        beneficiary=beneficiary,
                        closed_on=beneficiary.exit_date,
                        goals_outcome=self.random.choice(ExitReview.GoalsOutcome.values),
                        what_changed="Cuisine plus souvent à la maison.",
                        written_by=follower,
                    )
                )
        insert(Referral, referrals)
        insert(Support, supports)
        insert(ExitReview, reviews)

    def fies(self, beneficiary: Beneficiary, moment: str, day, worry: float):
        """A FIES questionnaire whose answers are "yes" with probability ``worry``, the more
        severe experiences less often (the scale is ordered)."""
        answers = {
            name: self.random.random() < worry * (1 - index / 12)
            for index, name in enumerate(FIES_FIELDS)
        }
        return FoodInsecurityAssessment(
            beneficiary=beneficiary,
            moment=moment,
            taken_on=day,
            recorded_by=self.followers[beneficiary.pk],
            raw_score=fies_score(answers),  # bulk_create skips save(), which computes it
            **answers,
        )

    def check_in(self, beneficiary: Beneficiary, moment: str, day, shift: int):
        answers = {}
        for question in PRACTICE_QUESTIONS:
            values = sorted(question.scale.values)
            index = self.random.randrange(len(values)) + (
                shift if question.higher_is_better else -shift
            )
            answers[question.field] = values[min(max(index, 0), len(values) - 1)]
        return PracticesCheckIn(
            beneficiary=beneficiary,
            moment=moment,
            taken_on=day,
            recorded_by=self.followers[beneficiary.pk],
            **answers,
        )

    def make_questionnaires(self):
        """Most people answered both questionnaires at entry; most of those who left, at exit
        too, usually a little better off (the statistics' paired change has something to
        show)."""
        assessments, check_ins = [], []
        for beneficiary in self.beneficiaries:
            if self.random.random() > 0.85:
                continue
            worry = self.random.random()
            assessments.append(self.fies(beneficiary, Moment.ENTRY, beneficiary.entry_date, worry))
            check_ins.append(self.check_in(beneficiary, Moment.ENTRY, beneficiary.entry_date, 0))
            if beneficiary.exit_date and self.random.random() < 0.8:
                better = worry * self.random.uniform(0.4, 1.1)
                day = beneficiary.exit_date
                assessments.append(self.fies(beneficiary, Moment.EXIT, day, better))
                check_ins.append(self.check_in(beneficiary, Moment.EXIT, day, 1))
        insert(FoodInsecurityAssessment, assessments)
        insert(PracticesCheckIn, check_ins)

    def make_notifications(self):
        beneficiary_type = ContentType.objects.get_for_model(Beneficiary)
        kinds = [
            Notification.Kind.SESSION_REMINDER,
            Notification.Kind.APPOINTMENT_CREATED,
            Notification.Kind.WORKSHOP_REMINDER,
        ]

        def rows():
            for number in range(self.sizes.notifications):
                person = self.random.choice(self.beneficiaries)
                channel = self.random.choice(Notification.Channel.values)
                due_at = self.now - datetime.timedelta(
                    minutes=self.random.randint(-20_000, 500_000)
                )
                status = (
                    Notification.Status.PENDING
                    if due_at > self.now
                    else self.random.choices(
                        [Notification.Status.SENT, Notification.Status.FAILED], [97, 3]
                    )[0]
                )
                yield Notification(
                    kind=self.random.choice(kinds),
                    channel=channel,
                    recipient_type=beneficiary_type,
                    recipient_id=person.pk,
                    address=person.phone if channel == "sms" else person.email or person.phone,
                    topic=f"charge:{number}",
                    subject="Rappel de votre rendez-vous",
                    body="Bonjour, rendez-vous jeudi à 10h au local Soli'dôme.",
                    due_at=due_at,
                    status=status,
                    attempts=0 if status == Notification.Status.PENDING else 1,
                    sent_at=due_at if status == Notification.Status.SENT else None,
                    last_error="Numéro injoignable" if status == Notification.Status.FAILED else "",
                    idempotency_key=f"{LOAD_PREFIX}{number}",
                )

        insert(Notification, rows())

    def make_journal(self):
        beneficiary_type = ContentType.objects.get_for_model(Beneficiary)

        def rows():
            for _ in range(self.sizes.journal_entries):
                person = self.random.choice(self.beneficiaries)
                yield AuditEntry(
                    # Spread over the past year, as a journal would be.
                    at=self.now - datetime.timedelta(minutes=self.random.randint(0, 525_600)),
                    actor=self.followers[person.pk],
                    action=self.random.choices(
                        [AuditEntry.Action.READ, AuditEntry.Action.UPDATE], [4, 1]
                    )[0],
                    content_type=beneficiary_type,
                    object_id=person.pk,
                )

        with dates_as_given(AuditEntry, "at"):
            insert(AuditEntry, rows())


def generate(*, sizes: Sizes, password: str, seed: int = 2020, log=print) -> dict[str, int]:
    """Write a whole programme of ``sizes`` in one transaction; returns row counts."""
    generator = Generator(
        sizes=sizes, password=password, seed=seed, today=timezone.localdate(), log=log
    )
    with transaction.atomic():
        counts = generator.run()
    # As a database in service would be after autovacuum: planner statistics (without them
    # PostgreSQL plans every query for near-empty tables) and, on PostgreSQL, the visibility
    # map that lets counts read indexes only. VACUUM cannot run inside a transaction (a
    # caller's, as in tests).
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
    return counts
