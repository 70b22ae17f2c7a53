from django import forms
from django.utils.translation import gettext_lazy as _

from soli_dome.users.models import User


class StaffPreferencesForm(forms.ModelForm):
    """A staff member's own choices about the e-mails the platform sends them."""

    class Meta:
        model = User
        fields = ["wants_digest", "language"]
        labels = {"language": _("Langue des e-mails")}
        widgets = {"language": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        digest = self.fields["wants_digest"]
        if self.instance.role == User.Role.COORDINATOR:
            digest.label = _("Recevoir le résumé de la semaine, le lundi")
            digest.help_text = _(
                "Personnes sans accompagnateur·rice ou sans nouvelles, partenaires à revoir, "
                "messages en échec, dossiers en fin de conservation."
            )
        else:
            digest.label = _("Recevoir le résumé du jour, le matin")
            digest.help_text = _(
                "Vos séances du jour, les personnes sans nouvelles, les orientations en "
                "attente et les objectifs à échéance. Il ne part que s'il y a quelque chose à "
                "dire."
            )
