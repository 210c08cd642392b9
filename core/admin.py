from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from .models import OutboundMessage, SensitiveDataAccess, User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "full_name", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + ((_("Front desk"), {"fields": ("role", "full_name", "phone", "language")}),)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "recipient", "status", "attempts")
    list_filter = ("channel", "status")


@admin.register(SensitiveDataAccess)
class SensitiveDataAccessAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "record_label", "field", "reason")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
