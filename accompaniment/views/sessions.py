from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accompaniment.forms.sessions import (
    CancelSessionForm,
    RecordHeldForm,
    SessionFilterForm,
    SessionForm,
)
from accompaniment.models import Goal, Participation, Session
from accompaniment.services.sessions import (
    cancel_session,
    create_session,
    mark_missed,
    record_held,
    record_session_read,
    update_session,
)
from beneficiaries.models import Beneficiary
from soli_dome.audit.models import AuditEntry, record, record_read
from soli_dome.users.permissions import staff_required

LIST_LIMIT = 30
PAST_PAGE_SIZE = 20
EDITABLE = {Session.Status.PLANNED, Session.Status.HELD}


def with_people(queryset):
    """Sessions with their accompanier and participants, in one extra query whatever the
    number of sessions."""
    return queryset.select_related("accompanier").prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("beneficiary").order_by(
                "beneficiary__last_name", "beneficiary__first_name"
            ),
        )
    )


def actions_for(session, now=None):
    """What can be done to a session in its current state."""
    now = now or timezone.now()
    planned = session.status == Session.Status.PLANNED
    started = session.starts_at <= now
    return {
        "can_edit": session.status in EDITABLE,
        "can_cancel": planned,
        "can_mark_missed": planned and started,
        "can_record": started and session.status in {Session.Status.PLANNED, Session.Status.MISSED},
    }


def posted(request):
    """The posted data, even empty: an empty POST is a form sent blank, not a first display."""
    return request.POST if request.method == "POST" else None


def locked_session(request, pk):
    """The session, visible to the user, locked until the end of the transaction on POST so that
    two saves cannot both pass the version check."""
    visible = Session.objects.visible_to(request.user)
    if request.method == "POST":
        visible = Session.objects.select_for_update().filter(pk__in=visible.values("pk"))
    return get_object_or_404(visible, pk=pk)


@staff_required
def session_list(request):
    """ "My sessions": coming, waiting to be recorded, and past. From a file, all the sessions of
    that person; a coordinator may look at someone else's or the whole programme's."""
    user = request.user
    sessions = Session.objects.visible_to(user)
    beneficiary, filter_form, focus = None, None, user
    if "beneficiaire" in request.GET:
        try:
            beneficiary_pk = int(request.GET["beneficiaire"])
        except ValueError:
            raise Http404 from None
        beneficiary = get_object_or_404(Beneficiary.objects.visible_to(user), pk=beneficiary_pk)
        record(
            actor=user,
            action=AuditEntry.Action.READ,
            target=beneficiary,
            event="file.sessions_read",
        )
        sessions = sessions.filter(participations__beneficiary=beneficiary)
        focus = None
    elif user.is_coordinator:
        bound = "accompanier" in request.GET
        filter_form = SessionFilterForm(
            request.GET if bound else None, initial={"accompanier": user}
        )
        if bound:
            focus = filter_form.cleaned_data["accompanier"] if filter_form.is_valid() else user
    if focus is not None:
        sessions = sessions.led_by(focus)

    now = timezone.now()
    coming = sessions.planned().filter(starts_at__gte=now)
    to_record = sessions.planned().filter(starts_at__lt=now)
    past = sessions.exclude(status=Session.Status.PLANNED).order_by("-starts_at", "-pk")
    page = Paginator(with_people(past), PAST_PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "accompaniment/session_list.html",
        {
            "beneficiary": beneficiary,
            "filter_form": filter_form,
            "focus": focus,
            "coming": with_people(coming.order_by("starts_at", "pk"))[:LIST_LIMIT],
            "coming_count": coming.count(),
            "to_record": with_people(to_record.order_by("starts_at", "pk"))[:LIST_LIMIT],
            "to_record_count": to_record.count(),
            "page": page,
            "query_without_page": query_without_page.urlencode(),
            "list_limit": LIST_LIMIT,
        },
    )


@staff_required
def session_detail(request, pk):
    sessions = with_people(Session.objects.visible_to(request.user)).prefetch_related(
        "themes", Prefetch("goals", queryset=Goal.objects.select_related("beneficiary", "theme"))
    )
    session = get_object_or_404(sessions, pk=pk)
    record_session_read(session=session, by=request.user)
    return render(
        request,
        "accompaniment/session_detail.html",
        {"session": session, **actions_for(session)},
    )


@staff_required
def session_create(request):
    """A session chosen from the sessions page: collective by default, participants chosen
    among the files the user may see."""
    return _create(request, beneficiary=None)


@staff_required
def session_create_for(request, pk):
    """An individual session with the person whose file the user came from."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user).followed(), pk=pk)
    return _create(request, beneficiary=beneficiary)


def _create(request, *, beneficiary):
    form = SessionForm(
        posted(request),
        instance=Session(accompanier=request.user),
        user=request.user,
        beneficiary=beneficiary,
    )
    if request.method == "POST" and form.is_valid():
        session = create_session(form=form, by=request.user)
        if session.status == Session.Status.HELD:
            messages.success(request, _("La séance est enregistrée."))
        else:
            messages.success(request, _("La séance est planifiée."))
        return redirect(session)
    if beneficiary is not None and request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.session_form_opened")
    return render(
        request, "accompaniment/session_form.html", {"form": form, "beneficiary": beneficiary}
    )


@staff_required
def session_update(request, pk):
    with transaction.atomic():
        session = locked_session(request, pk)
        if session.status not in EDITABLE:
            messages.info(request, _("Une séance annulée ou manquée ne se modifie plus."))
            return redirect(session)
        form = SessionForm(posted(request), instance=session, user=request.user)
        if request.method == "POST" and form.is_valid():
            update_session(form=form, by=request.user)
            messages.success(request, _("Les changements sont enregistrés."))
            return redirect(session)
        if request.method == "GET":
            record_session_read(session=session, by=request.user, event="session.form_opened")
    return render(request, "accompaniment/session_form.html", {"form": form, "session": session})


@staff_required
def session_record(request, pk):
    """Record as held a planned session (or one marked missed by mistake)."""
    with transaction.atomic():
        session = locked_session(request, pk)
        if not actions_for(session)["can_record"]:
            messages.info(request, _("Cette séance ne peut pas être enregistrée comme réalisée."))
            return redirect(session)
        form = RecordHeldForm(posted(request), instance=session)
        if request.method == "POST" and form.is_valid():
            record_held(form=form, by=request.user)
            messages.success(request, _("La séance est enregistrée comme réalisée."))
            return redirect(session)
        if request.method == "GET":
            record_session_read(session=session, by=request.user, event="session.form_opened")
    return render(request, "accompaniment/session_record.html", {"form": form, "session": session})


@staff_required
def session_cancel(request, pk):
    with transaction.atomic():
        session = locked_session(request, pk)
        if not actions_for(session)["can_cancel"]:
            messages.info(request, _("Seule une séance prévue peut être annulée."))
            return redirect(session)
        form = CancelSessionForm(posted(request))
        if request.method == "POST" and form.is_valid():
            cancel_session(session=session, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("La séance est annulée."))
            return redirect(session)
        if request.method == "GET":
            record_session_read(session=session, by=request.user, event="session.form_opened")
    return render(request, "accompaniment/session_cancel.html", {"form": form, "session": session})


@staff_required
@require_POST
def session_missed(request, pk):
    with transaction.atomic():
        session = locked_session(request, pk)
        if actions_for(session)["can_mark_missed"]:
            mark_missed(session=session, by=request.user)
            messages.success(request, _("La séance est marquée comme manquée."))
        else:
            messages.info(
                request, _("Seule une séance prévue et déjà commencée peut être manquée.")
            )
    return redirect(session)
