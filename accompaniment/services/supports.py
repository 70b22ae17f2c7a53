"""Supports given to a person (Doume social bonus, food baskets, vouchers…), recorded from
the file's page. Every change is journalled on the file; a closed file takes no change."""

from django.db import transaction
from django.db.models import Count, Sum

from accompaniment.models import Support
from accompaniment.services.plans import record_file_change


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
    record_file_change(by, beneficiary, "support.added", kind=support.kind)
    return support


@transaction.atomic
def update_support(*, form, by):
    support = form.save()
    record_file_change(
        by,
        support.beneficiary,
        "support.changed",
        kind=support.kind,
        fields=sorted(form.changed_data),
    )
    return support


@transaction.atomic
def delete_support(*, support, by):
    """For a support recorded by mistake."""
    support.delete()
    record_file_change(by, support.beneficiary, "support.deleted", kind=support.kind)
