"""Forms of the member's timetable: his groups, his recurring slots, a slot's day not held, his
travel times. They validate and shape input; the services check the member's scope again."""

from django import forms

from aides.forms.base import CleEnvoi, FormulaireSimple
from aides.models import Aide, Creneau, CreneauNonTenu, Groupe
from aides.selectors.groupes import aides_pour_groupe, ecoles_du_membre, nom_court
from eleves.forms import DateInput, FormulaireRased

DUREE_CRENEAU_MIN, DUREE_CRENEAU_MAX = 10, 240
TRAJET_MAX = 180


class GroupeForm(CleEnvoi, FormulaireSimple):
    """A new group (its school and name) or a group renamed (its name only)."""

    ecole = forms.ModelChoiceField(
        label="École", queryset=None, empty_label=None,
        error_messages={"required": "Choisissez l'école du groupe.",
                        "invalid_choice": "Choisissez une école de votre secteur."},
    )
    nom = forms.CharField(
        label="Nom du groupe", max_length=80,
        help_text="Par exemple « CP lecture » : il apparaît dans votre agenda, sans nom d'élève.",
        error_messages={"required": "Donnez un nom au groupe."},
    )

    def __init__(self, *args, user, groupe=None, **kwargs):
        if groupe is not None:
            kwargs.setdefault("initial", {"nom": groupe.nom})
        super().__init__(*args, **kwargs)
        if groupe is not None:
            del self.fields["ecole"]
        else:
            self.fields["ecole"].queryset = ecoles_du_membre(user)
            self.fields["ecole"].label_from_instance = lambda e: e.nom


class AjoutElevesForm(FormulaireSimple):
    """Pupils to put in a group: the member's aids in its school, not ended, not in it already."""

    aides = forms.ModelMultipleChoiceField(
        label="Élèves à ajouter", queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un élève.",
                        "invalid_choice": "Cet élève ne peut pas être ajouté à ce groupe.",
                        "invalid_pk_value": "Cet élève ne peut pas être ajouté à ce groupe."},
    )

    def __init__(self, *args, groupe, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aides"].queryset = aides_pour_groupe(groupe.intervenant, groupe.ecole).exclude(
            appartenances__groupe=groupe, appartenances__retire_le__isnull=True
        )
        self.fields["aides"].label_from_instance = lambda a: f"{a.eleve.prenom} {a.eleve.nom.upper()}"


