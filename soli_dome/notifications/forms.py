from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Notification, SmsBudget


class NotificationFilterForm(forms.Form):
    statut = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + Notification.Status.choices
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Tous"))] + Notification.Kind.choices
    )
    canal = forms.ChoiceField(
        label=_("Canal"), required=False, choices=[("", _("Tous"))] + Notification.Channel.choices
    )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        lookups = {"statut": "status", "type": "kind", "canal": "channel"}
        for name, field in lookups.items():
            if self.cleaned_data[name]:
                queryset = queryset.filter(**{field: self.cleaned_data[name]})
        return queryset


class SmsBudgetForm(forms.ModelForm):
    class Meta:
        model = SmsBudget
        fields = ["monthly_limit", "over_limit"]
        widgets = {"over_limit": forms.RadioSelect}
        help_texts = {
            "monthly_limit": _(
                "Nombre de SMS prévus au budget chaque mois. La page des messages vous "
                "prévient à l'approche."
            ),
            "over_limit": _(
                "Les SMS retenus apparaissent sur la page des messages : vous pouvez les "
                "laisser partir à tout moment."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["over_limit"].required = False

    def clean_over_limit(self):
        return self.cleaned_data["over_limit"] or self.instance.over_limit
