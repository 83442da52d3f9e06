"""Forms of sessions (séances).

They validate and shape input; the rules (which aids, which dates) are checked by the services.
"""

from django import forms
from django.utils import timezone

from aides.enums import DUREE_SEANCE_MAX, DUREE_SEANCE_MIN, Presence
from aides.forms.base import RevisionLue
from aides.models import PresenceSeance, Seance
from eleves.forms import DateInput, FormulaireRased
from rased.widgets import ListeDeroulante

DUREE_SEANCE_PAR_DEFAUT = 45


class SeanceForm(FormulaireRased):
    """Date, duration and what was worked on; the pupils come with ``PresencesForm``. The same
    form logs a session and corrects it (``instance``: then it carries the revision it was read at)."""

    revision_lue = RevisionLue()

    class Meta:
        model = Seance
        fields = ["date", "duree", "contenu"]
        widgets = {
            "date": DateInput(),
            "contenu": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"duree": f"Entre {DUREE_SEANCE_MIN} et {DUREE_SEANCE_MAX} minutes."}

    def __init__(self, *args, **kwargs):
        if kwargs.get("instance") is None:
            kwargs.setdefault("initial", {"date": timezone.localdate(), "duree": DUREE_SEANCE_PAR_DEFAUT})
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["revision_lue"]
        else:
            self.fields["revision_lue"].initial = self.instance.revision
        # After init: the model field would otherwise set its own ``min="0"``.
        self.fields["duree"].widget.attrs.update(min=DUREE_SEANCE_MIN, max=DUREE_SEANCE_MAX, step=5)

    def clean_duree(self):
        # Said here in French on the field, before the model's « durée > 0 » constraint would.
        duree = self.cleaned_data["duree"]
        if not DUREE_SEANCE_MIN <= duree <= DUREE_SEANCE_MAX:
            raise forms.ValidationError(
                f"Une séance dure entre {DUREE_SEANCE_MIN} et {DUREE_SEANCE_MAX} minutes : vérifiez la durée."
            )
        return duree


class PresencesForm(forms.Form):
    """One row per aid the member may log a session for: « participe », attendance, observation.

    Fields exist only for the aids given by the view (``aides_pour_seance``): an aid id posted
    for anything else is simply ignored.
    """

    def __init__(self, *args, aides, existantes=(), **kwargs):
        """``existantes``: the attendance rows of a session being corrected (their pupils come
        first, checked, with what was recorded)."""
        super().__init__(*args, **kwargs)
        existantes = {p.aide_id: p for p in existantes}
        self.aides = [p.aide for p in existantes.values()]
        self.aides += [aide for aide in aides if aide.pk not in existantes]
        for aide in self.aides:
            nom = f"{aide.eleve.prenom} {aide.eleve.nom.upper()}"
            self.fields[f"participe_{aide.pk}"] = forms.BooleanField(
                label=nom, required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )
            self.fields[f"presence_{aide.pk}"] = forms.ChoiceField(
                label=f"Présence de {nom}", choices=Presence.choices, initial=Presence.PRESENT,
                required=False,
                widget=ListeDeroulante(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"observation_{aide.pk}"] = forms.CharField(
                label=f"Observation pour {nom}", required=False,
                widget=forms.Textarea(attrs={"rows": 1, "class": "form-control form-control-sm"}),
            )
            if ligne := existantes.get(aide.pk):
                self.fields[f"participe_{aide.pk}"].initial = True
                self.fields[f"presence_{aide.pk}"].initial = ligne.presence
                self.fields[f"observation_{aide.pk}"].initial = ligne.observation

    def lignes(self):
        """For the template: each aid with its three bound fields."""
        for aide in self.aides:
            yield {
                "aide": aide,
                "participe": self[f"participe_{aide.pk}"],
                "presence": self[f"presence_{aide.pk}"],
                "observation": self[f"observation_{aide.pk}"],
            }

    def clean(self):
        cleaned = super().clean()
        for aide in self.aides:
            if cleaned.get(f"participe_{aide.pk}"):
                continue
            # Something typed for a pupil whose box is unchecked would be silently lost.
            observation = cleaned.get(f"observation_{aide.pk}", "").strip()
            presence = cleaned.get(f"presence_{aide.pk}") or Presence.PRESENT
            if observation or presence != Presence.PRESENT:
                self.add_error(
                    f"participe_{aide.pk}",
                    "Vous avez renseigné la présence ou une observation de cet élève sans cocher "
                    "« participe » : cochez la case, ou remettez sa ligne à « Présent » sans observation.",
                )
        return cleaned

    def presences(self) -> list[PresenceSeance]:
        """Unsaved attendance rows of the pupils whose box is checked."""
        return [
            PresenceSeance(
                aide=aide,
                presence=self.cleaned_data[f"presence_{aide.pk}"] or Presence.PRESENT,
                observation=self.cleaned_data[f"observation_{aide.pk}"].strip(),
            )
            for aide in self.aides
            if self.cleaned_data.get(f"participe_{aide.pk}")
        ]
