"""Path converters for the secret tokens in links (a partner's referral, a calendar feed, a
portal invitation, an import in progress): anything but the characters such a token is made
of is no page at all (404), before any database lookup (PostgreSQL refuses a NUL byte)."""

from django.urls import register_converter


class TokenConverter:
    """``secrets.token_urlsafe``: letters, digits, ``-`` and ``_``."""

    regex = r"[A-Za-z0-9_-]{1,100}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class FileTokenConverter(TokenConverter):
    """A token followed by its file's extension ("Xyz_1.xlsx")."""

    regex = r"[A-Za-z0-9_-]{1,100}\.[a-z]{2,5}"


def register() -> None:
    register_converter(TokenConverter, "token")
    register_converter(FileTokenConverter, "filetoken")
