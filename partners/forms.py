import re

from django import forms
from django.db import models
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from beneficiaries.models import Commune
from soli_dome.forms import VersionedForm
from soli_dome.phone import to_e164

from . import geocoding
from .models import (
    Category,
    Closure,
    Contact,
    Partner,
    PartnershipEvent,
    ServiceTag,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def https_urls(db_field, **kwargs):
    """Form fields of a model; a web address typed without "https://" gets it."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class PartnerFilterForm(forms.Form):
    """Search and filters of the directory. Every field is optional; the review and archive
    filters are for coordinators only."""

    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        help_text=_("Un nom, une adresse, un mot de la présentation."),
    )
    category = forms.ModelChoiceField(
        label=_("Catégorie"),
        required=False,
        queryset=Category.objects.all(),
        empty_label=_("Toutes"),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"), required=False, queryset=Commune.objects.all(), empty_label=_("Toutes")
    )
    service = forms.ModelChoiceField(
        label=_("Service"), required=False, queryset=ServiceTag.objects.all(), empty_label=_("Tous")
    )
    public = forms.ChoiceField(
        label=_("Public"), required=False, choices=[("", _("Tous"))] + Partner.Public.choices
    )
    partnership_status = forms.ChoiceField(
        label=_("Partenariat"),
        required=False,
        choices=[("", _("Tous"))] + Partner.PartnershipStatus.choices,
    )
    due_for_review = forms.BooleanField(label=_("Seulement les fiches à revoir"), required=False)
    archived = forms.BooleanField(label=_("Voir les fiches archivées"), required=False)

    def __init__(self, *args, can_edit, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_edit:
            del self.fields["due_for_review"]
            del self.fields["archived"]

    def filter(self, queryset, today):
        data = self.cleaned_data
        queryset = queryset.filter(is_archived=bool(data.get("archived")))
        if data["category"]:
            queryset = queryset.filter(categories=data["category"])
        if data["commune"]:
            queryset = queryset.filter(commune=data["commune"])
        if data["service"]:
            queryset = queryset.filter(services=data["service"])
        if data["public"]:
            queryset = queryset.serving(data["public"])
        if data["partnership_status"]:
            queryset = queryset.filter(partnership_status=data["partnership_status"])
        if data.get("due_for_review"):
            queryset = queryset.overdue_for_review(today)
        if data["q"]:
            queryset = queryset.search(data["q"])
        return queryset


class PartnerForm(VersionedForm):
    """Create or edit a listing. The publics are three flags on the model, one list here."""

    # Set by geocode(), shown next to the coordinates.
    geocode_found = False
    geocode_message = ""

    publics = forms.MultipleChoiceField(
        label=_("Publics accueillis"),
        required=False,
        choices=Partner.Public.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # Longer than the model's 14 digits: people type it as printed, with spaces.
    siret = forms.CharField(
        label=_("SIRET"), required=False, max_length=20, help_text=_("14 chiffres.")
    )

    class Meta:
        model = Partner
        formfield_callback = https_urls
        fields = [
            "name",
            "categories",
            "description",
            "address",
            "postal_code",
            "commune",
            "latitude",
            "longitude",
            "opening_hours",
            "phone",
            "email",
            "website",
            "services",
            "access_conditions",
            "fees",
            "partnership_status",
            "agreement_date",
            "may_be_recommended",
            "internal_notes",
            "last_checked_on",
            "review_every_months",
            "siret",
            "accessibility_url",
        ]
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "services": forms.CheckboxSelectMultiple,
            "access_conditions": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
            "internal_notes": forms.Textarea(attrs={"rows": 3}),
            "agreement_date": DATE_WIDGET,
            "last_checked_on": DATE_WIDGET,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].empty_label = _("Autre commune (hors métropole)")
        self.fields["phone"].help_text = _("Par exemple 04 73 12 34 56.")
        self.fields["opening_hours"].help_text = _("Par exemple : du lundi au vendredi, 9 h-12 h.")
        if self.instance.pk:
            self.initial["phone"] = self.instance.phone_display
            self.initial["publics"] = self.instance.publics
        else:
            self.fields["last_checked_on"].initial = timezone.localdate()

    def clean_postal_code(self):
        postal_code = self.cleaned_data["postal_code"].strip()
        if postal_code and not re.fullmatch(r"\d{5}", postal_code):
            raise forms.ValidationError(_("Un code postal a cinq chiffres, par exemple 63000."))
        return postal_code

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return to_e164(phone) if phone else ""

    def clean_siret(self):
        # Typed as printed ("130 030 133 00016"); the model's validator checks the digits.
        return re.sub(r"\s", "", self.cleaned_data["siret"])

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if latitude is None and longitude is not None and "latitude" not in self.errors:
            self.add_error("latitude", _("Donnez aussi la latitude, ou effacez la longitude."))
        if longitude is None and latitude is not None and "longitude" not in self.errors:
            self.add_error("longitude", _("Donnez aussi la longitude, ou effacez la latitude."))
        return cleaned

    def save(self, commit=True):
        self.instance.publics = self.cleaned_data["publics"]
        return super().save(commit)

    @property
    def can_geocode(self):
        """The address lookup button is offered only when the address service is set up."""
        return geocoding.is_enabled()

    def wants_geocode(self):
        return self.is_bound and "geocode" in self.data and self.can_geocode

    def geocode(self):
        """Fills latitude and longitude from the address typed so far, for the re-rendered
        form: nothing is saved, and the other fields are not validated yet. The outcome is in
        ``geocode_found`` and ``geocode_message``."""
        address = self._typed("address") or ""
        postal_code = self._typed("postal_code") or ""
        commune = self._typed("commune")
        self._errors = ErrorDict()  # validation waits for "Enregistrer la fiche"
        if not (address or postal_code or commune):
            self.geocode_found = False
            self.geocode_message = _(
                "Saisissez d'abord l'adresse, le code postal ou la commune de l'acteur."
            )
            return
        found = geocoding.lookup(address, postal_code, commune.name if commune else "")
        self.geocode_found = found is not None
        if found is None:
            self.geocode_message = _(
                "Aucune position n'a été trouvée pour cette adresse, ou le service d'adresses "
                "ne répond pas. Vérifiez l'adresse, ou saisissez la latitude et la longitude."
            )
            return
        self.data = self.data.copy()
        latitude, longitude = found
        self.data[self.add_prefix("latitude")] = str(latitude)
        self.data[self.add_prefix("longitude")] = str(longitude)
        self.geocode_message = _(
            "Position trouvée depuis l'adresse. Vérifiez-la, puis enregistrez la fiche."
        )

    def _typed(self, name):
        """The cleaned value typed in field ``name``, or None if it is not valid."""
        field = self.fields[name]
        value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        try:
            return field.clean(value)
        except forms.ValidationError:
            return None


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["name", "role", "email", "phone", "may_be_named"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = _("Par exemple 06 12 34 56 78.")

    def clean_phone(self):
        phone = self.cleaned_data["phone"]
        return to_e164(phone) if phone else ""


class ClosureForm(forms.ModelForm):
    class Meta:
        model = Closure
        fields = ["starts_on", "ends_on", "reason"]
        widgets = {"starts_on": DATE_WIDGET, "ends_on": DATE_WIDGET}

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("La fin de la fermeture ne peut pas précéder son début."))
        elif ends_on and ends_on < timezone.localdate():
            self.add_error("ends_on", _("Cette fermeture est déjà terminée."))
        return cleaned


class PartnershipEventForm(forms.ModelForm):
    class Meta:
        model = PartnershipEvent
        fields = ["date", "kind", "summary"]
        widgets = {"date": DATE_WIDGET, "summary": forms.Textarea(attrs={"rows": 4})}


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["name"]
        labels = {"name": _("Nouvelle catégorie")}


class ServiceTagForm(forms.ModelForm):
    class Meta:
        model = ServiceTag
        fields = ["name", "is_service"]
        labels = {"name": _("Nouveau service")}
