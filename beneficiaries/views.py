from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from soli_dome.audit.models import AuditEntry, record_read
from soli_dome.redirects import safe_next
from soli_dome.sorting import Folded
from soli_dome.users.language import remember_language
from soli_dome.users.permissions import coordinator_required, staff_required

from .forms import (
    AssignmentForm,
    BeneficiaryFilterForm,
    BeneficiaryForm,
    ConsentsForm,
    FollowUpFilterForm,
    StatusChangeForm,
)
from .models import (
    AccessRequest,
    Assignment,
    Beneficiary,
    ContactChangeRequest,
    DeletionRequest,
    PortalInvitation,
)
from .services import (
    INVITATION_USED,
    accept_invitation,
    assign,
    change_status,
    check_invitation,
    create_beneficiary,
    decide_contact_change,
    invite_to_portal,
    mark_access_request_handled,
    mark_deletion_handled,
    record_consents,
    unassign,
    update_beneficiary,
)

PAGE_SIZE = 25


def with_accompaniers(queryset):
    """Files with their assignments and accompaniers in two extra queries, whatever the count."""
    return queryset.select_related("commune").prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("accompanier").order_by("-is_primary"),
        )
    )


@staff_required
def beneficiary_list(request):
    visible = Beneficiary.objects.visible_to(request.user)
    form = BeneficiaryFilterForm(request.GET or None)
    if form.is_bound and form.is_valid():
        visible = form.filter(visible)
    else:
        visible = visible.order_by(Folded("last_name"), Folded("first_name"))
    page = Paginator(with_accompaniers(visible), PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "beneficiaries/beneficiary_list.html",
        {"form": form, "page": page, "query_without_page": query_without_page.urlencode()},
    )


@staff_required
def beneficiary_detail(request, pk):
    files = with_accompaniers(Beneficiary.objects.visible_to(request.user))
    beneficiary = get_object_or_404(files.select_related("user", "portal_invitation"), pk=pk)
    record_read(actor=request.user, target=beneficiary, event="file.read")
    consents = beneficiary.consents.select_related("recorded_by")
    return render(
        request,
        "beneficiaries/beneficiary_detail.html",
        {
            "beneficiary": beneficiary,
            "consents": consents,
            # None when there is none (the reverse one-to-one raises an AttributeError).
            "invitation": getattr(beneficiary, "portal_invitation", None),
            "contact_changes": beneficiary.contact_change_requests.pending().select_related(
                "commune"
            ),
        },
    )


@staff_required
def beneficiary_create(request):
    form = BeneficiaryForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        beneficiary = create_beneficiary(form=form, by=request.user)
        messages.success(request, _("Le dossier de %(name)s est créé.") % {"name": beneficiary})
        return redirect(beneficiary)
    return render(request, "beneficiaries/beneficiary_form.html", {"form": form})


@staff_required
def beneficiary_update(request, pk):
    with transaction.atomic():
        # Locked while the form compares versions, so two saves cannot both pass the check.
        # An anonymised file is never filled in again: it keeps only statistics.
        visible = Beneficiary.objects.visible_to(request.user).not_anonymised()
        if request.method == "POST":
            visible = Beneficiary.objects.select_for_update().filter(pk__in=visible.values("pk"))
        beneficiary = get_object_or_404(visible, pk=pk)
        form = BeneficiaryForm(request.POST or None, instance=beneficiary, user=request.user)
        if request.method == "POST" and form.is_valid():
            update_beneficiary(form=form, by=request.user)
            messages.success(request, _("Les changements sont enregistrés."))
            return redirect(beneficiary)
        if request.method == "GET":
            record_read(actor=request.user, target=beneficiary, event="file.edit_opened")
    return render(
        request, "beneficiaries/beneficiary_form.html", {"form": form, "beneficiary": beneficiary}
    )


