"""Forms of the programme personnalisé: its draft, its rows, a new version.

They validate and normalise what is typed; the workflow (versions, validation) is in
``aides/services.py``.
"""

from itertools import groupby

from django import forms
from django.forms import inlineformset_factory

from aides.enums import SEMAINES_PAR_PERIODE, TypeAide
from aides.forms.base import CleEnvoi, FormulaireSimple, RevisionLue
from aides.models import ActionProgramme, Competence, Objectif, Programme
from aides.selectors.programmes import competences_du_cycle, cycle_de_l_aide
from eleves.forms import DateInput, FormulaireRased

SANS_COMPETENCE = "— Aucune : objectif rédigé librement —"


class ProgrammeForm(CleEnvoi, FormulaireRased):
    revision_lue = RevisionLue()

    class Meta:
        model = Programme
        fields = [
            "modalite", "seances_par_semaine", "duree_seance", "date_debut", "date_revision",
            "avis_eleve", "avis_famille",
        ]
        widgets = {
            "date_debut": DateInput(),
            "date_revision": DateInput(),
            "avis_eleve": forms.Textarea(attrs={"rows": 2}),
            "avis_famille": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "date_revision": (
                f"Laissez vide pour une période : {SEMAINES_PAR_PERIODE} semaines de classe après le début, "
                "vacances non comptées."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # A new programme has no revision yet; its review date defaults to one période.
            del self.fields["revision_lue"]
            self.fields["date_revision"].required = False
        else:
            self.fields["revision_lue"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        debut, revision = cleaned.get("date_debut"), cleaned.get("date_revision")
        if debut and revision and revision < debut:
            self.add_error("date_revision", "La date de révision ne peut pas précéder le début du programme.")
        for champ, libelle in (("seances_par_semaine", "Le nombre de séances"), ("duree_seance", "La durée")):
            if cleaned.get(champ) == 0:
                self.add_error(champ, f"{libelle} doit être supérieur à zéro.")
        return cleaned


class CatalogueCompetences:
    """The skills offered to the pupil's cycle, read once for a whole formset: every row's choices
    and lookups come from it, so that the page's queries do not grow with its objectives."""

    def __init__(self, competences):
        self.par_pk = {str(c.pk): c for c in competences}
        self.choix = [("", SANS_COMPETENCE)] + [
            (origine, [(c.pk, c.intitule) for c in groupe])
            for origine, groupe in groupby(competences, key=lambda c: c.origine)
        ]


class ChoixCompetence(forms.ModelChoiceField):
    """A skill of the catalogue (a posted id outside it is an invalid choice)."""

    def __init__(self, catalogue: CatalogueCompetences, **kwargs):
        super().__init__(queryset=Competence.objects.none(), required=False, **kwargs)
        self.catalogue = catalogue
        self.choices = catalogue.choix

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.catalogue.par_pk[str(value)]
        except KeyError:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice") from None


def _intitule_depuis(competence) -> str:
    """The skill's wording as an objective's (300 characters at most, cut between words)."""
    longueur = Objectif._meta.get_field("intitule").max_length
    if len(competence.intitule) <= longueur:
        return competence.intitule
    return competence.intitule[: longueur - 1].rsplit(" ", 1)[0] + "…"


class ObjectifForm(FormulaireRased):
    class Meta:
        model = Objectif
        fields = ["competence", "domaine", "visee", "intitule", "critere", "responsable", "maitrise_initiale"]
        labels = {"maitrise_initiale": "Maîtrise de la compétence au départ"}
        help_texts = {
            "competence": "Tapez quelques mots pour chercher parmi les attendus de fin de cycle de l'élève "
            "et les composantes du socle commun ; laissez vide pour un objectif rédigé librement.",
            "domaine": "Pris de la compétence choisie ; sinon, le domaine du socle commun visé.",
            "visee": "Pour une aide à dominante relationnelle : à la place d'un domaine du socle.",
            "intitule": "Laissé vide, il reprend l'intitulé de la compétence choisie.",
            "responsable": "Qui suit cet objectif : membre du RASED, enseignant…",
            "maitrise_initiale": "Sur l'échelle du socle commun : le premier bilan part de cette maîtrise.",
        }

    def __init__(self, *args, type_aide, catalogue: CatalogueCompetences, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_aide = type_aide
        champ = ChoixCompetence(
            catalogue, label=self.fields["competence"].label, help_text=self.fields["competence"].help_text,
        )
        if self.instance.competence_id and str(self.instance.competence_id) not in catalogue.par_pk:
            # A skill since withdrawn from the list (or of another cycle) stays this objective's.
            actuelle = self.instance.competence
            champ.catalogue = CatalogueCompetences([actuelle, *catalogue.par_pk.values()])
            champ.choices = champ.catalogue.choix
        self.fields["competence"] = champ
        self.fields["intitule"].required = False
        if type_aide != TypeAide.G:
            # Posted anyway (an old page, a forged form), it is refused in clean().
            self.fields["visee"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        competence, visee = cleaned.get("competence"), cleaned.get("visee")
        if competence and not visee:
            # The skill's domain, whatever was selected: the two cannot disagree.
            cleaned["domaine"] = self.instance.domaine = competence.domaine
        if not cleaned.get("intitule") and "intitule" not in self.errors:
            if competence:
                cleaned["intitule"] = self.instance.intitule = _intitule_depuis(competence)
            else:
                self.add_error("intitule", forms.ValidationError(
                    self.fields["intitule"].error_messages["required"], code="required"))
        domaine = cleaned.get("domaine")
        if visee and self.type_aide != TypeAide.G:
            raise forms.ValidationError(
                "Les visées transversales sont réservées aux aides à dominante relationnelle (maître G) : "
                "rattachez cet objectif à un domaine du socle commun."
            )
        if bool(domaine) == bool(visee):
            raise forms.ValidationError(
                "Rattachez cet objectif soit à un domaine du socle commun, soit à une visée transversale "
                "(l'un des deux, pas les deux)."
                if self.type_aide == TypeAide.G
                else "Rattachez cet objectif à un domaine du socle commun."
            )
        return cleaned

    def validate_constraints(self):
        # ``objectif_domaine_ou_visee`` is said in French in clean() above.
        pass


class ActionProgrammeForm(FormulaireRased):
    class Meta:
        model = ActionProgramme
        fields = ["acteur", "description"]


class _LignesDuProgramme(forms.BaseInlineFormSet):
    """The rows of a programme; objectives are numbered in the order they are listed."""

    def save(self, commit=True):
        super().save(commit=False)
        for obj in self.deleted_objects:
            obj.delete()
        gardees = [
            f for f in self.forms if f not in self.deleted_forms and (f.instance.pk or f.has_changed())
        ]
        for rang, form in enumerate(gardees, start=1):
            obj = form.instance
            a_jour = not form.has_changed()
            if hasattr(obj, "ordre"):
                a_jour = a_jour and obj.ordre == rang
                obj.ordre = rang
            if not a_jour:
                setattr(obj, self.fk.name, self.instance)
                obj.save()
        return [f.instance for f in gardees]


ObjectifFormSet = inlineformset_factory(
    Programme, Objectif, form=ObjectifForm, formset=_LignesDuProgramme, extra=2, can_delete=True,
)
ActionFormSet = inlineformset_factory(
    Programme, ActionProgramme, form=ActionProgrammeForm, formset=_LignesDuProgramme, extra=2,
    can_delete=True,
)


def formulaires_programme(data, *, aide, programme):
    """The programme's form and its two row formsets, bound to ``data`` on a POST."""
    catalogue = CatalogueCompetences(list(competences_du_cycle(cycle_de_l_aide(aide))))
    return (
        ProgrammeForm(data, instance=programme),
        ObjectifFormSet(
            data, instance=programme, prefix="objectifs", form_kwargs={"type_aide": aide.type, "catalogue": catalogue}
        ),
        ActionFormSet(data, instance=programme, prefix="actions"),
    )


class NouvelleVersionForm(FormulaireSimple):
    debut = forms.DateField(label="Début de la nouvelle période", widget=DateInput())
