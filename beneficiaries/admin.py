from django.contrib import admin

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
