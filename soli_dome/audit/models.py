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


class AuditEntry(models.Model):
    """Who read or changed which file, when. Append-only: entries are never edited."""

    class Action(models.TextChoices):
        READ = "read", _("Consultation")
        CREATE = "create", _("Création")
        UPDATE = "update", _("Modification")
        EXPORT = "export", _("Export")

    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    # None: the platform itself (the retention job), not a person.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=10, choices=Action)
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    detail = models.CharField(_("détail"), max_length=200, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"], name="audit_target")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor or 'Soli’dôme'} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)


def record(*, actor, action, target, detail=""):
    return AuditEntry.objects.create(actor=actor, action=action, target=target, detail=detail)


def record_many(*, actor, action, targets, detail=""):
    """One entry per distinct target, in one query whatever their number."""
    targets = list({(type(target), target.pk): target for target in targets}.values())
    if not targets:
        return []
    content_type = ContentType.objects.get_for_model(targets[0])
    return AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action=action,
            content_type=content_type,
            object_id=target.pk,
            detail=detail[:200],
        )
        for target in targets
    )
