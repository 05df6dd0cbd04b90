from django.contrib import admin

from taperwell.tapering.models import PrescribingPolicy


@admin.register(PrescribingPolicy)
class PrescribingPolicyAdmin(admin.ModelAdmin):
    list_display = ("clinic", "fill_days")
