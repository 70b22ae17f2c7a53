"""Alphabetical order the French way: lists sort on the folded text (``soli_dome.text.fold``:
lower case, without accents, "œ" as "oe"), computed by the database (``Folded``), so that
"Cébazat" comes before "Chamalières" and "Épicerie…" sits among the E whatever the database's
collation (SQLite, PostgreSQL in "C")."""

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Value
from django.db.models.functions import Collate, Lower, Replace

from soli_dome.text import fold


def _accented_letters():
    """The Latin letters (Latin-1 and Latin Extended-A) that fold to one plain letter, and
    that letter: the two arguments of PostgreSQL's translate()."""
    accented, plain = [], []
    for code in range(0xC0, 0x180):
        letter = chr(code)
        folded = fold(letter)
        if len(folded) == 1 and folded.isascii() and folded.isalpha() and folded != letter:
            accented.append(letter)
            plain.append(folded)
    return "".join(accented), "".join(plain)


ACCENTED, PLAIN = _accented_letters()
SQLITE_FUNCTION = "solidome_fold"


class Folded(Func):
    """``expression`` folded by the database, for ``order_by`` and ``Meta.ordering``.

    PostgreSQL: lower() (which leaves non-ASCII letters alone in the "C" locale), ligatures
    replaced, accented letters translated, compared byte by byte (``COLLATE "C"``) so that the
    database's own collation plays no part. SQLite: ``fold`` itself, registered on each
    connection."""

    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)

    def as_postgresql(self, compiler, connection, **extra_context):
        text = self.source_expressions[0]
        for ligature, letters in (("œ", "oe"), ("Œ", "oe"), ("æ", "ae"), ("Æ", "ae")):
            text = Replace(text, Value(ligature), Value(letters))
        translated = Func(
            Lower(text),
            Value(ACCENTED),
            Value(PLAIN),
            function="translate",
            output_field=CharField(),
        )
        return Collate(translated, "C").as_sql(compiler, connection, **extra_context)


def _register_sqlite_fold(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_FUNCTION,
            1,
            lambda text: None if text is None else fold(text),
            deterministic=True,
        )


# Connected when the models import this module, before any connection opens.
connection_created.connect(_register_sqlite_fold, dispatch_uid="solidome_sqlite_fold")
