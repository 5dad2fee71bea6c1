"""Operators see firms' endpoints and deliveries to help a firm whose system does not receive
them. Read-only: only the firm's owners change endpoints (the portal). Neither the secrets nor
the payloads (which may hold a client's summary or contact details) are shown."""

from django.contrib import admin

from lawzana.admin import ReadOnlyAdminMixin

from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("url", "firm", "is_active", "created_at")
    list_filter = ("is_active",)
    list_select_related = ("firm",)
    fields = ("firm", "url", "is_active", "created_at", "created_by", "previous_secret_expires_at")
    readonly_fields = fields


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = ("attempted_at", "status_code", "response_ms", "succeeded", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("event", "endpoint", "status", "attempts", "last_status_code", "next_attempt_at", "created_at")
    list_filter = ("status", "event")
    list_select_related = ("endpoint",)
    fields = (
        "endpoint",
        "event",
        "key",
        "status",
        "attempts",
        "next_attempt_at",
        "last_attempt_at",
        "last_status_code",
        "last_response_ms",
        "last_error",
        "created_at",
        "delivered_at",
    )
    readonly_fields = fields
    inlines = [WebhookAttemptInline]
