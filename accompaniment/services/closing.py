from django.db import transaction

from soli_dome.audit.models import AuditEntry, record


@transaction.atomic
def close_file(*, beneficiary, form, by):
    """Close the file and keep its end-of-accompaniment review (counted in reports)."""
    review = form.save(commit=False)
    review.beneficiary = beneficiary
    review.written_by = by
    review.save()
    beneficiary.close(on=review.closed_on, reason=form.cleaned_data["exit_reason"])
    record(actor=by, action=AuditEntry.Action.UPDATE, target=beneficiary, detail="status: close")
    return review
