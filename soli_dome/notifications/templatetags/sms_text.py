from django import template

from soli_dome.notifications.gsm7 import to_gsm7

register = template.Library()


@register.filter
def gsm7(value):
    """The value in the GSM-7 alphabet, before ``truncatechars``: "œ" becomes two characters,
    and the length must be cut on what will be sent."""
    return to_gsm7(str(value))
