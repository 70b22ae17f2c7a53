"""SMS backends, chosen by the SMS_BACKEND setting like Django's e-mail backends.

Each backend's ``send(to=, text=, key=)`` returns normally when the provider accepted the
message, raises ``TemporaryFailure`` when trying again later may work (network, timeouts,
provider overloaded) and ``PermanentFailure`` when it never will (number refused).
``was_delivered(key)`` answers True/False when the backend can tell whether a message with this
idempotency key already went out, None when it cannot; the outbox uses it after a worker died
in the middle of a send (see ``outbox.recover_interrupted``).
"""

import fcntl
import json
import logging
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class TemporaryFailure(Exception):
    pass


class PermanentFailure(Exception):
    pass


class BaseSmsBackend:
    def send(self, *, to, text, key):
        raise NotImplementedError

    def was_delivered(self, key):
        return None


class ConsoleBackend(BaseSmsBackend):
    """Development: the message is printed on the worker's standard output."""

    def send(self, *, to, text, key):
        sys.stdout.write(f"SMS to {to} [{key}]\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()


# Messages "sent" by LocmemBackend in this process, for tests and the benchmark.
outbox = []


class LocmemBackend(BaseSmsBackend):
    def send(self, *, to, text, key):
        outbox.append({"to": to, "text": text, "key": key})

    def was_delivered(self, key):
        return any(message["key"] == key for message in outbox)


class FileBackend(BaseSmsBackend):
    """One JSON line per message in SMS_FILE_PATH, shared by every worker process: tests count
    deliveries there across processes. SMS_FILE_DELAY (seconds) makes each send slow, so that a
    test can kill a worker in the middle of a batch."""

    def __init__(self):
        self.path = Path(settings.SMS_FILE_PATH)
        self.delay = settings.SMS_FILE_DELAY

    def send(self, *, to, text, key):
        if self.delay:
            time.sleep(self.delay)
        line = json.dumps({"to": to, "text": text, "key": key}, ensure_ascii=False) + "\n"
        with self.path.open("a", encoding="utf-8") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            file.write(line)
            file.flush()

    def was_delivered(self, key):
        if not self.path.exists():
            return False
        with self.path.open(encoding="utf-8") as file:
            return any(json.loads(line)["key"] == key for line in file if line.strip())


class BrevoBackend(BaseSmsBackend):
    """Brevo's transactional SMS API (POST /v3/transactionalSMS/sms, "api-key" header).

    Settings: SMS_API_KEY, SMS_SENDER (11 letters or digits at most), SMS_API_URL (the
    endpoint, Brevo's by default), SMS_API_TIMEOUT. The idempotency key is sent as the
    message's tag, so that a message can be found in Brevo's logs. Brevo has no idempotent
    send, so ``was_delivered`` cannot answer: an interrupted send is left for a person to check.
    """

    def send(self, *, to, text, key):
        if not settings.SMS_API_KEY:
            raise PermanentFailure("SMS_API_KEY is not set")
        payload = {
            "sender": settings.SMS_SENDER,
            "recipient": to.removeprefix("+"),
            "content": text,
            "type": "transactional",
            "tag": key[:100],
        }
        request = urllib.request.Request(  # noqa: S310 (the URL comes from settings)
            settings.SMS_API_URL,
            data=json.dumps(payload).encode(),
            method="POST",
            headers={
                "api-key": settings.SMS_API_KEY,
                "accept": "application/json",
                "content-type": "application/json",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_API_TIMEOUT):  # noqa: S310
                return
        except urllib.error.HTTPError as error:
            detail = error.read(500).decode(errors="replace")
            if error.code == 429 or error.code >= 500:
                raise TemporaryFailure(f"HTTP {error.code}: {detail}") from error
            raise PermanentFailure(f"HTTP {error.code}: {detail}") from error
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            raise TemporaryFailure(str(error)) from error


def get_backend():
    return import_string(settings.SMS_BACKEND)()
