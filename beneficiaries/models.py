import calendar
import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from soli_dome.models import TimeStampedModel
from soli_dome.phone import display_phone, national_digits
from soli_dome.sorting import Folded
from soli_dome.text import fold
from soli_dome.users.permissions import Scope, scope_of


class Commune(models.Model):
    """The 21 communes of Clermont Auvergne Métropole, loaded by a data migration."""

    name = models.CharField(_("nom"), max_length=100)
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    postal_code = models.CharField(_("code postal"), max_length=5)
    population = models.PositiveIntegerField(_("population (2021)"), default=0)
    # The town hall's position: the "good addresses" of a beneficiary are sorted from it.
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = [Folded("name")]

    def __str__(self):
        return self.name


def years_ago(years, today):
    """The date ``years`` years before ``today`` (29 February becomes 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def years_after(years: int, day: datetime.date) -> datetime.date:
    return years_ago(-years, day)


# The CNIL's reference for social accompaniment: a file stays active two years after the last
# contact with the person (the entry date when there never was one), then it is anonymised.
# Coordinators see it coming RETENTION_WARNING_DAYS before.
RETENTION_YEARS = 2
RETENTION_WARNING_DAYS = 30


class BeneficiaryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The files ``user`` may open: all for a coordinator, the assigned ones for an
        accompanier, their own for a beneficiary, none otherwise."""
        scope = scope_of(user)
        if scope is Scope.WHOLE_PROGRAMME:
            return self.all()
        if scope is Scope.ASSIGNED_FILES:
            # A semi-join, not a join: no duplicate rows, so no DISTINCT to sort and count.
            assigned = Assignment.objects.filter(accompanier=user).values("beneficiary")
            return self.filter(pk__in=assigned)
        if scope is Scope.OWN_FILE:
            return self.filter(user=user)
        return self.none()

    def likely_duplicates_of(self, beneficiary):
        """Other files with the same name and birth date, or the same phone or e-mail
        (``Beneficiary.resemblances`` says which)."""
        condition = Q(
            search_name=fold(f"{beneficiary.first_name} {beneficiary.last_name}"),
            birth_date=beneficiary.birth_date,
        )
        if beneficiary.phone:
            condition |= Q(phone_digits=national_digits(beneficiary.phone))
        if beneficiary.email:
            condition |= Q(email__iexact=beneficiary.email)
        return self.filter(condition).exclude(pk=beneficiary.pk)

    def search(self, text: str) -> "BeneficiaryQuerySet":
        """Files whose name holds every word of ``text`` in any order, ignoring accents and
        case; or whose phone holds its digits (four at least), however either is written."""
        words = fold(text).split()
        if not words:
            return self
        condition = Q()
        for word in words:
            condition &= Q(search_name__contains=word)
        digits = national_digits(text)
        if len(digits) >= 4:
            condition |= Q(phone_digits__contains=digits)
        return self.filter(condition)

    def followed(self):
        """Files still being accompanied (not closed)."""
        return self.exclude(status=Beneficiary.Status.CLOSED)

    def not_anonymised(self):
        return self.filter(anonymised_at=None)

    def with_retention_start(self):
        """``retention_start``: the day the retention clock runs from (last contact, or the
        entry date when there never was one)."""
        return self.annotate(retention_start=Coalesce("last_contact_on", "entry_date"))

    def retention_due(self, today: datetime.date | None = None):
        """Files whose two years are over: to anonymise (anonymised ones are left out, so a
        second run finds nothing)."""
        today = today or timezone.localdate()
        return (
            self.not_anonymised()
            .with_retention_start()
            .filter(retention_start__lte=years_ago(RETENTION_YEARS, today))
        )

    def retention_ending_soon(self, today: datetime.date | None = None):
        """Files anonymised within ``RETENTION_WARNING_DAYS`` unless a contact happens first,
        the soonest first."""
        today = today or timezone.localdate()
        warning_from = today + datetime.timedelta(days=RETENTION_WARNING_DAYS)
        return (
            self.not_anonymised()
            .with_retention_start()
            .filter(
                retention_start__gt=years_ago(RETENTION_YEARS, today),
                retention_start__lte=years_ago(RETENTION_YEARS, warning_from),
            )
            .order_by("retention_start", "pk")
        )

    def without_contact_since(self, days, today=None):
        return self.filter(self.without_contact_condition(days, today))

    @staticmethod
    def without_contact_condition(days, today=None) -> Q:
        """Files still followed whose last contact is older than ``days`` days, or that never
        had one and entered more than ``days`` days ago (a file created today is not late):
        a condition, so that a dashboard counts it in the same aggregate as the rest."""
        today = today or timezone.localdate()
        limit = today - datetime.timedelta(days=days)
        followed = ~Q(status=Beneficiary.Status.CLOSED)
        never = Q(last_contact_on=None, entry_date__lt=limit)
        return followed & (Q(last_contact_on__lt=limit) | never)

    def of_public(self, public, today=None):
        """Filter on the public computed from the birth date, in the database."""
        today = today or timezone.localdate()
        bounds = settings.PUBLIC_AGE_BOUNDS
        if public == Beneficiary.Public.YOUNG:
            return self.filter(
                birth_date__gt=years_ago(bounds["young_max"] + 1, today),
                birth_date__lte=years_ago(bounds["young_min"], today),
            )
        if public == Beneficiary.Public.SENIOR:
            return self.filter(birth_date__lte=years_ago(bounds["senior_min"], today))
        return self.exclude(pk__in=self.of_public(Beneficiary.Public.YOUNG, today)).exclude(
            pk__in=self.of_public(Beneficiary.Public.SENIOR, today)
        )


