"""URLs of the aid workflow: each stage's module declares its own ``urlpatterns``."""

from django.urls import path

from aides.views import (
    accueil,
    activite,
    analyse,
    courriers,
    demandes,
    documents,
    dossiers,
    droit_acces,
    equipes,
    evaluations,
    groupes,
    imprimes,
    impressions,
    programmes,
    rapports,
    seances,
    semaine,
    suivi,
)

urlpatterns = [
    path("", accueil.accueil, name="accueil"),
    path("notifications/lues/", accueil.notifications_lues, name="notifications_lues"),
    path("demandes/", demandes.demande_liste, name="demande_liste"),
    path("eleves/<int:pk>/demandes/nouvelle/", demandes.demande_creer, name="demande_creer"),
    path("demandes/<int:pk>/", demandes.demande_detail, name="demande_detail"),
    path("demandes/<int:pk>/modifier/", demandes.demande_modifier, name="demande_modifier"),
    path("demandes/<int:pk>/envoyer/", demandes.demande_envoyer, name="demande_envoyer"),
    path("demandes/<int:pk>/supprimer/", demandes.demande_supprimer, name="demande_supprimer"),
]
# The pupil's and the school's pages (their paths are under eleves/ and ecoles/).
urlpatterns += dossiers.urlpatterns
urlpatterns += seances.urlpatterns
urlpatterns += equipes.urlpatterns
urlpatterns += analyse.urlpatterns
urlpatterns += programmes.urlpatterns
urlpatterns += evaluations.urlpatterns
urlpatterns += documents.urlpatterns
urlpatterns += imprimes.urlpatterns
urlpatterns += suivi.urlpatterns + courriers.urlpatterns
urlpatterns += rapports.urlpatterns + activite.urlpatterns
urlpatterns += droit_acces.urlpatterns
urlpatterns += groupes.urlpatterns  # the member's groups, slots and travel times
urlpatterns += semaine.urlpatterns
urlpatterns += impressions.urlpatterns  # batch prints through the task queue
