from django.db import transaction
from django.utils import timezone

from soli_dome.audit.models import AuditEntry, record

from .models import Assignment, Consent


@transaction.atomic
def create_beneficiary(*, form, by):
    """Save a new file from a valid ``BeneficiaryForm``. An accompanier who creates a file
    follows it as primary; a coordinator may name the primary accompanier."""
    beneficiary = form.save()
    primary = by if by.is_accompanier else form.cleaned_data.get("primary_accompanier")
    if primary is not None:
        Assignment.objects.create(beneficiary=beneficiary, accompanier=primary, is_primary=True)
    record(actor=by, action=AuditEntry.Action.CREATE, target=beneficiary)
    return beneficiary


@transaction.atomic
def update_beneficiary(*, form, by):
    beneficiary = form.save()
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        detail=", ".join(sorted(form.changed_data))[:200],
    )
    return beneficiary


@transaction.atomic
def assign(*, beneficiary, accompanier, is_primary, by):
    """Add ``accompanier`` to the file, or change their role on it. Naming a new primary
    accompanier makes the previous one a secondary follower."""
    if is_primary:
        beneficiary.assignments.filter(is_primary=True).exclude(accompanier=accompanier).update(
            is_primary=False
        )
    assignment, _ = Assignment.objects.update_or_create(
        beneficiary=beneficiary, accompanier=accompanier, defaults={"is_primary": is_primary}
    )
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=beneficiary,
        detail=f"assignment: {accompanier.email}{' (primary)' if is_primary else ''}",
    )
    return assignment


@transaction.atomic
def unassign(*, assignment, by):
    assignment.delete()
    record(
        actor=by,
        action=AuditEntry.Action.UPDATE,
        target=assignment.beneficiary,
        detail=f"unassignment: {assignment.accompanier.email}",
    )


@transaction.atomic
def change_status(*, beneficiary, action, by):
    """``action`` is one of "activate", "pause", "reopen" (closing needs a review)."""
    getattr(beneficiary, action)()
    record(
        actor=by, action=AuditEntry.Action.UPDATE, target=beneficiary, detail=f"status: {action}"
    )


@transaction.atomic
def record_consents(*, beneficiary, answers, by):
    """Record the person's answers (``{kind: True/False/None}``); None removes a consent that
    had been recorded by mistake. The journal keeps every change."""
    today = timezone.localdate()
    for kind, is_given in answers.items():
        if is_given is None:
            beneficiary.consents.filter(kind=kind).delete()
        else:
            Consent.objects.update_or_create(
                beneficiary=beneficiary,
                kind=kind,
                defaults={"is_given": is_given, "recorded_on": today, "recorded_by": by},
            )
    if answers:
        detail = ", ".join(f"{kind}={answer}" for kind, answer in sorted(answers.items()))
        record(
            actor=by,
            action=AuditEntry.Action.UPDATE,
            target=beneficiary,
            detail=f"consents: {detail}",
        )
