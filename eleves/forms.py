import math
import time

import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django_otp import verify_token
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from eleves.enums import Niveau
from eleves.models import (
    Circonscription,
    Classe,
    DemandeAcces,
    Ecole,
    Eleve,
    LiberationVolet,
    Plan,
    ResponsableLegal,
    Utilisateur,
    annee_courante_debut,
)
from eleves.selectors import classes_de_l_annee, responsables_de
from rased.formats import nombre_fr
from rased.revisions import RevisionLue
from rased.widgets import ListeDeroulante


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FormulaireRased(forms.ModelForm):
    """ModelForm rendered by crispy with the project's single form layout."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # The page's <form> already carries the token.
        self.helper.disable_csrf = True


class FormulaireRevise(FormulaireRased):
    """A form that edits an existing record carries the revision it was read at (rased/revisions.py);
    a new record has none."""

    revision_lue = RevisionLue()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            del self.fields["revision_lue"]
        else:
            self.fields["revision_lue"].initial = self.instance.revision


class EleveForm(FormulaireRevise):
    """A pupil's identity and the class of the current school year."""

    classe = forms.ModelChoiceField(label="Classe (année en cours)", queryset=Classe.objects.none())
    niveau = forms.ChoiceField(label="Niveau", choices=Niveau.choices)

    class Meta:
        model = Eleve
        fields = ["nom", "prenom", "date_naissance", "sexe", "ine"]
        widgets = {"date_naissance": DateInput()}

    def __init__(self, *args, classes, avec_ine: bool, **kwargs):
        """``classes``: those the user may enrol pupils in, with their school
        (``eleves.selectors.classes_gerees_par``). ``avec_ine``: the user may read the pupil's
        INE (``eleves.view_ine``); without it the field is absent, so neither shown nor changed
        by a posted value."""
        super().__init__(*args, **kwargs)
        if not avec_ine:
            del self.fields["ine"]
        self.fields["classe"].queryset = classes
        self.fields["classe"].label_from_instance = lambda c: f"{c.nom} ({c.niveaux_libelle}) — {c.ecole.nom}"

    def clean_nom(self):
        return " ".join(self.cleaned_data["nom"].split())

    def clean_prenom(self):
        return " ".join(self.cleaned_data["prenom"].split())

    def clean_ine(self):
        ine = self.cleaned_data["ine"].strip().upper()
        # The INE is unique nationally (constraint ``eleve_ine_unique``); said here in French on the
        # field, instead of the constraint's technical message.
        if ine and Eleve.objects.exclude(pk=self.instance.pk).filter(ine=ine).exists():
            raise forms.ValidationError("Un élève est déjà enregistré avec cet INE : vérifiez-le.")
        return ine

    def clean(self):
        cleaned = super().clean()
        classe, niveau = cleaned.get("classe"), cleaned.get("niveau")
        if classe and niveau and niveau not in classe.niveaux:
            self.add_error("niveau", f"La classe {classe.nom} accueille les niveaux {classe.niveaux_libelle}.")
        return cleaned


class ResponsableForm(FormulaireRevise):
    class Meta:
        model = ResponsableLegal
        fields = ["lien", "civilite", "nom", "prenom", "adresse", "code_postal", "commune", "telephone", "email"]


class PlanForm(FormulaireRased):
    class Meta:
        model = Plan
        fields = ["type", "date_debut", "date_fin"]
        widgets = {"date_debut": DateInput(), "date_fin": DateInput()}


# The name search turns each word into a condition, and the list replays the saved search at
# every visit: a bound keeps its cost flat (8,000 words took 56 s a page; on SQLite, 1,000 words
# went past the depth allowed for an expression, a 500 for the rest of the session).
RECHERCHE_NOM_MAX_CARACTERES = 100
RECHERCHE_NOM_MAX_MOTS = 5
CRITERES_RECHERCHE = ("nom", "ecole", "classe", "niveau")


def valider_mots_recherche(valeur: str) -> None:
    if (nombre := len(valeur.split())) > RECHERCHE_NOM_MAX_MOTS:
        raise forms.ValidationError(
            f"Saisissez {RECHERCHE_NOM_MAX_MOTS} mots au plus (vous en avez saisi {nombre})."
        )


