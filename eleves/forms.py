import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.db.models import Q

from eleves.enums import Niveau
from eleves.models import Classe, Ecole, Eleve, Plan, ResponsableLegal, annee_courante_debut


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FormulaireRased(forms.ModelForm):
    """ModelForm rendered by crispy with the project's single form layout."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The page's <form> already carries the token.
        self.helper.disable_csrf = True


class EleveForm(FormulaireRased):
    """A pupil's identity and the class of the current school year."""

    classe = forms.ModelChoiceField(label="Classe (année en cours)", queryset=Classe.objects.none())
    niveau = forms.ChoiceField(label="Niveau", choices=Niveau.choices)

    class Meta:
        model = Eleve
        fields = ["nom", "prenom", "date_naissance", "sexe", "ine"]
        widgets = {"date_naissance": DateInput()}

    def __init__(self, *args, classes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["classe"].queryset = classes.select_related("ecole")
        self.fields["classe"].label_from_instance = lambda c: f"{c.ecole.nom} — {c.nom} ({c.niveaux_libelle})"

    def clean_nom(self):
        return " ".join(self.cleaned_data["nom"].split())

    def clean_prenom(self):
        return " ".join(self.cleaned_data["prenom"].split())

    def clean_ine(self):
        ine = self.cleaned_data["ine"].strip().upper()
        # The INE is unique nationally (constraint ``eleve_ine_unique``); said here in French on the
        # field, instead of the constraint's technical message.
        if ine and Eleve.objects.exclude(pk=self.instance.pk).filter(ine=ine).exists():
            raise forms.ValidationError("Un élève est déjà enregistré avec cet INE : vérifiez-le.")
        return ine

    def clean(self):
        cleaned = super().clean()
        classe, niveau = cleaned.get("classe"), cleaned.get("niveau")
        if classe and niveau and niveau not in classe.niveaux:
            self.add_error("niveau", f"La classe {classe.nom} accueille les niveaux {classe.niveaux_libelle}.")
        return cleaned


class ResponsableForm(FormulaireRased):
    class Meta:
        model = ResponsableLegal
        fields = ["lien", "civilite", "nom", "prenom", "adresse", "code_postal", "commune", "telephone", "email"]


class PlanForm(FormulaireRased):
    class Meta:
        model = Plan
        fields = ["type", "date_debut", "date_fin"]
        widgets = {"date_debut": DateInput(), "date_fin": DateInput()}


class EleveFilter(django_filters.FilterSet):
    """Search in the pupils one may see. Its data comes from the session, never the URL."""

    nom = django_filters.CharFilter(label="Nom ou prénom", method="filtrer_nom")
    ecole = django_filters.ModelChoiceFilter(
        label="École", queryset=Ecole.objects.none(), method="filtrer_ecole", empty_label="Toutes"
    )
    classe = django_filters.ModelChoiceFilter(
        label="Classe", queryset=Classe.objects.none(), method="filtrer_classe", empty_label="Toutes"
    )
    niveau = django_filters.ChoiceFilter(
        label="Niveau", choices=Niveau.choices, method="filtrer_niveau", empty_label="Tous"
    )

    class Meta:
        model = Eleve
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["ecole"].queryset = Ecole.objects.visibles_par(user)
        classes = Classe.objects.visibles_par(user).filter(annee__debut=annee_courante_debut())
        self.filters["classe"].queryset = classes.select_related("ecole")
        for nom in ("ecole", "classe", "niveau"):
            self.form.fields[nom].widget.attrs["class"] = "form-select"

    def filtrer_nom(self, queryset, name, value):
        for mot in value.split():
            queryset = queryset.filter(Q(nom__icontains=mot) | Q(prenom__icontains=mot))
        return queryset

    def filtrer_ecole(self, queryset, name, value):
        return queryset.filter(
            inscriptions__annee__debut=annee_courante_debut(), inscriptions__classe__ecole=value
        )

    def filtrer_classe(self, queryset, name, value):
        return queryset.filter(inscriptions__classe=value)

    def filtrer_niveau(self, queryset, name, value):
        return queryset.filter(
            inscriptions__annee__debut=annee_courante_debut(), inscriptions__niveau=value
        )


class ImportCsvForm(forms.Form):
    """The class list to import; its size is checked before anything is read."""

    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="Séparateur point-virgule (;), encodage UTF-8 ou Latin-1, colonnes : "
        "Nom;Prénom;Date de naissance;Sexe;Niveau;Classe.",
        error_messages={
            "required": "Choisissez le fichier CSV à importer.",
            "empty": "Le fichier est vide.",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form tag carries the token

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        limite = settings.IMPORT_CSV_MAX_BYTES
        if fichier.size > limite:
            raise forms.ValidationError(
                f"Le fichier fait {taille_en_mo(fichier.size)} Mo : "
                f"la taille maximale est de {taille_en_mo(limite)} Mo. "
                "Vérifiez qu'il s'agit bien de la liste de classes au format CSV, ou découpez-la."
            )
        return fichier


def taille_en_mo(octets: int) -> str:
    """A size in megabytes, French style: ``2``, ``5,3``."""
    return f"{octets / (1024 * 1024):.1f}".removesuffix(".0").replace(".", ",")
