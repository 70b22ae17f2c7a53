"""A small HTTP client for a platform served behind a TLS proxy: it sends the proxy's
``X-Forwarded-Proto: https``, keeps the session and CSRF cookies, and logs in through the login
form as a person would. Used by the page benchmark and by the production-path test."""

import http.client
import re
from urllib.parse import urlencode

FORWARDED_HTTPS = {"X-Forwarded-Proto": "https"}


class Browser:
    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.port = port
        self.host = host
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Host": self.host, **FORWARDED_HTTPS, **(extra or {})}
        if self.cookies:
            headers["Cookie"] = self.cookie_header
        return headers

    def request(self, method: str, path: str, *, headers=None, body=None, https=True):
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            sent = self.headers(headers) if https else {"Host": self.host, **(headers or {})}
            client.request(method, path, body=body, headers=sent)
            response = client.getresponse()
            content = response.read()
        finally:
            client.close()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response, content

    def get(self, path: str, **kwargs):
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, fields: dict[str, str]):
        """POST a form from the page at ``path``, with its CSRF token and the Referer a
        browser sends over HTTPS."""
        _, page = self.get(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        return self.request(
            "POST",
            path,
            body=urlencode({"csrfmiddlewaretoken": token, **fields}),
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"https://{self.host}{path}",
            },
        )

    def log_in(self, email: str, password: str, path: str = "/compte/login/") -> None:
        response, _ = self.post_form(path, {"login": email, "password": password})
        if response.status != 302:
            raise RuntimeError(f"login of {email} at {path} answered {response.status}")