@coordinator_required
def beneficiary_access_log(request, pk):
    """Who read or changed this file."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    # Journaled first: the page counts its entries, this read included, before listing them.
    record_read(actor=request.user, target=beneficiary, event="file.journal_read")
    entries = Paginator(AuditEntry.objects.about(beneficiary), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "beneficiaries/beneficiary_access_log.html",
        {"beneficiary": beneficiary, "page": entries},
    )


STATUS_MESSAGES = {
    "activate": gettext_lazy("L'accompagnement est en cours."),
    "pause": gettext_lazy("L'accompagnement est mis en pause."),
    "reopen": gettext_lazy("Le dossier est rouvert."),
}


@staff_required
@require_POST
def beneficiary_status(request, pk):
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    form = StatusChangeForm(request.POST, beneficiary=beneficiary)
    if form.is_valid():
        action = form.cleaned_data["action"]
        change_status(beneficiary=beneficiary, action=action, by=request.user)
        messages.success(request, STATUS_MESSAGES[action])
    else:
        messages.error(request, " ".join(form.errors.get("action", [])))
    return redirect(beneficiary)


@coordinator_required
def beneficiary_assignments(request, pk):
    """Coordinators choose who follows a file: one primary accompanier, possibly others."""
    beneficiary = get_object_or_404(with_accompaniers(Beneficiary.objects.all()), pk=pk)
    form = AssignmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assign(beneficiary=beneficiary, by=request.user, **form.cleaned_data)
        messages.success(request, _("Le suivi de %(name)s est enregistré.") % {"name": beneficiary})
        here = reverse("beneficiaries:beneficiary_assignments", args=[beneficiary.pk])
        return redirect(safe_next(request, here))
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.assignments_opened")
    return render(
        request,
        "beneficiaries/beneficiary_assignments.html",
        {"beneficiary": beneficiary, "form": form},
    )


@coordinator_required
@require_POST
def assignment_delete(request, pk):
    assignments = Assignment.objects.select_related("beneficiary", "accompanier")
    assignment = get_object_or_404(assignments, pk=pk)
    unassign(assignment=assignment, by=request.user)
    name = assignment.accompanier
    messages.success(request, _("%(name)s ne suit plus ce dossier.") % {"name": name})
    return redirect("beneficiaries:beneficiary_assignments", pk=assignment.beneficiary_id)


@coordinator_required
def follow_up(request):
    """Files that need the coordination: no primary accompanier, or no contact for a while."""
    days = settings.NO_CONTACT_ALERT_DAYS
    filter_form = FollowUpFilterForm(request.GET or None)
    without_contact = Beneficiary.objects.without_contact_since(days)
    if filter_form.is_valid() and filter_form.cleaned_data["accompanier"]:
        without_contact = without_contact.filter(
            assignments__accompanier=filter_form.cleaned_data["accompanier"]
        )
    has_primary = Assignment.objects.filter(beneficiary=OuterRef("pk"), is_primary=True)
    without_primary = Beneficiary.objects.followed().filter(~Exists(has_primary))
    by_last_contact = [F("last_contact_on").asc(nulls_first=True), Folded("last_name").asc()]
    page = Paginator(
        with_accompaniers(without_contact.order_by(*by_last_contact)), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "beneficiaries/follow_up.html",
        {
            "days": days,
            "filter_form": filter_form,
            "without_primary": with_accompaniers(without_primary.order_by(*by_last_contact)),
            "page": page,
            # Listed once here: every row's quick-assign menu reuses it.
            "accompaniers": list(AssignmentForm.base_fields["accompanier"].queryset),
            "query_without_page": "",
        },
    )


@staff_required
def beneficiary_consents(request, pk):
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    form = ConsentsForm(request.POST or None, beneficiary=beneficiary)
    if request.method == "POST" and form.is_valid():
        record_consents(beneficiary=beneficiary, answers=form.changed_answers(), by=request.user)
        messages.success(request, _("Les consentements sont enregistrés."))
        return redirect(beneficiary)
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.consents_opened")
    return render(
        request,
        "beneficiaries/beneficiary_consents.html",
        {"beneficiary": beneficiary, "form": form},
    )


@staff_required
@require_POST
def portal_invite(request, pk):
    """Invite the person to their portal by e-mail, or send the invitation again."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    try:
        invitation = invite_to_portal(beneficiary=beneficiary, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("L'invitation est envoyée à %(email)s. Le lien marche %(days)s jours.")
            % {"email": invitation.email, "days": settings.PORTAL_INVITATION_DAYS},
        )
    return redirect(f"{beneficiary.get_absolute_url()}#portal")


@login_not_required
def invitation_accept(request, token):
    """The link of the invitation e-mail: a page with one button (mail scanners that open links
    do not log anyone in), which opens the portal. The link works once; a used, replaced,
    expired or outdated link gets a page saying what to do instead (410)."""
    invitation = (
        PortalInvitation.objects.select_related("beneficiary__user").filter(token=token).first()
    )
    try:
        if invitation is None:  # used (its token was replaced), or replaced by a newer one
            raise ValidationError(INVITATION_USED)
        check_invitation(invitation)
        if request.method == "POST":
            user = accept_invitation(invitation=invitation)
            login(request, user, backend="allauth.account.auth_backends.AuthenticationBackend")
            messages.success(
                request,
                _(
                    "Bienvenue dans votre espace Soli'dôme. Pour revenir, demandez un code par "
                    "e-mail sur la page de connexion, ou choisissez un mot de passe dans "
                    "« Mon compte »."
                ),
            )
            return remember_language(redirect("accompaniment:portal_home"), user.language)
    except ValidationError as refusal:
        return render(
            request,
            "beneficiaries/invitation_accept.html",
            {"error": " ".join(refusal.messages)},
            status=410,
        )
    return render(request, "beneficiaries/invitation_accept.html", {"invitation": invitation})


@staff_required
@require_POST
def contact_change_decide(request, pk):
    """Confirm (the file is changed) or decline the new contact details asked for."""
    change = get_object_or_404(
        ContactChangeRequest.objects.filter(
            beneficiary__in=Beneficiary.objects.visible_to(request.user)
        ).select_related("beneficiary"),
        pk=pk,
    )
    confirm = request.POST.get("decision") == "confirm"
    if decide_contact_change(change=change, confirm=confirm, by=request.user):
        messages.success(
            request,
            _("Les nouvelles coordonnées sont enregistrées.")
            if confirm
            else _("La demande est refusée ; le dossier ne change pas."),
        )
    return redirect(change.beneficiary)


@coordinator_required
@require_POST
def deletion_request_handled(request, pk):
    deletion_request = get_object_or_404(
        DeletionRequest.objects.select_related("beneficiary"), pk=pk
    )
    if mark_deletion_handled(deletion_request=deletion_request, by=request.user):
        messages.success(request, _("La demande de suppression est marquée comme traitée."))
    return redirect("accompaniment:dashboard")


@coordinator_required
@require_POST
def access_request_handled(request, pk):
    access_request = get_object_or_404(AccessRequest.objects.select_related("beneficiary"), pk=pk)
    if mark_access_request_handled(access_request=access_request, by=request.user):
        messages.success(request, _("La demande d'accès est marquée comme traitée."))
    return redirect("accompaniment:dashboard")
