from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accompaniment.forms.referrals import InboundReferralForm, PartnerAnswerForm, ReferralForm
from accompaniment.models import Referral
from accompaniment.services import referrals as services
from accompaniment.services.plans import ClosedFileError, file_is_open
from beneficiaries.models import Beneficiary
from soli_dome.audit.models import AuditEntry, record, record_read
from soli_dome.users.permissions import staff_required

CLOSED_FILE_NOTICE = gettext_lazy(
    "Ce dossier est clos : rouvrez-le pour orienter la personne ou noter une orientation."
)


def _open_file_or_notice(request, pk):
    """The file to refer from, or None (with a message) when it is closed: a closed file
    sends nobody anywhere until it is reopened."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    if file_is_open(beneficiary):
        return beneficiary
    messages.error(request, CLOSED_FILE_NOTICE)
    return None


def _saved_unless_closed(form, save):
    """``save()``'s referral, or None with the notice in the form when the file closed since
    the page checked it (the service refuses it on the locked row)."""
    try:
        return save()
    except ClosedFileError:
        form.add_error(None, CLOSED_FILE_NOTICE)
        return None


@staff_required
def referral_create(request, pk):
    beneficiary = _open_file_or_notice(request, pk)
    if beneficiary is None:
        return redirect("beneficiaries:beneficiary_detail", pk=pk)
    form = ReferralForm(request.POST or None, beneficiary=beneficiary, user=request.user)
    if request.method == "POST" and form.is_valid():
        referral = _saved_unless_closed(
            form,
            lambda: services.create_referral(beneficiary=beneficiary, form=form, by=request.user),
        )
        if referral is not None:
            messages.success(
                request,
                _("L'orientation vers %(partner)s est enregistrée.")
                % {"partner": referral.partner},
            )
            return redirect(referral)
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.referral_form_opened")
    return render(
        request,
        "accompaniment/referral_form.html",
        {"beneficiary": beneficiary, "form": form},
    )


@staff_required
def referral_inbound_create(request, pk):
    beneficiary = _open_file_or_notice(request, pk)
    if beneficiary is None:
        return redirect("beneficiaries:beneficiary_detail", pk=pk)
    form = InboundReferralForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        referral = _saved_unless_closed(
            form,
            lambda: services.record_inbound_referral(
                beneficiary=beneficiary, form=form, by=request.user
            ),
        )
        if referral is not None:
            messages.success(
                request,
                _("%(name)s est noté·e comme orienté·e vers le programme par %(partner)s.")
                % {"name": beneficiary, "partner": referral.partner},
            )
            return redirect(beneficiary)
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.referral_form_opened")
    return render(
        request,
        "accompaniment/referral_inbound_form.html",
        {"beneficiary": beneficiary, "form": form},
    )


@staff_required
def referral_detail(request, pk):
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related(
            "beneficiary", "partner", "theme", "created_by"
        ),
        pk=pk,
    )
    record(
        actor=request.user,
        action=AuditEntry.Action.READ,
        target=referral.beneficiary,
        event="referral.read",
        partner=referral.partner.name if referral.partner_id else "",
    )
    link_is_active = referral.link_is_active()
    return render(
        request,
        "accompaniment/referral_detail.html",
        {
            "referral": referral,
            "beneficiary": referral.beneficiary,
            "link_is_active": link_is_active,
            "link": referral.public_url() if link_is_active else "",
            "text": services.referral_text(referral) if link_is_active else "",
        },
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def referral_answer(request, token):
    """The partner's page, without an account: the secret link is the credential. It shows
    the first name, the shared details, the need, the message and the sender's contact."""
    referral = (
        Referral.objects.outbound()
        .select_related("beneficiary__commune", "partner", "theme", "created_by")
        .filter(token=token)
        .first()
    )
    if referral is None or not referral.link_is_active():
        response = render(request, "accompaniment/referral_inactive.html", status=410)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response
    form = PartnerAnswerForm(request.POST or None, referral=referral)
    if request.method == "POST" and form.is_valid():
        status = form.cleaned_data["status"]
        if referral.answer(status=status, text=form.cleaned_data["text"].strip()):
            messages.success(request, _("Merci, votre réponse est transmise au programme."))
        else:
            messages.warning(request, _("Cette orientation a déjà reçu cette réponse."))
        return redirect("accompaniment:referral_answer", token=token)
    beneficiary = referral.beneficiary
    response = render(
        request,
        "accompaniment/referral_answer.html",
        {
            "referral": referral,
            "form": form,
            "first_name": beneficiary.first_name,
            "shared": {
                "last_name": beneficiary.last_name if referral.shares("last_name") else "",
                "phone": beneficiary.phone_display if referral.shares("phone") else "",
                "email": beneficiary.email if referral.shares("email") else "",
                "age": beneficiary.age() if referral.shares("age") else None,
                "public": beneficiary.get_public_display() if referral.shares("age") else "",
                "commune": (beneficiary.commune or _("Hors métropole"))
                if referral.shares("commune")
                else "",
            },
            "now": timezone.now(),
        },
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response
