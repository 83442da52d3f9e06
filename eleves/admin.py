from django import forms
from django.contrib.auth.admin import UserAdmin

from eleves.enums import Niveau
from eleves.models import AnneeScolaire, Circonscription, Classe, Ecole, Secteur, Utilisateur
from eleves.services import compte_enregistrer
from rased.admin import AdministrateurModelAdmin, site


class CirconscriptionAdmin(AdministrateurModelAdmin):
    list_display = ["nom", "departement", "zone"]
    search_fields = ["nom"]


class EcoleAdmin(AdministrateurModelAdmin):
    list_display = ["nom", "commune", "uai", "circonscription"]
    list_filter = ["circonscription"]
    search_fields = ["nom", "commune", "uai"]


class SecteurAdmin(AdministrateurModelAdmin):
    list_display = ["nom", "circonscription"]
    filter_horizontal = ["ecoles"]


class AnneeScolaireAdmin(AdministrateurModelAdmin):
    list_display = ["libelle", "debut"]


class ClasseAdminForm(forms.ModelForm):
    niveaux = forms.MultipleChoiceField(
        label="Niveaux", choices=Niveau.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Classe
        fields = ["ecole", "annee", "nom", "niveaux", "enseignants"]


class ClasseAdmin(AdministrateurModelAdmin):
    form = ClasseAdminForm
    list_display = ["nom", "ecole", "annee", "niveaux_libelle"]
    list_filter = ["annee", "ecole__circonscription"]
    search_fields = ["nom", "ecole__nom"]
    filter_horizontal = ["enseignants"]
    list_select_related = ["ecole", "annee"]


class UtilisateurAdmin(AdministrateurModelAdmin, UserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "circonscription", "is_active"]
    list_filter = ["role", "circonscription", "is_active"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Identité", {"fields": ("first_name", "last_name", "email")}),
        ("Rôle et rattachement", {"fields": ("role", "fonction", "circonscription", "ecole", "secteur")}),
        ("Compte", {"fields": ("is_active", "proconnect_sub", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        ("Identité", {"fields": ("first_name", "last_name", "email")}),
        ("Rôle et rattachement", {"fields": ("role", "fonction", "circonscription", "ecole", "secteur")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request, obj, form, change):
        # Granting or widening access to the psychologists' work is recorded and told to them.
        compte_enregistrer(
            compte=obj, par=request.user, save=lambda: super(UtilisateurAdmin, self).save_model(request, obj, form, change)
        )


site.register(Circonscription, CirconscriptionAdmin)
site.register(Ecole, EcoleAdmin)
site.register(Secteur, SecteurAdmin)
site.register(AnneeScolaire, AnneeScolaireAdmin)
site.register(Classe, ClasseAdmin)
site.register(Utilisateur, UtilisateurAdmin)
