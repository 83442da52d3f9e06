"""Forms of the RASED's support to school teams (pôle ressource).

They validate and shape input; the rules (which dates, which pupil) are checked by the services.
"""

from django import forms
from django.utils import timezone

from aides.enums import DUREE_ACTION_MAX, DUREE_ACTION_MIN
from aides.forms.base import CleEnvoi, RevisionLue
from aides.models import ActionEquipe
from eleves.forms import DateInput, FormulaireRased


class ActionEquipeForm(CleEnvoi, FormulaireRased):
    """A support action for a school team; the pupil, if any, is one of the school's this year.
    The same form records and corrects one (``instance``: with the revision it was read at)."""

    revision_lue = RevisionLue()

    class Meta:
        model = ActionEquipe
        fields = ["date", "public", "theme", "apport", "duree", "eleve"]
        widgets = {
            "date": DateInput(),
            "apport": forms.Textarea(attrs={"rows": 4}),
        }
        labels = {"duree": "Temps passé (minutes)"}
        help_texts = {
            "public": "Par exemple : équipe du cycle 2, enseignante de CE1 et AESH.",
            "theme": "Adaptation des méthodes, outils et supports, inclusion d'un élève à besoins "
            "particuliers…",
            "apport": "Outils, supports ou pistes fournis.",
            "eleve": "Seulement si l'action concerne l'inclusion d'un élève.",
        }

    def __init__(self, *args, eleves, **kwargs):
        if kwargs.get("instance") is None:
            kwargs.setdefault("initial", {"date": timezone.localdate(), "duree": 60})
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["revision_lue"]
        else:
            self.fields["revision_lue"].initial = self.instance.revision
        self.fields["duree"].widget.attrs.update(min=DUREE_ACTION_MIN, max=DUREE_ACTION_MAX, step=5)
        self.fields["eleve"].queryset = eleves
        self.fields["eleve"].empty_label = "Aucun (action pour l'équipe)"
        self.fields["eleve"].label_from_instance = _eleve_et_classe

    def clean_duree(self):
        duree = self.cleaned_data["duree"]
        if not DUREE_ACTION_MIN <= duree <= DUREE_ACTION_MAX:
            raise forms.ValidationError(
                f"Le temps passé est compris entre {DUREE_ACTION_MIN} minutes "
                f"et {DUREE_ACTION_MAX // 60} heures."
            )
        return duree


def _eleve_et_classe(eleve) -> str:
    inscription = eleve.inscription_courante
    return f"{eleve}" + (f" ({inscription.classe.nom})" if inscription else "")
