"""The map of the directory: the partners the directory's filters select, as markers.

Partners without coordinates are listed beneath the map instead. The page lists every partner
without JavaScript or tiles; the map only adds to it.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from soli_dome.users.permissions import staff_required

from .permissions import can_edit_partners
from .views import _listed, filtered_partners


def _marker(partner):
    return {
        "name": partner.name,
        "lat": float(partner.latitude),
        "lon": float(partner.longitude),
        "categories": [category.name for category in partner.categories.all()],
        "closed_until": date_format(partner.closed_until, "j F Y") if partner.closed_until else "",
        "url": partner.get_absolute_url(),
    }


def _sections(mapped, unmapped):
    sections = [
        {
            "key": "mapped",
            "title": _("Sur la carte"),
            "partners": mapped,
            "empty": _("Aucun acteur de cette sélection n'a de position sur la carte."),
        }
    ]
    if unmapped:
        sections.append(
            {"key": "unmapped", "title": _("Sans position sur la carte"), "partners": unmapped}
        )
    return sections


@staff_required
def partner_map(request):
    today = timezone.localdate()
    can_edit = can_edit_partners(request.user)
    form, partners = filtered_partners(request, today, can_edit=can_edit)
    # The whole selection, not a page of it: three queries whatever its size.
    partners = list(_listed(partners, today))
    mapped = [partner for partner in partners if partner.has_coordinates]
    unmapped = [partner for partner in partners if not partner.has_coordinates]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partners/partner_map.html",
        {
            "form": form,
            "mapped_count": len(mapped),
            "unmapped_count": len(unmapped),
            "sections": _sections(mapped, unmapped),
            "markers": [_marker(partner) for partner in mapped],
            "query": query.urlencode(),
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
