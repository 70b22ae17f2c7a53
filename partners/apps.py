from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

# How close a word must be for the directory search to accept it on PostgreSQL (pg_trgm word
# similarity, 0 to 1). The extension's default, 0.6, misses one-letter slips in short words
# ("epicrie" for "épicerie" scores 0.55).
WORD_SIMILARITY_THRESHOLD = "0.5"


def tolerate_small_typos(sender, connection, **kwargs):
    """Set on each new PostgreSQL connection: the `%>` operator reads this setting, and an
    operator (unlike a function call) can be answered by the trigram index."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.word_similarity_threshold = {WORD_SIMILARITY_THRESHOLD}")


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Acteurs du territoire")

    def ready(self):
        connection_created.connect(tolerate_small_typos, dispatch_uid="partners_trigram_threshold")
