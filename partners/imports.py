"""Import and export of the directory, for coordinators.

An import goes in two steps: the uploaded file is kept on the server (under
``VAR_DIR/imports``) and checked in full, and the preview lists what would change and every
problem; the confirmation posts only the file's token, the file is checked again and imported in
one transaction, all or nothing. A data·inclusion file (JSON) carries no categories: the
category its new listings get is chosen on upload and travels with the token in the URL.
"""

import contextlib
import os
import re
import secrets
import time
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.humanize.templatetags.humanize import intcomma
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from soli_dome import exports, uploads
from soli_dome.users.permissions import coordinator_required

from . import data_inclusion, import_jobs, transfer
from .models import Category, ImportJob
from .views import filtered_partners

EXTENSIONS = ("csv", "xlsx")
UPLOAD_EXTENSIONS = (*EXTENSIONS, "json")
SESSION_KEY = "partner_imports"
DONE_KEY = "partner_imports_done"  # tokens imported from this session: a kind page, not a 404
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,40}\.(csv|xlsx|json)")
DATA_INCLUSION_KINDS = ("structures", "services")
PREVIEW_ROWS = 200  # listings the preview names; a larger file says how many more


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier à importer"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.json"}),
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Catégorie des nouvelles fiches (fichier data·inclusion)"),
        help_text=gettext_lazy(
            "Le schéma data·inclusion ne donne pas de catégorie d'acteur : les structures "
            "nouvelles pour le répertoire recevront celle-ci ; les autres gardent les leurs."
        ),
        queryset=Category.objects.all(),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = uploads.Limits.from_settings()
        self.fields["file"].help_text = _(
            "Un fichier CSV ou XLSX avec la ligne d'en-têtes, ou un fichier de structures "
            "data·inclusion (JSON), de %(size)s et %(rows)s lignes au plus."
        ) % {"size": uploads.megabytes(limits.max_bytes), "rows": intcomma(limits.max_rows)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
        if extension not in UPLOAD_EXTENSIONS:
            raise forms.ValidationError(_("Choisissez un fichier .csv, .xlsx ou .json."))
        upload.extension = extension
        try:
            # Read by content now, so that what is wrong shows next to the field.
            uploads.check_size(upload.size, uploads.Limits.from_settings())
            content = b"".join(upload.chunks())
            if extension == "json":
                data_inclusion.read_structures(content)
            else:
                transfer.read_table(content, extension)
        except uploads.UnreadableUpload as error:
            raise forms.ValidationError(str(error)) from None
        return upload

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload and upload.extension == "json" and not cleaned.get("category"):
            self.add_error(
                "category",
                _(
                    "Choisissez la catégorie des nouvelles fiches : un fichier data·inclusion "
                    "n'en donne pas."
                ),
            )
        return cleaned


def _remove_stale_files():
    """Uploads left without confirmation for a day are removed."""
    cutoff = time.time() - 24 * 3600
    for path in import_jobs.imports_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


class ImportOver(Exception):
    """This session's file was imported already, or waited too long and was removed."""


def _stored_file(request, token):
    """The uploaded file behind ``token``, only if this session uploaded it."""
    uploaded = request.session.get(SESSION_KEY, [])
    imported = request.session.get(DONE_KEY, [])
    if not TOKEN.fullmatch(token or "") or token not in {*uploaded, *imported}:
        raise Http404
    path = import_jobs.imports_dir() / token
    if token in imported or not path.is_file():
        raise ImportOver
    return path


def _import_over(request, token):
    """Back to a preview already used (or expired): what happened, and where to go."""
    job = ImportJob.objects.filter(token=token).first()
    return render(request, "partners/import_over.html", {"job": job}, status=410)


@contextlib.contextmanager
def _claimed(path):
    """One confirmation at a time per file: a double click would otherwise plan the same new
    listings twice and create them twice. Yields False when another request holds the file."""
    lock = path.with_name(path.name + ".lock")
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL))
    except FileExistsError:
        yield False
        return
    try:
        yield True
    finally:
        lock.unlink(missing_ok=True)


def _category_id(data):
    value = data.get("categorie", "")
    return int(value) if value.isdigit() else None


