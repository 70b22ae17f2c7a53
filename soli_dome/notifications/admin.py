from django.contrib import admin

from .models import Notification, SmsBudget


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["kind", "channel", "address", "due_at", "status", "attempts", "sent_at"]
    list_filter = ["status", "channel", "kind"]
    search_fields = ["idempotency_key", "address"]
    readonly_fields = ["recipient_type", "recipient_id", "idempotency_key", "claim_token"]


admin.site.register(SmsBudget)
