from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Beneficiary


class ReminderPauseForm(forms.ModelForm):
    """Pause a person's automatic reminders until a date; empty, they start again."""

    class Meta:
        model = Beneficiary
        fields = ["reminders_paused_until"]
        widgets = {"reminders_paused_until": forms.DateInput(attrs={"type": "date"})}

    def clean_reminders_paused_until(self):
        until = self.cleaned_data["reminders_paused_until"]
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError(
                _("Choisissez une date à venir, ou laissez vide pour reprendre les rappels.")
            )
        return until
