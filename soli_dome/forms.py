import datetime

from django import forms
from django.utils.translation import gettext_lazy as _


class VersionedForm(forms.ModelForm):
    """Refuses to save over a change someone else made since the form was shown (optimistic
    locking on ``updated_at``); what the person typed stays in the re-rendered form.

    Views lock the row (``select_for_update``) while validating and saving, so two saves cannot
    both pass the check."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.updated_at.isoformat()
        else:
            del self.fields["version"]

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version") != self._stored_version():
            raise forms.ValidationError(
                _(
                    "Quelqu'un d'autre a enregistré une modification pendant votre saisie. Vos "
                    "changements ne sont pas enregistrés, mais votre texte est conservé "
                    "ci-dessous : ouvrez la page dans un autre onglet pour voir la dernière "
                    "version, puis enregistrez à nouveau."
                ),
                code="concurrent_edit",
            )
        return cleaned

    def _stored_version(self):
        stored = type(self.instance).objects.filter(pk=self.instance.pk).values_list("updated_at")
        return stored.get()[0].isoformat()


EARLIEST_DATE = datetime.date(1900, 1, 1)
LATEST_DATE = datetime.date(2100, 12, 31)


def validate_plausible_date(value: datetime.date) -> None:
    """Refuses a date far outside the programme's life (year 1, 9999): computing a period's
    end from it overflows Python's dates, which would be a server error."""
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise forms.ValidationError(
            _("Indiquez une date entre %(earliest)s et %(latest)s."),
            code="implausible_date",
            params={"earliest": EARLIEST_DATE.year, "latest": LATEST_DATE.year},
        )
