from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from soli_dome.forms import VersionedForm
from soli_dome.phone import sms_number, to_e164
from soli_dome.sorting import Folded
from soli_dome.users.models import User

from .models import Beneficiary, Commune, Consent, ContactChangeRequest

# Below this age a birth date is a typing mistake (the programme serves 16-25 and seniors).
MINIMUM_AGE = 10


class BeneficiaryFilterForm(forms.Form):
    """Search and filters of the beneficiary list. Every field is optional."""

    SORTS = {
        "name": [Folded("last_name").asc(), Folded("first_name").asc()],
        "-last_contact": [F("last_contact_on").asc(nulls_first=True), Folded("last_name").asc()],
        "last_contact": [F("last_contact_on").desc(nulls_last=True), Folded("last_name").asc()],
        "-entry": [F("entry_date").desc(), Folded("last_name").asc()],
    }

    q = forms.CharField(label=_("Nom ou téléphone"), required=False)
    public = forms.ChoiceField(
        label=_("Public"), required=False, choices=[("", _("Tous"))] + Beneficiary.Public.choices
    )
    status = forms.ChoiceField(
        label=_("Statut"), required=False, choices=[("", _("Tous"))] + Beneficiary.Status.choices
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), required=False, queryset=Commune.objects.all(), empty_label=_("Toutes")
    )
    accompanier = forms.ModelChoiceField(
        label=_("Accompagnateur·rice"),
        required=False,
        queryset=User.objects.filter(role=User.Role.ACCOMPANIER, is_active=True),
        empty_label=_("Tous"),
    )
    sort = forms.ChoiceField(
        label=_("Trier par"),
        required=False,
        choices=[
            ("name", _("Nom")),
            ("-last_contact", _("Dernier contact le plus ancien")),
            ("last_contact", _("Dernier contact le plus récent")),
            ("-entry", _("Entrée la plus récente")),
        ],
    )

    def filter(self, queryset):
        data = self.cleaned_data
        queryset = queryset.search(data["q"])
        if data["public"]:
            queryset = queryset.of_public(data["public"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["commune"]:
            queryset = queryset.filter(commune=data["commune"])
        if data["accompanier"]:
            queryset = queryset.filter(assignments__accompanier=data["accompanier"])
        return queryset.order_by(*self.SORTS.get(data["sort"] or "name"))


class BeneficiaryForm(VersionedForm):
    """Create or edit a file. Two soft checks ask for an explicit confirmation instead of
    refusing: a birth date outside the programme's publics, and a likely duplicate."""

    confirm_outside_public = forms.BooleanField(
        label=_("Je confirme l'accompagnement de cette personne hors des publics du programme"),
        required=False,
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("Je confirme qu'il s'agit d'une autre personne"), required=False
    )
    primary_accompanier = forms.ModelChoiceField(
        label=_("Accompagnateur·rice principal·e"),
        queryset=User.objects.filter(role=User.Role.ACCOMPANIER, is_active=True),
        required=False,
        empty_label=_("À désigner plus tard"),
    )

    class Meta:
        model = Beneficiary
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "gender",
            "phone",
            "email",
            "preferred_channel",
            "reminder_channel",
            "commune",
            "household",
            "housing",
            "main_activity",
            "resources",
            "entry_date",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "entry_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.duplicates = []
        self.fields["commune"].empty_label = _("Autre commune (hors métropole)")
        self.fields["phone"].help_text = _("Par exemple 06 12 34 56 78.")
        if self.instance.pk:
            self.fields["phone"].initial = self.instance.phone_display
        if not (user.is_coordinator and not self.instance.pk):
            del self.fields["primary_accompanier"]
        # Kept as it is when left out (older forms, imports posting only the contact fields).
        self.fields["reminder_channel"].required = False

    def clean_reminder_channel(self):
        return self.cleaned_data["reminder_channel"] or self.instance.reminder_channel

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return to_e164(phone) if phone else ""

    def clean_email(self):
        """The e-mail of a file with a portal account is also its login address (see
        ``update_beneficiary``): it cannot be another account's."""
        email = self.cleaned_data["email"]
        user_id = self.instance.user_id
        if (
            email
            and user_id
            and User.objects.filter(email__iexact=email).exclude(pk=user_id).exists()
        ):
            raise forms.ValidationError(_("Cette adresse e-mail est déjà celle d'un autre compte."))
        return email

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if birth_date > today:
            raise forms.ValidationError(_("La date de naissance ne peut pas être dans le futur."))
        if Beneficiary(birth_date=birth_date).age(today) < MINIMUM_AGE:
            raise forms.ValidationError(
                _("Une personne accompagnée a au moins %(age)s ans : vérifiez l'année.")
                % {"age": MINIMUM_AGE}
            )
        return birth_date

    def clean(self):
        cleaned = super().clean()
        wants_sms = Beneficiary.Channel.SMS in {
            cleaned.get("preferred_channel"),
            cleaned.get("reminder_channel"),
        }
        if wants_sms and cleaned.get("phone"):
            try:
                sms_number(cleaned["phone"])
            except forms.ValidationError as error:
                self.add_error("phone", error)
        if cleaned.get("birth_date") and not self.errors:
            self._check_public(cleaned)
            self._check_duplicates(cleaned)
        return cleaned

    def _check_public(self, cleaned):
        candidate = Beneficiary(birth_date=cleaned["birth_date"])
        if not candidate.is_eligible and not cleaned.get("confirm_outside_public"):
            self.add_error(
                "confirm_outside_public",
                _(
                    "Cette personne a %(age)s ans : hors des publics du programme (jeunes de "
                    "16 à 25 ans, seniors). Cochez la case pour confirmer."
                )
                % {"age": candidate.age()},
            )

    def _check_duplicates(self, cleaned):
        candidate = Beneficiary(
            pk=self.instance.pk,
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
            birth_date=cleaned["birth_date"],
            phone=cleaned.get("phone", ""),
            email=cleaned.get("email", ""),
        )
        duplicates = list(Beneficiary.objects.likely_duplicates_of(candidate)[:5])
        visible_pks = set(
            Beneficiary.objects.visible_to(self.user)
            .filter(pk__in=[duplicate.pk for duplicate in duplicates])
            .values_list("pk", flat=True)
        )
        # A file the person may not open is mentioned without a link or a name.
        self.duplicates = [
            (duplicate, duplicate.pk in visible_pks, candidate.resemblances(duplicate))
            for duplicate in duplicates
        ]
        if self.duplicates and not cleaned.get("confirm_not_duplicate"):
            self.add_error(
                "confirm_not_duplicate",
                _(
                    "Un dossier ressemblant existe déjà. Vérifiez-le, puis cochez la case si "
                    "c'est bien une autre personne."
                ),
            )


class AssignmentForm(forms.Form):
    accompanier = forms.ModelChoiceField(
        label=_("Accompagnateur·rice"),
        queryset=User.objects.filter(role=User.Role.ACCOMPANIER, is_active=True),
    )
    is_primary = forms.BooleanField(label=_("Référent·e principal·e"), required=False)
    # Less data: by default the former primary accompanier no longer sees the file.
    former_keeps_access = forms.BooleanField(
        label=_("L'ancien·ne principal·e garde l'accès au dossier"),
        required=False,
        help_text=_("Sans cette case, il ou elle ne voit plus le dossier."),
    )


class StatusChangeForm(forms.Form):
    """The status changes open to a file, by its current status (closing has its own form)."""

    ALLOWED = {
        Beneficiary.Status.PROSPECT: {"activate"},
        Beneficiary.Status.ACTIVE: {"pause"},
        Beneficiary.Status.PAUSED: {"activate"},
        Beneficiary.Status.CLOSED: {"reopen"},
    }

    action = forms.ChoiceField(
        choices=[("activate", "activate"), ("pause", "pause"), ("reopen", "reopen")]
    )

    def __init__(self, *args, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        self.beneficiary = beneficiary

    def clean_action(self):
        action = self.cleaned_data["action"]
        if self.beneficiary.is_anonymised:
            raise forms.ValidationError(_("Un dossier anonymisé ne peut pas être rouvert."))
        if action not in self.ALLOWED[self.beneficiary.status]:
            raise forms.ValidationError(_("Ce changement n'est pas possible pour ce dossier."))
        return action


class FollowUpFilterForm(forms.Form):
    accompanier = forms.ModelChoiceField(
        label=_("Accompagnateur·rice"),
        required=False,
        queryset=User.objects.filter(role=User.Role.ACCOMPANIER, is_active=True),
        empty_label=_("Tous"),
    )


class ConsentsForm(forms.Form):
    """The person's answer to each consent, as they gave it to the accompanier today."""

    GIVEN, REFUSED, NOT_ASKED = "given", "refused", ""
    ANSWERS = [
        (NOT_ASKED, _("Pas encore demandé")),
        (GIVEN, _("Donné")),
        (REFUSED, _("Refusé")),
    ]

    def __init__(self, *args, beneficiary, **kwargs):
        super().__init__(*args, **kwargs)
        recorded = {consent.kind: consent for consent in beneficiary.consents.all()}
        for kind in Consent.Kind:
            consent = recorded.get(kind)
            initial = self.NOT_ASKED
            if consent:
                initial = self.GIVEN if consent.is_given else self.REFUSED
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label,
                choices=self.ANSWERS,
                initial=initial,
                required=False,
                widget=forms.RadioSelect,
            )

    def changed_answers(self):
        """``{kind: True/False/None}`` for the consents whose answer changed."""
        values = {self.GIVEN: True, self.REFUSED: False, self.NOT_ASKED: None}
        return {kind: values[self.cleaned_data[kind]] for kind in self.changed_data}


class PreferencesForm(forms.ModelForm):
    """The person's own choices about reminders and language, on their portal."""

    class Meta:
        model = Beneficiary
        fields = [
            "reminder_channel",
            "same_morning_reminder",
            "step_reminders",
            "preferred_language",
        ]
        labels = {
            "reminder_channel": _("Comment voulez-vous recevoir les rappels ?"),
            "same_morning_reminder": _("Me rappeler aussi le matin du rendez-vous"),
            "step_reminders": _("Me rappeler les choses à faire de mon parcours"),
            "preferred_language": _("Langue"),
        }
        widgets = {"reminder_channel": forms.RadioSelect, "preferred_language": forms.RadioSelect}

    def clean_reminder_channel(self):
        channel = self.cleaned_data["reminder_channel"]
        if channel == Beneficiary.ReminderChannel.SMS:
            if not self.instance.phone:
                raise forms.ValidationError(
                    _(
                        "Nous n'avons pas votre numéro de portable : choisissez l'e-mail, ou "
                        "demandez plus bas à ajouter votre numéro."
                    )
                )
            try:
                sms_number(self.instance.phone)
            except forms.ValidationError as error:
                raise forms.ValidationError(
                    _(
                        "Votre numéro (%(phone)s) ne reçoit pas les SMS : c'est un fixe ou un "
                        "numéro spécial. Choisissez l'e-mail, ou demandez plus bas à changer "
                        "pour un numéro de portable."
                    )
                    % {"phone": self.instance.phone_display}
                ) from error
        return channel


class ContactChangeRequestForm(forms.ModelForm):
    """New contact details asked for by the person; their accompanier confirms them."""

    class Meta:
        model = ContactChangeRequest
        fields = ["phone", "email", "commune"]
        labels = {
            "phone": _("Mon nouveau numéro de téléphone"),
            "email": _("Ma nouvelle adresse e-mail"),
            "commune": _("Ma nouvelle commune"),
        }
        help_texts = {"phone": _("Par exemple 06 12 34 56 78.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].empty_label = _("Pas de changement")

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return to_e164(phone) if phone else ""

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(cleaned.get(name) for name in self.Meta.fields):
            raise forms.ValidationError(_("Remplissez au moins une case : ce qui a changé."))
        return cleaned
