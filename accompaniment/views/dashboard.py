import datetime

from django import forms
from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from accompaniment.models import Goal, Participation, Referral, Session, Step, Workshop
from beneficiaries.models import AccessRequest, Assignment, Beneficiary, DeletionRequest
from soli_dome.sorting import Folded
from soli_dome.users.models import User
from soli_dome.users.permissions import staff_required

DASHBOARD_LIST_SIZE = 10
GOALS_DUE_WITHIN_DAYS = 14
STEPS_DUE_WITHIN_DAYS = 7


class DashboardFilterForm(forms.Form):
    """Coordinators may look at the programme through one accompanier's eyes."""

    accompanier = forms.ModelChoiceField(
        label=_("Accompagnateur·rice"),
        required=False,
        queryset=User.objects.filter(role=User.Role.ACCOMPANIER, is_active=True),
        empty_label=_("Tout le programme"),
    )


@staff_required
def dashboard(request):
    user = request.user
    files = Beneficiary.objects.visible_to(user)
    sessions = Session.objects.visible_to(user)
    filter_form, focus = None, None
    if user.is_coordinator:
        filter_form = DashboardFilterForm(request.GET or None)
        focus = filter_form.cleaned_data["accompanier"] if filter_form.is_valid() else None
        if focus:
            files = files.filter(assignments__accompanier=focus)
            sessions = sessions.led_by(focus)
    else:
        sessions = sessions.led_by(user)

    today = timezone.localdate()
    day_start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    week_end = day_start + datetime.timedelta(days=7 - today.weekday())
    week_sessions = sessions.planned().between(day_start, week_end)
    first_week_sessions = (
        week_sessions.order_by("starts_at", "pk")
        .select_related("accompanier")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("beneficiary"))
        )
    )
    days = settings.NO_CONTACT_ALERT_DAYS
    no_contact = Beneficiary.objects.without_contact_condition(days, today)
    has_primary = Assignment.objects.filter(beneficiary=OuterRef("pk"), is_primary=True)
    without_primary = ~Q(status=Beneficiary.Status.CLOSED) & ~Exists(has_primary)
    # One aggregate for every count of the page's file sections.
    counts = files.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in Beneficiary.Status.values},
        without_contact=Count("pk", filter=no_contact),
        without_primary=Count("pk", filter=without_primary),
    )
    without_contact = files.filter(no_contact).order_by("last_contact_on", Folded("last_name"))
    goals_due = (
        Goal.objects.open()
        .filter(
            beneficiary__in=files.followed(),
            target_date__lte=today + datetime.timedelta(days=GOALS_DUE_WITHIN_DAYS),
        )
        .select_related("beneficiary", "theme")
        .order_by("target_date")
    )
    steps_due = (
        Step.objects.pending()
        .filter(
            goal__in=Goal.objects.open().filter(beneficiary__in=files.followed()),
            due_date__lte=today + datetime.timedelta(days=STEPS_DUE_WITHIN_DAYS),
        )
        .select_related("goal__beneficiary")
        .order_by("due_date")
    )
    context = {
        "filter_form": filter_form,
        "today": today,
        # The first ones and how many: a programme's week can hold a thousand appointments.
        "week_sessions": first_week_sessions[:DASHBOARD_LIST_SIZE],
        "week_sessions_count": week_sessions.count(),
        "sessions_query": urlencode({"accompanier": focus.pk if focus else ""})
        if user.is_coordinator
        else "",
        "status_counts": [(s.label, counts[s]) for s in Beneficiary.Status],
        "no_contact_days": days,
        "without_contact": without_contact.select_related("commune")[:DASHBOARD_LIST_SIZE],
        "without_contact_count": counts["without_contact"],
        "goals_due": goals_due[:DASHBOARD_LIST_SIZE],
        "steps_due": steps_due[:DASHBOARD_LIST_SIZE],
        "workshops": Workshop.objects.coming().with_counts()[:5],
        "referrals_waiting": Referral.objects.waiting_for_news()
        .filter(beneficiary__in=files)
        .select_related("beneficiary", "partner", "theme")
        .order_by("sent_at")[:DASHBOARD_LIST_SIZE],
    }
    if user.is_coordinator:
        context["without_primary"] = files.filter(without_primary).order_by(Folded("last_name"))[
            :DASHBOARD_LIST_SIZE
        ]
        context["without_primary_count"] = counts["without_primary"]
        # Every pending request, oldest first: each is a legal deadline to keep.
        context["deletion_requests"] = list(
            DeletionRequest.objects.pending().select_related("beneficiary")
        )
        context["access_requests"] = list(
            AccessRequest.objects.pending().select_related("beneficiary")
        )
    return render(request, "accompaniment/dashboard.html", context)
