import calendar
import datetime
import re

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Commune
from soli_dome.models import TimeStampedModel
from soli_dome.phone import display_phone
from soli_dome.sorting import Folded
from soli_dome.text import fold
from soli_dome.users.permissions import Scope, scope_of


def is_valid_siret(siret: str) -> bool:
    """Fourteen digits passing the Luhn check. La Poste's establishments (SIREN 356000000)
    other than its head office follow their own rule: the sum of the digits is a multiple
    of 5."""
    if not re.fullmatch(r"\d{14}", siret):
        return False
    total = 0
    for position, digit in enumerate(reversed(siret)):
        value = int(digit) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    if total % 10 == 0:
        return True
    return siret.startswith("356000000") and sum(int(digit) for digit in siret) % 5 == 0


def validate_siret(value: str) -> None:
    if not is_valid_siret(value):
        raise ValidationError(
            _(
                "Un numéro SIRET a 14 chiffres et celui-ci n'est pas valide : recopiez-le "
                "depuis l'avis de situation Sirene ou le site annuaire-entreprises.data.gouv.fr."
            ),
            code="invalid_siret",
        )


def add_months(day, months):
    """``day`` moved ``months`` months later; the 31st becomes the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last_day))


class Category(models.Model):
    """A kind of actor of the territory (design, section 1). Coordinators extend the list."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("catégorie d'acteur")
        verbose_name_plural = _("catégories d'acteurs")
        ordering = ["position", "name"]

    def __str__(self):
        # The platform's own names are translated (partners/vocabulary.py); a
        # coordinator's addition has no translation and shows as typed.
        return gettext(self.name)


