"""Forms of the analysis stage: référent, observations, consents, decision, meetings, aid start.

They validate and normalise what is typed; the moves themselves are ``aides/services.py``'s.
Every choice of a person is limited to the people concerned by the request.
"""

import re

from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.utils import timezone

from aides.enums import ACTES_PSY, ROLE_PAR_TYPE_AIDE, Decision, Obstacle, TypeAide
from aides.forms.base import CleEnvoi, FormulaireSimple, RevisionLue
from aides.models import Consentement, Observation, ParticipantExterne, Reunion
from aides.selectors.analyse import membres_rased_par_nom, personnes_concernees
from eleves.forms import DateInput, FormulaireRased
from eleves.models import Utilisateur


def _libelle_personne(personne: Utilisateur) -> str:
    return f"{personne} — {personne.get_role_display()}"


def _pas_dans_le_futur(jour):
    """What was observed or answered has happened: its date is not in the future."""
    if jour > timezone.localdate():
        raise forms.ValidationError("La date ne peut pas être dans le futur.")
    return jour


class PriseEnChargeForm(FormulaireSimple):
    referent = forms.ModelChoiceField(
        label="Référent de la demande",
        queryset=Utilisateur.objects.none(),
        empty_label=None,
        help_text="Le membre du RASED du secteur qui suit la demande et coordonne son analyse.",
    )

    def __init__(self, *args, demande, user, **kwargs):
        super().__init__(*args, **kwargs)
        membres = membres_rased_par_nom(demande)
        self.fields["referent"].queryset = membres
        self.fields["referent"].label_from_instance = _libelle_personne
        self.fields["referent"].initial = demande.referent_id or user.pk


def _revision_si_correction(form) -> None:
    """A record's correction carries the revision it was read at; a new one has none."""
    if form.instance.pk is None:
        del form.fields["revision_lue"]
    else:
        form.fields["revision_lue"].initial = form.instance.revision


