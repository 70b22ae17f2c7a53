"""The beneficiary portal ("Mon accompagnement"): the person's own file, in plain words.

Every view is decorated with ``beneficiary_required``, which also turns away (logs out) a person
whose file was closed. Every read goes through ``visible_to(request.user)``: another person's
objects, like any staff page, give a 404. Staff-private notes are never read by these views."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accompaniment.calendar_feed import (
    FeedEvent,
    build_calendar,
    calendar_response,
    change_subscription,
    feed_links,
    person_feed_events,
)
from accompaniment.forms.plans import OwnStepForm, StepDoneForm
from accompaniment.forms.portal import GoodAddressFilterForm
from accompaniment.models import CalendarFeed, Goal, Registration, Session, Step, Workshop
from accompaniment.services import access_log, personal_export
from accompaniment.services import plans as plan_services
from accompaniment.services import portal as portal_services
from accompaniment.services import workshops as workshop_services
from accompaniment.views.plans import render_plan_sheet
from beneficiaries import services as file_services
from beneficiaries.forms import ContactChangeRequestForm, PreferencesForm
from beneficiaries.models import Beneficiary, Consent
from partners.models import Partner
from soli_dome.notifications.models import Notification
from soli_dome.users.language import remember_language
from soli_dome.users.permissions import beneficiary_required, has_closed_file

PAST_SESSIONS_PAGE_SIZE = 10
ACCESS_LOG_PAGE_SIZE = 20
# Cards of a phone's screen or two: a page stays light on a slow connection.
ADDRESSES_PAGE_SIZE = 12


def _portal_url(name):
    return reverse(f"accompaniment:{name}")


def _own_file(request):
    """The person's own file (``beneficiary_required`` has already turned a closed one away)."""
    return get_object_or_404(Beneficiary.objects.visible_to(request.user).followed())


@beneficiary_required
def portal_home(request):
    """The beneficiary's own page: who follows them, what comes next, and the way to the
    other pages of their space."""
    beneficiary = _own_file(request)
    appointments = portal_services.upcoming_appointments(request.user)
    return render(
        request,
        "accompaniment/portal_home.html",
        {
            "beneficiary": beneficiary,
            "assignments": portal_services.accompaniers_of(request.user),
            "next_appointment": appointments[0] if appointments else None,
        },
    )


# My plan ---------------------------------------------------------------------------------


def _plan_context(request, beneficiary, *, step_form=None, step_form_goal=None):
    open_goals, history = plan_services.plan_of(
        beneficiary, goals=Goal.objects.visible_to(request.user)
    )
    for goal in open_goals:
        if step_form is not None and goal.pk == step_form_goal:
            goal.own_step_form = step_form
        else:
            goal.own_step_form = OwnStepForm(prefix=f"goal{goal.pk}")
    return {"beneficiary": beneficiary, "open_goals": open_goals, "history": history}


@beneficiary_required
def portal_plan(request):
    beneficiary = _own_file(request)
    return render(request, "accompaniment/portal_plan.html", _plan_context(request, beneficiary))


@beneficiary_required
def portal_plan_print(request):
    beneficiary = _own_file(request)
    return render_plan_sheet(
        request,
        beneficiary,
        goals=Goal.objects.visible_to(request.user),
        back_url=_portal_url("portal_plan"),
    )


@beneficiary_required
@require_POST
def portal_step_toggle(request, pk):
    """Tick (or untick) a step the person does; the accompanier's own steps are not theirs
    to tick."""
    step = get_object_or_404(
        Step.objects.visible_to(request.user)
        .for_the_person()
        .filter(goal__in=Goal.objects.visible_to(request.user).open())
        .select_related("goal__beneficiary"),
        pk=pk,
    )
    form = StepDoneForm(request.POST)
    if form.is_valid():
        done = bool(form.cleaned_data["done"])
        plan_services.set_step_done(step=step, done=done, by=request.user)
        messages.success(
            request,
            (
                _("Bravo, c'est fait : « %(step)s ».")
                if done
                else _("« %(step)s » est de nouveau à faire.")
            )
            % {"step": step},
        )
    return redirect(f"{_portal_url('portal_plan')}#step-{step.pk}")


