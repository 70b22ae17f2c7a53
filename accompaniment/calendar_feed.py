"""A hand-written iCalendar (RFC 5545) feed of a staff member's sessions and workshops.

External calendars leak (phone backups, shared agendas, cloud sync): an event carries at most
a first name and initial, the time and the place, and with ``CALENDAR_FEED_SHOWS_DETAILS`` off
only the time. Private notes, summaries and last names never enter the feed.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from accompaniment.models import Participation, Session, Workshop

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
    """``participants``: the (first name, last name) of the people of ``session``."""
    summary = _("Rendez-vous Soli'dôme")
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
        .only("kind", "starts_at", "duration_minutes", "place")
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
        lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(f"{part}\r\n" for line in lines for part in fold(line))