class ObservationForm(CleEnvoi, FormulaireRased):
    revision_lue = RevisionLue()
    obstacles = forms.MultipleChoiceField(
        label="Obstacles identifiés",
        choices=Obstacle.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Observation
        fields = ["type", "date", "contenu", "obstacles"]
        widgets = {"date": DateInput(), "contenu": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        _revision_si_correction(self)

    def clean_date(self):
        return _pas_dans_le_futur(self.cleaned_data["date"])


class ConsentementForm(FormulaireRased):
    accorde = forms.TypedChoiceField(
        label="Réponse de la famille",
        choices=[("True", "Accord"), ("False", "Refus")],
        coerce=lambda valeur: valeur == "True",
        widget=forms.RadioSelect,
        help_text="Un refus est enregistré lui aussi : il arrête les aides qui en dépendaient.",
    )

    class Meta:
        model = Consentement
        fields = ["acte", "accorde", "date", "titulaires", "forme", "commentaire"]
        widgets = {"date": DateInput()}

    def __init__(self, *args, actes_psy: bool, **kwargs):
        """``actes_psy``: may this person record the answers about the psychologist's work
        (``aides.add_consentement_psy``)? Otherwise those acts are not offered."""
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        if not actes_psy:
            self.fields["acte"].choices = [(v, l) for v, l in self.fields["acte"].choices if v not in ACTES_PSY]

    def clean_date(self):
        return _pas_dans_le_futur(self.cleaned_data["date"])


class DecisionForm(FormulaireSimple):
    """The RASED's answer, its reason, and for an aid each kind decided with the member carrying it."""

    decision = forms.ChoiceField(label="Décision", choices=Decision.choices, widget=forms.RadioSelect)
    motif = forms.CharField(
        label="Motif de la décision",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="L'enseignant qui a déposé la demande lit la décision et son motif.",
        error_messages={"required": "Indiquez le motif de la décision."},
    )
    date = forms.DateField(
        label="Date de la décision",
        widget=DateInput(),
        required=False,
        help_text="Le jour où le RASED a décidé (sa réunion de synthèse) ; vide : aujourd'hui.",
    )

    def __init__(self, *args, demande, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.demande = demande
        self.fields["date"].initial = timezone.localdate()
        for type_aide in TypeAide:
            role = ROLE_PAR_TYPE_AIDE[type_aide]
            self.fields[f"aide_{type_aide.value}"] = forms.BooleanField(label=type_aide.label, required=False)
            choix = forms.ModelChoiceField(
                label=f"Mené{'e' if type_aide != TypeAide.PSY else ''} par",
                queryset=membres_rased_par_nom(demande, role=role),
                required=False,
                empty_label="— choisir —",
            )
            if user.role == role:
                choix.initial = user.pk
            self.fields[f"intervenant_{type_aide.value}"] = choix
        self.helper.layout = Layout(
            "decision",
            "motif",
            "date",
            Fieldset(
                "Pour une aide du RASED : chaque type d'aide décidé et qui la mènera",
                *(f"{champ}_{t.value}" for t in TypeAide for champ in ("aide", "intervenant")),
            ),
        )

    def clean_date(self):
        if self.cleaned_data["date"] is None:
            return None
        jour = _pas_dans_le_futur(self.cleaned_data["date"])
        envoi = self.demande.envoyee_le and timezone.localdate(self.demande.envoyee_le)
        if envoi and jour < envoi:
            raise forms.ValidationError(
                f"La décision ne peut pas précéder l'envoi de la demande au RASED (le {envoi:%d/%m/%Y}) : "
                "vérifiez la date."
            )
        return jour

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") != Decision.AIDE:
            return cleaned
        coches = [t for t in TypeAide if cleaned.get(f"aide_{t.value}")]
        if not coches:
            self.add_error("decision", "Pour une aide du RASED, cochez au moins un type d'aide.")
        for type_aide in coches:
            if not cleaned.get(f"intervenant_{type_aide.value}"):
                self.add_error(
                    f"intervenant_{type_aide.value}", "Choisissez le membre du RASED qui mènera cette aide."
                )
        return cleaned

    def intervenants(self) -> dict:
        """Each kind of aid decided mapped to its member; empty unless the decision is an aid."""
        if self.cleaned_data["decision"] != Decision.AIDE:
            return {}
        return {
            type_aide: self.cleaned_data[f"intervenant_{type_aide.value}"]
            for type_aide in TypeAide
            if self.cleaned_data.get(f"aide_{type_aide.value}")
        }


class RevisionDecisionForm(DecisionForm):
    """The decision revised: why (required), then the new decision as on the decision's form,
    filled with the decision in force; it carries the request's revision it was read at."""

    raison = forms.CharField(
        label="Pourquoi la décision est-elle révisée ?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Gardé dans l'historique de la demande, avec la décision qu'elle remplace.",
        error_messages={"required": "Indiquez pourquoi la décision est révisée."},
    )
    revision_lue = RevisionLue()

    def __init__(self, *args, demande, user, aides_decidees, **kwargs):
        """``aides_decidees``: the aids the decision in force carries (not those a revision ended)."""
        super().__init__(*args, demande=demande, user=user, **kwargs)
        self.fields["revision_lue"].initial = demande.revision
        self.fields["decision"].initial = demande.decision
        self.fields["motif"].initial = demande.decision_motif
        for aide in aides_decidees:
            self.fields[f"aide_{aide.type}"].initial = True
            self.fields[f"intervenant_{aide.type}"].initial = aide.intervenant_id
        self.helper.layout = Layout("raison", "revision_lue", *self.helper.layout.fields)


# « Nom — qualité »: an em or en dash, a hyphen between spaces, or a colon.
SEPARATEUR_PARTICIPANT = re.compile(r"\s*[—–:]\s*|\s+-\s+")


def lire_participants_externes(texte: str) -> list[tuple[str, str]]:
    """Parse « one line per person: Nom — qualité »; raise a French error naming the bad line."""
    personnes, erreurs = [], []
    limite_nom = ParticipantExterne._meta.get_field("nom").max_length
    limite_qualite = ParticipantExterne._meta.get_field("qualite").max_length
    for numero, ligne in enumerate(texte.splitlines(), start=1):
        if not ligne.strip():
            continue
        morceaux = SEPARATEUR_PARTICIPANT.split(ligne.strip(), maxsplit=1)
        nom, qualite = (" ".join(m.split()) for m in morceaux) if len(morceaux) == 2 else (morceaux[0], "")
        if not nom or not qualite:
            erreurs.append(
                f"ligne {numero} : écrivez le nom puis la qualité, séparés par un tiret (Nom — qualité)."
            )
        elif len(nom) > limite_nom or len(qualite) > limite_qualite:
            erreurs.append(
                f"ligne {numero} : le nom tient en {limite_nom} caractères et la qualité en {limite_qualite}."
            )
        else:
            personnes.append((nom, qualite))
    if erreurs:
        raise forms.ValidationError(erreurs)
    return personnes


class ReunionForm(CleEnvoi, FormulaireRased):
    revision_lue = RevisionLue()
    externes = forms.CharField(
        label="Autres participants",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Une personne par ligne : Nom — qualité (parent, médecin scolaire, AESH…).",
    )

    class Meta:
        model = Reunion
        fields = [
            "type", "date", "lieu", "participants", "externes", "ordre_du_jour", "compte_rendu", "decisions",
        ]
        widgets = {
            "date": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "participants": forms.CheckboxSelectMultiple,
            "ordre_du_jour": forms.Textarea(attrs={"rows": 3}),
            "compte_rendu": forms.Textarea(attrs={"rows": 6}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"participants": "Participants ayant un compte"}

    def __init__(self, *args, demande, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = personnes_concernees(demande)
        self.fields["participants"].label_from_instance = _libelle_personne
        self.fields["participants"].required = False
        _revision_si_correction(self)
        if self.instance.pk is not None:
            self.fields["externes"].initial = "\n".join(
                f"{p.nom} — {p.qualite}" for p in self.instance.participants_externes.all()
            )

    def clean_externes(self):
        return lire_participants_externes(self.cleaned_data["externes"])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("participants") and not cleaned.get("externes") and not self.has_error("externes"):
            self.add_error("participants", "Indiquez au moins un participant.")
        return cleaned


class DemarrageAideForm(FormulaireSimple):
    debut = forms.DateField(label="Date de début de l'aide", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["debut"].initial = timezone.localdate()


class ArretDepartForm(FormulaireSimple):
    """The day the pupil left the school: the aid stops that day."""

    le = forms.DateField(label="Date du départ de l'élève", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["le"].initial = timezone.localdate()


class AideAjoutForm(FormulaireSimple):
    """A further kind of aid for a request already answered by an aid (change of kind of aid)."""

    type_aide = forms.ChoiceField(label="Type d'aide", choices=TypeAide.choices)
    intervenant = forms.ModelChoiceField(label="Menée par", queryset=None, empty_label="— choisir —")

    def __init__(self, *args, demande, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intervenant"].queryset = membres_rased_par_nom(demande)

    def clean(self):
        cleaned = super().clean()
        type_aide, membre = cleaned.get("type_aide"), cleaned.get("intervenant")
        if type_aide and membre and membre.role != ROLE_PAR_TYPE_AIDE[type_aide]:
            self.add_error("intervenant", f"{membre} ne peut pas mener une {TypeAide(type_aide).label.lower()}.")
        return cleaned
