"""The partner directory: programme staff read it, coordinators keep it.

Pages only coordinators use answer 404 to everyone else; accompaniers read every listing but
are never shown the editing buttons.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, F, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from soli_dome.redirects import safe_next
from soli_dome.users.permissions import coordinator_required, staff_required

from .forms import (
    CategoryForm,
    ClosureForm,
    ContactForm,
    PartnerFilterForm,
    PartnerForm,
    PartnershipEventForm,
    ServiceTagForm,
)
from .models import Category, Closure, Contact, Partner, PartnershipEvent, ServiceTag
from .permissions import can_edit_partners

PAGE_SIZE = 25


def _listed(partners, today):
    """Listings with their ongoing closure, review status, commune, categories and services:
    three queries for a page, whatever its length."""
    return (
        partners.with_current_closure(today)
        .with_review_status(today)
        .select_related("commune")
        .prefetch_related("categories", "services")
    )


def _get_partner(request, pk, *, lock=False):
    partners = Partner.objects.visible_to(request.user)
    if lock:
        partners = Partner.objects.select_for_update().filter(pk__in=partners.values("pk"))
    return get_object_or_404(partners, pk=pk)


def filtered_partners(request, today, *, can_edit):
    """The filter form of the directory bound to the query string, and the partners it
    selects (the active ones when no valid filter is given). The list and the map share it."""
    form = PartnerFilterForm(request.GET or None, can_edit=can_edit)
    partners = Partner.objects.visible_to(request.user)
    if form.is_bound and form.is_valid():
        return form, form.filter(partners, today)
    return form, partners.active()


@staff_required
def partner_list(request):
    today = timezone.localdate()
    can_edit = can_edit_partners(request.user)
    form, partners = filtered_partners(request, today, can_edit=can_edit)
    page = Paginator(_listed(partners, today), PAGE_SIZE).get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "partners/partner_list.html",
        {
            "form": form,
            "page": page,
            "query_without_page": query_without_page.urlencode(),
            "can_edit": can_edit,
            "due_count": Partner.objects.active().overdue_for_review(today).count()
            if can_edit
            else None,
        },
    )


@coordinator_required
def partner_review_list(request):
    """Listings whose review date has come, the oldest first, each checked in one click."""
    today = timezone.localdate()
    overdue = Partner.objects.visible_to(request.user).active().overdue_for_review(today)
    overdue = overdue.order_by(F("last_checked_on").asc(nulls_first=True), "search_text")
    page = Paginator(_listed(overdue, today), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/partner_review_list.html",
        {"page": page, "query_without_page": ""},
    )


@staff_required
def partner_detail(request, pk):
    today = timezone.localdate()
    partners = (
        Partner.objects.visible_to(request.user)
        .with_current_closure(today)
        .with_review_status(today)
        .select_related("commune")
        .prefetch_related(
            "categories",
            "services",
            "access_conditions",
            "contacts",
            "closures",
            Prefetch("events", queryset=PartnershipEvent.objects.select_related("by")),
        )
    )
    partner = get_object_or_404(partners, pk=pk)
    return render(
        request,
        "partners/partner_detail.html",
        {"partner": partner, "can_edit": can_edit_partners(request.user), "today": today},
    )


@coordinator_required
def partner_create(request):
    form = PartnerForm(request.POST or None)
    if form.wants_geocode():
        form.geocode()
    elif request.method == "POST" and form.is_valid():
        partner = form.save()
        messages.success(request, _("La fiche « %(name)s » est créée.") % {"name": partner})
        return redirect(partner)
    return render(request, "partners/partner_form.html", {"form": form})


@coordinator_required
def partner_update(request, pk):
    with transaction.atomic():
        # Locked while the form compares versions, so two saves cannot both pass the check.
        partner = _get_partner(request, pk, lock=request.method == "POST")
        form = PartnerForm(request.POST or None, instance=partner)
        if form.wants_geocode():
            form.geocode()
        elif request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, _("Les changements sont enregistrés."))
            return redirect(partner)
    return render(request, "partners/partner_form.html", {"form": form, "partner": partner})


@coordinator_required
@require_POST
def partner_archive(request, pk):
    partner = _get_partner(request, pk)
    partner.archive()
    messages.success(
        request,
        _("La fiche « %(name)s » est archivée : elle ne paraît plus dans le répertoire.")
        % {"name": partner},
    )
    return redirect(partner)


@coordinator_required
@require_POST
def partner_unarchive(request, pk):
    partner = _get_partner(request, pk)
    partner.unarchive()
    messages.success(
        request, _("La fiche « %(name)s » est de retour dans le répertoire.") % {"name": partner}
    )
    return redirect(partner)


@coordinator_required
@require_POST
def partner_mark_checked(request, pk):
    partner = _get_partner(request, pk)
    partner.mark_checked(timezone.localdate())
    messages.success(
        request, _("La fiche « %(name)s » est vérifiée aujourd'hui.") % {"name": partner}
    )
    return redirect(safe_next(request, partner.get_absolute_url()))


@coordinator_required
def contact_create(request, pk):
    partner = _get_partner(request, pk)
    form = ContactForm(request.POST or None, instance=Contact(partner=partner))
    if request.method == "POST" and form.is_valid():
        contact = form.save()
        messages.success(request, _("%(name)s est ajouté·e aux contacts.") % {"name": contact})
        return redirect(f"{partner.get_absolute_url()}#contacts")
    return render(request, "partners/contact_form.html", {"form": form, "partner": partner})


@coordinator_required
@require_POST
def contact_delete(request, pk):
    contact = get_object_or_404(
        Contact.objects.select_related("partner").filter(
            partner__in=Partner.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    contact.delete()
    messages.success(request, _("%(name)s est retiré·e des contacts.") % {"name": contact})
    return redirect(f"{contact.partner.get_absolute_url()}#contacts")


@coordinator_required
def closure_create(request, pk):
    partner = _get_partner(request, pk)
    form = ClosureForm(request.POST or None, instance=Closure(partner=partner))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("La fermeture temporaire est enregistrée."))
        return redirect(f"{partner.get_absolute_url()}#closures")
    return render(request, "partners/closure_form.html", {"form": form, "partner": partner})


@coordinator_required
@require_POST
def closure_delete(request, pk):
    closure = get_object_or_404(
        Closure.objects.select_related("partner").filter(
            partner__in=Partner.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    closure.delete()
    messages.success(request, _("La fermeture temporaire est retirée."))
    return redirect(f"{closure.partner.get_absolute_url()}#closures")


@coordinator_required
def partnership_event_create(request, pk):
    partner = _get_partner(request, pk)
    form = PartnershipEventForm(
        request.POST or None, instance=PartnershipEvent(partner=partner, by=request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("L'entrée est ajoutée au journal du partenariat."))
        return redirect(f"{partner.get_absolute_url()}#partnership-log")
    return render(
        request, "partners/partnership_event_form.html", {"form": form, "partner": partner}
    )


@coordinator_required
def category_list(request):
    """The kinds of actor and the services offered; coordinators add to both lists."""
    category_form = CategoryForm(prefix="category")
    service_form = ServiceTagForm(prefix="service")
    if request.method == "POST":
        adding = request.POST.get("add")
        if adding == "category":
            category_form = CategoryForm(request.POST, prefix="category")
            form, model = category_form, Category
        else:
            service_form = ServiceTagForm(request.POST, prefix="service")
            form, model = service_form, ServiceTag
        if form.is_valid():
            added = form.save(commit=False)
            added.position = model.objects.count()
            added.save()
            messages.success(request, _("« %(name)s » est ajouté à la liste.") % {"name": added})
            return redirect("partners:category_list")
    return render(
        request,
        "partners/category_list.html",
        {
            "categories": Category.objects.annotate(partner_count=Count("partners")),
            "services": ServiceTag.objects.annotate(partner_count=Count("partners")),
            "category_form": category_form,
            "service_form": service_form,
        },
    )
