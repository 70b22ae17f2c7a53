"""Links in messages: on the platform's public address (``SITE_URL``), as a message is read
outside any request."""

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.simple_tag
def absolute_url(name: str) -> str:
    return settings.SITE_URL + reverse(name)
