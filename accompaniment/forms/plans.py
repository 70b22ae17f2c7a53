from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import Goal, Note, Step, Theme
from soli_dome.forms import VersionedForm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class GoalForm(VersionedForm):
    class Meta:
        model = Goal
        fields = ["theme", "title", "target_date"]
        widgets = {"target_date": DATE_WIDGET}
        help_texts = {"title": _("Formulé avec la personne, avec ses mots.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A withdrawn theme is no longer offered, but a goal that already has it keeps it.
        themes = Q(is_active=True)
        if self.instance.theme_id:
            themes |= Q(pk=self.instance.theme_id)
        self.fields["theme"].queryset = Theme.objects.filter(themes)
        self.fields["theme"].empty_label = _("Choisir un thème")


class StepForm(VersionedForm):
    class Meta:
        model = Step
        fields = ["title", "owner", "due_date"]
        widgets = {"due_date": DATE_WIDGET}


class GoalStatusForm(forms.Form):
    """A goal's new status. Marking it achieved while some of its steps are still to do asks
    first: ``pending_steps`` then lists them, and the form needs ``confirmed``."""

    status = forms.ChoiceField(choices=Goal.Status)
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, goal, **kwargs):
        super().__init__(*args, **kwargs)
        self.goal = goal
        self.pending_steps = []

    def clean_status(self):
        status = self.cleaned_data["status"]
        if status == self.goal.status:
            raise forms.ValidationError(_("L'objectif est déjà dans cet état."))
        return status

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Goal.Status.ACHIEVED and not cleaned.get("confirmed"):
            self.pending_steps = list(self.goal.steps.pending())
            if self.pending_steps:
                raise forms.ValidationError(
                    _("Des actions de cet objectif sont encore à faire."), code="open_steps"
                )
        return cleaned


class MoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", _("Monter")), ("down", _("Descendre"))])


class StepDoneForm(forms.Form):
    done = forms.TypedChoiceField(choices=[("1", _("Fait")), ("0", _("À faire"))], coerce=int)


class NoteForm(forms.ModelForm):
    class Meta:
        model = Note
        fields = ["text", "happened_on", "is_contact"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3}), "happened_on": DATE_WIDGET}
        help_texts = {
            "is_contact": _(
                "Cochez s'il s'agit d'un échange avec la personne (appel, message…) : la date "
                "de dernier contact du dossier est mise à jour."
            ),
            "text": _("Réservée à l'équipe : jamais montrée à la personne."),
        }

    def clean_happened_on(self):
        happened_on = self.cleaned_data["happened_on"]
        if happened_on > timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        return happened_on


class OwnStepForm(forms.ModelForm):
    """A step the person adds to their own plan, from their portal: done by them."""

    class Meta:
        model = Step
        fields = ["title", "due_date"]
        widgets = {"due_date": DATE_WIDGET}
        labels = {"title": _("Ce que je veux faire"), "due_date": _("Pour quand (pas obligé)")}

    def save(self, commit=True):
        self.instance.owner = Step.Owner.BENEFICIARY
        return super().save(commit)
