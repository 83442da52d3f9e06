from django import forms

from aides.enums import DejaEssaye, DomaineSocle
from aides.forms.base import CleEnvoi, RevisionLue
from aides.models import DemandeAide
from eleves.forms import DateInput, FormulaireRased


class DemandeAideForm(CleEnvoi, FormulaireRased):
    revision_lue = RevisionLue()

    domaines = forms.MultipleChoiceField(
        label="Domaines du socle commun concernés",
        choices=DomaineSocle.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    deja_essaye = forms.MultipleChoiceField(
        label="Ce qui a déjà été mis en place en classe",
        choices=DejaEssaye.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = DemandeAide
        fields = [
            "domaines", "difficultes", "erreurs", "deja_essaye", "deja_essaye_precisions",
            "points_appui", "attentes", "famille_informee_le", "famille_informee_par", "motif_autre_demande",
        ]
        widgets = {
            "famille_informee_le": DateInput(),
            "difficultes": forms.Textarea(attrs={"rows": 4}),
            "erreurs": forms.Textarea(attrs={"rows": 3}),
            "deja_essaye_precisions": forms.Textarea(attrs={"rows": 2}),
            "points_appui": forms.Textarea(attrs={"rows": 3}),
            "attentes": forms.Textarea(attrs={"rows": 3}),
            "motif_autre_demande": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "famille_informee_le": "Obligatoire avant l'envoi de la demande au RASED.",
        }

    confirmation_autre_demande = forms.BooleanField(
        label="Je confirme qu'une nouvelle demande est nécessaire pour cet élève.", required=False)

    def __init__(self, *args, envoi: bool = False, autres_demandes=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["revision_lue"]
        else:
            self.fields["revision_lue"].initial = self.instance.revision
        # « Envoyer au RASED »: what sending needs is said on each field, before anything is saved
        # (``demande_envoyer`` checks it again).
        self.envoi = envoi
        # A pupil with another open request: the teacher says why a new one, and confirms it.
        self.autres_demandes = list(autres_demandes)
        if self.autres_demandes:
            self.fields["motif_autre_demande"].help_text = (
                "Cet élève a déjà une demande en cours (voir ci-dessus) : dites pourquoi une nouvelle est nécessaire.")
        else:
            del self.fields["motif_autre_demande"], self.fields["confirmation_autre_demande"]

    def clean(self):
        cleaned = super().clean()
        le, par = cleaned.get("famille_informee_le"), cleaned.get("famille_informee_par")
        if bool(le) != bool(par):
            self.add_error(
                "famille_informee_par" if le else "famille_informee_le",
                "Indiquez à la fois la date et la manière dont la famille a été informée.",
            )
        if self.envoi:
            manquants = {
                "domaines": "Cochez au moins un domaine du socle commun avant l'envoi.",
                "difficultes": "Décrivez les difficultés observées avant l'envoi.",
                "famille_informee_le": "La famille doit être informée avant l'envoi : indiquez la date.",
                "famille_informee_par": "La famille doit être informée avant l'envoi : indiquez comment.",
            }
            if self.autres_demandes:
                manquants |= {
                    "motif_autre_demande": "Indiquez pourquoi une nouvelle demande est nécessaire.",
                    "confirmation_autre_demande": "Confirmez qu'une nouvelle demande est nécessaire.",
                }
            for champ, message in manquants.items():
                if champ not in self.errors and not _rempli(cleaned.get(champ)):
                    self.add_error(champ, message)
        elif not self.errors and not any(_rempli(cleaned.get(c)) for c in self._meta.fields):
            # A draft is the teacher's work in progress: one without any field (a POST of unknown
            # fields, or everything emptied) would be an empty request in every list.
            raise forms.ValidationError(
                "Remplissez au moins un champ de la demande avant d'enregistrer le brouillon."
            )
        return cleaned


def _rempli(valeur) -> bool:
    return bool(valeur.strip() if isinstance(valeur, str) else valeur)
