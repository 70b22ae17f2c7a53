import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_feed_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A staff member's private iCalendar feed. The token is the only credential of the feed's
    URL: revoking it (a new token) cuts every calendar that subscribed to the old one."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agenda partagé")
        verbose_name_plural = _("agendas partagés")

    def __str__(self):
        return str(self.user)

    def revoke(self):
        self.token = new_feed_token()
        self.save(update_fields=["token"])
