from django.contrib import admin

from taperwell.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["email", "full_name", "is_active", "last_login"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["public_id", "last_login", "date_joined", "password"]
    exclude = ["groups", "user_permissions"]
