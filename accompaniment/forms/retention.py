from django import forms
from django.utils.translation import gettext_lazy as _


class AnonymiseForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=150,
        help_text=_(
            "Noté dans le journal, par exemple « demande d'effacement vérifiée ». "
            "N'écrivez pas le nom de la personne."
        ),
    )