class Beneficiary(TimeStampedModel):
    """A person accompanied by the programme. Only what the accompaniment needs is kept."""

    class Public(models.TextChoices):
        YOUNG = "young", _("Jeune (16-25 ans)")
        SENIOR = "senior", _("Senior")
        OUTSIDE = "outside", _("Hors publics du programme")

    class Gender(models.TextChoices):
        WOMAN = "woman", _("Femme")
        MAN = "man", _("Homme")
        OTHER = "other", _("Autre")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        PHONE_CALL = "phone_call", _("Appel téléphonique")
        NONE = "none", _("Aucun")

    class ReminderChannel(models.TextChoices):
        SMS = "sms", _("Par SMS")
        EMAIL = "email", _("Par e-mail")
        NONE = "none", _("Aucun rappel")

    class Language(models.TextChoices):
        FRENCH = "fr", "Français"
        ENGLISH = "en", "English"

    class Household(models.TextChoices):
        ALONE = "alone", _("Seul·e")
        COUPLE = "couple", _("En couple sans enfant")
        FAMILY = "family", _("En couple avec enfant(s)")
        SINGLE_PARENT = "single_parent", _("Parent seul avec enfant(s)")
        WITH_PARENTS = "with_parents", _("Chez ses parents ou sa famille")
        SHARED = "shared", _("En colocation")
        OTHER = "other", _("Autre")

    class Housing(models.TextChoices):
        TENANT = "tenant", _("Locataire")
        OWNER = "owner", _("Propriétaire")
        FJT = "fjt", _("Foyer de jeunes travailleurs (FJT)")
        STUDENT_RESIDENCE = "student_residence", _("Résidence étudiante")
        HOSTED = "hosted", _("Hébergé·e chez un tiers")
        SENIOR_RESIDENCE = "senior_residence", _("Résidence autonomie ou EHPAD")
        EMERGENCY = "emergency", _("Hébergement d'urgence ou sans logement")
        OTHER = "other", _("Autre")

    class Activity(models.TextChoices):
        STUDENT = "student", _("Études")
        TRAINING = "training", _("Formation ou apprentissage")
        EMPLOYED = "employed", _("Emploi")
        JOB_SEEKER = "job_seeker", _("Recherche d'emploi")
        INSERTION = "insertion", _("Parcours d'insertion")
        RETIRED = "retired", _("Retraite")
        NO_ACTIVITY = "no_activity", _("Sans activité")
        OTHER = "other", _("Autre")

    class Resources(models.TextChoices):
        EARNINGS = "earnings", _("Revenus d'activité")
        PENSION = "pension", _("Pension de retraite")
        MINIMUM_INCOME = "minimum_income", _("Minima sociaux (RSA, ASPA, AAH…)")
        YOUTH_SCHEME = "youth_scheme", _("Allocation jeune (CEJ, bourse…)")
        UNEMPLOYMENT = "unemployment", _("Allocation chômage")
        NONE = "none", _("Aucune ressource")
        OTHER = "other", _("Autre")

    class Status(models.TextChoices):
        PROSPECT = "prospect", _("Premier contact")
        ACTIVE = "active", _("Accompagnement en cours")
        PAUSED = "paused", _("En pause")
        CLOSED = "closed", _("Clôturé")

    class ExitReason(models.TextChoices):
        GOALS_REACHED = "goals_reached", _("Objectifs atteints")
        MOVED = "moved", _("Déménagement")
        REFERRED = "referred", _("Relais vers un autre acteur")
        NO_LONGER_WANTED = "no_longer_wanted", _("Ne souhaite plus être accompagné·e")
        LOST_CONTACT = "lost_contact", _("Perte de contact")
        OTHER = "other", _("Autre")

    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(pgettext_lazy("family name", "nom"), max_length=100)
    birth_date = models.DateField(_("date de naissance"))
    gender = models.CharField(_("genre"), max_length=10, choices=Gender, blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(
        _("moyen de contact préféré"), max_length=12, choices=Channel, default=Channel.SMS
    )
    # How the person wants automatic reminders, chosen by them on their portal or with
    # their accompanier; the "reminders" consent must also be given for any to be sent.
    reminder_channel = models.CharField(
        _("rappels"), max_length=5, choices=ReminderChannel, default=ReminderChannel.SMS
    )
    same_morning_reminder = models.BooleanField(
        _("rappel aussi le matin du rendez-vous"), default=False
    )
    step_reminders = models.BooleanField(
        _("rappel quand une action à faire approche"), default=False
    )
    preferred_language = models.CharField(
        _("langue des messages"), max_length=2, choices=Language, default=Language.FRENCH
    )
    reminders_paused_until = models.DateField(
        _("rappels automatiques suspendus jusqu'au"),
        null=True,
        blank=True,
        help_text=_("Par exemple après un appel : aucun rappel automatique avant cette date."),
    )
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="beneficiaries",
        help_text=_("Laisser vide pour une commune hors de la métropole."),
    )
    household = models.CharField(_("foyer"), max_length=20, choices=Household, blank=True)
    housing = models.CharField(_("logement"), max_length=20, choices=Housing, blank=True)
    main_activity = models.CharField(
        _("activité principale"), max_length=20, choices=Activity, blank=True
    )
    resources = models.CharField(
        _("ressources principales"), max_length=20, choices=Resources, blank=True
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.PROSPECT)
    entry_date = models.DateField(_("date d'entrée"), default=timezone.localdate)
    exit_date = models.DateField(_("date de sortie"), null=True, blank=True)
    exit_reason = models.CharField(
        _("motif de sortie"), max_length=20, choices=ExitReason, blank=True
    )
    last_contact_on = models.DateField(
        _("dernier contact"),
        null=True,
        blank=True,
        help_text=_(
            "Date du dernier échange avec la personne ; elle fait courir la durée "
            "de conservation du dossier."
        ),
    )
    # Set once the retention clock ran out (or a deletion request was carried out): the file
    # keeps only what statistics need, see accompaniment.services.retention.
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True)
    # Folded copies kept by save(), so that searches ignore accents, case and phone formats.
    search_name = models.CharField(max_length=210, editable=False, db_index=True, default="")
    phone_digits = models.CharField(max_length=20, editable=False, default="")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("compte"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="beneficiary_file",
    )

    objects = BeneficiaryQuerySet.as_manager()

    class Meta:
        verbose_name = _("bénéficiaire")
        verbose_name_plural = _("bénéficiaires")
        ordering = [Folded("last_name"), Folded("first_name")]
        # The list's sorts and the follow-up filters (public is a range of birth dates).
        indexes = [
            models.Index(fields=["last_contact_on"], name="beneficiary_last_contact"),
            models.Index(fields=["entry_date"], name="beneficiary_entry_date"),
            models.Index(fields=["birth_date"], name="beneficiary_birth_date"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(exit_date__isnull=True) | Q(exit_date__gte=models.F("entry_date")),
                name="beneficiary_exit_after_entry",
                violation_error_message=_("La date de sortie suit la date d'entrée."),
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(exit_date__isnull=False),
                name="beneficiary_closed_has_exit_date",
                violation_error_message=_("Un dossier clôturé a une date de sortie."),
            ),
        ]

    def __str__(self):
        if self.anonymised_at is not None:
            return str(_("Dossier anonymisé n° %(pk)s") % {"pk": self.pk})
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        self.search_name = fold(f"{self.first_name} {self.last_name}")
        self.phone_digits = national_digits(self.phone)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_name", "phone_digits"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("beneficiaries:beneficiary_detail", args=[self.pk])

    def retention_ends_on(self) -> datetime.date:
        """The day the file is anonymised unless a contact happens before."""
        return years_after(RETENTION_YEARS, self.last_contact_on or self.entry_date)

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    def age(self, today=None):
        today = today or timezone.localdate()
        had_birthday = (today.month, today.day) >= (self.birth_date.month, self.birth_date.day)
        return today.year - self.birth_date.year - (0 if had_birthday else 1)

    def public(self, today=None):
        """Young (16–25) or senior (60+) by default; the bounds are in settings."""
        bounds = settings.PUBLIC_AGE_BOUNDS
        age = self.age(today)
        if bounds["young_min"] <= age <= bounds["young_max"]:
            return self.Public.YOUNG
        if age >= bounds["senior_min"]:
            return self.Public.SENIOR
        return self.Public.OUTSIDE

    @property
    def phone_display(self):
        return display_phone(self.phone)

    def resemblances(self, other: "Beneficiary") -> list[str]:
        """What makes ``other`` a likely duplicate of this file, in the terms of
        ``likely_duplicates_of``."""
        found = []
        same_name = fold(f"{self.first_name} {self.last_name}") == fold(
            f"{other.first_name} {other.last_name}"
        )
        if same_name and self.birth_date == other.birth_date:
            found.append(_("même nom et même date de naissance"))
        if self.phone and national_digits(self.phone) == national_digits(other.phone):
            found.append(_("même téléphone"))
        if self.email and self.email.casefold() == other.email.casefold():
            found.append(_("même e-mail"))
        return found

    def get_public_display(self):
        return self.Public(self.public()).label

    @property
    def is_eligible(self):
        return self.public() != self.Public.OUTSIDE

    # Status changes. A closed file keeps its data until the retention clock runs out.
    def activate(self):
        self._set_status(self.Status.ACTIVE)

    def pause(self):
        self._set_status(self.Status.PAUSED)

    def close(self, *, on, reason):
        self.exit_date, self.exit_reason = on, reason
        self._set_status(self.Status.CLOSED)

    def reopen(self):
        self.exit_date, self.exit_reason = None, ""
        self._set_status(self.Status.ACTIVE)

    def _set_status(self, status):
        self.status = status
        self.save(update_fields=["status", "exit_date", "exit_reason", "updated_at"])

    def record_contact(self, on):
        """A contact with the person on date ``on``: moves ``last_contact_on`` forward only,
        in one conditional UPDATE so that concurrent sessions cannot move it back."""
        updated = (
            Beneficiary.objects.filter(pk=self.pk)
            .filter(Q(last_contact_on__lt=on) | Q(last_contact_on=None))
            .update(last_contact_on=on)
        )
        if updated:
            self.last_contact_on = on

    @property
    def may_log_in(self):
        """A closed file no longer opens the portal (the data stays until retention ends)."""
        return self.status != self.Status.CLOSED

    def has_given(self, kind):
        """True when the consent ``kind`` is recorded as given. Reads ``self.consents``:
        prefetch them in lists."""
        return any(consent.kind == kind and consent.is_given for consent in self.consents.all())

    def effective_reminder_channel(self):
        """The channel automatic reminders actually use. Reminders require the "reminders"
        consent: without it (never given, or withdrawn) ``reminder_channel`` is ignored and
        nothing is sent, whatever the person chose."""
        if not self.has_given(Consent.Kind.REMINDERS):
            return self.ReminderChannel.NONE
        return self.reminder_channel

    def primary_accompanier(self):
        """Reads ``self.assignments``: prefetch them in lists."""
        return next((a.accompanier for a in self.assignments.all() if a.is_primary), None)


