import datetime

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accompaniment.models import Goal, Participation, Session, Theme
from beneficiaries.choosers import BeneficiariesChooserField
from beneficiaries.models import Beneficiary
from soli_dome.forms import VersionedForm
from soli_dome.sorting import Folded
from soli_dome.users.models import User

MIN_DURATION, MAX_DURATION = 5, 12 * 60


def checked_duration(duration):
    if not MIN_DURATION <= duration <= MAX_DURATION:
        raise forms.ValidationError(
            _("Indiquez une durée entre %(min)s minutes et %(max)s heures.")
            % {"min": MIN_DURATION, "max": MAX_DURATION // 60}
        )
    return duration


def staff_choices():
    return User.objects.filter(
        role__in=[User.Role.ACCOMPANIER, User.Role.COORDINATOR], is_active=True
    )


class GoalChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, goal):
        return f"{goal.title} — {goal.beneficiary.first_name} ({goal.theme})"


class SessionContentMixin:
    """What every session form shares: the themes and goals worked on, and one attendance
    field per participant already on the session."""

    def setup_content(self, *, participants):
        session = self.instance
        selected_themes = session.themes.all() if session.pk else Theme.objects.none()
        self.fields["themes"].queryset = Theme.objects.filter(
            Q(is_active=True) | Q(pk__in=selected_themes.values("pk"))
        )
        if "goals" in self.fields:
            chosen = session.goals.all() if session.pk else Goal.objects.none()
            self.fields["goals"] = GoalChoiceField(
                label=_("Objectifs du plan travaillés"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                queryset=Goal.objects.filter(
                    Q(
                        beneficiary__in=participants,
                        status__in=[Goal.Status.TO_START, Goal.Status.IN_PROGRESS],
                    )
                    | Q(pk__in=chosen.values("pk"))
                )
                .select_related("beneficiary", "theme")
                .order_by(Folded("beneficiary__first_name"), "position", "pk"),
            )
        self.participations = []
        if session.pk:
            self.participations = list(
                session.participations.select_related("beneficiary").order_by(
                    Folded("beneficiary__last_name"), Folded("beneficiary__first_name")
                )
            )
        # A session that has begun is past "expected": who came, who did not, who had warned.
        has_begun = session.pk and (
            session.status == Session.Status.HELD or session.starts_at <= timezone.now()
        )
        for participation in self.participations:
            initial = self.attendance_initial(participation)
            if has_begun and initial == Participation.Attendance.EXPECTED:
                initial = Participation.Attendance.PRESENT
            self.fields[self.attendance_name(participation)] = forms.ChoiceField(
                label=str(participation.beneficiary),
                choices=Participation.ATTENDANCE_AFTER_THE_FACT
                if has_begun
                else Participation.Attendance.choices,
                initial=initial,
            )

    @staticmethod
    def attendance_name(participation):
        return f"attendance_{participation.pk}"

    def attendance_initial(self, participation):
        return participation.attendance

    @property
    def attendance_fields(self):
        return [self[self.attendance_name(p)] for p in self.participations]

    def attendances(self):
        """``{participation: attendance}`` from the cleaned data."""
        return {p: self.cleaned_data[self.attendance_name(p)] for p in self.participations}

    def check_goals(self, cleaned, participant_ids):
        foreign = [g for g in cleaned.get("goals", []) if g.beneficiary_id not in participant_ids]
        if foreign:
            self.add_error(
                "goals",
                _("Ces objectifs ne sont pas ceux d'un·e participant·e : %(goals)s.")
                % {"goals": ", ".join(goal.title for goal in foreign)},
            )


class SessionForm(SessionContentMixin, VersionedForm):
    """Record a session that took place, schedule one, or edit one.

    Created from a file (``beneficiary``), the session is individual with that person; created
    from the sessions page, the participants are chosen among the files the user may see. A
    coordinator chooses who leads it."""

    WHEN_PLANNED, WHEN_HELD = "planned", "held"

    when = forms.ChoiceField(
        label=_("Cette séance"),
        choices=[(WHEN_HELD, _("a eu lieu")), (WHEN_PLANNED, _("est à venir"))],
        widget=forms.RadioSelect,
    )
    participants = BeneficiariesChooserField(
        label=_("Participant·es"),
        queryset=Beneficiary.objects.none(),
        help_text=_(
            "Tapez un nom ou un numéro de téléphone et ajoutez les personnes une à une. Pour "
            "une séance déjà passée, ajoutez les personnes présentes."
        ),
    )

    class Meta:
        model = Session
        fields = [
            "kind",
            "modality",
            "starts_at",
            "duration_minutes",
            "place",
            "accompanier",
            "themes",
            "goals",
            "shared_summary",
            "private_notes",
            "next_steps",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "themes": forms.CheckboxSelectMultiple,
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "duration_minutes": forms.NumberInput(
                attrs={"min": MIN_DURATION, "max": MAX_DURATION, "step": 5}
            ),
            "shared_summary": forms.Textarea(attrs={"rows": 4}),
            "private_notes": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, beneficiary=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.beneficiary = beneficiary
        session = self.instance
        self.fields["place"].help_text = _("Une adresse, un lieu partenaire, « au téléphone »…")
        self.fields["starts_at"].help_text = _("Par exemple 14/03/2025 à 14:30.")
        if user.is_coordinator:
            self.fields["accompanier"].queryset = staff_choices()
            self.fields["accompanier"].initial = session.accompanier_id or user.pk
        else:
            del self.fields["accompanier"]
        if session.pk:
            del self.fields["when"]
            current = Beneficiary.objects.filter(participations__session=session)
            participants = current
            self.fields["participants"].queryset = Beneficiary.objects.filter(
                Q(pk__in=Beneficiary.objects.visible_to(user).followed().values("pk"))
                | Q(pk__in=current.values("pk"))
            ).order_by(Folded("last_name"), Folded("first_name"))
        elif beneficiary is not None:
            # An individual session with the person whose page the user came from.
            del self.fields["participants"], self.fields["kind"]
            participants = [beneficiary]
            self.initial.setdefault("when", self.WHEN_PLANNED)
        else:
            del self.fields["goals"]
            participants = []
            self.fields["participants"].queryset = (
                Beneficiary.objects.visible_to(user)
                .followed()
                .order_by(Folded("last_name"), Folded("first_name"))
            )
            self.initial["kind"] = Session.Kind.COLLECTIVE
            self.initial.setdefault("when", self.WHEN_PLANNED)
        self.setup_content(participants=participants)
        if "participants" in self.fields and session.pk:
            self.fields["participants"].initial = [p.beneficiary_id for p in self.participations]

    @property
    def is_creation(self):
        return not self.instance.pk

    def clean_duration_minutes(self):
        return checked_duration(self.cleaned_data["duration_minutes"])

    def clean(self):
        cleaned = super().clean()
        participants = self.chosen_participants(cleaned)
        kind = cleaned.get("kind", Session.Kind.INDIVIDUAL)
        if participants is not None:
            if kind == Session.Kind.INDIVIDUAL and len(participants) != 1:
                self.add_error(
                    "participants",
                    _(
                        "Une séance individuelle a une seule personne : cochez-en une seule, ou "
                        "choisissez une séance collective."
                    ),
                )
            self.check_goals(cleaned, {p.pk for p in participants})
        self.check_start(cleaned)
        return cleaned

    def chosen_participants(self, cleaned):
        if self.beneficiary is not None:
            return [self.beneficiary]
        return cleaned.get("participants")

    def is_held(self):
        """Whether the session, once saved, took place."""
        if self.is_creation:
            return self.cleaned_data["when"] == self.WHEN_HELD
        return self.instance.status == Session.Status.HELD

    def check_start(self, cleaned):
        starts_at = cleaned.get("starts_at")
        if starts_at is None:
            return
        now = timezone.now()
        when = cleaned.get("when")
        held = when == self.WHEN_HELD or (
            not self.is_creation and self.instance.status == Session.Status.HELD
        )
        if held and starts_at > now:
            self.add_error(
                "starts_at",
                _("Une séance qui a eu lieu ne peut pas commencer dans le futur."),
            )
        if self.is_creation and when == self.WHEN_PLANNED:
            today_start = timezone.make_aware(
                datetime.datetime.combine(timezone.localdate(), datetime.time.min)
            )
            if starts_at < today_start:
                self.add_error(
                    "starts_at",
                    _(
                        "Cette date est passée : pour une séance qui a eu lieu, choisissez « a eu "
                        "lieu »."
                    ),
                )


class RecordHeldForm(SessionContentMixin, VersionedForm):
    """A planned (or wrongly missed) session that took place: who came, what was worked on."""

    class Meta:
        model = Session
        fields = [
            "duration_minutes",
            "themes",
            "goals",
            "shared_summary",
            "private_notes",
            "next_steps",
        ]
        widgets = {
            "themes": forms.CheckboxSelectMultiple,
            "duration_minutes": forms.NumberInput(
                attrs={"min": MIN_DURATION, "max": MAX_DURATION, "step": 5}
            ),
            "shared_summary": forms.Textarea(attrs={"rows": 4}),
            "private_notes": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        participants = Beneficiary.objects.filter(participations__session=self.instance)
        self.setup_content(participants=participants)

    def attendance_initial(self, participation):
        # Most people expected did come: the accompanier only changes the exceptions.
        if participation.attendance == Participation.Attendance.EXCUSED:
            return participation.attendance
        return Participation.Attendance.PRESENT

    def clean_duration_minutes(self):
        return checked_duration(self.cleaned_data["duration_minutes"])

    def clean(self):
        cleaned = super().clean()
        self.check_goals(cleaned, {p.beneficiary_id for p in self.participations})
        if self.instance.starts_at > timezone.now():
            raise forms.ValidationError(
                _(
                    "Cette séance n'a pas encore commencé : elle ne peut pas être enregistrée "
                    "comme réalisée."
                ),
                code="not_started",
            )
        attendances = [cleaned.get(self.attendance_name(p)) for p in self.participations]
        if attendances and Participation.Attendance.PRESENT not in attendances:
            raise forms.ValidationError(
                _(
                    "Personne n'est indiqué·e présent·e : si personne n'est venu, marquez plutôt "
                    "la séance comme manquée."
                ),
                code="nobody_present",
            )
        return cleaned


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif d'annulation"),
        max_length=200,
        help_text=_("Par exemple : la personne est malade, rendez-vous reporté."),
    )


class SessionFilterForm(forms.Form):
    """Coordinators look at the sessions of one staff member, or of the whole programme."""

    accompanier = forms.ModelChoiceField(
        label=_("Séances animées par"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Tout le programme"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accompanier"].queryset = staff_choices()


class CalendarFilterForm(forms.Form):
    """Coordinators open the calendar of another staff member."""

    accompanier = forms.ModelChoiceField(
        label=_("Agenda de"), required=False, queryset=User.objects.none(), empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accompanier"].queryset = staff_choices()
