"""The Brevo backend against a stub of its API on 127.0.0.1."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from soli_dome.notifications import sms


class StubBrevo(BaseHTTPRequestHandler):
    status = 201
    received = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        StubBrevo.received.append({"path": self.path, "api-key": self.headers["api-key"], **body})
        self.send_response(StubBrevo.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"reference": "ab1", "messageId": 1511882900176220}')

    def log_message(self, *args):
        pass


@pytest.fixture
def brevo(settings):
    server = HTTPServer(("127.0.0.1", 0), StubBrevo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    StubBrevo.received, StubBrevo.status = [], 201
    settings.SMS_API_URL = f"http://127.0.0.1:{server.server_port}/v3/transactionalSMS/sms"
    settings.SMS_API_KEY = "xkeysib-test"
    settings.SMS_SENDER = "Solidome"
    yield StubBrevo
    server.shutdown()
    server.server_close()


def test_brevo_receives_the_message_as_its_api_documents(brevo):
    sms.BrevoBackend().send(to="+33612345678", text="Bonjour", key="session-reminder:1:2:sms:2d")
    assert brevo.received == [
        {
            "path": "/v3/transactionalSMS/sms",
            "api-key": "xkeysib-test",
            "sender": "Solidome",
            "recipient": "33612345678",
            "content": "Bonjour",
            "type": "transactional",
            "tag": "session-reminder:1:2:sms:2d",
        }
    ]


@pytest.mark.parametrize("status", [429, 500, 503])
def test_brevo_overloaded_or_down_is_a_temporary_failure(brevo, status):
    brevo.status = status
    with pytest.raises(sms.TemporaryFailure):
        sms.BrevoBackend().send(to="+33612345678", text="Bonjour", key="k")


def test_brevo_refusing_the_number_is_a_permanent_failure(brevo):
    brevo.status = 400
    with pytest.raises(sms.PermanentFailure):
        sms.BrevoBackend().send(to="+33612345678", text="Bonjour", key="k")


def test_an_unreachable_provider_is_a_temporary_failure(settings):
    settings.SMS_API_URL = "http://127.0.0.1:9/v3/transactionalSMS/sms"  # discard port: closed
    settings.SMS_API_KEY = "xkeysib-test"
    with pytest.raises(sms.TemporaryFailure):
        sms.BrevoBackend().send(to="+33612345678", text="Bonjour", key="k")
