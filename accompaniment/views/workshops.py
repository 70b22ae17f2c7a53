"""Collective workshops: programme-wide for staff. Names of the people signed up are shown only
to staff who may see their file; the other registrations are counted, not named."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, ExpressionWrapper, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accompaniment.forms.workshops import AttendanceForm, RegisterForm, StepsForm, WorkshopForm
from accompaniment.models import Goal, Participation, Registration, Step, Workshop
from accompaniment.permissions import can_manage_workshop
from accompaniment.services.workshops import (
    cancel_workshop,
    create_workshop,
    register,
    take_attendance,
    tick_steps,
    unregister,
    update_workshop,
)
from beneficiaries.models import Beneficiary
from soli_dome.sorting import Folded
from soli_dome.text import fold
from soli_dome.users.permissions import staff_required

PAGE_SIZE = 25


def _listed(workshops):
    """Workshops with their counts, places left, organiser and themes: three queries in all."""
    places_left = ExpressionWrapper(
        F("capacity") - F("registered_count"), output_field=IntegerField()
    )
    return (
        workshops.with_counts()
        .annotate(places_left=Greatest(places_left, Value(0)))
        .select_related("organiser", "host")
        .prefetch_related("themes")
    )


def _get_workshop(request, pk, *, lock=False):
    workshops = Workshop.objects.visible_to(request.user)
    if lock:
        workshops = workshops.select_for_update(of=("self",))
    return get_object_or_404(workshops.select_related("organiser", "host"), pk=pk)


def _is_open(workshop):
    return workshop.status == Workshop.Status.OPEN


def _can_take_attendance(workshop):
    return (
        workshop.status != Workshop.Status.CANCELLED
        and timezone.localdate(workshop.starts_at) <= timezone.localdate()
    )


def _registration_rows(workshop, user):
    """The registered and waiting people, in sign-up order. ``beneficiary`` is None on the rows
    of people whose file ``user`` may not see, so that a template cannot show their name."""
    may_see = Beneficiary.objects.visible_to(user).filter(pk=OuterRef("beneficiary_id"))
    attendance = Participation.objects.filter(
        session__workshop=workshop, beneficiary=OuterRef("beneficiary_id")
    ).values("attendance")[:1]
    registrations = (
        workshop.registrations.exclude(status=Registration.Status.CANCELLED)
        .select_related("beneficiary")
        .annotate(may_see=Exists(may_see), attendance=Subquery(attendance))
    )
    registered, waiting = [], []
    for registration in registrations:
        row = {
            "registration": registration,
            "beneficiary": registration.beneficiary if registration.may_see else None,
            "attendance": (
                Participation.Attendance(registration.attendance).label
                if registration.attendance
                else ""
            ),
        }
        is_registered = registration.status == Registration.Status.REGISTERED
        (registered if is_registered else waiting).append(row)
    return registered, waiting


def _render_detail(request, workshop, form):
    registered, waiting = _registration_rows(workshop, request.user)
    return render(
        request,
        "accompaniment/workshop_detail.html",
        {
            "workshop": workshop,
            "themes": workshop.themes.all(),
            "registered": registered,
            "waiting": waiting,
            "places_left": max(workshop.capacity - len(registered), 0),
            "form": form,
            "has_candidates": form is not None and form.fields["beneficiary"].queryset.exists(),
            "is_open": _is_open(workshop),
            "can_manage": can_manage_workshop(request.user, workshop),
            "is_held": workshop.status == Workshop.Status.HELD,
            "can_take_attendance": _can_take_attendance(workshop),
        },
    )


def _steps_served(workshop, user):
    """Open plan steps of the people present whose goal's theme the workshop served."""
    return (
        Step.objects.visible_to(user)
        .pending()
        .filter(
            goal__status__in=[Goal.Status.TO_START, Goal.Status.IN_PROGRESS],
            goal__theme__in=workshop.themes.all(),
            goal__beneficiary__participations__session__workshop=workshop,
            goal__beneficiary__participations__attendance=Participation.Attendance.PRESENT,
        )
        .select_related("goal__beneficiary", "goal__theme")
        .order_by(
            Folded("goal__beneficiary__last_name"),
            Folded("goal__beneficiary__first_name"),
            "goal__beneficiary_id",
            "goal__position",
            "goal_id",
            "position",
            "pk",
        )
    )


@staff_required
def workshop_list(request):
    now = timezone.now()
    workshops = _listed(Workshop.objects.visible_to(request.user))
    coming = workshops.filter(starts_at__gte=now).order_by("starts_at", "pk")
    past = Paginator(workshops.filter(starts_at__lt=now).order_by("-starts_at", "-pk"), PAGE_SIZE)
    return render(
        request,
        "accompaniment/workshop_list.html",
        {"coming": coming, "page": past.get_page(request.GET.get("page"))},
    )


@staff_required
def workshop_create(request):
    form = WorkshopForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        workshop = create_workshop(form=form, by=request.user)
        messages.success(request, _("L'atelier « %(title)s » est créé.") % {"title": workshop})
        return redirect(workshop)
    return render(request, "accompaniment/workshop_form.html", {"form": form})


@staff_required
def workshop_update(request, pk):
    with transaction.atomic():
        # Locked while the form checks the capacity against the people registered.
        workshop = _get_workshop(request, pk, lock=request.method == "POST")
        if not (_is_open(workshop) and can_manage_workshop(request.user, workshop)):
            raise PermissionDenied
        form = WorkshopForm(request.POST or None, instance=workshop, user=request.user)
        if request.method == "POST" and form.is_valid():
            promoted = update_workshop(form=form, by=request.user)
            messages.success(request, _("Les changements sont enregistrés."))
            if promoted:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d personne de la liste d'attente obtient une place.",
                        "%(count)d personnes de la liste d'attente obtiennent une place.",
                        len(promoted),
                    )
                    % {"count": len(promoted)},
                )
            return redirect(workshop)
    return render(request, "accompaniment/workshop_form.html", {"form": form, "workshop": workshop})


