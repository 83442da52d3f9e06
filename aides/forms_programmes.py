"""Forms of the programme personnalisé, its evaluations and the psychologist's conclusions.

They validate and normalise what is typed; the workflow (versions, validation, what an
evaluation's decision triggers, sharing a conclusion) is in ``aides/services.py``.
"""

from crispy_forms.helper import FormHelper
from django import forms
from django.forms import inlineformset_factory

from aides.enums import SuiteEvaluation, TypeAide, TypeEvaluation
from aides.models import (
    ActionProgramme,
    ConclusionPsy,
    Evaluation,
    EvaluationObjectif,
    Objectif,
    Programme,
)
from eleves.forms import DateInput, FormulaireRased

# The suites that make sense for each kind of review: an intermediate review goes on or renews the
# programme; the final one decides what becomes of the aid.
SUITES_PAR_TYPE = {
    TypeEvaluation.INTERMEDIAIRE: {SuiteEvaluation.POURSUITE, SuiteEvaluation.RENOUVELLEMENT},
    TypeEvaluation.FINALE: {
        SuiteEvaluation.ARRET, SuiteEvaluation.RENOUVELLEMENT, SuiteEvaluation.CHANGEMENT,
        SuiteEvaluation.ORIENTATION,
    },
}


class RevisionLue(forms.IntegerField):
    """The revision of the record when the form was read: a save from an older one is refused."""

    def __init__(self):
        super().__init__(widget=forms.HiddenInput, min_value=0)


class ProgrammeForm(FormulaireRased):
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
            "date_revision": "Laissez vide pour une période (7 semaines) après le début.",
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


class ObjectifForm(FormulaireRased):
    class Meta:
        model = Objectif
        fields = ["domaine", "visee", "intitule", "critere", "responsable"]
        help_texts = {
            "domaine": "La compétence du socle commun visée.",
            "visee": "Pour une aide à dominante relationnelle : à la place d'un domaine du socle.",
            "responsable": "Qui suit cet objectif : membre du RASED, enseignant…",
        }

    def __init__(self, *args, type_aide, **kwargs):
        super().__init__(*args, **kwargs)
        self.type_aide = type_aide
        if type_aide != TypeAide.G:
            # Posted anyway (an old page, a forged form), it is refused in clean().
            self.fields["visee"].widget = forms.HiddenInput()

    def clean(self):
        cleaned = super().clean()
        domaine, visee = cleaned.get("domaine"), cleaned.get("visee")
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
    return (
        ProgrammeForm(data, instance=programme),
        ObjectifFormSet(data, instance=programme, prefix="objectifs", form_kwargs={"type_aide": aide.type}),
        ActionFormSet(data, instance=programme, prefix="actions"),
    )


class FormulaireSimple(forms.Form):
    """A form without model, rendered by crispy inside the page's own <form>."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class NouvelleVersionForm(FormulaireSimple):
    debut = forms.DateField(label="Début de la nouvelle période", widget=DateInput())


class EvaluationForm(FormulaireRased):
    """The review itself; for a psychological follow-up, the self-esteem measure too."""

    revision_lue = RevisionLue()

    class Meta:
        model = Evaluation
        fields = ["type", "date", "synthese", "suite", "estime_instrument", "estime_debut", "estime_fin"]
        widgets = {"date": DateInput(), "synthese": forms.Textarea(attrs={"rows": 3})}
        labels = {"type": "Type de bilan"}
        help_texts = {
            "suite": "Un bilan intermédiaire poursuit ou renouvelle le programme ; le bilan final décide "
            "de l'arrêt, du renouvellement, d'un changement d'aide ou d'une orientation.",
            "estime_instrument": "Le même instrument au début et à la fin du suivi.",
        }

    def __init__(self, *args, aide, **kwargs):
        super().__init__(*args, **kwargs)
        if not aide.est_psy:
            for champ in ("estime_instrument", "estime_debut", "estime_fin"):
                del self.fields[champ]
        if self.instance.pk is None:
            del self.fields["revision_lue"]
        else:
            # What a recorded review triggered (new version, end of the aid) is not undone here.
            for champ in ("type", "date", "suite"):
                del self.fields[champ]
            self.fields["revision_lue"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        type_, suite = cleaned.get("type"), cleaned.get("suite")
        if type_ and suite and suite not in SUITES_PAR_TYPE[type_]:
            self.add_error(
                "suite",
                "Un bilan intermédiaire se conclut par une poursuite ou un renouvellement."
                if type_ == TypeEvaluation.INTERMEDIAIRE
                else "Le bilan final décide de l'arrêt, du renouvellement, d'un changement d'aide ou "
                "d'une orientation.",
            )
        if "estime_instrument" in self.fields:
            mesure = [cleaned.get("estime_instrument"), cleaned.get("estime_debut"), cleaned.get("estime_fin")]
            if any(v not in (None, "") for v in mesure) and not cleaned.get("estime_instrument"):
                self.add_error("estime_instrument", "Indiquez l'instrument avec lequel l'estime de soi a été mesurée.")
            if cleaned.get("estime_instrument") and cleaned.get("estime_debut") is None:
                self.add_error("estime_debut", "Indiquez le score mesuré au début du suivi.")
        return cleaned


class ResultatForm(FormulaireRased):
    """One objective's result in a review."""

    class Meta:
        model = EvaluationObjectif
        fields = ["atteinte", "commentaire", "maitrise_debut", "maitrise_actuelle"]
        widgets = {"commentaire": forms.Textarea(attrs={"rows": 2})}
        labels = {"maitrise_debut": "Maîtrise de la compétence au début", "maitrise_actuelle": "Maîtrise actuelle"}


def formulaires_resultats(data, *, objectifs, resultats=None, maitrises_debut=None):
    """One form per objective of the programme, in its order: ``[(objectif, form), …]``.

    The objectives come from the programme, never from the page: a forged form cannot add or
    drop one. ``maitrises_debut`` offers each objective's mastery at the start, as first measured.
    """
    existants = {r.objectif_id: r for r in resultats or ()}
    maitrises_debut = maitrises_debut or {}
    return [
        (
            objectif,
            ResultatForm(
                data, prefix=f"objectif-{objectif.pk}",
                instance=existants.get(objectif.pk) or EvaluationObjectif(objectif=objectif),
                initial={"maitrise_debut": maitrises_debut[objectif.pk]} if objectif.pk in maitrises_debut else None,
            ),
        )
        for objectif in objectifs
    ]


class ConclusionForm(FormulaireRased):
    class Meta:
        model = ConclusionPsy
        fields = ["date", "texte", "partagee"]
        widgets = {"date": DateInput(), "texte": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "texte": "Ce que vous choisissez de transmettre : ni notes, ni résultats de tests.",
            "partagee": "Visible alors de l'enseignant, du directeur et des collègues du RASED ; "
            "exige l'accord de la famille pour la transmission des conclusions.",
        }
