from django.contrib import admin

from soli_dome.audit.models import AuditEntry, record, record_many

from .models import Assignment, Beneficiary, Commune, Consent


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["name", "insee_code", "postal_code", "population"]
    search_fields = ["name", "insee_code", "postal_code"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["accompanier"]


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    autocomplete_fields = ["recorded_by"]


@admin.register(Beneficiary)
class BeneficiaryAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "status", "commune", "last_contact_on"]
    list_filter = ["status", "commune"]
    search_fields = ["search_name", "phone_digits"]
    autocomplete_fields = ["user"]
    inlines = [AssignmentInline, ConsentInline]
    list_select_related = ["commune"]

    # The administration reads and changes files like staff do: each is journaled.
    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:
            record_many(
                actor=request.user,
                action=AuditEntry.Action.READ,
                targets=changelist.result_list,
                event="admin.read",
            )
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            beneficiary = self.get_object(request, object_id)
            if beneficiary is not None:
                record(
                    actor=request.user,
                    action=AuditEntry.Action.READ,
                    target=beneficiary,
                    event="admin.read",
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = AuditEntry.Action.UPDATE if change else AuditEntry.Action.CREATE
        record(actor=request.user, action=action, target=obj, event="admin.changed")
