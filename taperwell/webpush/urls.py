from django.urls import path

from taperwell.webpush import views

app_name = "webpush"
urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("apple-touch-icon.png", views.apple_touch_icon, name="apple_touch_icon"),
    path("offline/", views.offline, name="offline"),
    path("notices/push/", views.subscribe, name="subscribe"),
    path("notices/push/remove/", views.unsubscribe, name="unsubscribe"),
]
