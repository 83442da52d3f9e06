"""Forms of the programme personnalisé: its draft, its rows, a new version.

They validate and normalise what is typed; the workflow (versions, validation) is in
``aides/services.py``.
"""

from django import forms
from django.forms import inlineformset_factory

from aides.enums import SEMAINES_PAR_PERIODE, TypeAide
from aides.forms.base import FormulaireSimple, RevisionLue
from aides.models import ActionProgramme, Objectif, Programme
from eleves.forms import DateInput, FormulaireRased


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


class NouvelleVersionForm(FormulaireSimple):
    debut = forms.DateField(label="Début de la nouvelle période", widget=DateInput())
