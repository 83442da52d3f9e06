"""The administration site's part of the aid workflow: only the travel times between schools,
which the administrator sets for everyone (a member may set his own in « Temps de trajet »)."""

from django import forms
from django.contrib import admin

from aides.models import TempsTrajet
from eleves.enums import ROLES_RASED
from eleves.models import Utilisateur
from rased.admin import AdministrateurModelAdmin, site


class TempsTrajetAdminForm(forms.ModelForm):
    class Meta:
        model = TempsTrajet
        fields = ["ecole_a", "ecole_b", "minutes", "intervenant"]
        labels = {"ecole_a": "École", "ecole_b": "Autre école", "intervenant": "Pour l'intervenant"}
        help_texts = {"intervenant": "Laissez vide : le temps de trajet vaut pour tous les membres du RASED."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervenant"].queryset = Utilisateur.objects.filter(
            role__in=ROLES_RASED).par_ordre_alphabetique()

    def clean(self):
        donnees = super().clean()
        a, b = donnees.get("ecole_a"), donnees.get("ecole_b")
        if a and b:
            if a == b:
                raise forms.ValidationError("Choisissez deux écoles différentes.")
            if a.pk > b.pk:
                # Each pair is kept once, the smaller key first: the order chosen does not matter.
                donnees["ecole_a"], donnees["ecole_b"] = b, a
                self.instance.ecole_a, self.instance.ecole_b = b, a
        return donnees


class TempsTrajetAdmin(AdministrateurModelAdmin):
    form = TempsTrajetAdminForm
    list_display = ["ecole_a", "ecole_b", "minutes", "intervenant"]
    list_select_related = ["ecole_a", "ecole_b", "intervenant"]
    list_filter = [("intervenant", admin.EmptyFieldListFilter)]
    search_fields = ["ecole_a__nom", "ecole_b__nom"]


site.register(TempsTrajet, TempsTrajetAdmin)
