"""Outcome questionnaires: recorded by staff from the file page, and the food-practices
check-in the person fills in on their portal. Everything is fetched through the user: another
person's file or questionnaire gives a 404."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accompaniment.forms.assessments import (
    FoodInsecurityForm,
    OwnCheckInForm,
    PracticesCheckInForm,
)
from accompaniment.models import FoodInsecurityAssessment, PracticesCheckIn
from accompaniment.services import assessments as services
from beneficiaries.models import Beneficiary
from soli_dome.audit.models import record_read
from soli_dome.users.permissions import beneficiary_required, staff_required

# instrument in the URL → (model, form, title)
INSTRUMENTS = {
    "fies": (FoodInsecurityAssessment, FoodInsecurityForm),
    "habitudes": (PracticesCheckIn, PracticesCheckInForm),
}


def _instrument(name):
    try:
        return INSTRUMENTS[name]
    except KeyError:
        raise Http404 from None


def _outcomes_url(beneficiary):
    return f"{beneficiary.get_absolute_url()}#outcomes"


def _form_page(request, *, beneficiary, form, assessment=None):
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.assessment_form_opened")
    return render(
        request,
        "accompaniment/assessment_form.html",
        {
            "beneficiary": beneficiary,
            "form": form,
            "assessment": assessment,
            "is_fies": isinstance(form, FoodInsecurityForm),
        },
        status=422 if form.is_bound else 200,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def assessment_create(request, pk, instrument):
    model, form_class = _instrument(instrument)
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    form = form_class(request.POST or None, instance=model(beneficiary=beneficiary))
    if request.method == "POST" and form.is_valid():
        services.save_assessment(form=form, by=request.user)
        messages.success(request, _("Le questionnaire est enregistré."))
        return redirect(_outcomes_url(beneficiary))
    return _form_page(request, beneficiary=beneficiary, form=form)


@staff_required
@require_http_methods(["GET", "POST"])
def assessment_update(request, pk, instrument):
    model, form_class = _instrument(instrument)
    assessment = get_object_or_404(
        model.objects.visible_to(request.user).select_related("beneficiary"), pk=pk
    )
    form = form_class(request.POST or None, instance=assessment)
    if request.method == "POST" and form.is_valid():
        services.save_assessment(form=form, by=request.user)
        messages.success(request, _("Le questionnaire est modifié."))
        return redirect(_outcomes_url(assessment.beneficiary))
    return _form_page(request, beneficiary=assessment.beneficiary, form=form, assessment=assessment)


@beneficiary_required
@require_http_methods(["GET", "POST"])
def portal_check_in(request):
    """ "Où j'en suis" : the person says how they eat now, in six taps."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user).followed())
    form = OwnCheckInForm(request.POST or None, instance=PracticesCheckIn(beneficiary=beneficiary))
    if request.method == "POST" and form.is_valid():
        services.record_own_check_in(beneficiary=beneficiary, form=form, by=request.user)
        messages.success(
            request, _("Merci ! Vos réponses sont enregistrées. Vous pourrez en parler ensemble.")
        )
        return redirect("accompaniment:portal_check_in")
    outcomes = services.outcomes_of(beneficiary, user=request.user)
    return render(
        request,
        "accompaniment/portal_check_in.html",
        {"beneficiary": beneficiary, "form": form, **outcomes},
        status=422 if form.is_bound else 200,
    )


@staff_required
def file_outcomes(request, pk):
    """The file's questionnaires and the person's trend: the panel the file page loads once it
    is shown (the page itself stays a bounded handful of queries); outside htmx, a page."""
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user), pk=pk)
    record_read(actor=request.user, target=beneficiary, event="file.outcomes_read")
    context = {"beneficiary": beneficiary, **services.outcomes_of(beneficiary, user=request.user)}
    template = (
        "accompaniment/includes/_outcomes_panel.html"
        if request.htmx
        else "accompaniment/assessment_list.html"
    )
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response
