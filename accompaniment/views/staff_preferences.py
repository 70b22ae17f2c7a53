"""A staff member's choices about the e-mails they receive (the digests link here)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accompaniment import digests
from accompaniment.forms.staff_preferences import StaffPreferencesForm
from soli_dome.users.language import remember_language
from soli_dome.users.permissions import staff_required

COMING_SHOWN = 5


@staff_required
@require_http_methods(["GET", "POST"])
def staff_preferences(request):
    form = StaffPreferencesForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = digests.save_staff_preferences(form)
        translation.activate(user.language)
        messages.success(request, _("Vos préférences sont enregistrées."))
        return remember_language(redirect("accompaniment:staff_preferences"), user.language)
    return render(
        request,
        "accompaniment/staff_preferences.html",
        {"form": form, "coming": digests.pending_digests(request.user)[:COMING_SHOWN]},
        status=422 if form.errors else 200,
    )
