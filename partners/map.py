"""The map of the directory: the partners the directory's filters select.

The page shows the selection as a paginated list (it works without JavaScript or tiles) beside
the map; the map's script loads the markers of the whole selection from ``partner_markers``, a
compact JSON answer written from one query, whatever the size of the directory.
"""

from itertools import groupby

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from beneficiaries.models import Commune
from soli_dome.users.permissions import staff_required

from .models import Category
from .permissions import can_edit_partners
from .views import PAGE_SIZE, _listed, filtered_partners

MAPPED = Q(latitude__isnull=False, longitude__isnull=False)


def markers(partners, today) -> dict:
    """The markers of ``partners`` that have a position: ``{"categories": {id: name},
    "partners": [[id, latitude, longitude, name, [category ids], closed until], …]}``. One
    query for the markers (a row per partner and category, grouped here), one for the names
    of the categories."""
    rows = (
        partners.filter(MAPPED)
        .with_current_closure(today)
        .order_by("search_text", "pk")
        .values_list("pk", "latitude", "longitude", "name", "closed_until", "categories")
    )
    compact = []
    for (pk, latitude, longitude, name, closed_until), links in groupby(
        rows.iterator(), key=lambda row: row[:5]
    ):
        compact.append(
            [
                pk,
                float(latitude),
                float(longitude),
                name,
                [link[5] for link in links if link[5] is not None],
                date_format(closed_until, "j F Y") if closed_until else "",
            ]
        )
    return {
        # Translated: the platform's own categories have English names.
        "categories": {category.pk: str(category) for category in Category.objects.all()},
        "partners": compact,
    }


def _commune_labels():
    """Without tiles, the communes' names at their town halls give the markers a place (one
    query: the métropole's 21 communes)."""
    return [
        {"name": commune.name, "lat": float(commune.latitude), "lon": float(commune.longitude)}
        for commune in Commune.objects.exclude(latitude=None).exclude(longitude=None)
    ]


@staff_required
def partner_markers(request):
    """The markers of the selection the query string describes, for the map's script."""
    today = timezone.localdate()
    _form, partners = filtered_partners(request, today, can_edit=can_edit_partners(request.user))
    return JsonResponse(markers(partners, today), json_dumps_params={"separators": (",", ":")})


@staff_required
def partner_map(request):
    today = timezone.localdate()
    can_edit = can_edit_partners(request.user)
    form, partners = filtered_partners(request, today, can_edit=can_edit)
    counts = partners.order_by().aggregate(total=Count("pk"), mapped=Count("pk", filter=MAPPED))
    page = Paginator(_listed(partners, today), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query = query.urlencode()
    return render(
        request,
        "partners/partner_map.html",
        {
            "form": form,
            "page": page,
            "query_without_page": query,
            "mapped_count": counts["mapped"],
            "unmapped_count": counts["total"] - counts["mapped"],
            "markers_url": reverse("partners:partner_markers") + (f"?{query}" if query else ""),
            # The script builds each partner's link from this one, replacing the 0.
            "detail_url": reverse("partners:partner_detail", args=[0]),
            "tile_url": settings.MAP_TILE_URL,
            "commune_labels": []
            if settings.MAP_TILE_URL or not counts["mapped"]
            else _commune_labels(),
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
