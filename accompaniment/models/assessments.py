"""Outcome measurement: short questionnaires taken at entry, during and at exit.

Two instruments:

- the FAO Food Insecurity Experience Scale (FIES): eight yes/no questions in the FAO's own
  wording, a raw score from 0 to 8 (the number of "yes") and the usual bands;
- a food-practices check-in of six questions, each on a short scale in plain words, that the
  person may also fill in on their portal.

A file has at most one entry and one exit assessment of each instrument (the paired change
compares them); "during" assessments are as many as needed."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Case, Q, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary
from soli_dome.models import TimeStampedModel

from .plans import visible_files_filter


class Moment(models.TextChoices):
    ENTRY = "entry", _("Entrée")
    DURING = "during", _("En cours")
    EXIT = "exit", _("Sortie")


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(visible_files_filter(user, "beneficiary"))


class Assessment(TimeStampedModel):
    """What every questionnaire has: whose, when, at which moment, recorded by whom."""

    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name=_("bénéficiaire"), on_delete=models.CASCADE, related_name="+"
    )
    moment = models.CharField(_("moment"), max_length=6, choices=Moment, default=Moment.DURING)
    taken_on = models.DateField(_("date"), default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enregistré par"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["taken_on", "pk"]

    @property
    def is_filled_by_person(self):
        """Filled in by the person on their portal rather than recorded by staff."""
        return self.recorded_by_id is not None and self.recorded_by_id == self.beneficiary.user_id


def one_entry_and_one_exit(name):
    return models.UniqueConstraint(
        fields=["beneficiary", "moment"],
        condition=Q(moment__in=[Moment.ENTRY, Moment.EXIT]),
        name=name,
        violation_error_message=_(
            "Ce questionnaire a déjà été rempli à ce moment (entrée ou sortie) : "
            "modifiez celui qui existe ou choisissez « En cours »."
        ),
    )


# FIES ------------------------------------------------------------------------------------

# The FAO's eight questions (Voices of the Hungry, FIES survey module), in its French and
# English wording, introduced by FIES_INTRODUCTION. The order is the scale's: keep it.
FIES_INTRODUCTION = _(
    "Au cours des 12 derniers mois, vous êtes-vous trouvé(e) dans une situation où, "
    "faute d’argent ou d’autres moyens :"
)
FIES_QUESTIONS = [
    ("worried", _("vous avez eu peur de ne plus avoir assez à manger ?")),
    ("healthy", _("vous ne pouviez pas manger des aliments nourrissants et bons pour la santé ?")),
    ("few_foods", _("vous mangiez presque toujours la même chose ?")),
    ("skipped", _("vous avez dû sauter un repas ?")),
    ("ate_less", _("vous n’avez pas mangé autant qu’il aurait fallu ?")),
    ("ran_out", _("il n’y avait plus rien à manger à la maison ?")),
    ("hungry", _("vous aviez faim mais vous n’avez pas mangé ?")),
    ("whole_day", _("vous n’avez rien mangé de toute la journée ?")),
]
FIES_FIELDS = [name for name, _label in FIES_QUESTIONS]


class FoodInsecurityBand(models.TextChoices):
    """The usual reading of the FIES raw score."""

    SECURE = "secure", _("Sécurité alimentaire (0)")
    MILD = "mild", _("Insécurité légère (1 à 3)")
    MODERATE = "moderate", _("Insécurité modérée (4 à 6)")
    SEVERE = "severe", _("Insécurité grave (7 à 8)")


# (band, lowest score, highest score), in the order of the scale.
FIES_BAND_RANGES = [
    (FoodInsecurityBand.SECURE, 0, 0),
    (FoodInsecurityBand.MILD, 1, 3),
    (FoodInsecurityBand.MODERATE, 4, 6),
    (FoodInsecurityBand.SEVERE, 7, 8),
]


def fies_score(answers: dict[str, bool]) -> int:
    """The raw score: the number of questions answered "yes"."""
    return sum(1 for name in FIES_FIELDS if answers.get(name))


def fies_band(score: int) -> FoodInsecurityBand:
    for band, low, high in FIES_BAND_RANGES:
        if low <= score <= high:
            return band
    raise ValueError(f"A FIES raw score is between 0 and 8, not {score}.")


def fies_band_condition(band: FoodInsecurityBand, field: str = "raw_score") -> Q:
    """The rows whose score (``field``) falls in ``band``: for grouped counts in the database."""
    low, high = next((low, high) for b, low, high in FIES_BAND_RANGES if b == band)
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


def fies_band_expression(field: str = "raw_score") -> Case:
    return Case(
        *(
            When(fies_band_condition(band, field), then=Value(band.value))
            for band in FoodInsecurityBand
        ),
        output_field=models.CharField(),
    )


def _yes_no(label):
    return models.BooleanField(label, default=False)


class FoodInsecurityAssessment(Assessment):
    """One FIES questionnaire. ``raw_score`` is kept by ``save()`` so that the statistics count
    bands in the database."""

    worried = _yes_no(FIES_QUESTIONS[0][1])
    healthy = _yes_no(FIES_QUESTIONS[1][1])
    few_foods = _yes_no(FIES_QUESTIONS[2][1])
    skipped = _yes_no(FIES_QUESTIONS[3][1])
    ate_less = _yes_no(FIES_QUESTIONS[4][1])
    ran_out = _yes_no(FIES_QUESTIONS[5][1])
    hungry = _yes_no(FIES_QUESTIONS[6][1])
    whole_day = _yes_no(FIES_QUESTIONS[7][1])
    raw_score = models.PositiveSmallIntegerField(_("score brut (0 à 8)"), editable=False)

    class Meta(Assessment.Meta):
        verbose_name = _("questionnaire d'insécurité alimentaire (FIES)")
        verbose_name_plural = _("questionnaires d'insécurité alimentaire (FIES)")
        constraints = [
            one_entry_and_one_exit("fies_one_entry_and_one_exit"),
            models.CheckConstraint(
                condition=Q(raw_score__lte=8),
                name="fies_raw_score_at_most_8",
                violation_error_message=_("Le score brut FIES va de 0 à 8."),
            ),
        ]
        indexes = [models.Index(fields=["moment", "beneficiary"], name="fies_moment_file")]

    def __str__(self):
        return _("FIES du %(date)s : %(score)d/8") % {
            "date": self.taken_on.strftime("%d/%m/%Y"),
            "score": self.raw_score,
        }

    def save(self, *args, **kwargs):
        self.raw_score = fies_score({name: getattr(self, name) for name in FIES_FIELDS})
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "raw_score"}
        super().save(*args, **kwargs)

    @property
    def band(self) -> FoodInsecurityBand:
        return fies_band(self.raw_score)


# Food-practices check-in -----------------------------------------------------------------


class Frequency(models.IntegerChoices):
    NEVER = 1, _("Jamais")
    RARELY = 2, _("Rarement")
    SOMETIMES = 3, _("Parfois")
    OFTEN = 4, _("Souvent")
    VERY_OFTEN = 5, _("Très souvent")


class Confidence(models.IntegerChoices):
    NOT_AT_ALL = 1, _("Pas du tout")
    A_LITTLE = 2, _("Un peu")
    RATHER = 3, _("Plutôt")
    FULLY = 4, _("Tout à fait")


@dataclass(frozen=True)
class PracticeQuestion:
    field: str
    label: Promise  # for staff and the statistics
    plain_label: Promise  # the question as the person reads it on their portal
    scale: type[models.IntegerChoices]
    higher_is_better: bool = True


PRACTICE_QUESTIONS = [
    PracticeQuestion(
        "home_cooking",
        _("Cuisine à la maison"),
        _("Vous cuisinez vous-même vos repas ?"),
        Frequency,
    ),
    PracticeQuestion(
        "fresh_seasonal",
        _("Produits frais et de saison"),
        _("Vous mangez des fruits et légumes frais, de saison ?"),
        Frequency,
    ),
    PracticeQuestion(
        "local_products",
        _("Produits locaux"),
        _("Vous achetez des produits faits près d'ici (producteurs, marchés) ?"),
        Frequency,
    ),
    PracticeQuestion(
        "skipped_meals",
        _("Repas sautés"),
        _("Il vous arrive de sauter un repas ?"),
        Frequency,
        higher_is_better=False,
    ),
    PracticeQuestion(
        "cooking_confidence",
        _("Confiance en cuisine"),
        _("Vous vous sentez capable de préparer un repas simple ?"),
        Confidence,
    ),
    PracticeQuestion(
        "doume_use",
        _("Utilisation de la Doume"),
        _("Vous payez avec la Doume, la monnaie locale ?"),
        Frequency,
    ),
]
PRACTICE_FIELDS = [question.field for question in PRACTICE_QUESTIONS]


def _answer(question):
    return models.PositiveSmallIntegerField(question.label, choices=question.scale)


class PracticesCheckIn(Assessment):
    """A short check-in on food practices; the person may fill it in on their portal."""

    home_cooking = _answer(PRACTICE_QUESTIONS[0])
    fresh_seasonal = _answer(PRACTICE_QUESTIONS[1])
    local_products = _answer(PRACTICE_QUESTIONS[2])
    skipped_meals = _answer(PRACTICE_QUESTIONS[3])
    cooking_confidence = _answer(PRACTICE_QUESTIONS[4])
    doume_use = _answer(PRACTICE_QUESTIONS[5])

    class Meta(Assessment.Meta):
        verbose_name = _("point sur les habitudes alimentaires")
        verbose_name_plural = _("points sur les habitudes alimentaires")
        constraints = [
            one_entry_and_one_exit("checkin_one_entry_and_one_exit"),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{q.field}__gte": min(q.scale.values)})
                    & Q(**{f"{q.field}__lte": max(q.scale.values)}),
                    name=f"checkin_{q.field}_on_scale",
                    violation_error_message=_("Réponse hors de l'échelle."),
                )
                for q in PRACTICE_QUESTIONS
            ),
        ]
        indexes = [models.Index(fields=["moment", "beneficiary"], name="checkin_moment_file")]

    def __str__(self):
        return _("Point habitudes du %(date)s") % {"date": self.taken_on.strftime("%d/%m/%Y")}

    def answer_label(self, question: PracticeQuestion) -> str:
        return question.scale(getattr(self, question.field)).label
