import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import Referral, Theme
from accompaniment.services.referrals import has_sharing_consent, may_override_consent
from partners.choosers import PartnerChooserField
from partners.models import Partner

NO_CONSENT = _(
    "La personne n'a pas donné son accord pour partager ses informations avec un partenaire. "
    "Enregistrez d'abord son consentement sur le dossier."
)
OVERRIDE_NEEDS_REASON = _(
    "Sans consentement enregistré, expliquez pourquoi l'orientation ne peut pas attendre."
)


class ReferralForm(forms.ModelForm):
    """Referring a person to a partner. Without the person's recorded consent to share, the
    referral is refused, unless a coordinator writes down why it cannot wait."""

    shared_fields = forms.MultipleChoiceField(
        label=_("Informations partagées en plus du prénom"),
        choices=Referral.SharedField,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ne cochez que ce dont le partenaire a besoin pour ce besoin."),
    )

    class Meta:
        model = Referral
        fields = ["partner", "theme", "message", "shared_fields", "consent_override_reason"]
        field_classes = {"partner": PartnerChooserField}
        widgets = {
            "message": forms.Textarea(attrs={"rows": 4}),
            "consent_override_reason": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, beneficiary, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_consent = has_sharing_consent(beneficiary)
        self.fields["partner"].queryset = Partner.objects.visible_to(user).active()
        self.fields["theme"].queryset = Theme.objects.filter(is_active=True)
        self.fields["theme"].required = True
        self.fields["theme"].label = _("Besoin")
        self.can_override = may_override_consent(user)
        if self.has_consent or not self.can_override:
            del self.fields["consent_override_reason"]
        else:
            self.fields["consent_override_reason"].help_text = _(
                "Le consentement de la personne n'est pas enregistré. En tant que "
                "coordinateur·rice, vous pouvez orienter quand même en le justifiant ; "
                "la justification est gardée au dossier."
            )

    def clean(self):
        cleaned = super().clean()
        if self.has_consent:
            return cleaned
        if not self.can_override:
            self.add_error("shared_fields", NO_CONSENT)
        elif not cleaned.get("consent_override_reason", "").strip():
            self.add_error("consent_override_reason", OVERRIDE_NEEDS_REASON)
        return cleaned


class InboundReferralForm(forms.ModelForm):
    """The person was referred to the programme by a partner."""

    referred_on = forms.DateField(
        label=_("Date de l'orientation"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = Referral
        fields = ["partner", "theme", "message"]
        field_classes = {"partner": PartnerChooserField}
        labels = {
            "partner": _("Orienté·e vers le programme par"),
            "theme": _("Besoin (facultatif)"),
            "message": _("Ce que le partenaire a transmis (facultatif)"),
        }
        help_texts = {"message": ""}
        widgets = {"message": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.visible_to(user)
        self.fields["theme"].queryset = Theme.objects.filter(is_active=True)
        self.fields["referred_on"].initial = timezone.localdate()
        self.order_fields(["partner", "referred_on", "theme", "message"])

    def clean_referred_on(self):
        day = self.cleaned_data["referred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("La date ne peut pas être dans le futur."))
        return day

    def save(self, commit=True):
        referral = super().save(commit=False)
        day = self.cleaned_data["referred_on"]
        referral.sent_at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
        if commit:
            referral.save()
        return referral


class PartnerAnswerForm(forms.Form):
    """The partner's answer through the link; the button pressed gives the ``action``."""

    ACTIONS = {
        "accept": Referral.Status.ACCEPTED,
        "refuse": Referral.Status.REFUSED,
        "done": Referral.Status.DONE,
    }

    action = forms.ChoiceField(
        choices=[("accept", _("Accepter")), ("refuse", _("Refuser")), ("done", _("Réalisée"))],
        widget=forms.HiddenInput,
    )
    text = forms.CharField(
        label=_("Votre message au programme"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Obligatoire pour un refus : le motif sera transmis à l'accompagnateur·rice."),
    )

    def __init__(self, *args, referral, **kwargs):
        super().__init__(*args, **kwargs)
        self.referral = referral

    def clean(self):
        cleaned = super().clean()
        status = self.ACTIONS.get(cleaned.get("action"))
        if status == Referral.Status.REFUSED and not cleaned.get("text", "").strip():
            self.add_error("text", _("Indiquez le motif du refus."))
        if status == Referral.Status.ACCEPTED and self.referral.status != Referral.Status.SENT:
            self.add_error(None, _("Cette orientation est déjà acceptée."))
        cleaned["status"] = status
        return cleaned
