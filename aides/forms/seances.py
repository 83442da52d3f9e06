"""Forms of sessions (séances).

They validate and shape input; the rules (which aids, which dates) are checked by the services.
The calendar is a warning here: a session on a weekend, a public holiday or during the school
holidays of the member's zone is almost always a typing error, but not always (a school that
teaches on Saturday mornings, a calendar adjusted by the rectorat, a catch-up session), so the
member may confirm it rather than be stopped.
"""

from django import forms
from django.utils import timezone

from aides.enums import DUREE_SEANCE_MAX, DUREE_SEANCE_MIN, Modalite, Presence
from aides.forms.base import CleEnvoi, RevisionLue
from aides.models import PresenceSeance, Seance
from eleves.forms import DateInput, FormulaireRased
from eleves.selectors import calendrier_scolaire
from rased.widgets import ListeDeroulante

DUREE_SEANCE_PAR_DEFAUT = 45


class SeanceForm(CleEnvoi, FormulaireRased):
    """Date, duration and what was worked on; the pupils come with ``PresencesForm``. The same
    form logs a session and corrects it (``instance``: then it carries the revision it was read at).

    ``intervenant`` (or, for a session being corrected, its own member) gives the calendar the
    date is checked against: their circonscription's zone.
    """

    revision_lue = RevisionLue()
    # Hidden until the date falls on a day without school; then a checkbox the member ticks.
    confirmer_date = forms.BooleanField(
        label="Confirmer quand même cette date", required=False, widget=forms.HiddenInput,
    )

    class Meta:
        model = Seance
        fields = ["date", "confirmer_date", "duree", "contenu", "prochaine_fois"]
        widgets = {
            "date": DateInput(),
            "contenu": forms.Textarea(attrs={"rows": 3}),
            "prochaine_fois": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"duree": f"Entre {DUREE_SEANCE_MIN} et {DUREE_SEANCE_MAX} minutes."}

    # The date is checked against the school calendar (a warning to confirm); not for a slot's day,
    # already known to be a school day (SeanceCreneauForm).
    verifier_calendrier = True

    def __init__(self, *args, intervenant=None, **kwargs):
        if kwargs.get("instance") is None:
            kwargs.setdefault("initial", {"date": timezone.localdate(), "duree": DUREE_SEANCE_PAR_DEFAUT})
        super().__init__(*args, **kwargs)
        self.intervenant = intervenant or (self.instance.intervenant if self.instance.intervenant_id else None)
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

    def clean(self):
        cleaned = super().clean()
        jour = cleaned.get("date")
        # A future date is refused outright by the service: no confirmation to offer for it.
        if not self.verifier_calendrier or jour is None or jour > timezone.localdate() or self.intervenant is None \
                or cleaned.get("confirmer_date"):
            return cleaned
        # A session being corrected keeps a date confirmed when it was recorded.
        if self.instance.pk and jour == self.instance.date:
            return cleaned
        raison = calendrier_scolaire(self.intervenant.circonscription_id).sans_classe(jour)
        if raison:
            self.fields["confirmer_date"].widget = forms.CheckboxInput()
            self.add_error(
                "date",
                f"Le {jour:%d/%m/%Y} tombe {raison} : d'habitude, aucune séance n'a lieu ce jour-là. "
                "Corrigez la date, ou cochez « Confirmer quand même cette date » si la séance a bien eu lieu.",
            )
        return cleaned


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


class SeanceCreneauForm(SeanceForm):
    """« Noter la séance » of a slot's day: the date is the slot's (shown, not typed), time,
    duration and modality start from the slot, the content from the last session's « pour la
    prochaine fois ». The page checked the day is one of the slot's: no calendar warning."""

    verifier_calendrier = False
    confirmer_date = None

    class Meta(SeanceForm.Meta):
        fields = ["date", "heure", "duree", "modalite", "contenu", "prochaine_fois"]
        help_texts = SeanceForm.Meta.help_texts | {
            "prochaine_fois": "La prochaine séance de ce créneau ou de ce groupe partira de ce texte.",
        }
        widgets = SeanceForm.Meta.widgets | {
            "heure": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "modalite": ListeDeroulante(),
        }

    def __init__(self, *args, creneau, jour, contenu="", **kwargs):
        initial = {"date": jour, "heure": creneau.heure, "duree": creneau.duree, "modalite": creneau.modalite,
                   "contenu": contenu}
        super().__init__(*args, intervenant=creneau.intervenant, initial=initial, **kwargs)
        # The day comes from the address (and the page's title): a posted date is ignored.
        self.fields["date"].disabled = True
        self.fields["date"].widget = forms.HiddenInput()
        self.fields["heure"].required = True
        self.fields["modalite"].required = True
        self.fields["modalite"].choices = Modalite.choices


def boutons_presence() -> forms.RadioSelect:
    """Présent / Absent / Excusé as three large buttons side by side: one tap marks a pupil absent,
    without any script (radio inputs styled as Bootstrap's ``btn-check``, labelled by the page)."""
    return forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"})


class PresencesCreneauForm(PresencesForm):
    """The pupils of a slot's session: those expected (``attendues``, the group's current members
    or the individual pupil) ticked and « Présent »; the other aids of the school (``autres``)
    offered unticked, to add a pupil who joined the group that day."""

    def __init__(self, *args, attendues, autres, **kwargs):
        super().__init__(*args, aides=[*attendues, *autres], **kwargs)
        self.attendues = [a.pk for a in attendues]
        for aide in self.aides:
            champ = self.fields[f"presence_{aide.pk}"]
            champ.widget = boutons_presence()
            champ.widget.choices = champ.choices
            if aide.pk in self.attendues:
                self.fields[f"participe_{aide.pk}"].initial = True

    def lignes_attendues(self):
        return [ligne for ligne in self.lignes() if ligne["aide"].pk in self.attendues]

    def lignes_autres(self):
        return [ligne for ligne in self.lignes() if ligne["aide"].pk not in self.attendues]

    def autres_cochees(self) -> bool:
        """A pupil added from « Ajouter un élève » in the form sent back: the list stays open."""
        return self.is_bound and any(
            self.data.get(f"participe_{aide.pk}") for aide in self.aides if aide.pk not in self.attendues
        )
