"""A form sent twice with its one-time key creates one record (issue 13, « no typed work lost »):
each creating form of the journey, the second answer saying so and leading to the record; a key
refused with the record's page to anyone else; a refusal leaves the key free for the corrected form.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aides import envois
from aides.enums import TypeAide
from aides.models import (
    ActionEquipe,
    ConclusionPsy,
    Creneau,
    DemandeAide,
    EnvoiFormulaire,
    Evaluation,
    Groupe,
    Observation,
    Programme,
    Reunion,
    Seance,
)
from tests.aides.test_concurrence import en_meme_temps
from tests.aides.test_programmes import champs_du_formulaire, programme_de, trois_aides_en_cours
from tests.aides.test_seances import HIER
from tests.eleves.outils_pages import texte
from tests.factories_aides import CreneauFactory, GroupeFactory, MembreGroupeFactory
from tests.factories_parcours import prise_en_charge, seance_notee


@pytest.fixture
def aides(monde, demande_envoyee):
    return trois_aides_en_cours(monde, demande_envoyee)


def _demande(monde, demande_envoyee, aides):
    url = reverse("demande_creer", args=[monde.eleve_a1.pk])
    return "enseignant", url, {"difficultes": "Ne retient pas les sons complexes."}, \
        DemandeAide.objects.filter(eleve=monde.eleve_a1)


def _observation(monde, demande_envoyee, aides):
    url = reverse("observation_ajouter", args=[demande_envoyee.pk])
    return "maitre_e", url, {"type": "analyse_erreurs", "contenu": "Confusions b/d en dictée."}, \
        Observation.objects.all()


def _reunion(monde, demande_envoyee, aides):
    url = reverse("reunion_ajouter", args=[demande_envoyee.pk])
    return "maitre_e", url, {
        "type": "synthese", "date": "2026-11-20T17:00", "lieu": "Salle du RASED",
        "participants": str(monde["maitre_g"].pk), "compte_rendu": "Échanges sur le décodage.",
    }, Reunion.objects.all()


def _programme(monde, demande_envoyee, aides):
    url = reverse("programme_creer", args=[aides[TypeAide.E].pk])
    return "maitre_e", url, {
        "modalite": "petit_groupe", "seances_par_semaine": "2", "duree_seance": "45",
        "objectifs-0-domaine": "1.1", "objectifs-0-intitule": "Décoder les syllabes simples",
        "objectifs-0-critere": "Lit 20 syllabes en une minute", "objectifs-0-responsable": "Maître E",
    }, Programme.objects.all()


def _seance(monde, demande_envoyee, aides):
    aide = aides[TypeAide.E]
    return "maitre_e", reverse("seance_creer"), {
        "date": HIER.isoformat(), "duree": "45", "contenu": "Conscience phonologique : syllabes.",
        f"participe_{aide.pk}": "on", f"presence_{aide.pk}": "present",
    }, Seance.objects.all()


def _bilan(monde, demande_envoyee, aides):
    programme = programme_de(aides[TypeAide.E])
    return "maitre_e", reverse("evaluation_creer", args=[programme.pk]), {
        "type": "intermediaire", "date": "2027-01-04", "suite": "poursuite", "synthese": "Progrès nets.",
        **{f"objectif-{o.pk}-atteinte": "atteint" for o in programme.objectifs.all()},
    }, Evaluation.objects.all()


def _conclusion(monde, demande_envoyee, aides):
    url = reverse("conclusion_creer", args=[aides[TypeAide.PSY].pk])
    return "psychologue", url, {"texte": "Conclusion du bilan."}, ConclusionPsy.objects.all()


def _action_equipe(monde, demande_envoyee, aides):
    url = reverse("action_equipe_creer", args=[monde.ecole_a.pk])
    return "maitre_e", url, {"public": "Équipe du cycle 2", "theme": "Adapter les supports de lecture",
                             "duree": "90"}, ActionEquipe.objects.all()


def _groupe(monde, demande_envoyee, aides):
    return "maitre_e", reverse("groupe_creer"), {"ecole": str(monde.ecole_a.pk), "nom": "CP lecture"}, \
        Groupe.objects.all()


def _creneau(monde, demande_envoyee, aides):
    groupe = GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a, nom="CE1 lecture")
    return "maitre_e", reverse("creneau_creer"), {
        "jour": "1", "heure": "09:30", "duree": "45", "ecole": str(monde.ecole_a.pk), "groupe": str(groupe.pk),
        "modalite": "petit_groupe", "du": HIER.isoformat(), "au": (HIER + timedelta(days=40)).isoformat(),
    }, Creneau.objects.all()


def _seance_du_creneau(monde, demande_envoyee, aides):
    groupe = GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a, nom="CE1 lecture")
    MembreGroupeFactory(groupe=groupe, aide=aides[TypeAide.E])
    creneau = CreneauFactory(groupe=groupe, jour=HIER.weekday(), du=HIER - timedelta(days=30),
                             au=HIER + timedelta(days=30))
    return "maitre_e", reverse("seance_noter", args=[creneau.pk, HIER.isoformat()]), {
        "contenu": "Syllabes complexes.",
    }, Seance.objects.all()


FORMULAIRES = {
    "groupe": _groupe, "créneau": _creneau, "séance depuis un créneau": _seance_du_creneau,
    "demande": _demande, "observation": _observation, "réunion": _reunion, "programme": _programme,
    "séance": _seance, "bilan": _bilan, "conclusion": _conclusion, "action auprès d'une équipe": _action_equipe,
}


@pytest.mark.parametrize("formulaire", FORMULAIRES.values(), ids=FORMULAIRES.keys())
def test_formulaire_envoye_deux_fois_cree_un_seul_enregistrement(client, monde, demande_envoyee, aides, formulaire):
    personne, url, champs, enregistrements = formulaire(monde, demande_envoyee, aides)
    client.force_login(monde[personne])
    donnees = champs_du_formulaire(client.get(url)) | champs
    avant = enregistrements.count()
    assert envois.cle_postee(donnees["cle_envoi"]) is not None  # drawn when the page is shown

    premiere = client.post(url, donnees)
    assert premiere.status_code == 302, texte(premiere)
    seconde = client.post(url, donnees, follow=True)

    assert enregistrements.count() == avant + 1
    envoi = EnvoiFormulaire.objects.get(cle=donnees["cle_envoi"])
    assert (envoi.utilisateur, envoi.url) == (monde[personne], seconde.redirect_chain[-1][0])
    assert "Ce formulaire avait déjà été envoyé le" in texte(seconde)
    assert "Voici ce qu'il avait enregistré." in texte(seconde)


def test_formulaire_sans_cle_fonctionne_comme_avant(client, monde, demande_envoyee):
    prise_en_charge(demande_envoyee, referent=monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    url = reverse("observation_ajouter", args=[demande_envoyee.pk])
    donnees = {"type": "analyse_erreurs", "date": timezone.localdate().isoformat(), "contenu": "Sans clé."}

    client.post(url, donnees)
    client.post(url, donnees)

    assert Observation.objects.count() == 2
    assert not EnvoiFormulaire.objects.exists()


def test_cle_d_une_autre_personne_ne_montre_pas_son_enregistrement(client, monde, demande_envoyee):
    prise_en_charge(demande_envoyee, referent=monde["maitre_e"])
    url = reverse("observation_ajouter", args=[demande_envoyee.pk])
    client.force_login(monde["maitre_e"])
    donnees = champs_du_formulaire(client.get(url)) | {"type": "analyse_erreurs", "contenu": "Première."}
    client.post(url, donnees)

    client.force_login(monde["maitre_g"])
    response = client.post(url, donnees | {"contenu": "Rejouée."}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("accueil")
    assert "Ce formulaire avait déjà été envoyé le" in texte(response)
    assert "Voici ce qu'il avait enregistré" not in texte(response)
    assert list(Observation.objects.values_list("contenu", flat=True)) == ["Première."]


def test_formulaire_refuse_garde_sa_cle_libre(client, monde, demande_envoyee, aides):
    """A form sent back with errors keeps its key; once corrected, it creates its record."""
    client.force_login(monde["maitre_e"])
    url = reverse("seance_creer")
    donnees = champs_du_formulaire(client.get(url)) | _seance(monde, demande_envoyee, aides)[2]

    refusee = client.post(url, donnees | {"duree": "0"})
    assert refusee.status_code == 200
    assert f'value="{donnees["cle_envoi"]}"' in refusee.content.decode()  # the same key, kept
    assert not EnvoiFormulaire.objects.exists()
    client.post(url, donnees)

    assert Seance.objects.count() == 1
    assert EnvoiFormulaire.objects.filter(cle=donnees["cle_envoi"]).exists()


def test_formulaire_de_correction_n_a_pas_de_cle(client, monde, aides):
    seance = seance_notee(monde["maitre_e"], [aides[TypeAide.E]], date=HIER)
    client.force_login(monde["maitre_e"])
    donnees = champs_du_formulaire(client.get(reverse("seance_corriger", args=[seance.pk])))
    assert "cle_envoi" not in donnees and "revision_lue" in donnees


def test_purge_des_cles_anciennes(monde):
    """``manage.py purge`` drops the keys older than a draft can live (8 days)."""
    ancienne = EnvoiFormulaire.objects.create(cle="00000000-0000-4000-8000-000000000001", utilisateur=monde["maitre_e"])
    EnvoiFormulaire.objects.filter(pk=ancienne.pk).update(cree_le=timezone.now() - timedelta(days=9))
    recente = EnvoiFormulaire.objects.create(cle="00000000-0000-4000-8000-000000000002", utilisateur=monde["maitre_e"])

    sortie = StringIO()
    call_command("purge", stdout=sortie)

    assert "clés d'envoi de formulaires : 1" in sortie.getvalue()
    assert list(EnvoiFormulaire.objects.all()) == [recente]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the unique index's wait: PostgreSQL only")
def test_dix_envois_simultanes_du_meme_formulaire_une_seule_demande(transactional_db, monde, preuve):
    url = reverse("demande_creer", args=[monde.eleve_a1.pk])
    client = Client()
    client.force_login(monde["enseignant"])
    donnees = champs_du_formulaire(client.get(url)) | {"difficultes": "Lecture hésitante."}

    def envoyer(_):
        autre = Client()
        autre.force_login(monde["enseignant"])
        return autre.post(url, donnees).status_code

    assert en_meme_temps(10, envoyer, preuve) == [302] * 10
    assert DemandeAide.objects.filter(eleve=monde.eleve_a1).count() == 1
    assert EnvoiFormulaire.objects.count() == 1
