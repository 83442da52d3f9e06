from django.urls import path

from eleves import (
    views,
    views_2fa,
    views_compte,
    views_import,
    views_mot_de_passe,
    views_proconnect,
)

urlpatterns = [
    path("connexion/", views.ConnexionView.as_view(), name="connexion"),
    path("deconnexion/", views.DeconnexionView.as_view(), name="deconnexion"),
    path("mot-de-passe-oublie/", views_mot_de_passe.MotDePasseOublieView.as_view(), name="mot_de_passe_oublie"),
    path("mot-de-passe-oublie/envoye/", views_mot_de_passe.MotDePasseEnvoyeView.as_view(),
         name="mot_de_passe_envoye"),
    path("mot-de-passe/<uidb64>/<token>/", views_mot_de_passe.MotDePasseNouveauView.as_view(),
         name="mot_de_passe_nouveau"),
    path("mot-de-passe/change/", views_mot_de_passe.MotDePasseChangeView.as_view(), name="mot_de_passe_change"),
    path("proconnect/connexion/", views_proconnect.proconnect_connexion, name="proconnect_connexion"),
    path("proconnect/retour/", views_proconnect.proconnect_retour, name="proconnect_retour"),
    path("session/", views.session_etat, name="session_etat"),
    path("eleves/", views.eleve_liste, name="eleve_liste"),
    path("eleves/nouveau/", views.eleve_creer, name="eleve_creer"),
    path("eleves/<int:pk>/journal/", views.eleve_journal, name="eleve_journal"),
    path("psychologues/acces/", views.acces_psychologues, name="acces_psychologues"),
    path("eleves/<int:pk>/modifier/", views.eleve_modifier, name="eleve_modifier"),
    path("eleves/<int:pk>/responsables/ajouter/", views.responsable_ajouter, name="responsable_ajouter"),
    path("responsables/<int:pk>/modifier/", views.responsable_modifier, name="responsable_modifier"),
    path("responsables/<int:pk>/supprimer/", views.responsable_supprimer, name="responsable_supprimer"),
    path("eleves/<int:pk>/plans/ajouter/", views.plan_ajouter, name="plan_ajouter"),
    path("plans/<int:pk>/supprimer/", views.plan_supprimer, name="plan_supprimer"),
    path("ecoles/", views.ecole_liste, name="ecole_liste"),
    path("classes/<int:pk>/", views.classe_detail, name="classe_detail"),
    path("ecoles/<int:pk>/import/", views_import.import_classes, name="import_classes"),
    path("import/modele.csv", views_import.import_modele, name="import_modele"),
    path("mon-compte/", views_compte.mon_compte, name="mon_compte"),
    path("mon-compte/double-authentification/", views_compte.double_authentification_choix,
         name="double_authentification_choix"),
    path("circonscription/reglages/", views_compte.reglages_circonscription, name="reglages_circonscription"),
]

urlpatterns += [
    path("double-authentification/configurer/", views_2fa.otp_configurer, name="otp_configurer"),
    path("double-authentification/verifier/", views_2fa.otp_verifier, name="otp_verifier"),
    path("double-authentification/codes-de-secours/", views_2fa.otp_codes, name="otp_codes"),
    path(
        "double-authentification/codes-de-secours/regenerer/",
        views_2fa.otp_codes_regenerer,
        name="otp_codes_regenerer",
    ),
]