class EleveFilter(django_filters.FilterSet):
    """Search in the pupils one may see. Its data comes from the session, never the URL.

    The view validates the criteria with this form before saving them, and again when it reads
    them back from the session: an invalid search is never replayed.
    """

    nom = django_filters.CharFilter(
        label="Nom ou prénom", method="filtrer_nom", max_length=RECHERCHE_NOM_MAX_CARACTERES,
        validators=[valider_mots_recherche],
        error_messages={
            "max_length": "Saisissez %(limit_value)d caractères au plus "
            "(vous en avez saisi %(show_value)d)."
        },
    )
    ecole = django_filters.ModelChoiceFilter(
        label="École", queryset=Ecole.objects.none(), method="filtrer_ecole", empty_label="Toutes",
        widget=ListeDeroulante,
        error_messages={"invalid_choice": "Choisissez une école de la liste."},
    )
    classe = django_filters.ModelChoiceFilter(
        label="Classe", queryset=Classe.objects.none(), method="filtrer_classe", empty_label="Toutes",
        widget=ListeDeroulante,
        error_messages={"invalid_choice": "Choisissez une classe de la liste."},
    )
    niveau = django_filters.ChoiceFilter(
        label="Niveau", choices=Niveau.choices, method="filtrer_niveau", empty_label="Tous",
        widget=ListeDeroulante,
        error_messages={"invalid_choice": "Choisissez un niveau de la liste."},
    )

    class Meta:
        model = Eleve
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["ecole"].queryset = Ecole.objects.visibles_par(user)
        self.filters["classe"].queryset = classes_de_l_annee(user)
        # A class is named with its school: two schools both have a « CE1 ».
        self.form.fields["classe"].label_from_instance = lambda c: f"{c.nom} — {c.ecole.nom}"
        for nom in ("ecole", "classe", "niveau"):
            self.form.fields[nom].widget.attrs["class"] = "form-select"

    def erreurs(self) -> str:
        """The form's errors as one French sentence for a message: « Nom ou prénom : … »."""
        return " ".join(
            f"{self.form.fields[nom].label} : {' '.join(erreurs)}"
            for nom, erreurs in self.form.errors.items()
        )

    def filtrer_nom(self, queryset, name, value):
        # The form refuses more words; the bound holds here too, whatever the data's way in.
        for mot in value.split()[:RECHERCHE_NOM_MAX_MOTS]:
            queryset = queryset.filter(Q(nom__icontains=mot) | Q(prenom__icontains=mot))
        return queryset

    def filtrer_ecole(self, queryset, name, value):
        return queryset.filter(
            inscriptions__annee__debut=annee_courante_debut(), inscriptions__classe__ecole=value
        )

    def filtrer_classe(self, queryset, name, value):
        return queryset.filter(inscriptions__classe=value)

    def filtrer_niveau(self, queryset, name, value):
        return queryset.filter(
            inscriptions__annee__debut=annee_courante_debut(), inscriptions__niveau=value
        )


