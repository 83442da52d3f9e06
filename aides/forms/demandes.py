from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone

from aides.enums import (
    ETATS_A_TRAITER,
    ETATS_REPONDUS,
    REPONSE_APPORTEE,
    DejaEssaye,
    DomaineSocle,
    EtatDemande,
    TypeAide,
)
from aides.forms.base import CleEnvoi, RevisionLue
from aides.models import Aide, DemandeAide
from aides.rules import lit_les_reponses_en_detail
from eleves.enums import ROLES_RASED
from eleves.forms import DateInput, FormulaireRased
from eleves.models import AnneeScolaire, Classe, Ecole, Utilisateur
from eleves.selectors import classes_de_l_annee
from rased.widgets import ListeDeroulante


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


# The answered states as one, for those who read them so (``lit_les_reponses_en_detail``).
REPONDUE = "repondue"


class DemandeFiltre(django_filters.FilterSet):
    """The request list's filters, each within what ``user`` sees (the list's queryset). Sent by
    POST and kept in the session (``aides.views.demandes``): no name, no criterion in the URL."""

    etat = django_filters.ChoiceFilter(
        label="État", choices=[*EtatDemande.choices, (REPONDUE, REPONSE_APPORTEE)], method="filtrer_etat",
        empty_label="Tous", widget=ListeDeroulante,
        error_messages={"invalid_choice": "Choisissez un état de la liste."},
    )
    ecole = django_filters.ModelChoiceFilter(
        label="École", field_name="classe__ecole", queryset=Ecole.objects.none(), empty_label="Toutes",
        widget=ListeDeroulante, error_messages={"invalid_choice": "Choisissez une école de la liste."},
    )
    classe = django_filters.ModelChoiceFilter(
        label="Classe", queryset=Classe.objects.none(), empty_label="Toutes", widget=ListeDeroulante,
        error_messages={"invalid_choice": "Choisissez une classe de la liste."},
    )
    type_aide = django_filters.ChoiceFilter(
        label="Aide", choices=TypeAide.choices, method="filtrer_type_aide", empty_label="Toutes",
        widget=ListeDeroulante, error_messages={"invalid_choice": "Choisissez une aide de la liste."},
    )
    referent = django_filters.ModelChoiceFilter(
        label="Référent", queryset=Utilisateur.objects.none(), empty_label="Tous", widget=ListeDeroulante,
        error_messages={"invalid_choice": "Choisissez un membre du RASED de la liste."},
    )
    annee = django_filters.ChoiceFilter(
        label="Année scolaire", field_name="classe__annee__debut", choices=(), empty_label="Toutes",
        widget=ListeDeroulante, error_messages={"invalid_choice": "Choisissez une année de la liste."},
    )
    attente = django_filters.NumberFilter(
        label="En attente depuis plus de (jours)", method="filtrer_attente", min_value=1, max_value=365,
    )

    class Meta:
        model = DemandeAide
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["ecole"].queryset = Ecole.objects.visibles_par(user).par_ordre_alphabetique()
        self.filters["classe"].queryset = classes_de_l_annee(user)
        self.filters["referent"].queryset = Utilisateur.objects.filter(
            role__in=ROLES_RASED, circonscription_id=user.circonscription_id, is_active=True,
        ).par_ordre_alphabetique()
        # The form is built at its first use: every queryset above is set before.
        self.form.fields["classe"].label_from_instance = lambda c: f"{c.nom} — {c.ecole.nom}"
        self.form.fields["annee"].choices = [("", "Toutes")] + [
            (str(a.debut), str(a)) for a in AnneeScolaire.objects.order_by("-debut")]
        if not lit_les_reponses_en_detail(user):
            # The RASED's answers read as one (as each row does): no psychological follow-up is
            # singled out by a state (aides.rules.etat_lisible).
            self.form.fields["etat"].choices = [("", "Tous")] + [
                (e, libelle) for e, libelle in EtatDemande.choices if e not in ETATS_REPONDUS
            ] + [(REPONDUE, REPONSE_APPORTEE)]
        else:
            self.form.fields["etat"].choices = [("", "Tous"), *EtatDemande.choices]
        for nom, champ in self.form.fields.items():
            champ.widget.attrs["class"] = "form-select" if nom != "attente" else "form-control"

    def erreurs(self) -> str:
        return " ".join(f"{self.form.fields[nom].label} : {' '.join(e)}" for nom, e in self.form.errors.items())

    def filtrer_etat(self, queryset, name, value):
        return queryset.filter(etat__in=ETATS_REPONDUS) if value == REPONDUE else queryset.filter(etat=value)

    def filtrer_type_aide(self, queryset, name, value):
        # Only the aids the user may know of: a teacher cannot learn of a psychological follow-up
        # by filtering on it. The list's requests are already the user's: the aid's own rule only.
        connues = Aide.objects.connues_de(self.user).filter(demande=OuterRef("pk"), type=value)
        return queryset.filter(Exists(connues))

    def filtrer_attente(self, queryset, name, value):
        limite = timezone.now() - timedelta(days=int(value))
        return queryset.filter(etat__in=ETATS_A_TRAITER, envoyee_le__lte=limite)
