"""Checks on uploaded files, by their content rather than their name.

A file's name says what it claims to be; its bytes say what it is. Before anything reads a
table from an upload:

- an XLSX must be a ZIP archive holding a workbook, and its members must not unpack to more
  than ``UPLOAD_MAX_UNCOMPRESSED_BYTES`` altogether (a 1.5 MB file can unpack to 400 MB: a "zip
  bomb"). ``zipfile`` never unpacks a member past the size its directory declares, so the
  declared sizes are a bound that holds;
- a CSV must be text (no NUL byte, UTF-8 or Windows-1252);
- a JSON file must parse;
- a table may have at most ``UPLOAD_MAX_ROWS`` rows and ``UPLOAD_MAX_COLUMNS`` columns, and
  reading it stops after ``UPLOAD_MAX_SECONDS`` (well under gunicorn's timeout, so that a
  worker is never killed in the middle of a page).

Each refusal is an ``UnreadableUpload`` whose message, in plain French, goes next to the field.
"""

import io
import json
import time
import zipfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _


def megabytes(size: int) -> str:
    """``5 * 1024 * 1024`` as "5 Mo" (in French), "5 MB" (in English)."""
    value = round(size / (1024 * 1024), 1)
    number = formats.number_format(int(value) if value.is_integer() else value)
    return _("%(number)s Mo") % {"number": number}


class UnreadableUpload(Exception):
    """The file cannot be read as what it claims to be; the message says why, for a person."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_rows: int
    max_columns: int
    max_seconds: float

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.UPLOAD_MAX_BYTES,
            max_uncompressed_bytes=settings.UPLOAD_MAX_UNCOMPRESSED_BYTES,
            max_rows=settings.UPLOAD_MAX_ROWS,
            max_columns=settings.UPLOAD_MAX_COLUMNS,
            max_seconds=settings.UPLOAD_MAX_SECONDS,
        )


class Deadline:
    """The time a file may take to read; ``check()`` refuses it once that time is up."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.ends_at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() >= self.ends_at:
            raise UnreadableUpload(
                _(
                    "Le fichier est trop long à lire (plus de %(seconds)d secondes) : "
                    "découpez-le en plusieurs fichiers."
                )
                % {"seconds": self.seconds}
            )


def check_size(size: int, limits: Limits) -> None:
    if size > limits.max_bytes:
        raise UnreadableUpload(
            _("Le fichier dépasse %(size)s : découpez-le en plusieurs fichiers.")
            % {"size": megabytes(limits.max_bytes)}
        )


def open_xlsx_archive(content: bytes, limits: Limits) -> io.BytesIO:
    """The XLSX's bytes, ready for openpyxl, once they are known to be a workbook that unpacks
    to a bounded size."""
    buffer = io.BytesIO(content)
    not_a_workbook = UnreadableUpload(
        _("Le fichier n'est pas un classeur XLSX : enregistrez-le au format Excel (.xlsx).")
    )
    try:
        with zipfile.ZipFile(buffer) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise not_a_workbook from None
    if not any(member.filename == "xl/workbook.xml" for member in members):
        raise not_a_workbook
    if sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
        raise UnreadableUpload(
            _(
                "Le classeur décompressé dépasse %(size)s : découpez-le en plusieurs fichiers, "
                "ou enregistrez-le sans images ni mise en forme."
            )
            % {"size": megabytes(limits.max_uncompressed_bytes)}
        )
    buffer.seek(0)
    return buffer


def decode_text(content: bytes) -> str:
    """The text of a CSV file, in UTF-8 (with or without a byte-order mark) or Windows-1252."""
    if b"\x00" in content:
        raise UnreadableUpload(
            _("Le fichier n'est pas un texte CSV : enregistrez-le au format CSV (UTF-8).")
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableUpload(
            _("Le fichier n'est pas un texte lisible (UTF-8 attendu).")
        ) from None


def parse_json(content: bytes) -> Any:
    unreadable = UnreadableUpload(_("Le fichier n'est pas un JSON lisible."))
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise unreadable from None
    # A NUL character, escaped as \u0000, parses but no database text can hold it.
    if "\\u0000" in json.dumps(data):
        raise unreadable
    return data


def too_many_rows(limits: Limits) -> UnreadableUpload:
    return UnreadableUpload(
        _("Le fichier a plus de %(count)d lignes : découpez-le en plusieurs fichiers.")
        % {"count": limits.max_rows}
    )


def too_many_columns(limits: Limits) -> UnreadableUpload:
    return UnreadableUpload(
        _("Le fichier a plus de %(count)d colonnes : gardez seulement celles du modèle d'import.")
        % {"count": limits.max_columns}
    )
