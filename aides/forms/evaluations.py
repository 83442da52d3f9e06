"""Forms of the reviews of a programme (bilans) and of the psychologist's conclusions.

They validate and normalise what is typed; what an evaluation's decision triggers and sharing
a conclusion are in ``aides/services.py``.
"""

from django import forms

from aides.enums import SUITES_PAR_TYPE, TypeEvaluation
from aides.forms.base import CleEnvoi, RevisionLue
from aides.models import ConclusionPsy, Evaluation, EvaluationObjectif
from eleves.forms import DateInput, FormulaireRased


class EvaluationForm(CleEnvoi, FormulaireRased):
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


class ConclusionForm(CleEnvoi, FormulaireRased):
    class Meta:
        model = ConclusionPsy
        fields = ["date", "texte", "partagee"]
        widgets = {"date": DateInput(), "texte": forms.Textarea(attrs={"rows": 5})}
        help_texts = {
            "texte": "Ce que vous choisissez de transmettre : ni notes, ni résultats de tests.",
            "partagee": "Visible alors de l'enseignant, du directeur et des collègues du RASED ; "
            "exige l'accord de la famille pour la transmission des conclusions.",
        }