class CreneauForm(CleEnvoi, FormulaireRased):
    """A recurring slot: a weekday and time, in one school of the member's secteur, for one of his
    groups there or one of his pupils there (individual), from a date to a date (the current
    période by default)."""

    class Meta:
        model = Creneau
        fields = ["jour", "heure", "duree", "ecole", "groupe", "aide", "modalite", "du", "au"]
        widgets = {
            "heure": forms.TimeInput(attrs={"type": "time", "step": 300}, format="%H:%M"),
            "du": DateInput(),
            "au": DateInput(),
        }
        labels = {"jour": "Jour de la semaine", "duree": "Durée (minutes)", "ecole": "École", "du": "Du", "au": "Au"}
        help_texts = {
            "groupe": "Un groupe de l'école choisie…",
            "aide": "… ou un seul élève (prise en charge individuelle).",
            "du": "Par défaut, la période en cours, jusqu'aux prochaines vacances.",
        }
        error_messages = {
            "jour": {"required": "Choisissez le jour de la semaine."},
            "heure": {"required": "Indiquez l'heure de début.", "invalid": "Indiquez l'heure ainsi : 09:30."},
            "duree": {"required": "Indiquez la durée en minutes."},
            "ecole": {"required": "Choisissez l'école."},
            "du": {"required": "Indiquez la date de début."},
            "au": {"required": "Indiquez la date de fin."},
        }

    def __init__(self, *args, user, periode=None, **kwargs):
        if kwargs.get("instance") is None and periode is not None:
            initial = {"du": periode[0], "au": periode[1], "duree": 45, **kwargs.get("initial", {})}
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        ecoles = ecoles_du_membre(user)
        self.fields["ecole"].queryset = ecoles
        self.fields["ecole"].label_from_instance = lambda e: e.nom
        self.fields["groupe"].queryset = Groupe.objects.de(user).filter(ecole__in=ecoles.values("pk")) \
            .select_related("ecole")
        self.fields["groupe"].label_from_instance = lambda g: f"{g.nom} ({g.ecole.nom})"
        self.fields["groupe"].empty_label = "Aucun (un seul élève)"
        aides = aides_pour_groupe(user)
        if self.instance.aide_id:
            # The pupil of a slot being changed stays choosable even if his aid ended since.
            aides = aides | Aide.objects.filter(pk=self.instance.aide_id)
        self.fields["aide"].queryset = aides
        self.fields["aide"].label_from_instance = lambda a: f"{nom_court(a.eleve)} ({a.demande.classe.ecole.nom})"
        self.fields["aide"].empty_label = "Aucun (un groupe)"
        self.fields["duree"].widget.attrs.update(min=DUREE_CRENEAU_MIN, max=DUREE_CRENEAU_MAX, step=5)

    def clean_duree(self):
        duree = self.cleaned_data["duree"]
        if not DUREE_CRENEAU_MIN <= duree <= DUREE_CRENEAU_MAX:
            raise forms.ValidationError(
                f"Un créneau dure entre {DUREE_CRENEAU_MIN} minutes et {DUREE_CRENEAU_MAX // 60} heures."
            )
        return duree

    def clean(self):
        donnees = super().clean()
        du, au = donnees.get("du"), donnees.get("au")
        if du and au and au < du:
            self.add_error("au", "La date de fin doit être le jour de début ou après.")
        groupe, aide, ecole = donnees.get("groupe"), donnees.get("aide"), donnees.get("ecole")
        if groupe is None and aide is None:
            self.add_error("groupe", "Choisissez un groupe ou un élève.")
        elif groupe is not None and aide is not None:
            self.add_error("aide", "Choisissez un groupe ou un élève, pas les deux.")
        elif ecole is not None and groupe is not None and groupe.ecole_id != ecole.pk:
            self.add_error("groupe", f"Ce groupe est celui d'une autre école ({groupe.ecole.nom}).")
        elif ecole is not None and aide is not None and aide.demande.classe.ecole_id != ecole.pk:
            self.add_error("aide", f"Cet élève est suivi dans une autre école ({aide.demande.classe.ecole.nom}).")
        return donnees


class NonTenuForm(FormulaireRased):
    class Meta:
        model = CreneauNonTenu
        fields = ["motif", "precision"]
        labels = {"motif": "Pourquoi la séance n'a pas eu lieu", "precision": "Précision (facultatif)"}
        help_texts = {"precision": "Par exemple : sortie au musée. Pas de nom d'élève ici."}
        error_messages = {"motif": {"required": "Choisissez le motif."}}


class TempsTrajetForm(FormulaireSimple):
    """One field per pair of schools: the member's minutes, blank for the administrator's value
    or the default (shown as the field's placeholder)."""

    def __init__(self, *args, paires, **kwargs):
        """``paires``: (école x, école y, member's minutes or None, value used otherwise)."""
        super().__init__(*args, **kwargs)
        self.paires = []
        for x, y, propre, sinon in paires:
            nom = f"trajet_{x.pk}_{y.pk}"
            self.fields[nom] = forms.IntegerField(
                label=f"{x.nom} ↔ {y.nom}", required=False, min_value=0, max_value=TRAJET_MAX, initial=propre,
                widget=forms.NumberInput(attrs={"placeholder": sinon, "step": 1, "class": "form-control"}),
                help_text=f"Laissez vide pour {sinon} min.",
                error_messages={"min_value": "Un temps de trajet n'est pas négatif.",
                                "max_value": f"Un temps de trajet ne dépasse pas {TRAJET_MAX} minutes.",
                                "invalid": "Indiquez un nombre entier de minutes."},
            )
            self.paires.append((nom, x, y))

    def valeurs(self) -> dict:
        return {(x.pk, y.pk): self.cleaned_data.get(nom) for nom, x, y in self.paires}
