"""Plain words (FALC) in the portal: short sentences, no inclusive-writing dots.

Every portal page is read as the person reads it (the text of <main>, without scripts); a
sentence longer than 20 words, or a "·" in running text ("accompagnateur·rice"), fails."""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from accompaniment import reminders
from soli_dome.notifications.models import Notification
from tests.accompaniment.factories import SessionFactory
from tests.accompaniment.test_portal import PORTAL_PAGES, full_file
from tests.notifications.factories import reachable

pytestmark = pytest.mark.django_db

MAX_WORDS = 20
SENTENCE_END = re.compile(r"(?<=[.!?…:])\s+|\n")


class MainText(HTMLParser):
    """The visible text of <main>, one chunk per block element."""

    BLOCKS = {
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "dt",
        "dd",
        "td",
        "th",
        "label",
        "button",
        "a",
        "div",
        "section",
        "article",
        "option",
        "summary",
        "legend",
    }

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.skip = 0
        self.chunks = [""]

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.depth += 1
        if tag in {"script", "style"}:
            self.skip += 1
        if tag in self.BLOCKS:
            self.chunks.append("")

    def handle_endtag(self, tag):
        if tag == "main":
            self.depth -= 1
        if tag in {"script", "style"}:
            self.skip -= 1
        if tag in self.BLOCKS:
            self.chunks.append("")

    def handle_data(self, data):
        if self.depth and not self.skip:
            self.chunks[-1] += data


def sentences(html):
    parser = MainText()
    parser.feed(html)
    for chunk in parser.chunks:
        for sentence in SENTENCE_END.split(" ".join(chunk.split())):
            if sentence.strip():
                yield sentence.strip()


def problems(html):
    found = []
    for sentence in sentences(html):
        words = [word for word in sentence.split() if re.search(r"\w", word)]
        if len(words) > MAX_WORDS:
            found.append(f"{len(words)} words: {sentence}")
        if "·" in sentence:
            found.append(f"inclusive dot: {sentence}")
    return found


@pytest.mark.parametrize(
    "name", [name for name in PORTAL_PAGES if name != "accompaniment:portal_data_download"]
)
def test_portal_pages_are_in_plain_words(client, beneficiary_user, accompanier, name):
    full_file(beneficiary_user.beneficiary_file, accompanier)
    client.force_login(beneficiary_user)
    html = client.get(reverse(name)).content.decode()
    assert problems(html) == []


def test_the_login_code_page_is_in_plain_words(client, beneficiary_user):
    page = client.get(reverse("account_request_login_code")).content.decode()
    assert problems(page) == []
    client.post(reverse("account_request_login_code"), {"email": beneficiary_user.email})
    page = client.get(reverse("account_confirm_login_code")).content.decode()
    assert "veuillez donc" not in page
    assert problems(page) == []


def test_the_checker_catches_long_sentences_and_dots():
    long = "<main><p>" + " ".join(["mot"] * 21) + ".</p><p>Votre accompagnateur·rice.</p></main>"
    assert len(problems(long)) == 2


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_messages_to_a_person_are_in_plain_words(accompanier, beneficiary_of, channel):
    person = reachable(
        beneficiary_of(accompanier, email="ines@example.org", reminder_channel=channel)
    )
    session = SessionFactory(accompanier=accompanier, participants=[person])
    appointment = reminders.of_session(session)
    reminders.appointment_fixed(appointment, [person])
    reminders.appointment_cancelled(appointment, [person])
    bodies = list(Notification.objects.values_list("body", flat=True))
    assert bodies
    for body in bodies:
        assert problems(f"<main><p>{body}</p></main>") == [], body
