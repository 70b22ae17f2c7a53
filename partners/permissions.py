"""Who may change the partner directory. Reading it is ``Partner.objects.visible_to``."""


def can_edit_partners(user):
    """Coordinators keep the directory; accompaniers read it."""
    return user.is_authenticated and user.is_active and user.is_coordinator
