"""Outcome questionnaires of one file: recording them (journalled on the file) and the
person's own trend. Unlike the plan, a closed file still takes its exit questionnaire."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accompaniment.models.assessments import (
    FIES_BAND_RANGES,
    PRACTICE_QUESTIONS,
    FoodInsecurityAssessment,
    Moment,
    PracticesCheckIn,
)
from soli_dome.audit.models import AuditEntry, record

# The trend chart's drawing box, in SVG user units (it scales to the card's width).
CHART_WIDTH, CHART_HEIGHT, CHART_MARGIN = 320, 136, 16
FIES_MAX = 8
# A file shows its latest questionnaires of each kind; a long accompaniment has more.
TREND_SIZE = 8


def _journal(by, beneficiary, event, assessment):
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        event=event,
        questionnaire=type(assessment).__name__,
        moment=assessment.moment,
    )


@transaction.atomic
def save_assessment(*, form, by):
    """A questionnaire recorded or corrected by staff (the form's instance has its file)."""
    is_new = form.instance.pk is None
    assessment = form.save(commit=False)
    if is_new:
        assessment.recorded_by = by
    assessment.save()
    if is_new:
        _journal(by, assessment.beneficiary, "assessment.added", assessment)
    else:
        _journal(by, assessment.beneficiary, "assessment.changed", assessment)
    return assessment


@transaction.atomic
def record_own_check_in(*, beneficiary, form, by):
    """A check-in the person filled in on their portal: their first one is the entry one."""
    check_in = form.save(commit=False)
    check_in.beneficiary = beneficiary
    check_in.recorded_by = by
    check_in.taken_on = timezone.localdate()
    has_entry = PracticesCheckIn.objects.filter(
        beneficiary=beneficiary, moment=Moment.ENTRY
    ).exists()
    check_in.moment = Moment.DURING if has_entry else Moment.ENTRY
    check_in.save()
    _journal(by, beneficiary, "assessment.filled_in_by_the_person", check_in)
    return check_in


@dataclass
class TrendPoint:
    assessment: FoodInsecurityAssessment
    x: float
    y: float


@dataclass
class BandStripe:
    band: str
    label: str
    y: float
    height: float


def _y(score: float) -> float:
    inner = CHART_HEIGHT - 2 * CHART_MARGIN
    return round(CHART_MARGIN + inner * (1 - score / FIES_MAX), 1)


def fies_trend(assessments: list[FoodInsecurityAssessment]) -> dict:
    """What the file's small chart draws: one point per questionnaire in date order, evenly
    spaced, over stripes for the bands (a lower score is better)."""
    inner_width = CHART_WIDTH - 2 * CHART_MARGIN
    step = inner_width / (len(assessments) - 1) if len(assessments) > 1 else 0
    points = [
        TrendPoint(
            assessment,
            round(CHART_MARGIN + (index * step if step else inner_width / 2), 1),
            _y(assessment.raw_score),
        )
        for index, assessment in enumerate(assessments)
    ]
    stripes = []
    for band, low, high in FIES_BAND_RANGES:
        top, bottom = _y(min(high + 0.5, FIES_MAX)), _y(max(low - 0.5, 0))
        stripes.append(BandStripe(band.value, band.label, top, round(bottom - top, 1)))
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "points": points,
        "polyline": " ".join(f"{point.x},{point.y}" for point in points),
        "stripes": stripes,
    }


def _latest(model, beneficiary, user):
    rows = (
        model.objects.visible_to(user)
        .filter(beneficiary=beneficiary)
        .select_related("recorded_by")
        .order_by("-taken_on", "-pk")[:TREND_SIZE]
    )
    return list(reversed(rows))


def outcomes_of(beneficiary, *, user) -> dict:
    """The file's latest questionnaires (``TREND_SIZE`` of each instrument), in date order,
    scoped to what ``user`` may see: two queries whatever their number."""
    fies = _latest(FoodInsecurityAssessment, beneficiary, user)
    check_ins = _latest(PracticesCheckIn, beneficiary, user)
    return {
        "fies": fies,
        "check_ins": check_ins,
        "trend": fies_trend(fies),
        "questions": PRACTICE_QUESTIONS,
        "answer_rows": [
            (question, [check_in.answer_label(question) for check_in in check_ins])
            for question in PRACTICE_QUESTIONS
        ],
    }
