import calendar
import datetime
from dataclasses import dataclass
from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accompaniment.calendar_feed import (
    calendar_response,
    change_subscription,
    feed_events,
    feed_links,
)
from accompaniment.forms.sessions import CalendarFilterForm
from accompaniment.models import CalendarFeed, Participation, Session, Workshop
from soli_dome.forms import EARLIEST_DATE, LATEST_DATE
from soli_dome.users.permissions import staff_required

# A busy accompanier's month holds hundreds of appointments: each day of the month view shows
# its first few and links to its week, so the page lists at most 42 days × (3 + 1) lines.
MONTH_DAY_EVENTS = 3


@dataclass
class CalendarEvent:
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    title: str
    detail: str
    url: str
    is_workshop: bool = False
    status_label: str = ""


@dataclass
class CalendarDay:
    date: datetime.date
    is_today: bool
    in_month: bool
    events: list
    # Events of the day not shown (the month view shows the first few; the week shows all).
    more_count: int = 0


def day_start(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def parse_date(value, fallback):
    """The day asked for in the URL, or ``fallback``; a day far outside the programme's years
    (1 January of year 1) would overflow the week's bounds."""
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return fallback
    return day if EARLIEST_DATE <= day <= LATEST_DATE else fallback


def calendar_owner(request):
    """Whose calendar: one's own; a coordinator may open any staff member's."""
    user = request.user
    if not user.is_coordinator:
        return user, None
    bound = "accompanier" in request.GET
    form = CalendarFilterForm(request.GET if bound else None, initial={"accompanier": user})
    if bound and form.is_valid():
        return form.cleaned_data["accompanier"], form
    return user, form


def session_title(session):
    names = [str(p.beneficiary) for p in session.participations.all()]
    if session.kind == Session.Kind.INDIVIDUAL and names:
        return names[0]
    return _("Séance collective (%(count)s)") % {"count": len(names)}


def events_between(viewer, owner, first_day, last_day):
    """The events of ``owner`` from ``first_day`` to ``last_day`` included, by local day: the
    sessions they lead and the workshops they organise. Three queries whatever the count."""
    start, end = day_start(first_day), day_start(last_day + datetime.timedelta(days=1))
    sessions = (
        Session.objects.visible_to(viewer)
        .led_by(owner)
        .between(start, end)
        .exclude(status=Session.Status.CANCELLED)
        # A held workshop is also a session: the workshop's own event stands for both.
        .exclude(workshop__organiser=owner)
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("beneficiary"))
        )
    )
    workshops = (
        Workshop.objects.visible_to(viewer)
        .filter(organiser=owner, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Workshop.Status.CANCELLED)
    )
    events = [
        CalendarEvent(
            starts_at=timezone.localtime(s.starts_at),
            ends_at=timezone.localtime(s.ends_at),
            title=session_title(s),
            detail=" · ".join(filter(None, [s.get_modality_display(), s.place])),
            url=s.get_absolute_url(),
            status_label=s.get_status_display() if s.status != Session.Status.PLANNED else "",
        )
        for s in sessions
    ]
    events += [
        CalendarEvent(
            starts_at=timezone.localtime(w.starts_at),
            ends_at=timezone.localtime(w.ends_at),
            title=w.title,
            detail=w.place,
            url=w.get_absolute_url(),
            is_workshop=True,
            status_label=w.get_status_display() if w.status == Workshop.Status.HELD else "",
        )
        for w in workshops
    ]
    events.sort(key=lambda event: event.starts_at)
    return {day: list(group) for day, group in groupby(events, key=lambda e: e.starts_at.date())}


def owner_query(request, owner):
    return urlencode({"accompanier": owner.pk}) if owner != request.user else ""


@staff_required
def calendar_week(request):
    owner, filter_form = calendar_owner(request)
    today = timezone.localdate()
    day = parse_date(request.GET.get("date"), today)
    monday = day - datetime.timedelta(days=day.weekday())
    sunday = monday + datetime.timedelta(days=6)
    events = events_between(request.user, owner, monday, sunday)
    days = [
        CalendarDay(date=d, is_today=d == today, in_month=True, events=events.get(d, []))
        for d in (monday + datetime.timedelta(days=n) for n in range(7))
    ]
    return render(
        request,
        "accompaniment/calendar_week.html",
        {
            "owner": owner,
            "filter_form": filter_form,
            "days": days,
            "monday": monday,
            "sunday": sunday,
            "previous": monday - datetime.timedelta(days=7),
            "next": monday + datetime.timedelta(days=7),
            "today": today,
            "has_events": bool(events),
            "owner_query": owner_query(request, owner),
        },
    )


@staff_required
def calendar_month(request):
    owner, filter_form = calendar_owner(request)
    today = timezone.localdate()
    try:
        year, month = (int(part) for part in request.GET.get("mois", "").split("-"))
        first = datetime.date(year, month, 1)
    except ValueError:
        first = today.replace(day=1)
    grid = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    events = events_between(request.user, owner, grid[0][0], grid[-1][-1])
    weeks = [
        [
            CalendarDay(
                date=d,
                is_today=d == today,
                in_month=d.month == first.month,
                events=events.get(d, [])[:MONTH_DAY_EVENTS],
                more_count=max(0, len(events.get(d, [])) - MONTH_DAY_EVENTS),
            )
            for d in week
        ]
        for week in grid
    ]
    previous = (first - datetime.timedelta(days=1)).replace(day=1)
    following = (first + datetime.timedelta(days=31)).replace(day=1)
    return render(
        request,
        "accompaniment/calendar_month.html",
        {
            "owner": owner,
            "filter_form": filter_form,
            "weeks": weeks,
            "month": first,
            "previous": previous,
            "next": following,
            "today": today,
            "days_with_events": [day for week in weeks for day in week if day.events],
            "owner_query": owner_query(request, owner),
        },
    )


@staff_required
def calendar_subscription(request):
    """The private link a phone's calendar subscribes to, and how to cut it."""
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url, webcal_url = feed_links(request, feed, "accompaniment:calendar_feed")
    return render(
        request,
        "accompaniment/calendar_subscription.html",
        {
            "feed": feed,
            "feed_url": feed_url,
            "webcal_url": webcal_url,
            "shows_details": settings.CALENDAR_FEED_SHOWS_DETAILS,
        },
    )


@staff_required
@require_POST
def calendar_subscription_change(request):
    done = change_subscription(request.user, request.POST.get("action"))
    if done == "created":
        messages.success(request, _("Votre lien d'abonnement est créé."))
    elif done == "revoked":
        messages.success(
            request,
            _("L'ancien lien ne fonctionne plus. Abonnez votre téléphone au nouveau lien."),
        )
    elif done == "deleted":
        messages.success(request, _("Votre agenda n'est plus partagé."))
    return redirect("accompaniment:calendar_subscription")


@login_not_required
@require_safe
def calendar_feed(request, token):
    """The iCalendar feed: no login, the secret token is the credential. Unknown or revoked
    tokens, and people no longer on the staff, get a 404."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    owner = feed.user
    if not (owner.is_active and owner.is_programme_staff):
        raise Http404
    return calendar_response(feed_events(owner), name=_("Soli'dôme — mon agenda"))
