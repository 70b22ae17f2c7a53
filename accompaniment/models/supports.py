from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from soli_dome.models import TimeStampedModel

from .plans import visible_files_filter

CENT = Decimal("0.01")
NOT_NEGATIVE = [MinValueValidator(Decimal(0))]


def social_bonus(euros, rate):
    """The Doume social bonus for ``euros`` converted at ``rate`` percent, to the cent."""
    return (euros * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


class SupportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visible_files_filter(user, "beneficiary"))


class Support(TimeStampedModel):
    """What the programme gave a person, for reporting: a Doume social bonus (euros converted,
    the rate of the day and the bonus, all stored so that a later change of
    ``DOUME_SOCIAL_BONUS_RATE`` leaves past bonuses as they were), a food basket, a voucher,
    workshop ingredients…

    The description is shown to the person (their timeline and "Mes données"): no private
    note here, those go in the file's notes."""

    class Kind(models.TextChoices):
        DOUME_BONUS = "doume_bonus", _("Bonus solidaire Doume")
        FOOD_BASKET = "food_basket", _("Colis ou panier alimentaire")
        VOUCHER = "voucher", _("Bon d'achat")
        WORKSHOP_INGREDIENTS = "workshop_ingredients", _("Ingrédients d'atelier")
        OTHER = "other", _("Autre aide")

    beneficiary = models.ForeignKey(
        Beneficiary,
        verbose_name=_("bénéficiaire"),
        on_delete=models.CASCADE,
        related_name="supports",
    )
    kind = models.CharField(_("type d'aide"), max_length=24, choices=Kind)
    given_on = models.DateField(_("date"), default=timezone.localdate)
    euros_converted = models.DecimalField(
        _("euros convertis en Doume"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    bonus_rate = models.DecimalField(
        _("taux du bonus (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    bonus_amount = models.DecimalField(
        _("bonus solidaire (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    amount = models.DecimalField(
        _("montant (€)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=NOT_NEGATIVE,
    )
    partner = models.ForeignKey(
        "partners.Partner",
        verbose_name=_("fournie par"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="supports",
    )
    description = models.CharField(_("précision"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistrée par"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = SupportQuerySet.as_manager()

    class Meta:
        verbose_name = _("aide")
        verbose_name_plural = _("aides")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(amount__isnull=True) | Q(amount__gte=0))
                & (Q(euros_converted__isnull=True) | Q(euros_converted__gte=0))
                & (Q(bonus_rate__isnull=True) | Q(bonus_rate__gte=0))
                & (Q(bonus_amount__isnull=True) | Q(bonus_amount__gte=0)),
                name="support_amounts_not_negative",
                violation_error_message=_("Les montants d'une aide ne sont pas négatifs."),
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="doume_bonus")
                    & Q(euros_converted__isnull=False)
                    & Q(bonus_rate__isnull=False)
                    & Q(bonus_amount__isnull=False)
                    & Q(amount__isnull=True)
                )
                | (
                    ~Q(kind="doume_bonus")
                    & Q(euros_converted__isnull=True)
                    & Q(bonus_rate__isnull=True)
                    & Q(bonus_amount__isnull=True)
                ),
                name="support_doume_bonus_has_conversion",
                violation_error_message=_(
                    "Un bonus Doume a des euros convertis, un taux et un bonus ; "
                    "les autres aides n'en ont pas."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.given_on:%d/%m/%Y})"

    def save(self, *args, **kwargs):
        """Keeps the fields of the kind: a Doume bonus takes the rate of the day when it has
        none yet (an edit keeps the rate it was recorded with) and its bonus is computed;
        other kinds have no conversion."""
        if self.is_doume_bonus:
            if self.bonus_rate is None:
                self.bonus_rate = Decimal(settings.DOUME_SOCIAL_BONUS_RATE)
            if self.euros_converted is not None:
                self.bonus_amount = social_bonus(self.euros_converted, self.bonus_rate)
            self.amount = None
        else:
            self.euros_converted = self.bonus_rate = self.bonus_amount = None
        super().save(*args, **kwargs)

    @property
    def is_doume_bonus(self):
        return self.kind == self.Kind.DOUME_BONUS

    @property
    def value(self):
        """What the support is worth in euros: the bonus for the Doume, else the amount."""
        return self.bonus_amount if self.is_doume_bonus else self.amount
