"""The access journal: who read or changed which file, when.

Append-only, and not only by convention: a database trigger (migration
``0003_journal_append_only_trigger``) refuses UPDATE, DELETE and TRUNCATE on the table, on
PostgreSQL and on SQLite, whoever sends them. The one way out is the retention purge
(``purge.purge_old_entries``), which opens the trigger inside its own transaction and leaves
its own entry.

An entry stores an ``event`` code and its ``params`` (names and codes, never a sentence):
``events.describe`` turns them into a French sentence, or an English one, when the journal is
read. Entries written before events existed keep their ``detail`` text, described as well as
it can be (``events.legacy_event``).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def about(self, obj):
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).select_related("actor")

    def about_pk(self, model, pk):
        return self.filter(content_type=ContentType.objects.get_for_model(model), object_id=pk)

    def for_journal(self):
        """With what the journal page and its export show, in a fixed number of queries."""
        return self.select_related("actor", "content_type").prefetch_related("target")


class AuditEntry(models.Model):
    """Who read or changed which file, when. Append-only: entries are never edited."""

    class Action(models.TextChoices):
        READ = "read", _("Consultation")
        CREATE = "create", _("Création")
        UPDATE = "update", _("Modification")
        EXPORT = "export", _("Export")
        DELETE = "delete", _("Suppression")

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    # Empty for what the platform does by itself (the retention purge).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    # Empty for entries about the journal itself (its export, its purge).
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    event = models.CharField(_("événement"), max_length=40, blank=True, db_index=True)
    params = models.JSONField(_("paramètres"), default=dict, blank=True)
    # Entries written before events existed: a developer's note, kept as it was.
    detail = models.CharField(_("détail"), max_length=200, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_target"),
            models.Index(fields=["actor", "-at"], name="audit_actor"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'Soli’dôme'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    @property
    def sentence(self) -> str:
        """What was done, as a sentence in the language of the page."""
        from .events import describe

        return describe(self)


def _entry(*, actor, action, target, event, detail, params):
    from .events import EVENTS

    if event and event not in EVENTS:
        raise ValueError(f"Unknown journal event {event!r}: add it to soli_dome/audit/events.py")
    return AuditEntry(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(target) if target is not None else None,
        object_id=target.pk if target is not None else None,
        event=event,
        params=params,
        detail=detail[:200],
    )


def record(*, actor, action, target, event="", detail="", **params):
    """One entry. ``event`` names what was done (see ``events.EVENTS``) and ``params`` the
    names and codes its sentence needs; ``detail`` is only for callers not yet moved to
    events."""
    entry = _entry(
        actor=actor, action=action, target=target, event=event, detail=detail, params=params
    )
    entry.save()
    return entry


def record_read(*, actor, target, event, **params):
    """A staff read of a file (its page, a form showing it, an export)."""
    return record(actor=actor, action=AuditEntry.Action.READ, target=target, event=event, **params)


def record_many(*, actor, action, targets, event="", detail="", **params):
    """One entry per distinct target, in one query whatever their number."""
    targets = list({(type(target), target.pk): target for target in targets}.values())
    if not targets:
        return []
    return AuditEntry.objects.bulk_create(
        _entry(actor=actor, action=action, target=target, event=event, detail=detail, params=params)
        for target in targets
    )
