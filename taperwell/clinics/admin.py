from django.contrib import admin

from taperwell.clinics.models import Clinic, Membership


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "jurisdiction", "time_zone", "guideline_pack"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "clinic", "role", "is_active"]
    list_filter = ["clinic", "role"]
    raw_id_fields = ["user"]
