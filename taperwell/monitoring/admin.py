from django.contrib import admin

from taperwell.monitoring.models import MonitoringPolicy


@admin.register(MonitoringPolicy)
class MonitoringPolicyAdmin(admin.ModelAdmin):
    list_display = ("clinic", "pdmp_every_days", "udt_every_days", "agreement_every_days")
