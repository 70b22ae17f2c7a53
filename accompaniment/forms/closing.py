from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import ExitReview
from beneficiaries.models import Beneficiary


class CloseFileForm(forms.ModelForm):
    """Closing a file: the exit reason and the end-of-accompaniment review, together."""

    exit_reason = forms.ChoiceField(label=_("Motif de sortie"), choices=Beneficiary.ExitReason)

    class Meta:
        model = ExitReview
        fields = ["closed_on", "exit_reason", "goals_outcome", "what_changed", "next_destination"]
        widgets = {
            "closed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "goals_outcome": forms.RadioSelect,
            "what_changed": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.beneficiary = beneficiary
        self.fields["closed_on"].initial = timezone.localdate()
        # Radio buttons need no empty "---------" choice: the question is required.
        self.fields["goals_outcome"].choices = ExitReview.GoalsOutcome.choices
        self.order_fields(self.Meta.fields)

    def clean_closed_on(self):
        closed_on = self.cleaned_data["closed_on"]
        if closed_on < self.beneficiary.entry_date:
            raise forms.ValidationError(
                _("La date de clôture ne peut pas précéder l'entrée (%(date)s).")
                % {"date": self.beneficiary.entry_date.strftime("%d/%m/%Y")}
            )
        if closed_on > timezone.localdate():
            raise forms.ValidationError(_("La date de clôture ne peut pas être dans le futur."))
        return closed_on
