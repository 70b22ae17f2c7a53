"""A hand-written iCalendar (RFC 5545) feed of a staff member's sessions and workshops.

External calendars leak (phone backups, shared agendas, cloud sync): an event carries at most
a first name and initial, the time and the place, and with ``CALENDAR_FEED_SHOWS_DETAILS`` off
only the time. Private notes, summaries and last names never enter the feed.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import CalendarFeed, Participation, Registration, Session, Workshop

# The window of a feed: enough for a phone's agenda, small enough to stay light.
FEED_PAST_DAYS = 90
FEED_FUTURE_DAYS = 365
MAX_LINE_OCTETS = 75
UID_DOMAIN = "soli-dome.cresna"


@dataclass(frozen=True)
class FeedEvent:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    location: str = ""
    # CANCELLED keeps the event in a subscribed calendar, marked cancelled, instead of a
    # silent disappearance the person might not notice.
    status: str = "CONFIRMED"


def escape_text(value):
    """Escape a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """Split a content line into lines of at most 75 octets (RFC 5545 §3.1), never inside a
    UTF-8 character; continuation lines start with one space."""
    if len(line.encode("utf-8")) <= MAX_LINE_OCTETS:  # most lines: no need to walk them
        return [line]
    lines, current, size = [], "", 0
    limit = MAX_LINE_OCTETS
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > limit:
            lines.append(current)
            current, size = " ", 1
        current += char
        size += octets
    lines.append(current)
    return lines


def format_utc(moment):
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def short_name(first_name, last_name):
    """First name and initial of the last name: "Zoé A."."""
    initial = last_name[:1].upper()
    return f"{first_name} {initial}." if initial else first_name


def session_event(session, *, participants, details):
    """``participants``: the (first name, last name) of the people of ``session``. A home
    visit's place is the person's address: it never leaves the platform, whatever the
    settings, and the event says only "Visite à domicile"."""
    summary = _("Rendez-vous Soli'dôme")
    if session.modality == Session.Modality.HOME_VISIT:
        return FeedEvent(
            uid=f"session-{session.pk}@{UID_DOMAIN}",
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            summary=_("Visite à domicile"),
        )
    if details:
        if session.kind == Session.Kind.INDIVIDUAL and len(participants) == 1:
            summary = _("Séance avec %(name)s") % {"name": short_name(*participants[0])}
        else:
            summary = _("Séance collective")
    return FeedEvent(
        uid=f"session-{session.pk}@{UID_DOMAIN}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=summary,
        location=session.place if details else "",
    )


def workshop_event(workshop, *, details):
    return FeedEvent(
        uid=f"workshop-{workshop.pk}@{UID_DOMAIN}",
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
        summary=workshop.title if details else _("Rendez-vous Soli'dôme"),
        location=workshop.place if details else "",
    )


def feed_events(user, *, now=None, details=None):
    """The events of ``user``'s feed: the sessions they lead and the workshops they organise,
    cancelled ones left out. Two queries (three with names), whatever the number of events."""
    now = now or timezone.now()
    details = settings.CALENDAR_FEED_SHOWS_DETAILS if details is None else details
    start = now - datetime.timedelta(days=FEED_PAST_DAYS)
    end = now + datetime.timedelta(days=FEED_FUTURE_DAYS)
    sessions = list(
        Session.objects.led_by(user)
        .between(start, end)
        .exclude(status=Session.Status.CANCELLED)
        .exclude(workshop__organiser=user)  # a held workshop: its own event stands for both
        .order_by("starts_at", "pk")
        .only("kind", "modality", "starts_at", "duration_minutes", "place")
    )
    # The names in one query of plain rows: a year of sessions is hundreds of them.
    participants = defaultdict(list)
    if details:
        names = Participation.objects.filter(session__in=[s.pk for s in sessions]).values_list(
            "session_id", "beneficiary__first_name", "beneficiary__last_name"
        )
        for session_id, first_name, last_name in names:
            participants[session_id].append((first_name, last_name))
    workshops = (
        Workshop.objects.filter(organiser=user, starts_at__gte=start, starts_at__lt=end)
        .exclude(status=Workshop.Status.CANCELLED)
        .order_by("starts_at", "pk")
    )
    events = [session_event(s, participants=participants[s.pk], details=details) for s in sessions]
    events += [workshop_event(w, details=details) for w in workshops]
    return sorted(events, key=lambda event: (event.starts_at, event.uid))


