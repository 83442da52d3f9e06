from django.urls import path

from aides import views

urlpatterns = [
    path("demandes/", views.demande_liste, name="demande_liste"),
    path("eleves/<int:pk>/demandes/nouvelle/", views.demande_creer, name="demande_creer"),
    path("demandes/<int:pk>/", views.demande_detail, name="demande_detail"),
    path("demandes/<int:pk>/modifier/", views.demande_modifier, name="demande_modifier"),
    path("demandes/<int:pk>/envoyer/", views.demande_envoyer, name="demande_envoyer"),
]
