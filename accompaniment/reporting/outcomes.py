"""Outcome statistics: what the questionnaires say at entry and at exit, and for the people
who took both, how many improved, stayed the same or worsened.

Every figure is a grouped count in the database (four queries whatever the number of files);
every count of people goes through the small-cell rule before it is shown."""

from dataclasses import dataclass

from django.db.models import Count, F, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from accompaniment.models.assessments import (
    PRACTICE_QUESTIONS,
    FoodInsecurityAssessment,
    FoodInsecurityBand,
    Moment,
    PracticesCheckIn,
    fies_band_condition,
)

from .suppression import Cell, suppress_small_cells

COMPARED_MOMENTS = [Moment.ENTRY, Moment.EXIT]
CHANGES = [("improved", _("Amélioration")), ("same", _("Stable")), ("worse", _("Dégradation"))]


@dataclass
class Table:
    """A table of counts of people, ready to show: its cells already suppressed."""

    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]


def _suppressed(title, columns, labelled_counts) -> Table:
    labels = [label for label, _counts in labelled_counts]
    cells = suppress_small_cells([counts for _label, counts in labelled_counts])
    return Table(
        str(title), [str(column) for column in columns], list(zip(labels, cells, strict=True))
    )


def _with_total(counts):
    return [*counts, sum(counts)]


def fies_distribution() -> Table:
    """People in each FIES band at entry and at exit (one query)."""
    bands = list(FoodInsecurityBand)
    rows = {
        row["moment"]: row
        for row in FoodInsecurityAssessment.objects.filter(moment__in=COMPARED_MOMENTS)
        .values("moment")
        .annotate(**{band.value: Count("pk", filter=fies_band_condition(band)) for band in bands})
    }
    return _suppressed(
        _("Insécurité alimentaire (FIES)"),
        [*(band.label for band in bands), _("Total")],
        [
            (moment.label, _with_total([rows.get(moment, {}).get(band.value, 0) for band in bands]))
            for moment in COMPARED_MOMENTS
        ],
    )


def _answer_key(question, value):
    return f"{question.field}_{value}"


def check_in_distributions() -> list[Table]:
    """For each check-in question, people giving each answer at entry and at exit (one query)."""
    counts = {
        _answer_key(question, value): Count("pk", filter=Q(**{question.field: value}))
        for question in PRACTICE_QUESTIONS
        for value in question.scale.values
    }
    rows = {
        row["moment"]: row
        for row in PracticesCheckIn.objects.filter(moment__in=COMPARED_MOMENTS)
        .values("moment")
        .annotate(**counts)
    }
    return [
        _suppressed(
            question.label,
            [*question.scale.labels, _("Total")],
            [
                (
                    moment.label,
                    _with_total(
                        [
                            rows.get(moment, {}).get(_answer_key(question, value), 0)
                            for value in question.scale.values
                        ]
                    ),
                )
                for moment in COMPARED_MOMENTS
            ],
        )
        for question in PRACTICE_QUESTIONS
    ]


def _exit_value(model, field):
    return Subquery(
        model.objects.filter(beneficiary=OuterRef("beneficiary"), moment=Moment.EXIT).values(field)[
            :1
        ]
    )


def _change_counts(field, *, lower_is_better):
    """Improved / same / worse counts of the entry rows annotated with ``exit_<field>``."""
    exit_field = f"exit_{field}"
    better, worse = (f"{exit_field}__lt", f"{exit_field}__gt")
    if not lower_is_better:
        better, worse = worse, better
    return {
        f"{field}_improved": Count("pk", filter=Q(**{better: F(field)})),
        f"{field}_same": Count("pk", filter=Q(**{exit_field: F(field)})),
        f"{field}_worse": Count("pk", filter=Q(**{worse: F(field)})),
    }


def paired_changes() -> Table:
    """For people with an entry and an exit questionnaire, how each measure changed: the FIES
    score (lower is better), then each check-in answer. Two queries."""
    fies = (
        FoodInsecurityAssessment.objects.filter(moment=Moment.ENTRY)
        .annotate(exit_raw_score=_exit_value(FoodInsecurityAssessment, "raw_score"))
        .aggregate(**_change_counts("raw_score", lower_is_better=True))
    )
    check_ins = PracticesCheckIn.objects.filter(moment=Moment.ENTRY).annotate(
        **{
            f"exit_{question.field}": _exit_value(PracticesCheckIn, question.field)
            for question in PRACTICE_QUESTIONS
        }
    )
    practices = check_ins.aggregate(
        **{
            key: count
            for question in PRACTICE_QUESTIONS
            for key, count in _change_counts(
                question.field, lower_is_better=not question.higher_is_better
            ).items()
        }
    )
    measures = [("raw_score", _("Score FIES"), fies)] + [
        (question.field, question.label, practices) for question in PRACTICE_QUESTIONS
    ]
    return _suppressed(
        _("Changement entre l'entrée et la sortie"),
        [*(label for _key, label in CHANGES), _("Personnes avec entrée et sortie")],
        [
            (str(label), _with_total([counts[f"{field}_{key}"] for key, _label in CHANGES]))
            for field, label, counts in measures
        ],
    )


def outcome_statistics() -> dict:
    return {
        "fies_distribution": fies_distribution(),
        "check_in_distributions": check_in_distributions(),
        "paired_changes": paired_changes(),
    }