def person_feed_events(user, *, now=None):
    """The events of a beneficiary's own feed: their sessions and the workshops they signed up
    for, cancelled ones kept as cancelled so that the phone shows the change. Two queries."""
    now = now or timezone.now()
    start = now - datetime.timedelta(days=FEED_PAST_DAYS)
    end = now + datetime.timedelta(days=FEED_FUTURE_DAYS)
    sessions = (
        Session.objects.visible_to(user)
        .between(start, end)
        .filter(workshop=None)  # a held workshop: its own event stands for both
        .select_related("accompanier")
        .only(
            "starts_at",
            "duration_minutes",
            "place",
            "status",
            "modality",
            "accompanier__first_name",
            "accompanier__email",
        )
        .order_by("starts_at", "pk")
    )
    registrations = (
        Registration.objects.visible_to(user)
        .active()
        .filter(workshop__starts_at__gte=start, workshop__starts_at__lt=end)
        .select_related("workshop")
    )
    events = [
        FeedEvent(
            uid=f"session-{session.pk}@{UID_DOMAIN}",
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            summary=_("Rendez-vous Soli'dôme avec %(name)s")
            % {"name": session.accompanier.first_name or session.accompanier.email},
            location=session.place,
            status="CANCELLED" if session.status == Session.Status.CANCELLED else "CONFIRMED",
        )
        for session in sessions
    ]
    events += [
        FeedEvent(
            uid=f"workshop-{registration.workshop.pk}@{UID_DOMAIN}",
            starts_at=registration.workshop.starts_at,
            ends_at=registration.workshop.ends_at,
            summary=registration.workshop.title,
            location=registration.workshop.place,
            status="CANCELLED"
            if registration.workshop.status == Workshop.Status.CANCELLED
            else "CONFIRMED",
        )
        for registration in registrations
    ]
    return sorted(events, key=lambda event: (event.starts_at, event.uid))


def build_calendar(events, *, name, now=None):
    """The text of a VCALENDAR with ``events``, CRLF line endings and folded lines."""
    stamp = format_utc(now or timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Cresna//Soli'dome//FR",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{format_utc(event.starts_at)}",
            f"DTEND:{format_utc(event.ends_at)}",
            f"SUMMARY:{escape_text(event.summary)}",
        ]
        if event.location:
            lines.append(f"LOCATION:{escape_text(event.location)}")
        lines += [f"STATUS:{event.status}", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(f"{part}\r\n" for line in lines for part in fold(line))


def change_subscription(user, action: str) -> str | None:
    """Create, revoke (a new token) or delete ``user``'s feed; returns what was done, or None
    when the action did not apply (a double click, a stale page)."""
    feed = CalendarFeed.objects.filter(user=user).first()
    if action == "create" and feed is None:
        CalendarFeed.objects.create(user=user)
        return "created"
    if action == "revoke" and feed is not None:
        feed.revoke()
        return "revoked"
    if action == "delete" and feed is not None:
        feed.delete()
        return "deleted"
    return None


def feed_links(request, feed, url_name: str) -> tuple[str, str]:
    """The feed's https link and its webcal:// twin, or two empty strings without a feed."""
    if feed is None:
        return "", ""
    feed_url = request.build_absolute_uri(reverse(url_name, args=[feed.token]))
    return feed_url, "webcal://" + feed_url.split("://", 1)[1]


def calendar_response(events, *, name: str) -> HttpResponse:
    """A subscribed feed's answer: private, never cached nor indexed."""
    response = HttpResponse(
        build_calendar(events, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="soli-dome.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
