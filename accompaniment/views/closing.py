from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accompaniment.forms.closing import CloseFileForm
from accompaniment.services.closing import close_file
from beneficiaries.models import Beneficiary
from soli_dome.audit.models import record_read
from soli_dome.users.permissions import staff_required


@staff_required
def file_close(request, pk):
    beneficiary = get_object_or_404(Beneficiary.objects.visible_to(request.user).followed(), pk=pk)
    form = CloseFileForm(request.POST or None, beneficiary=beneficiary)
    if request.method == "POST" and form.is_valid():
        close_file(beneficiary=beneficiary, form=form, by=request.user)
        messages.success(request, _("Le dossier de %(name)s est clôturé.") % {"name": beneficiary})
        return redirect(beneficiary)
    if request.method == "GET":
        record_read(actor=request.user, target=beneficiary, event="file.closing_opened")
    goals = beneficiary.goals.select_related("theme")
    return render(
        request,
        "accompaniment/file_close.html",
        {"beneficiary": beneficiary, "form": form, "goals": goals},
    )
