"""Concurrency on PostgreSQL: simultaneous moves of the same request, simultaneous saves.

Each test starts many threads at once (a barrier), each with its own database connection,
and checks that exactly one move happened and nothing was lost. SQLite serialises writes
differently and has no row locks: these tests run on PostgreSQL (CI) only.
"""

import threading
from collections import Counter
from datetime import date

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from aides.enums import EtatDemande, TypeAide
from aides.models import Aide, DemandeAide, HistoriqueDemande, Notification, Programme
from aides.services import ActionRefusee, demande_decider, demande_envoyer, programme_enregistrer
from tests.factories_aides import DemandeAideFactory
from tests.factories_parcours import aide_en_cours, programme_valide

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")


def en_meme_temps(nombre: int, action, preuve) -> list:
    """Run ``action(i)`` in ``nombre`` threads released together; return each outcome."""
    barriere = threading.Barrier(nombre)
    resultats = [None] * nombre

    def lancer(i):
        try:
            barriere.wait()
            resultats[i] = action(i)
        except Exception as exc:  # noqa: BLE001 — the outcome is what the test inspects
            resultats[i] = exc
        finally:
            connections.close_all()

    fils = [threading.Thread(target=lancer, args=(i,)) for i in range(nombre)]
    for f in fils:
        f.start()
    for f in fils:
        f.join()
    issues = Counter(
        "effectuée" if r is True else "sans effet" if r is False
        else "refusée" if isinstance(r, Exception) else f"réponse {r}" for r in resultats)
    preuve(f"[preuve 8] {nombre} tentatives simultanées : "
           + ", ".join(f"{n} {issue}" for issue, n in sorted(issues.items())))
    return resultats


@pytest.fixture
def brouillon(transactional_db, monde):
    return DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], difficultes="Lecture.",
                              famille_informee_le=date(2026, 11, 2))


def test_cinquante_envois_simultanes_une_seule_demande_envoyee(monde, brouillon, preuve):
    resultats = en_meme_temps(50, lambda i: demande_envoyer(demande=brouillon, auteur=monde["enseignant"]), preuve)
    assert resultats.count(True) == 1 and resultats.count(False) == 49
    brouillon.refresh_from_db()
    assert brouillon.etat == EtatDemande.ENVOYEE
    assert HistoriqueDemande.objects.filter(demande=brouillon).count() == 1
    assert Notification.objects.filter(demande=brouillon).count() == 3  # E, G, psy of the secteur, once


def test_double_clic_sur_envoyer_par_les_pages(monde, brouillon, preuve):
    def cliquer(_):
        client = Client()
        client.force_login(monde["enseignant"])
        return client.post(reverse("demande_envoyer", args=[brouillon.pk])).status_code

    assert en_meme_temps(2, cliquer, preuve) == [302, 302]
    etapes = HistoriqueDemande.objects.filter(demande=brouillon).count()
    preuve(f"[preuve 8] double clic sur « Envoyer » : étapes enregistrées {etapes}, demandes {DemandeAide.objects.count()}")
    assert etapes == 1
    assert DemandeAide.objects.count() == 1


def test_cinquante_decisions_simultanees_une_seule_retenue(monde, brouillon, preuve):
    demande_envoyer(demande=brouillon, auteur=monde["enseignant"])
    membres = [monde["maitre_e"], monde["maitre_g"], monde["psychologue"]]

    def decider(i):
        membre = membres[i % 3]
        type_aide = {0: TypeAide.E, 1: TypeAide.G, 2: TypeAide.PSY}[i % 3]
        return demande_decider(demande=brouillon, auteur=membre, decision="aide", motif=f"motif {i}",
                               intervenants={type_aide: membre})

    resultats = en_meme_temps(50, decider, preuve)
    assert resultats.count(True) == 1
    assert all(r is True or isinstance(r, ActionRefusee) or r is False for r in resultats)
    assert Aide.objects.filter(demande=brouillon).count() == 1
    assert HistoriqueDemande.objects.filter(demande=brouillon, vers=EtatDemande.AIDE_DECIDEE).count() == 1


def test_deux_personnes_enregistrent_le_meme_programme(monde, brouillon, preuve):
    demande_envoyer(demande=brouillon, auteur=monde["enseignant"])
    aide = aide_en_cours(brouillon, TypeAide.E, monde["maitre_e"], motif="x", accord_le=date(2026, 11, 5),
                         debut=date(2026, 11, 9))
    programme = programme_valide(aide, modalite="individuel", objectifs=(), valider=False)

    def enregistrer(i):
        copie = Programme.objects.get(pk=programme.pk)
        copie.avis_eleve = f"avis de la personne {i}"
        programme_enregistrer(programme=copie, revision_lue=0)
        return True

    resultats = en_meme_temps(2, enregistrer, preuve)
    assert resultats.count(True) == 1
    refus = [r for r in resultats if isinstance(r, ActionRefusee)]
    assert len(refus) == 1 and "modifié par quelqu'un d'autre" in str(refus[0])
    programme.refresh_from_db()
    assert programme.revision == 1
    gagnant = resultats.index(True)
    assert programme.avis_eleve == f"avis de la personne {gagnant}"
