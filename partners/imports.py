"""Import and export of the directory, for coordinators.

An import goes in two steps: the uploaded file is kept on the server (under
``VAR_DIR/imports``) and checked in full, and the preview lists what would change and every
problem; the confirmation posts only the file's token, the file is checked again and imported in
one transaction, all or nothing.
"""

import re
import secrets
import time

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from soli_dome.users.permissions import coordinator_required

from . import transfer
from .views import filtered_partners

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXTENSIONS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "partner_imports"
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,40}\.(csv|xlsx)")


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier à importer"),
        help_text=gettext_lazy("Un fichier CSV ou XLSX de 5 Mo au plus, avec la ligne d'en-têtes."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in EXTENSIONS:
            raise forms.ValidationError(_("Choisissez un fichier .csv ou .xlsx."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("Le fichier dépasse 5 Mo : découpez-le en plusieurs fichiers.")
            )
        upload.extension = extension
        return upload


def _imports_dir():
    directory = settings.VAR_DIR / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _remove_stale_files():
    """Uploads left without confirmation for a day are removed."""
    cutoff = time.time() - 24 * 3600
    for path in _imports_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _stored_file(request, token):
    """The uploaded file behind ``token``, only if this session uploaded it."""
    if not TOKEN.fullmatch(token or "") or token not in request.session.get(SESSION_KEY, []):
        raise Http404
    path = _imports_dir() / token
    if not path.is_file():
        raise Http404
    return path


def _plan(path):
    try:
        table = transfer.read_table(path.read_bytes(), path.suffix.lstrip("."))
    except transfer.UnreadableFile as error:
        return None, str(error)
    return transfer.plan_import(table), ""


@coordinator_required
def partner_import(request):
    """Upload a file, then see the preview."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        _remove_stale_files()
        token = f"{secrets.token_urlsafe(18)}.{upload.extension}"
        with open(_imports_dir() / token, "wb") as stored:
            for chunk in upload.chunks():
                stored.write(chunk)
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], token]
        return redirect("partners:partner_import_preview", token=token)
    return render(request, "partners/partner_import.html", {"form": form})


@coordinator_required
def partner_import_preview(request, token):
    path = _stored_file(request, token)
    plan, unreadable = _plan(path)
    return render(
        request,
        "partners/partner_import_preview.html",
        {"plan": plan, "unreadable": unreadable, "token": token},
    )


@coordinator_required
@require_POST
def partner_import_confirm(request, token):
    """Imports the stored file, checked again: all rows or none."""
    path = _stored_file(request, token)
    with transaction.atomic():
        plan, unreadable = _plan(path)
        if plan is None or not plan.can_import:
            messages.error(
                request, _("Ce fichier a des erreurs : corrigez-les, puis importez-le de nouveau.")
            )
            return redirect("partners:partner_import_preview", token=token)
        transfer.run_import(plan)
    path.unlink(missing_ok=True)
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != token]
    messages.success(
        request,
        _(
            "Import terminé : %(created)d fiche(s) créée(s), %(updated)d mise(s) à jour, "
            "%(unchanged)d inchangée(s)."
        )
        % {"created": plan.to_create, "updated": plan.to_update, "unchanged": plan.unchanged},
    )
    return redirect("partners:partner_list")


def _filename(kind, extension):
    return f"acteurs-{kind}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _xlsx_response(table, filename):
    response = HttpResponse(transfer.xlsx_bytes(table, title=_("Acteurs")), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_response(table, filename):
    response = StreamingHttpResponse(
        transfer.csv_lines(table), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@coordinator_required
def partner_export(request, extension):
    """The directory as the list shows it, with the same search and filters."""
    if extension not in EXTENSIONS:
        raise Http404
    _form, partners = filtered_partners(request, timezone.localdate(), can_edit=True)
    if extension == "xlsx":
        table = transfer.rows(transfer.export_queryset(partners), for_xlsx=True)
        return _xlsx_response(table, _filename("export", "xlsx"))
    table = transfer.rows(transfer.export_queryset(partners))
    return _csv_response(table, _filename("export", "csv"))


@coordinator_required
def partner_import_template(request, extension):
    """The headers and one example row, to fill in."""
    if extension not in EXTENSIONS:
        raise Http404
    if extension == "xlsx":
        return _xlsx_response(transfer.template_rows(), "acteurs-modele.xlsx")
    return _csv_response(transfer.template_rows(), "acteurs-modele.csv")
