from django.db import transaction

from soli_dome.audit.models import AuditEntry, record

from .models import Assignment


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
