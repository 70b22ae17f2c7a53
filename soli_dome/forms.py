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
