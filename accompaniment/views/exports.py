"""The "Exports" page: files, sessions, referrals, supports and questionnaires as CSV or XLSX,
limited to what the user may see; the research export for coordinators. A large export runs
in the background: its page shows the progress and then a download link for the person who
asked, until it expires."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accompaniment.forms.exports import ExportForm, ResearchExportForm
from accompaniment.models.exports import DataExport
from accompaniment.reporting import exports as services
from soli_dome.users.permissions import coordinator_required, staff_required

JOURNAL_PAGE_SIZE = 20


def _kind(request, slug):
    kind = services.KINDS.get(slug)
    if kind is None or kind not in services.kinds_for(request.user):
        raise Http404
    return kind


def _label(export):
    kind = services.KINDS.get(export.kind)
    return kind.label if kind else export.kind


def _started(request, export):
    if export.is_background:
        messages.info(
            request,
            _("L'export est long : il se prépare en arrière-plan. Vous pouvez quitter la page."),
        )
        return redirect(export)
    return services.export_response(export)


@staff_required
def export_list(request):
    journal = DataExport.objects.visible_to(request.user).select_related("requested_by", "partner")
    page = Paginator(journal, JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
    for export in page.object_list:
        export.label = _label(export)
    return render(
        request,
        "accompaniment/export_list.html",
        {
            "kinds": [
                kind for kind in services.kinds_for(request.user) if not kind.coordinators_only
            ],
            "formats": DataExport.Format.choices,
            "page": page,
            "threshold": settings.EXPORT_BACKGROUND_FROM_ROWS,
        },
    )


@staff_required
@require_POST
def export_create(request, slug):
    kind = _kind(request, slug)
    if kind.coordinators_only:
        raise Http404  # the research export has its own page, which names the partner
    form = ExportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le format de l'export."))
        return redirect("accompaniment:export_list")
    export = services.start_export(
        kind=kind, file_format=form.cleaned_data["file_format"], user=request.user
    )
    return _started(request, export)


@coordinator_required
@require_http_methods(["GET", "POST"])
def research_export(request):
    form = ResearchExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        export = services.start_export(
            kind=services.KINDS["recherche"],
            file_format=form.cleaned_data["file_format"],
            user=request.user,
            partner=form.cleaned_data["partner"],
        )
        return _started(request, export)
    return render(
        request,
        "accompaniment/export_research.html",
        {"form": form, "count": services.KINDS["recherche"].rows(request.user).count()},
        status=422 if form.is_bound else 200,
    )


@staff_required
def export_detail(request, pk):
    """A background export's progress; htmx polls the progress part until it is over."""
    export = get_object_or_404(DataExport.objects.visible_to(request.user), pk=pk)
    is_mine = export.requested_by_id == request.user.pk
    context = {
        "export": export,
        "label": _label(export),
        "downloadable": is_mine and services.is_downloadable(export),
        "token": services.download_token(export) if is_mine else "",
        "expires_at": services.link_expires_at(export),
    }
    template = (
        "accompaniment/includes/_export_progress.html"
        if request.htmx
        else "accompaniment/export_detail.html"
    )
    return render(request, template, context)


@staff_required
def export_download(request, token):
    """The file of a background export, for the person who asked only, until the link
    expires (then a page says so)."""
    pk = services.export_for_token(token, request.user)
    if pk is None:
        raise Http404
    export = get_object_or_404(DataExport.objects.filter(requested_by=request.user), pk=pk)
    if not services.is_downloadable(export):
        return render(request, "accompaniment/export_expired.html", {"export": export}, status=410)
    response = FileResponse(export.path.open("rb"), as_attachment=True, filename=export.filename)
    response["Cache-Control"] = "no-store, private"
    return response