@staff_required
def workshop_cancel(request, pk):
    workshop = _get_workshop(request, pk)
    if not (_is_open(workshop) and can_manage_workshop(request.user, workshop)):
        raise PermissionDenied
    if request.method == "POST":
        cancel_workshop(workshop=workshop, by=request.user)
        messages.success(request, _("L'atelier « %(title)s » est annulé.") % {"title": workshop})
        return redirect(workshop)
    registered_count = workshop.registrations.filter(status=Registration.Status.REGISTERED).count()
    return render(
        request,
        "accompaniment/workshop_cancel.html",
        {"workshop": workshop, "registered_count": registered_count},
    )


@staff_required
def workshop_detail(request, pk):
    workshop = _get_workshop(request, pk)
    form = RegisterForm(workshop=workshop, user=request.user) if _is_open(workshop) else None
    return _render_detail(request, workshop, form)


@staff_required
@require_POST
def workshop_register(request, pk):
    workshop = _get_workshop(request, pk)
    form = RegisterForm(request.POST, workshop=workshop, user=request.user)
    if not form.is_valid():
        return _render_detail(request, workshop, form)
    beneficiary = form.cleaned_data["beneficiary"]
    try:
        registration = register(workshop=workshop, beneficiary=beneficiary, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(workshop)
    if registration.status == Registration.Status.REGISTERED:
        messages.success(request, _("%(name)s est inscrit·e.") % {"name": beneficiary})
    else:
        messages.warning(
            request,
            _("L'atelier est complet : %(name)s est sur la liste d'attente.")
            % {"name": beneficiary},
        )
    return redirect(workshop)


@staff_required
def registration_cancel(request, pk):
    """Asks first, then unregisters the person (the first one waiting gets the place)."""
    registrations = Registration.objects.filter(
        beneficiary__in=Beneficiary.objects.visible_to(request.user).values("pk")
    ).select_related("workshop", "beneficiary")
    registration = get_object_or_404(registrations, pk=pk)
    if request.method != "POST":
        return render(
            request,
            "accompaniment/registration_cancel.html",
            {"registration": registration, "workshop": registration.workshop},
        )
    try:
        promoted = unregister(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(registration.workshop)
    messages.success(request, _("%(name)s est désinscrit·e.") % {"name": registration.beneficiary})
    if promoted:
        messages.info(request, _("La première personne de la liste d'attente obtient la place."))
    return redirect(registration.workshop)


@staff_required
def workshop_sheet(request, pk):
    """The attendance sheet to print: one line to sign per person registered."""
    workshop = _get_workshop(request, pk)
    registered, _waiting = _registration_rows(workshop, request.user)
    named = [row for row in registered if row["beneficiary"]]
    named.sort(key=lambda row: fold(row["beneficiary"].last_name))
    hidden = [row for row in registered if not row["beneficiary"]]
    return render(
        request,
        "accompaniment/workshop_sheet.html",
        {"workshop": workshop, "registered": named + hidden, "hidden_count": len(hidden)},
    )


@staff_required
def workshop_attendance(request, pk):
    workshop = _get_workshop(request, pk)
    if not _can_take_attendance(workshop):
        messages.error(request, _("Les présences se notent le jour de l'atelier ou après."))
        return redirect(workshop)
    registered = workshop.registrations.filter(status=Registration.Status.REGISTERED)
    attendance = Participation.objects.filter(
        session__workshop=workshop, beneficiary=OuterRef("beneficiary_id")
    ).values("attendance")[:1]
    listed = (
        registered.filter(beneficiary__in=Beneficiary.objects.visible_to(request.user).values("pk"))
        .select_related("beneficiary")
        .annotate(attendance=Subquery(attendance))
        .order_by(Folded("beneficiary__last_name"), Folded("beneficiary__first_name"), "pk")
    )
    data = request.POST if request.method == "POST" else None
    form = AttendanceForm(data, registrations=listed)
    if request.method == "POST" and form.is_valid():
        take_attendance(workshop=workshop, attendance=form.attendance(), by=request.user)
        messages.success(request, _("Les présences sont enregistrées."))
        if _steps_served(workshop, request.user).exists():
            return redirect("accompaniment:workshop_steps", pk=workshop.pk)
        return redirect(workshop)
    return render(
        request,
        "accompaniment/workshop_attendance.html",
        {
            "workshop": workshop,
            "form": form,
            "hidden_count": registered.count() - len(form.registrations),
        },
    )


@staff_required
def workshop_steps(request, pk):
    """After attendance: tick the plan steps the workshop served for the people present."""
    workshop = _get_workshop(request, pk)
    if workshop.status != Workshop.Status.HELD:
        messages.error(request, _("Notez d'abord les présences de l'atelier."))
        return redirect(workshop)
    data = request.POST if request.method == "POST" else None
    form = StepsForm(data, steps=_steps_served(workshop, request.user))
    if request.method == "POST" and form.is_valid():
        steps = form.cleaned_data["steps"]
        tick_steps(workshop=workshop, steps=steps, by=request.user)
        if steps:
            messages.success(
                request,
                ngettext(
                    "%(count)d action est cochée comme faite.",
                    "%(count)d actions sont cochées comme faites.",
                    len(steps),
                )
                % {"count": len(steps)},
            )
        return redirect(workshop)
    return render(
        request,
        "accompaniment/workshop_steps.html",
        {"workshop": workshop, "themes": workshop.themes.all(), "form": form},
    )
