from django.urls import path

from taperwell.audit import views

app_name = "audit"
urlpatterns = [
    path("clinic/audit/", views.audit_log, name="log"),
    path("clinic/audit/export.csv", views.audit_export, name="export"),
]
