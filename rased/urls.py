from django.urls import include, path

from rased.admin import site as admin_site

urlpatterns = [
    path("", include("eleves.urls")),
    path("", include("aides.urls")),
    path("gestion/", admin_site.urls),
]

handler404 = "eleves.views.page_introuvable"
