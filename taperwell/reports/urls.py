from django.urls import path

from taperwell.reports import views

app_name = "reports"
urlpatterns = [
    path("clinic/patients/<uuid:public_id>/summary.pdf", views.summary, name="summary"),
    path("clinic/patients/<uuid:public_id>/fhir.json", views.fhir_export, name="fhir_export"),
    path("clinic/patients/<uuid:public_id>/fhir-import/", views.fhir_import, name="fhir_import"),
    path("clinic/research/", views.research_page, name="research"),
    path("clinic/research/export.zip", views.research_download, name="research_export"),
    path("my/data/", views.mine, name="mine"),
    path("my/data/summary.pdf", views.my_summary, name="my_summary"),
    path("my/data/note/", views.my_note, name="my_note"),
    path("my/data/research/", views.my_research, name="my_research"),
    path("my/data/exports/", views.my_export_new, name="my_export_new"),
    path(
        "my/data/exports/<uuid:public_id>/download/",
        views.my_export_download,
        name="my_export_download",
    ),
]