class Assignment(TimeStampedModel):
    """An accompanier following a beneficiary. One primary per file, possibly others."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="assignments"
    )
    accompanier = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accompagnateur·rice"),
        on_delete=models.PROTECT,
        related_name="assignments",
        limit_choices_to={"role": "accompanier"},
    )
    is_primary = models.BooleanField(_("référent·e principal·e"), default=False)

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "accompanier"],
                name="assignment_unique_accompanier",
                violation_error_message=_(
                    "Cette personne est déjà suivie par cet·te accompagnateur·rice."
                ),
            ),
            models.UniqueConstraint(
                fields=["beneficiary"],
                condition=Q(is_primary=True),
                name="assignment_one_primary_per_beneficiary",
                violation_error_message=_(
                    "Un dossier n'a qu'un·e accompagnateur·rice principal·e."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.accompanier} → {self.beneficiary}"


class Consent(TimeStampedModel):
    """A consent given (or refused) by the person, with who recorded it and when."""

    class Kind(models.TextChoices):
        DATA_PROCESSING = "data_processing", _("Traitement de ses données pour l'accompagnement")
        REMINDERS = "reminders", _("Recevoir des rappels")
        PARTNER_SHARING = "partner_sharing", _("Partage d'informations avec un partenaire")
        RESEARCH = "research", _("Utilisation anonymisée pour la recherche")

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("consentement"), max_length=20, choices=Kind)
    is_given = models.BooleanField(_("donné"), default=True)
    recorded_on = models.DateField(_("recueilli le"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recueilli par"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["beneficiary", "kind"],
                name="consent_one_per_kind",
                violation_error_message=_("Ce consentement est déjà enregistré."),
            )
        ]

    def __str__(self):
        return self.get_kind_display()

    @property
    def plain_label(self):
        """The consent in the person's words, for their portal."""
        return {
            self.Kind.DATA_PROCESSING: _("Utiliser mes informations pour m'accompagner"),
            self.Kind.REMINDERS: _("Recevoir des rappels de mes rendez-vous"),
            self.Kind.PARTNER_SHARING: _(
                "Donner des informations sur moi à un partenaire, quand il peut m'aider"
            ),
            self.Kind.RESEARCH: _("Aider la recherche, sans mon nom"),
        }[self.kind]


