"""The one place that answers "which part of the programme may this user see".

Querysets (``Beneficiary.objects.visible_to(user)`` and the like) branch on ``scope_of(user)``;
views use the decorators below for pages that belong to one role. A user outside a page's roles
gets a 404, so that the page's existence is not confirmed to them.
"""

import enum
from functools import wraps

from django.contrib import messages
from django.contrib.auth import logout
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from .models import User


class Scope(enum.Enum):
    NOTHING = "nothing"
    OWN_FILE = "own_file"  # a beneficiary: their own file, never staff-private notes
    ASSIGNED_FILES = "assigned_files"  # an accompanier: the files assigned to them
    WHOLE_PROGRAMME = "whole_programme"  # a coordinator


_SCOPE_BY_ROLE = {
    User.Role.COORDINATOR: Scope.WHOLE_PROGRAMME,
    User.Role.ACCOMPANIER: Scope.ASSIGNED_FILES,
    User.Role.BENEFICIARY: Scope.OWN_FILE,
}


def scope_of(user):
    if not user.is_authenticated or not user.is_active:
        return Scope.NOTHING
    return _SCOPE_BY_ROLE.get(user.role, Scope.NOTHING)


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.user.role not in roles:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = role_required(User.Role.COORDINATOR, User.Role.ACCOMPANIER)
coordinator_required = role_required(User.Role.COORDINATOR)

CLOSED_FILE_MESSAGE = _(
    "Votre accompagnement Soli'dôme est terminé, votre espace est fermé. "
    "Pour reprendre contact, appelez l'équipe Soli'dôme."
)


def has_closed_file(user):
    """A beneficiary whose file is closed: their portal is shut, at login and while logged in.
    Reads ``user.beneficiary_file`` (one query, then cached on the user)."""
    beneficiary = getattr(user, "beneficiary_file", None) if user.is_beneficiary else None
    return beneficiary is not None and not beneficiary.may_log_in


def beneficiary_required(view):
    """The portal's pages: for beneficiaries only (404 for anyone else). A person whose file was
    closed while they were logged in is logged out and sent to the login page, told why."""

    @role_required(User.Role.BENEFICIARY)
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if has_closed_file(request.user):
            logout(request)
            messages.info(request, CLOSED_FILE_MESSAGE)
            return redirect("account_login")
        return view(request, *args, **kwargs)

    return wrapped