@coordinator_required
def partner_import(request):
    """Upload a file, then see the preview."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        _remove_stale_files()
        token = f"{secrets.token_urlsafe(18)}.{upload.extension}"
        with open(import_jobs.imports_dir() / token, "wb") as stored:
            for chunk in upload.chunks():
                stored.write(chunk)
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], token]
        preview = reverse("partners:partner_import_preview", args=[token])
        if category := form.cleaned_data["category"]:
            preview += "?" + urlencode({"categorie": category.pk})
        return redirect(preview)
    return render(
        request,
        "partners/partner_import.html",
        {"form": form, "jobs": ImportJob.objects.select_related("created_by")[:5]},
    )


@coordinator_required
def partner_import_preview(request, token):
    try:
        path = _stored_file(request, token)
    except ImportOver:
        return _import_over(request, token)
    category_id = _category_id(request.GET)
    plan, unreadable = import_jobs.plan_file(path, category_id)
    changing = plan.changing if plan else []
    return render(
        request,
        "partners/partner_import_preview.html",
        {
            "plan": plan,
            "changing": changing[:PREVIEW_ROWS],
            "changing_left": max(len(changing) - PREVIEW_ROWS, 0),
            "unreadable": unreadable,
            "token": token,
            "category_id": category_id,
            "is_data_inclusion": path.suffix == ".json",
        },
    )


@coordinator_required
@require_POST
def partner_import_confirm(request, token):
    """Imports the stored file, checked again: all rows or none."""
    try:
        path = _stored_file(request, token)
    except ImportOver:
        return _import_over(request, token)
    category_id = _category_id(request.POST)
    if import_jobs.row_count(path, category_id) >= import_jobs.BACKGROUND_FROM_ROWS:
        job = import_jobs.start(token=token, category_id=category_id, by=request.user)
        return redirect(job)
    with _claimed(path) as claimed:
        if not claimed:
            messages.info(request, _("Ce fichier est déjà en cours d'import."))
            return redirect("partners:partner_list")
        with transaction.atomic():
            plan, unreadable = import_jobs.plan_file(path, category_id)
            if plan is None or not plan.can_import:
                messages.error(
                    request,
                    _("Ce fichier a des erreurs : corrigez-les, puis importez-le de nouveau."),
                )
                preview = reverse("partners:partner_import_preview", args=[token])
                if category_id:
                    preview += "?" + urlencode({"categorie": category_id})
                return redirect(preview)
            transfer.run_import(plan)
        path.unlink(missing_ok=True)
    request.session[SESSION_KEY] = [t for t in request.session.get(SESSION_KEY, []) if t != token]
    request.session[DONE_KEY] = [*request.session.get(DONE_KEY, [])[-9:], token]
    messages.success(
        request,
        import_jobs.summary(
            created=plan.to_create, updated=plan.to_update, unchanged=plan.unchanged
        ),
    )
    return redirect("partners:partner_list")


def _filename(kind, extension):
    return f"acteurs-{kind}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _download(extension, filename, columns, rows):
    # Files are in French whatever the language of the page: the import reads French.
    with translation.override("fr"):
        if extension == "xlsx":
            return exports.xlsx_response(filename, [("Acteurs", columns, rows)])
        return exports.csv_response(filename, columns, rows)


@coordinator_required
def partner_export(request, extension):
    """The directory as the list shows it, with the same search and filters."""
    if extension not in EXTENSIONS:
        raise Http404
    _form, partners = filtered_partners(request, timezone.localdate(), can_edit=True)
    rows = transfer.export_rows(transfer.export_queryset(partners))
    return _download(extension, _filename("export", extension), transfer.EXPORT_COLUMNS, rows)


@coordinator_required
def partner_export_data_inclusion(request, kind):
    """The directory as the list shows it, as data·inclusion structures or services."""
    if kind not in DATA_INCLUSION_KINDS:
        raise Http404
    _form, partners = filtered_partners(request, timezone.localdate(), can_edit=True)
    partners = data_inclusion.export_queryset(partners)
    lines = (
        data_inclusion.export_structures(partners)
        if kind == "structures"
        else data_inclusion.export_services(partners)
    )
    response = StreamingHttpResponse(lines, content_type="application/json; charset=utf-8")
    filename = _filename(f"data-inclusion-{kind}", "json")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@coordinator_required
def partner_import_template(request, extension):
    """The headers and one example row, to fill in."""
    if extension not in EXTENSIONS:
        raise Http404
    return _download(
        extension,
        f"acteurs-modele.{extension}",
        transfer.TEMPLATE_COLUMNS,
        transfer.template_rows(),
    )


@coordinator_required
def import_job_detail(request, pk):
    """A large import's progress; htmx polls the progress part every second while it runs."""
    job = get_object_or_404(ImportJob, pk=pk)
    context = {
        "job": job,
        "summary": import_jobs.summary(
            created=job.created_count, updated=job.updated_count, unchanged=job.unchanged_count
        ),
        "progress": import_jobs.read_progress(job)
        if job.status == ImportJob.Status.RUNNING
        else None,
    }
    if request.htmx:
        return render(request, "partners/includes/_import_job_progress.html", context)
    return render(request, "partners/import_job_detail.html", context)