@beneficiary_required
@require_POST
def portal_step_add(request, pk):
    goal = get_object_or_404(
        Goal.objects.visible_to(request.user).open().select_related("beneficiary"), pk=pk
    )
    form = OwnStepForm(request.POST, prefix=f"goal{goal.pk}")
    if form.is_valid():
        step = plan_services.add_step(goal=goal, form=form, by=request.user)
        messages.success(
            request, _("C'est ajouté à votre parcours : « %(step)s ».") % {"step": step}
        )
        return redirect(f"{_portal_url('portal_plan')}#step-{step.pk}")
    context = _plan_context(request, goal.beneficiary, step_form=form, step_form_goal=goal.pk)
    return render(request, "accompaniment/portal_plan.html", context, status=422)


# My appointments -------------------------------------------------------------------------


@beneficiary_required
def portal_appointments(request):
    beneficiary = _own_file(request)
    past = Paginator(portal_services.past_sessions(request.user), PAST_SESSIONS_PAGE_SIZE)
    return render(
        request,
        "accompaniment/portal_appointments.html",
        {
            "beneficiary": beneficiary,
            "appointments": portal_services.upcoming_appointments(request.user),
            "past": past.get_page(request.GET.get("page")),
        },
    )


@beneficiary_required
def portal_appointment_ics(request, kind, pk):
    """One appointment as an .ics file, to add to the phone's calendar."""
    if kind not in {"session", "workshop"}:
        raise Http404
    if kind == "session":
        session = get_object_or_404(
            Session.objects.visible_to(request.user)
            .exclude(status=Session.Status.CANCELLED)
            .select_related("accompanier"),
            pk=pk,
        )
        event = FeedEvent(
            uid=f"session-{session.pk}@soli-dome.cresna",
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            summary=_("Rendez-vous Soli'dôme avec %(name)s")
            % {"name": session.accompanier.get_full_name() or session.accompanier.email},
            location=session.place,
        )
    else:
        registration = get_object_or_404(
            Registration.objects.visible_to(request.user).active().select_related("workshop"),
            workshop_id=pk,
        )
        workshop = registration.workshop
        event = FeedEvent(
            uid=f"workshop-{workshop.pk}@soli-dome.cresna",
            starts_at=workshop.starts_at,
            ends_at=workshop.ends_at,
            summary=workshop.title,
            location=workshop.place,
        )
    response = HttpResponse(
        build_calendar([event], name="Soli'dôme"), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="soli-dome-{kind}-{pk}.ics"'
    return response


@beneficiary_required
def portal_calendar(request):
    """The person's private feed link: their appointments in their phone's calendar, kept up to
    date when one moves or is cancelled."""
    beneficiary = _own_file(request)
    feed = CalendarFeed.objects.filter(user=request.user).first()
    feed_url, webcal_url = feed_links(request, feed, "accompaniment:portal_calendar_feed")
    return render(
        request,
        "accompaniment/portal_calendar.html",
        {"beneficiary": beneficiary, "feed": feed, "feed_url": feed_url, "webcal_url": webcal_url},
    )


@beneficiary_required
@require_POST
def portal_calendar_change(request):
    _own_file(request)
    done = change_subscription(request.user, request.POST.get("action"))
    if done == "created":
        messages.success(request, _("Votre lien est prêt. Ajoutez-le à votre téléphone."))
    elif done == "revoked":
        messages.success(request, _("L'ancien lien ne marche plus. Voici le nouveau lien."))
    elif done == "deleted":
        messages.success(request, _("Le lien est supprimé. Vos rendez-vous ne sont plus partagés."))
    return redirect("accompaniment:portal_calendar")


@login_not_required
@require_safe
def portal_calendar_feed(request, token):
    """The person's feed: no login, the secret token is the credential. Only a beneficiary's
    token works here, while their file is followed."""
    feed = get_object_or_404(CalendarFeed.objects.select_related("user"), token=token)
    owner = feed.user
    if not (owner.is_active and owner.is_beneficiary) or has_closed_file(owner):
        raise Http404
    return calendar_response(person_feed_events(owner), name=_("Mes rendez-vous Soli'dôme"))


# Workshops -------------------------------------------------------------------------------


@beneficiary_required
def portal_workshops(request):
    beneficiary = _own_file(request)
    workshops = list(
        Workshop.objects.visible_to(request.user).coming().with_counts().select_related("host")
    )
    mine = {
        registration.workshop_id: registration
        for registration in Registration.objects.visible_to(request.user).active()
    }
    for workshop in workshops:
        workshop.my_registration = mine.get(workshop.pk)
        workshop.places_left = max(workshop.capacity - workshop.registered_count, 0)
    return render(
        request,
        "accompaniment/portal_workshops.html",
        {
            "beneficiary": beneficiary,
            "workshops": workshops,
            "my_workshops": [w for w in workshops if w.my_registration],
        },
    )


@beneficiary_required
@require_POST
def portal_workshop_register(request, pk):
    beneficiary = _own_file(request)
    workshop = get_object_or_404(Workshop.objects.visible_to(request.user).coming(), pk=pk)
    try:
        registration = workshop_services.register(
            workshop=workshop, beneficiary=beneficiary, by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if registration.status == Registration.Status.REGISTERED:
            messages.success(
                request,
                _(
                    "C'est noté : votre place est réservée pour « %(title)s ». "
                    "L'atelier est dans vos rendez-vous."
                )
                % {"title": workshop.title},
            )
        else:
            messages.info(
                request,
                _(
                    "L'atelier « %(title)s » est complet. Vous êtes sur la liste d'attente : "
                    "si une place se libère, elle est pour vous."
                )
                % {"title": workshop.title},
            )
    return redirect(f"{_portal_url('portal_workshops')}#workshop-{workshop.pk}")


@beneficiary_required
def portal_workshop_unregister(request, pk):
    """Asks first ("you are no longer coming?"), then frees the place."""
    registration = get_object_or_404(
        Registration.objects.visible_to(request.user).active().select_related("workshop"),
        workshop_id=pk,
    )
    if request.method != "POST":
        return render(
            request,
            "accompaniment/portal_workshop_unregister.html",
            {"registration": registration, "workshop": registration.workshop},
        )
    try:
        workshop_services.unregister(registration=registration, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Votre place pour « %(title)s » est libérée.") % {"title": registration.workshop},
        )
    return redirect(f"{_portal_url('portal_workshops')}#workshop-{pk}")


# Good addresses --------------------------------------------------------------------------


@beneficiary_required
def portal_addresses(request):
    beneficiary = _own_file(request)
    form = GoodAddressFilterForm(
        request.GET or None,
        beneficiary=beneficiary,
        partners=Partner.objects.visible_to(request.user),
    )
    partners = portal_services.good_addresses(request.user, beneficiary, **form.filters())
    page = Paginator(partners, ADDRESSES_PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = portal_services.with_distances(page.object_list, beneficiary)
    # The map shows the places of this page, like the list beside it.
    markers = [
        {
            "name": partner.name,
            "lat": float(partner.latitude),
            "lon": float(partner.longitude),
            "categories": [str(service) for service in partner.services.all()],
            "closed_until": date_format(partner.closed_until, "j F Y")
            if partner.closed_until
            else "",
            "url": f"#adresse-{partner.pk}",
        }
        for partner in page.object_list
        if partner.has_coordinates
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accompaniment/portal_addresses.html",
        {
            "beneficiary": beneficiary,
            "form": form,
            "is_filtered": any(form.filters().values()),
            "page": page,
            "partners": page.object_list,
            "query_without_page": query.urlencode(),
            "markers": markers,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )


# Who sees my file ------------------------------------------------------------------------


@beneficiary_required
def portal_file_access(request):
    """Who follows the person, what each partner received, their consents, and every read and
    change of their file by staff (the journal, a page at a time)."""
    beneficiary = _own_file(request)
    page = Paginator(access_log.entries_about(beneficiary), ACCESS_LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "accompaniment/portal_file_access.html",
        {
            "beneficiary": beneficiary,
            "assignments": portal_services.accompaniers_of(request.user),
            "referrals": portal_services.referrals_sharing_data(request.user),
            "consents": beneficiary.consents.all(),
            "page": page,
            "access_lines": access_log.lines(page),
        },
    )


@beneficiary_required
@require_POST
def portal_consent_withdraw(request, pk):
    beneficiary = _own_file(request)
    consent = get_object_or_404(Consent.objects.filter(beneficiary=beneficiary), pk=pk)
    if consent.is_given:
        file_services.withdraw_consent(consent=consent, by=request.user)
        messages.success(
            request,
            _(
                "C'est noté, vous avez retiré votre accord : « %(consent)s ». "
                "La personne qui vous suit est prévenue."
            )
            % {"consent": consent.plain_label},
        )
    return redirect(f"{_portal_url('portal_file_access')}#consents")


@beneficiary_required
@require_POST
def portal_consent_give(request, pk):
    """Give back a consent withdrawn before (or refused when it was asked)."""
    beneficiary = _own_file(request)
    consent = get_object_or_404(Consent.objects.filter(beneficiary=beneficiary), pk=pk)
    if not consent.is_given:
        file_services.give_back_consent(consent=consent, by=request.user)
        messages.success(
            request,
            _(
                "C'est noté, vous avez donné votre accord : « %(consent)s ». "
                "La personne qui vous suit est prévenue."
            )
            % {"consent": consent.plain_label},
        )
    return redirect(f"{_portal_url('portal_file_access')}#consents")


# Preferences -----------------------------------------------------------------------------


@beneficiary_required
def portal_preferences(request):
    beneficiary = _own_file(request)
    form = PreferencesForm(request.POST or None, instance=beneficiary)
    if request.method == "POST" and form.is_valid():
        beneficiary = file_services.update_preferences(form=form, by=request.user)
        translation.activate(beneficiary.preferred_language)
        messages.success(request, _("Vos choix sont enregistrés."))
        return remember_language(
            redirect("accompaniment:portal_preferences"), beneficiary.preferred_language
        )
    status = 422 if form.errors else 200
    return _preferences_page(request, beneficiary, form, ContactChangeRequestForm(), status)


COMING_SHOWN = 8


def _preferences_page(request, beneficiary, form, contact_form, status=200):
    return render(
        request,
        "accompaniment/portal_preferences.html",
        {
            "beneficiary": beneficiary,
            "form": form,
            "contact_form": contact_form,
            "reminders_allowed": beneficiary.has_given(Consent.Kind.REMINDERS),
            "pending_changes": beneficiary.contact_change_requests.pending().select_related(
                "commune"
            ),
            "coming_messages": Notification.objects.coming_for(beneficiary)[:COMING_SHOWN],
        },
        status=status,
    )


@beneficiary_required
@require_POST
def portal_contact_change(request):
    beneficiary = _own_file(request)
    contact_form = ContactChangeRequestForm(request.POST)
    if contact_form.is_valid():
        file_services.request_contact_change(
            beneficiary=beneficiary, form=contact_form, by=request.user
        )
        messages.success(
            request,
            _(
                "Votre demande est envoyée. La personne qui vous suit la vérifie. Puis votre "
                "dossier sera changé."
            ),
        )
        return redirect("accompaniment:portal_preferences")
    return _preferences_page(
        request, beneficiary, PreferencesForm(instance=beneficiary), contact_form, status=422
    )


# My data ---------------------------------------------------------------------------------


# Lists on the page and its print view stop here; the ZIP holds every row.
DATA_PAGE_ROWS = 100


def _data_context(request, beneficiary):
    return {
        "beneficiary": beneficiary,
        "data": portal_services.personal_data(request.user),
        "limit": f":{DATA_PAGE_ROWS}",
        "limit_count": DATA_PAGE_ROWS,
    }


@beneficiary_required
def portal_data(request):
    beneficiary = _own_file(request)
    return render(
        request,
        "accompaniment/portal_data.html",
        {
            **_data_context(request, beneficiary),
            "deletion_request": beneficiary.deletion_requests.pending().first(),
            "access_request": beneficiary.access_requests.pending().first(),
        },
    )


@beneficiary_required
def portal_data_print(request):
    beneficiary = _own_file(request)
    return render(
        request,
        "accompaniment/portal_data_print.html",
        {**_data_context(request, beneficiary), "today": timezone.localdate()},
    )


def _download_name(extension):
    return f"mes-donnees-soli-dome-{timezone.localdate().isoformat()}.{extension}"


@beneficiary_required
def portal_data_download(request):
    _own_file(request)
    response = JsonResponse(
        portal_services.personal_data(request.user),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = f'attachment; filename="{_download_name("json")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@beneficiary_required
def portal_data_zip(request):
    """The JSON and a CSV table per list, in one ZIP a spreadsheet user can open."""
    _own_file(request)
    body = personal_export.zip_bytes(portal_services.personal_data(request.user))
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{_download_name("zip")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@beneficiary_required
@require_POST
def portal_access_request(request):
    beneficiary = _own_file(request)
    file_services.request_access(beneficiary=beneficiary, by=request.user)
    messages.success(
        request,
        _("Votre demande est envoyée. La coordination vous répond en un mois au plus."),
    )
    return redirect("accompaniment:portal_data")


@beneficiary_required
@require_POST
def portal_deletion_request(request):
    beneficiary = _own_file(request)
    file_services.request_deletion(beneficiary=beneficiary, by=request.user)
    messages.success(
        request,
        _(
            "Votre demande est enregistrée. La coordination de Soli'dôme la traite et vous "
            "répond. Certaines informations doivent parfois être gardées un temps, par la loi : "
            "on vous dira lesquelles."
        ),
    )
    return redirect("accompaniment:portal_data")