class ServiceTag(models.Model):
    """Something a partner offers (food aid, accepts the Doume, cooking workshops…). Some
    tags say what a place is like rather than a service it gives ("accepts the Doume"):
    those are not exported as data·inclusion services."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)
    is_service = models.BooleanField(
        _("prestation"),
        default=True,
        help_text=_(
            "Décochez pour une caractéristique du lieu (« Accepte la Doume ») : elle n'est "
            "pas exportée comme service vers data·inclusion."
        ),
    )

    class Meta:
        verbose_name = _("service proposé")
        verbose_name_plural = _("services proposés")
        ordering = ["position", "name"]

    def __str__(self):
        # The platform's own names are translated (partners/vocabulary.py); a
        # coordinator's addition has no translation and shows as typed.
        return gettext(self.name)


class AccessCondition(models.Model):
    """How people get in: open to all, on referral only, step-free access…"""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("condition d'accès")
        verbose_name_plural = _("conditions d'accès")
        ordering = ["position", "name"]

    def __str__(self):
        # The platform's own names are translated (partners/vocabulary.py); a
        # coordinator's addition has no translation and shows as typed.
        return gettext(self.name)


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The directory is open to programme staff (coordinators edit it, accompaniers read
        it); a beneficiary sees only the listings that may be recommended to beneficiaries
        (their "good addresses", never the staff pages); partners see none of it."""
        scope = scope_of(user)
        if scope in {Scope.WHOLE_PROGRAMME, Scope.ASSIGNED_FILES}:
            return self.all()
        if scope is Scope.OWN_FILE:
            return self.active().filter(may_be_recommended=True)
        return self.none()

    def active(self):
        return self.filter(is_archived=False)

    def serving(self, public):
        """Partners open to ``public``; a partner open to everyone serves every public."""
        if public == Partner.Public.YOUNG:
            return self.filter(Q(serves_young=True) | Q(serves_everyone=True))
        if public == Partner.Public.SENIOR:
            return self.filter(Q(serves_seniors=True) | Q(serves_everyone=True))
        return self.filter(serves_everyone=True)

    def search(self, text):
        """Every word of ``text`` in the folded text or in the name of one of the partner's
        categories, services or access conditions (as written or in the language of the
        page: "doume" finds who accepts the Doume), ignoring accents and case; on PostgreSQL
        also, when no partner has every word as typed, a close spelling (trigram word
        similarity, served by the GIN index of migration 0003), best matches first."""
        folded = fold(text)
        if not folded:
            return self
        words = folded.split()
        every_word = Q()
        vocabulary = _folded_vocabulary()
        for word in words:
            every_word &= Q(search_text__contains=word) | _offering(vocabulary, word)
        exact = self.filter(every_word)
        if connections[self.db].vendor != "postgresql":
            return exact
        if exact.exists():
            # Close spellings would only add noise to what was found as typed (a third of
            # the directory for "epicerie", scored one by one: 80 ms on 3,000 partners). One
            # word scores every match alike; several rank first where they stand together.
            if len(words) == 1:
                return exact.order_by("search_text")
            return exact.annotate(relevance=TrigramWordSimilarity(folded, "search_text")).order_by(
                "-relevance", "search_text"
            )
        return (
            self.filter(search_text__trigram_word_similar=folded)
            .annotate(relevance=TrigramWordSimilarity(folded, "search_text"))
            .order_by("-relevance", "search_text")
        )

    def with_review_status(self, today):
        """Annotates ``is_due_for_review``, computed by the database like
        ``overdue_for_review``."""
        return self._with_review_month().annotate(
            is_due_for_review=Case(
                When(self._review_due(today), then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
        )

    def overdue_for_review(self, today):
        """Listings never checked, or whose review date (last check + the review frequency in
        months) is ``today`` or past. Computed in the database, on SQLite and PostgreSQL."""
        return self._with_review_month().filter(self._review_due(today))

    def _with_review_month(self):
        # The month of the review date as a month count (year × 12 + month − 1), and the day
        # of the last check: enough to compare the review date with today without date
        # arithmetic, which SQLite and PostgreSQL write differently.
        if "review_month" in self.query.annotations:
            return self
        checked = "last_checked_on"
        return self.annotate(
            review_month=ExtractYear(checked) * 12
            + ExtractMonth(checked)
            - 1
            + F("review_every_months"),
            checked_day=ExtractDay(checked),
        )

    @staticmethod
    def _review_due(today):
        this_month = today.year * 12 + today.month - 1
        due = Q(last_checked_on=None) | Q(review_month__lt=this_month)
        if today.day == calendar.monthrange(today.year, today.month)[1]:
            # A review due on the 31st of a 30-day month falls due on the 30th.
            return due | Q(review_month=this_month)
        return due | Q(review_month=this_month, checked_day__lte=today.day)

    def with_current_closure(self, today):
        """Annotates ``closed_since``, ``closed_until`` and ``closure_reason`` from the closure
        going on ``today`` (None when open), in the same query: lists stay one query."""
        ongoing = Closure.objects.filter(
            partner=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today
        ).order_by("-ends_on", "-starts_on", "pk")
        return self.annotate(
            closed_since=Subquery(ongoing.values("starts_on")[:1]),
            closed_until=Subquery(ongoing.values("ends_on")[:1]),
            closure_reason=Subquery(ongoing.values("reason")[:1]),
        )


def _folded_vocabulary():
    """For each many-to-many field of a partner, its names folded, as typed and translated,
    by primary key: three small queries (the lists have a few dozen rows)."""
    return {
        field: [
            (pk, fold(name) + " " + fold(gettext(name)))
            for pk, name in model.objects.values_list("pk", "name")
        ]
        for field, model in (
            ("categories", Category),
            ("services", ServiceTag),
            ("access_conditions", AccessCondition),
        )
    }


def _offering(vocabulary, word):
    """Partners with a category, service or access condition whose name contains ``word``
    (a subquery: no duplicate rows, whatever the number of matching names)."""
    condition = Q(pk__in=[])
    for field, names in vocabulary.items():
        matching = [pk for pk, name in names if word in name]
        if matching:
            tagged = Partner.objects.filter(**{f"{field}__in": matching}).values("pk")
            condition |= Q(pk__in=tagged)
    return condition


class Partner(TimeStampedModel):
    """An actor of the territory: a social structure, a producer, a shop, an association…"""

    class Public(models.TextChoices):
        YOUNG = "young", _("Jeunes (16-25 ans)")
        SENIOR = "senior", _("Seniors")
        EVERYONE = "everyone", _("Tout public")

    class PartnershipStatus(models.TextChoices):
        PROSPECT = "prospect", _("Partenariat envisagé")
        ACTIVE = "active", _("Partenaire actif")
        FORMER = "former", _("Ancien partenaire")

    name = models.CharField(_("nom"), max_length=200)
    categories = models.ManyToManyField(
        Category, verbose_name=_("catégories"), related_name="partners"
    )
    description = models.TextField(_("présentation"), blank=True)
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partners",
        help_text=_("Laisser vide pour une commune hors de la métropole."),
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("En degrés décimaux, par exemple 45.777222."),
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
        help_text=_("En degrés décimaux, par exemple 3.087025."),
    )
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("site web"), max_length=300, blank=True)
    services = models.ManyToManyField(
        ServiceTag, verbose_name=_("services proposés"), blank=True, related_name="partners"
    )
    serves_young = models.BooleanField(_("accueille les jeunes"), default=False)
    serves_seniors = models.BooleanField(_("accueille les seniors"), default=False)
    serves_everyone = models.BooleanField(_("tout public"), default=False)
    access_conditions = models.ManyToManyField(
        AccessCondition, verbose_name=_("conditions d'accès"), blank=True, related_name="partners"
    )
    fees = models.CharField(
        _("tarifs"), max_length=255, blank=True, help_text=_("Par exemple : gratuit, 2 € par an.")
    )
    partnership_status = models.CharField(
        _("partenariat"),
        max_length=10,
        choices=PartnershipStatus,
        default=PartnershipStatus.PROSPECT,
    )
    agreement_date = models.DateField(_("date de la convention"), null=True, blank=True)
    may_be_recommended = models.BooleanField(
        _("peut être recommandé aux bénéficiaires"), default=False
    )
    internal_notes = models.TextField(
        _("notes internes"), blank=True, help_text=_("Réservées à l'équipe du programme.")
    )
    last_checked_on = models.DateField(_("fiche vérifiée le"), null=True, blank=True)
    review_every_months = models.PositiveSmallIntegerField(
        _("à revoir tous les (mois)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    is_archived = models.BooleanField(_("archivé"), default=False)
    external_id = models.CharField(
        _("identifiant externe"),
        max_length=100,
        blank=True,
        help_text=_("L'identifiant de la fiche dans un autre répertoire, pour les imports."),
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_("14 chiffres, sans espace."),
    )
    accessibility_url = models.URLField(
        _("fiche Acceslibre"),
        max_length=300,
        blank=True,
        help_text=_("La page acceslibre.beta.gouv.fr qui décrit l'accessibilité du lieu."),
    )
    # From a data·inclusion import: the listing's page in the directory it came from, and
    # the networks behind the structure (the schema's "reseaux_porteurs" values).
    source_url = models.URLField(_("fiche d'origine"), max_length=300, blank=True)
    networks = models.JSONField(_("réseaux porteurs"), default=list, blank=True)
    # Folded copy kept by save(): the name first (so that ordering by it sorts by name,
    # ignoring accents), then the address, commune and presentation. Searched with LIKE on
    # every database, and with trigrams on PostgreSQL.
    search_text = models.TextField(editable=False, default="")

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("acteur du territoire")
        verbose_name_plural = _("acteurs du territoire")
        ordering = ["search_text"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="partner_external_id_unique",
                violation_error_message=_("Une autre fiche a déjà cet identifiant externe."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                ),
                name="partner_coordinates_complete_and_valid",
                violation_error_message=_(
                    "Donnez la latitude et la longitude ensemble, en degrés."
                ),
            ),
            models.CheckConstraint(
                condition=Q(review_every_months__gte=1),
                name="partner_review_every_months_positive",
                violation_error_message=_("Une fiche se revoit au moins tous les mois."),
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        commune = self.commune.name if self.commune_id else ""
        self.search_text = fold(
            " ".join(
                part
                for part in (self.name, self.address, self.postal_code, commune, self.description)
                if part
            )
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("partners:partner_detail", args=[self.pk])

    @property
    def phone_display(self):
        return display_phone(self.phone)

    @property
    def publics(self):
        """The publics served, as choice values."""
        flags = {
            self.Public.YOUNG: self.serves_young,
            self.Public.SENIOR: self.serves_seniors,
            self.Public.EVERYONE: self.serves_everyone,
        }
        return [public for public, served in flags.items() if served]

    @publics.setter
    def publics(self, values):
        self.serves_young = self.Public.YOUNG in values
        self.serves_seniors = self.Public.SENIOR in values
        self.serves_everyone = self.Public.EVERYONE in values

    def get_publics_display(self):
        return [self.Public(public).label for public in self.publics]

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    @property
    def review_due_on(self):
        """The date the listing should be checked again; None if it never was."""
        if self.last_checked_on is None:
            return None
        return add_months(self.last_checked_on, self.review_every_months)

    def is_due_for_review_on(self, today):
        due_on = self.review_due_on
        return due_on is None or due_on <= today

    def mark_checked(self, on=None):
        """The listing was checked on ``on`` (today by default). ``updated_at`` moves too, so
        an edit form opened before sees the change instead of overwriting it."""
        self.last_checked_on = on or timezone.localdate()
        self.save(update_fields=["last_checked_on", "updated_at"])

    def archive(self):
        self.is_archived = True
        self.save(update_fields=["is_archived", "updated_at"])

    def unarchive(self):
        self.is_archived = False
        self.save(update_fields=["is_archived", "updated_at"])


class Contact(TimeStampedModel):
    """A person to reach at a partner."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("fonction"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    may_be_named = models.BooleanField(
        _("accepte d'être nommé·e dans l'annuaire national"),
        default=False,
        help_text=_("Son nom est alors exporté vers data·inclusion comme contact des services."),
    )

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = [Folded("name")]

    def __str__(self):
        return self.name

    @property
    def phone_display(self):
        return display_phone(self.phone)


class Closure(TimeStampedModel):
    """A temporary closure (holidays, works…), from ``starts_on`` to ``ends_on`` included."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("fermé à partir du"))
    ends_on = models.DateField(_("jusqu'au (inclus)"))
    reason = models.CharField(
        _("motif"), max_length=200, blank=True, help_text=_("Par exemple : congés d'été.")
    )

    class Meta:
        verbose_name = _("fermeture temporaire")
        verbose_name_plural = _("fermetures temporaires")
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="closure_ends_after_it_starts",
                violation_error_message=_("La fermeture se termine après son début."),
            )
        ]

    def __str__(self):
        return f"{self.partner} : {self.starts_on} → {self.ends_on}"

    def is_ongoing_on(self, today):
        return self.starts_on <= today <= self.ends_on


class PartnershipEvent(TimeStampedModel):
    """An entry of the partnership log that coordinators keep."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("Rencontre")
        AGREEMENT = "agreement", _("Convention")
        WORKING_GROUP = "working_group", _("Groupe de travail")
        OTHER = "other", _("Autre")

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="events")
    date = models.DateField(_("date"), default=timezone.localdate)
    kind = models.CharField(_("type"), max_length=20, choices=Kind, default=Kind.MEETING)
    summary = models.TextField(_("résumé"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("noté par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("événement du partenariat")
        verbose_name_plural = _("journal du partenariat")
        ordering = ["-date", "-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.date}"


class ImportJob(TimeStampedModel):
    """A large import, confirmed and left to a background worker. The file stays under
    ``VAR_DIR/imports`` until the job ends; the rows written so far are counted in a
    progress file beside it, because the import's own transaction hides its rows (and this
    job's changes) from every other connection until it commits: all or nothing."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        FAILED = "failed", _("Échoué")

    token = models.CharField(max_length=60, unique=True, editable=False)
    category = models.ForeignKey(
        Category,
        verbose_name=_("catégorie des nouvelles fiches"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lancé par"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    status = models.CharField(_("statut"), max_length=10, choices=Status, default=Status.QUEUED)
    created_count = models.PositiveIntegerField(_("fiches créées"), default=0)
    updated_count = models.PositiveIntegerField(_("fiches mises à jour"), default=0)
    unchanged_count = models.PositiveIntegerField(_("fiches inchangées"), default=0)
    error = models.TextField(_("erreur"), blank=True)

    class Meta:
        verbose_name = _("import en arrière-plan")
        verbose_name_plural = _("imports en arrière-plan")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.token} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("partners:import_job_detail", args=[self.pk])

    @property
    def is_over(self):
        return self.status in {self.Status.DONE, self.Status.FAILED}
