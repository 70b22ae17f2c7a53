from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accompaniment.models import Participation, Registration, Step, Theme, Workshop
from beneficiaries.choosers import BeneficiaryChooserField
from beneficiaries.models import Beneficiary
from partners.choosers import PartnerChooserField
from partners.models import Partner
from soli_dome.sorting import Folded
from soli_dome.users.models import User


class WorkshopForm(forms.ModelForm):
    """Create or edit a workshop. On edit, the capacity cannot fall below the people already
    registered: unregister someone first."""

    class Meta:
        model = Workshop
        fields = [
            "title",
            "starts_at",
            "duration_minutes",
            "place",
            "host",
            "capacity",
            "themes",
            "organiser",
            "description",
        ]
        field_classes = {"host": PartnerChooserField}
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "themes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["duration_minutes"].widget.attrs["min"] = 1
        chosen = self.instance.themes.all() if self.instance.pk else Theme.objects.none()
        self.fields["themes"].queryset = Theme.objects.filter(
            Q(is_active=True) | Q(pk__in=chosen.values("pk"))
        )
        self.fields["themes"].help_text = _(
            "Les actions des plans sur ces thèmes pourront être cochées après l'atelier."
        )
        organisers = User.objects.filter(
            role__in=[User.Role.COORDINATOR, User.Role.ACCOMPANIER], is_active=True
        )
        if not user.is_coordinator:
            # An accompanier organises their own workshops (the current organiser stays
            # listed so that the form shows who it is); a coordinator chooses anyone.
            organisers = organisers.filter(Q(pk=user.pk) | Q(pk=self.instance.organiser_id))
        self.fields["organiser"].queryset = organisers
        if not self.instance.pk:
            self.fields["organiser"].initial = user.pk
        # Listings in use, plus the current host should it have been archived since.
        current = Q(pk=self.instance.host_id) if self.instance.host_id else Q()
        self.fields["host"].queryset = Partner.objects.filter(
            Q(is_archived=False) | current
        ).order_by("search_text")

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if capacity is not None and capacity < 1:
            raise forms.ValidationError(_("Un atelier a au moins une place."))
        if self.instance.pk:
            registered = self.instance.registrations.filter(
                status=Registration.Status.REGISTERED
            ).count()
            if capacity < registered:
                raise forms.ValidationError(
                    ngettext(
                        "%(count)d personne est déjà inscrite : gardez au moins %(count)d place, "
                        "ou désinscrivez quelqu'un d'abord.",
                        "%(count)d personnes sont déjà inscrites : gardez au moins %(count)d "
                        "places, ou désinscrivez quelqu'un d'abord.",
                        registered,
                    )
                    % {"count": registered}
                )
        return capacity

    def clean_duration_minutes(self):
        duration = self.cleaned_data["duration_minutes"]
        if duration is not None and duration < 1:
            raise forms.ValidationError(_("Indiquez une durée d'au moins une minute."))
        return duration


class RegisterForm(forms.Form):
    """Sign a person up: among the files the user may see, not already signed up."""

    beneficiary = BeneficiaryChooserField(
        label=_("Personne à inscrire"),
        queryset=Beneficiary.objects.none(),
        empty_label=_("Choisir une personne"),
        error_messages={
            "invalid_choice": _(
                "Choisissez une personne que vous suivez et qui n'est pas encore inscrite."
            )
        },
    )

    def __init__(self, *args, workshop, user, **kwargs):
        super().__init__(*args, **kwargs)
        signed_up = workshop.registrations.exclude(status=Registration.Status.CANCELLED)
        self.fields["beneficiary"].queryset = (
            Beneficiary.objects.visible_to(user)
            .followed()
            .exclude(pk__in=signed_up.values("beneficiary_id"))
            .order_by(Folded("last_name"), Folded("first_name"))
        )


class AttendanceForm(forms.Form):
    """Present, absent or excused for each registered person listed (the ones the user may
    see). ``registrations`` carry ``attendance``: what was recorded last time, if anything."""

    def __init__(self, *args, registrations, **kwargs):
        super().__init__(*args, **kwargs)
        self.registrations = list(registrations)
        for registration in self.registrations:
            recorded = registration.attendance
            self.fields[self._name(registration)] = forms.ChoiceField(
                label=str(registration.beneficiary),
                choices=Participation.ATTENDANCE_AFTER_THE_FACT,
                initial=(
                    recorded
                    if recorded and recorded != Participation.Attendance.EXPECTED
                    else Participation.Attendance.PRESENT
                ),
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Indiquez si la personne était là.")},
            )

    @staticmethod
    def _name(registration):
        return f"attendance_{registration.beneficiary_id}"

    def rows(self):
        return [(r.beneficiary, self[self._name(r)]) for r in self.registrations]

    def attendance(self):
        return {r.beneficiary_id: self.cleaned_data[self._name(r)] for r in self.registrations}


class StepsForm(forms.Form):
    """The open plan steps the workshop served, to tick for the people present."""

    steps = forms.ModelMultipleChoiceField(
        label=_("Actions réalisées pendant l'atelier"),
        queryset=Step.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        required=False,
    )

    def __init__(self, *args, steps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["steps"].queryset = steps

    def groups(self):
        """The checkboxes grouped by person, in the order of the queryset."""
        groups = []
        for checkbox in self["steps"]:
            step = checkbox.data["value"].instance
            beneficiary = step.goal.beneficiary
            if not groups or groups[-1][0] != beneficiary:
                groups.append((beneficiary, []))
            groups[-1][1].append((step, checkbox))
        return groups
