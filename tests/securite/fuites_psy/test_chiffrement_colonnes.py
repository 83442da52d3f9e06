"""Every text a psychologist can write is encrypted at rest: the meeting's place, its outside
participants' names and roles, a team action's audience and theme, a right-of-access note —
and none of it reaches the change history in clear."""

from datetime import date, datetime

from auditlog.models import LogEntry
from django.db import connection
from django.utils import timezone

from aides.models import ActionEquipe, Reunion
from aides.services import action_equipe_enregistrer, reunion_enregistrer
from tests.securite.fuites_psy.conftest import demande_envoyee

MARQUEURS = {
    "lieu": "LIEU-CANARI-2281", "nom": "NOM-CANARI-5730", "qualite": "QUALITE-CANARI-9046",
    "public": "PUBLIC-CANARI-1163", "theme": "THEME-CANARI-8824",
}


def _colonnes_brutes(table, colonnes) -> list[str]:
    with connection.cursor() as curseur:
        curseur.execute(f"SELECT {', '.join(colonnes)} FROM {table}")  # noqa: S608 (names are ours)
        return [str(v) for ligne in curseur.fetchall() for v in ligne]


def test_ecrits_du_psychologue_chiffres_et_absents_de_l_historique(monde):
    psy = monde["psychologue"]
    demande = demande_envoyee(monde)
    reunion_enregistrer(
        demande=demande, auteur=psy, participants=[psy], externes=[(MARQUEURS["nom"], MARQUEURS["qualite"])],
        reunion=Reunion(type="famille", date=timezone.make_aware(datetime(2026, 11, 20, 17)), lieu=MARQUEURS["lieu"]),
    )
    action_equipe_enregistrer(auteur=psy, ecole=monde.ecole_a, action=ActionEquipe(
        date=date(2026, 11, 20), public=MARQUEURS["public"], theme=MARQUEURS["theme"], duree=60))

    brut = " ".join(
        _colonnes_brutes("aides_reunion", ["lieu"])
        + _colonnes_brutes("aides_participantexterne", ["nom", "qualite"])
        + _colonnes_brutes("aides_actionequipe", ["public", "theme"])
    )
    historique = " ".join(f"{e.changes} {e.object_repr}" for e in LogEntry.objects.all())
    for champ, marqueur in MARQUEURS.items():
        assert marqueur not in brut, champ
        assert marqueur not in historique, champ
    # The psychologist still reads them.
    reunion = Reunion.objects.get()
    assert (reunion.lieu, reunion.participants_externes.get().nom) == (MARQUEURS["lieu"], MARQUEURS["nom"])
    assert ActionEquipe.objects.get().theme == MARQUEURS["theme"]
