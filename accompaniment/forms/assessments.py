"""The two outcome questionnaires: recorded by staff from the file, and the food-practices
check-in filled in by the person on their portal. Every question must be answered: a
questionnaire with gaps cannot be compared with the next one."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models.assessments import (
    FIES_FIELDS,
    FIES_INTRODUCTION,
    FIES_QUESTIONS,
    PRACTICE_FIELDS,
    PRACTICE_QUESTIONS,
    FoodInsecurityAssessment,
    Moment,
    PracticesCheckIn,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("yes", _("Oui")), ("no", _("Non"))]


class AssessmentFormMixin:
    """The view builds the form on an instance whose file is set, so that "one entry and one
    exit per file" is told next to the moment rather than failing at the save."""

    def clean(self):
        cleaned = super().clean()
        moment = cleaned.get("moment")
        if moment in {Moment.ENTRY, Moment.EXIT}:
            taken = (
                type(self.instance)
                .objects.filter(beneficiary_id=self.instance.beneficiary_id, moment=moment)
                .exclude(pk=self.instance.pk)
            )
            if taken.exists():
                self.add_error(
                    "moment",
                    _(
                        "Ce questionnaire a déjà été rempli à ce moment (entrée ou sortie) : "
                        "modifiez celui qui existe ou choisissez « En cours »."
                    ),
                )
        return cleaned

    def clean_taken_on(self):
        taken_on = self.cleaned_data["taken_on"]
        if taken_on > timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        return taken_on


class FoodInsecurityForm(AssessmentFormMixin, forms.ModelForm):
    """The FIES: each question asked as the FAO words it, answered yes or no."""

    introduction = FIES_INTRODUCTION

    class Meta:
        model = FoodInsecurityAssessment
        fields = ["moment", "taken_on", *FIES_FIELDS]
        widgets = {"taken_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for number, (name, label) in enumerate(FIES_QUESTIONS, start=1):
            initial = None
            if self.instance.pk:
                initial = "yes" if getattr(self.instance, name) else "no"
            self.fields[name] = forms.TypedChoiceField(
                label=f"{number}. {label}",
                choices=YES_NO,
                coerce=lambda value: value == "yes",
                widget=forms.RadioSelect,
                initial=initial,
                error_messages={"required": _("Répondez oui ou non.")},
            )


def _answer_field(question, *, plain):
    return forms.TypedChoiceField(
        label=question.plain_label if plain else question.label,
        choices=question.scale.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez une réponse.")},
    )


class PracticesCheckInForm(AssessmentFormMixin, forms.ModelForm):
    """The check-in as staff record it (with the moment and the date)."""

    plain = False

    class Meta:
        model = PracticesCheckIn
        fields = ["moment", "taken_on", *PRACTICE_FIELDS]
        widgets = {"taken_on": DATE_WIDGET}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for question in PRACTICE_QUESTIONS:
            field = _answer_field(question, plain=self.plain)
            field.initial = getattr(self.instance, question.field)
            self.fields[question.field] = field


class OwnCheckInForm(PracticesCheckInForm):
    """The check-in as the person fills it in: the questions only, in plain words; the moment
    and the date are the platform's."""

    plain = True

    class Meta(PracticesCheckInForm.Meta):
        fields = PRACTICE_FIELDS