def invitation_expiry():
    return timezone.now() + datetime.timedelta(days=settings.PORTAL_INVITATION_DAYS)


def new_invitation_token():
    return secrets.token_urlsafe(32)


class PortalInvitation(TimeStampedModel):
    """An invitation to the portal sent by e-mail by an accompanier. Its link lets the person in
    once, before ``expires_at``; afterwards they log in with a one-time code by e-mail (or a
    password they chose). Sending it again renews the link and the expiry."""

    beneficiary = models.OneToOneField(
        Beneficiary, on_delete=models.CASCADE, related_name="portal_invitation"
    )
    email = models.EmailField(_("e-mail"))
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    sent_at = models.DateTimeField(_("envoyée le"), default=timezone.now)
    expires_at = models.DateTimeField(_("valable jusqu'au"), default=invitation_expiry)
    accepted_at = models.DateTimeField(_("acceptée le"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation à l'espace personnel")
        verbose_name_plural = _("invitations à l'espace personnel")

    def __str__(self):
        return self.email

    def is_expired(self, now=None):
        return (now or timezone.now()) >= self.expires_at


class ContactChangeRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=ContactChangeRequest.Status.PENDING)


class ContactChangeRequest(TimeStampedModel):
    """New contact details asked for by the person on their portal. The file changes only when
    an accompanier confirms them; blank fields mean "no change"."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        CONFIRMED = "confirmed", _("Confirmée")
        DECLINED = "declined", _("Refusée")

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="contact_change_requests"
    )
    phone = models.CharField(_("nouveau téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("nouvel e-mail"), blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("nouvelle commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("état"), max_length=10, choices=Status, default=Status.PENDING)
    decided_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ContactChangeRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("demande de changement de coordonnées")
        verbose_name_plural = _("demandes de changement de coordonnées")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="") | ~Q(email="") | Q(commune__isnull=False),
                name="contact_change_request_not_empty",
                violation_error_message=_("Indiquez au moins une coordonnée à changer."),
            )
        ]

    def __str__(self):
        return f"{self.beneficiary} — {self.get_status_display()}"

    def changes(self):
        """(label, new value) for each detail asked for."""
        rows = []
        if self.phone:
            rows.append((_("Téléphone"), display_phone(self.phone)))
        if self.email:
            rows.append((_("E-mail"), self.email))
        if self.commune_id:
            rows.append((_("Commune"), str(self.commune)))
        return rows


class PersonRequestQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(handled_at=None)


def one_pending_request(name: str, message: str) -> models.UniqueConstraint:
    """A person has at most one request of a kind waiting for the coordination."""
    return models.UniqueConstraint(
        fields=["beneficiary"],
        condition=Q(handled_at__isnull=True),
        name=name,
        violation_error_message=message,
    )


class PersonRequest(TimeStampedModel):
    """Something the person asked of the coordination from their space, handled once."""

    handled_at = models.DateTimeField(_("traitée le"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = PersonRequestQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["created_at", "pk"]

    def __str__(self):
        return str(self.beneficiary)


class DeletionRequest(PersonRequest):
    """The person asked for their data to be deleted: a task for a coordinator, who checks
    what the law requires to keep and marks the request handled."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="deletion_requests"
    )

    class Meta(PersonRequest.Meta):
        verbose_name = _("demande de suppression")
        verbose_name_plural = _("demandes de suppression")
        constraints = [
            one_pending_request(
                "deletion_request_one_pending", _("Une demande de suppression est déjà en cours.")
            )
        ]


def one_month_after(day: datetime.date) -> datetime.date:
    """The same day of the next month, or its last day ("31 January" gives "28 February")."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AccessRequest(PersonRequest):
    """The person asked for a copy of everything, staff working notes included (right of
    access, RGPD article 15): the coordination answers within one month."""

    beneficiary = models.ForeignKey(
        Beneficiary, on_delete=models.CASCADE, related_name="access_requests"
    )

    class Meta(PersonRequest.Meta):
        verbose_name = _("demande d'accès aux données")
        verbose_name_plural = _("demandes d'accès aux données")
        constraints = [
            one_pending_request(
                "access_request_one_pending", _("Une demande d'accès est déjà en cours.")
            )
        ]

    @property
    def due_on(self) -> datetime.date:
        """The legal deadline: one month after the request."""
        return one_month_after(timezone.localdate(self.created_at))
