"""Supports given to a person (Doume social bonus, food baskets, vouchers…), recorded from
the file's page. Every change is journalled on the file; a closed file takes no change."""

from django.db import transaction
from django.db.models import Count, Sum

from accompaniment.models import Support
from accompaniment.services.plans import ClosedFileError, plan_is_editable
from soli_dome.audit.models import AuditEntry, record


def supports_are_editable(beneficiary):
    """Supports are given during the accompaniment: a closed file keeps those it had."""
    return plan_is_editable(beneficiary)


def _supports_changed(by, beneficiary, detail):
    """Inside the change's transaction: on a closed file the error rolls it back."""
    if not supports_are_editable(beneficiary):
        raise ClosedFileError(beneficiary)
    record(actor=by, action=AuditEntry.Action.UPDATE, target=beneficiary, detail=detail[:200])


def support_totals(beneficiary):
    """Number of supports, Doume bonus and euros converted, other amounts: one query."""
    return Support.objects.filter(beneficiary=beneficiary).aggregate(
        count=Count("pk"),
        bonus=Sum("bonus_amount"),
        euros_converted=Sum("euros_converted"),
        other_amounts=Sum("amount"),
    )


@transaction.atomic
def record_support(*, beneficiary, form, by):
    support = form.save(commit=False)
    support.beneficiary = beneficiary
    support.recorded_by = by
    support.save()
    _supports_changed(by, beneficiary, f"support added #{support.pk} ({support.kind})")
    return support


@transaction.atomic
def update_support(*, form, by):
    support = form.save()
    _supports_changed(
        by,
        support.beneficiary,
        f"support #{support.pk} changed ({', '.join(form.changed_data)})",
    )
    return support


@transaction.atomic
def delete_support(*, support, by):
    """For a support recorded by mistake."""
    pk = support.pk
    support.delete()
    _supports_changed(by, support.beneficiary, f"support #{pk} deleted ({support.kind})")
