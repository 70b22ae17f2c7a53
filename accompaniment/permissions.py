"""Who may do what to an accompaniment object: pure functions, used by the services (which
enforce them) and by the views and templates (which offer only what is allowed)."""


def can_lead_sessions_for(user, accompanier) -> bool:
    """An accompanier plans and records their own sessions; a coordinator, anyone's."""
    return user.is_coordinator or (accompanier is not None and accompanier.pk == user.pk)


def can_manage_workshop(user, workshop) -> bool:
    """A workshop is changed or cancelled by its organiser or a coordinator."""
    return user.is_coordinator or workshop.organiser_id == user.pk
