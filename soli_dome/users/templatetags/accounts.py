from allauth.mfa.utils import is_mfa_enabled
from django import template

register = template.Library()


@register.filter
def has_second_factor(user) -> bool:
    """Whether ``user`` activated a second factor (one query; account pages only)."""
    return user.is_authenticated and is_mfa_enabled(user)
