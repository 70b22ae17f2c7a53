from django.contrib import admin
from django.db import models

from .models import (
    AccessCondition,
    Category,
    Closure,
    Contact,
    ImportJob,
    Partner,
    PartnershipEvent,
    ServiceTag,
)


@admin.register(Category, ServiceTag, AccessCondition)
class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "position"]
    list_editable = ["position"]
    search_fields = ["name"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


class PartnershipEventInline(admin.StackedInline):
    model = PartnershipEvent
    extra = 0
    autocomplete_fields = ["by"]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "commune", "partnership_status", "last_checked_on", "is_archived"]
    list_filter = ["partnership_status", "is_archived", "categories", "services", "commune"]
    search_fields = ["search_text", "external_id"]
    filter_horizontal = ["categories", "services", "access_conditions"]
    inlines = [ContactInline, ClosureInline, PartnershipEventInline]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A web address typed without a scheme gets https:// (Django 6's default).
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")
        return super().formfield_for_dbfield(db_field, request, **kwargs)


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Read-only: a job is started from the import page and ended by its worker."""

    list_display = ["created_at", "created_by", "status", "created_count", "updated_count"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in ImportJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