class ImportCsvForm(forms.Form):
    """The class list to import; its size is checked before anything is read."""

    fichier = forms.FileField(
        label="Fichier CSV",
        help_text="L'extraction des élèves ou des responsables de ONDE telle quelle, ou le modèle (colonnes "
        "Nom;Prénom;Date de naissance;Sexe;Niveau;Classe) : séparateur point-virgule (;), "
        "encodage UTF-8 ou Latin-1.",
        error_messages={
            "required": "Choisissez le fichier CSV à importer.",
            "empty": "Le fichier est vide.",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form tag carries the token

    def clean_fichier(self):
        fichier = self.cleaned_data["fichier"]
        limite = settings.IMPORT_CSV_MAX_BYTES
        if fichier.size > limite:
            raise forms.ValidationError(
                f"Le fichier fait {taille_en_mo(fichier.size)} Mo : "
                f"la taille maximale est de {taille_en_mo(limite)} Mo. "
                "Vérifiez qu'il s'agit bien de la liste de classes au format CSV, ou découpez-la."
            )
        return fichier


def taille_en_mo(octets: int) -> str:
    """A size in megabytes, French style: ``2``, ``5,3``."""
    return nombre_fr(octets / (1024 * 1024), 1)


# Two-factor authentication (eleves/views_2fa.py).

def _sans_espaces(code: str) -> str:
    """Applications show « 123 456 »; backup codes may be copied with spaces or dashes."""
    return "".join(code.split()).replace("-", "").lower()


def _message_attente(appareil) -> str | None:
    """The French refusal while django-otp's throttling makes ``appareil`` wait, else None."""
    autorise, details = appareil.verify_is_allowed()
    if autorise:
        return None
    secondes = max(1, math.ceil((details["locked_until"] - timezone.now()).total_seconds()))
    attente = f"{secondes} seconde{'s' if secondes > 1 else ''}"
    if secondes > 90:
        minutes = math.ceil(secondes / 60)
        attente = f"{minutes} minutes"
    return (
        f"Trop de codes erronés : par sécurité, attendez {attente} avant de saisir un nouveau code."
    )


class _FormulaireCode(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's form tag carries the token


class ConfigurationOTPForm(_FormulaireCode):
    """The first code of the authenticator application, proving it holds the new secret.

    ``cle`` is the hex secret kept in the session until then; on success ``t`` and ``drift``
    are those of the accepted code (the device will refuse that same code again).
    """

    code = forms.CharField(
        label="Code à 6 chiffres affiché par l'application",
        max_length=12,
        error_messages={"required": "Saisissez le code affiché par l'application."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def __init__(self, *args, cle: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.cle = cle

    def clean_code(self):
        code = _sans_espaces(self.cleaned_data["code"])
        if not (len(code) == 6 and code.isdigit()):
            raise forms.ValidationError("Le code compte 6 chiffres.")
        totp = TOTP(bytes.fromhex(self.cle))
        totp.time = time.time()
        # One step either side, as the device will allow: a phone's clock is seldom exact.
        if not totp.verify(int(code), tolerance=1):
            raise forms.ValidationError(
                "Ce code ne correspond pas. Vérifiez la clé saisie dans l'application et l'heure "
                "du téléphone, puis saisissez le code affiché à l'instant."
            )
        self.t, self.drift = totp.t(), totp.drift
        return code


class VerificationOTPForm(_FormulaireCode):
    """A code of the authenticator application (6 digits) or one backup code (8 characters).

    The code goes to one device only, picked by its shape, so that a mistyped application
    code does not also count against the backup codes. On success ``appareil`` is the device
    that accepted it; django-otp throttles each device after failures.
    """

    code = forms.CharField(
        label="Code de vérification",
        max_length=24,
        help_text="Les 6 chiffres affichés par votre application, ou l'un de vos codes de secours.",
        error_messages={"required": "Saisissez le code affiché par votre application."},
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.appareil = None

    def clean_code(self):
        code = _sans_espaces(self.cleaned_data["code"])
        modele = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        appareil = modele.objects.devices_for_user(self.user, confirmed=True).first()
        if appareil is None:
            raise forms.ValidationError(
                "Ce code est incorrect."
                if modele is TOTPDevice
                else "Vous n'avez aucun code de secours : saisissez le code de votre application."
            )
        if attente := _message_attente(appareil):
            raise forms.ValidationError(attente)
        # verify_token locks the device row: two tabs cannot both spend one backup code.
        self.appareil = verify_token(self.user, appareil.persistent_id, code)
        if self.appareil is None:
            raise forms.ValidationError(
                "Ce code est incorrect ou a déjà servi. Saisissez le code affiché à l'instant par "
                "votre application, ou un code de secours encore inutilisé."
            )
        return code


class DemandeAccesForm(FormulaireRased):
    """A family's request for the whole file (right of access), from one of the pupil's recorded
    guardians: the document is theirs, so its requester is not free text."""

    class Meta:
        model = DemandeAcces
        fields = ["responsable", "recue_le"]
        widgets = {"recue_le": DateInput()}
        labels = {"responsable": "Demande faite par"}
        help_texts = {"responsable": "Un responsable légal enregistré sur la fiche de l'élève."}
        error_messages = {"responsable": {
            "required": "Choisissez le responsable légal qui a fait la demande.",
            "invalid_choice": "Choisissez un responsable légal de cet élève.",
        }}

    def __init__(self, *args, eleve, **kwargs):
        super().__init__(*args, **kwargs)
        champ = self.fields["responsable"]
        champ.required = True
        champ.queryset = responsables_de(eleve)
        champ.label_from_instance = lambda r: f"{r} ({r.get_lien_display().lower()})"

    def clean_recue_le(self):
        recue_le = self.cleaned_data["recue_le"]
        if recue_le > timezone.localdate():
            raise forms.ValidationError("La date de réception ne peut pas être dans le futur.")
        return recue_le


class LiberationVoletForm(FormulaireRased):
    """The release of a held-back part of the right-of-access file, with an optional note."""

    class Meta:
        model = LiberationVolet
        fields = ["note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        help_texts = {"note": "Facultative ; elle est imprimée avec ce volet."}


class CompteForm(FormulaireRased):
    """What a person chooses for themselves on « Mon compte »."""

    class Meta:
        model = Utilisateur
        fields = ["rappels_par_courriel"]


class ReglagesCirconscriptionForm(FormulaireRased):
    """The IEN's settings for the whole circonscription."""

    class Meta:
        model = Circonscription
        fields = ["relance_attente_jours"]
