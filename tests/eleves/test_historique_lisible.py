"""The change history read by people (eleves/historique_lisible.py): on real auditlog entries,
written by saving the models, never built by hand."""

import re
from datetime import date, datetime

import time_machine
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aides.enums import TypeAide
from aides.models import ConclusionPsy, Observation
from eleves.historique_lisible import (
    COMPTE_SUPPRIME,
    PSYCHOLOGUE_NEUTRE,
    TEXTE_CONFIDENTIEL,
    entrees,
    filtre_des_objets,
    lignes_des_entrees,
)
from eleves.models import Eleve, ResponsableLegal
from tests.factories import ResponsableLegalFactory, UtilisateurFactory
from tests.factories_aides import (
    AideFactory,
    ConclusionPsyFactory,
    DemandeAideFactory,
    ObservationFactory,
)

# What the technical dump printed, and a reader never should.
ISO_AVEC_MICROSECONDES = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d\.\d+")


def _lignes(modele, pks, *, nomme=True, **options):
    return lignes_des_entrees(entrees(filtre_des_objets(modele, pks)), nomme_les_psychologues=nomme, **options)


def test_modification_lisible_libelles_dates_listes_et_personnes(monde):
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True,
                                 deja_essaye=["apc"], famille_informee_par="courrier")
    moment = timezone.make_aware(datetime(2027, 3, 4, 16, 45, 31, 880928))
    with time_machine.travel(moment, tick=False), set_actor(monde["maitre_e"]):
        demande.deja_essaye = ["differenciation", "apc"]
        demande.famille_informee_le = date(2026, 11, 2)
        demande.envoyee_le = timezone.make_aware(datetime(2027, 1, 15, 8, 30))
        demande.domaines = ["1.1", "2"]
        demande.famille_informee_par = "rencontre"
        demande.referent = monde["maitre_e"]
        demande.save()

    ligne = _lignes(type(demande), [demande.pk])[-1]
    assert ligne.quand == "le 04/03/2027 à 16 h 45"
    assert ligne.qui == str(monde["maitre_e"])
    assert ligne.action == "Modification"
    lu = {c.champ: (c.avant, c.apres) for c in ligne.changements}
    assert lu["Ce qui a déjà été mis en place"] == (
        "Activités pédagogiques complémentaires (APC)",
        "Différenciation pédagogique, Activités pédagogiques complémentaires (APC)",
    )
    assert lu["Famille informée par"] == ("Courrier", "Rencontre")
    assert lu["Famille informée le"][1] == "02/11/2026"
    assert lu["Référent RASED"] == ("(vide)", str(monde["maitre_e"]))
    assert lu["Envoyée le"][1] == "15/01/2027 à 08 h 30"  # stored in UTC, read in Paris time
    assert lu["Domaines du socle concernés"] == (
        "1.1 Langue française à l'oral et à l'écrit",
        "1.1 Langue française à l'oral et à l'écrit, 2 Méthodes et outils pour apprendre",
    )
    # The row's own timestamps are not what a person changed.
    assert "modifie_le" not in lu and "Modifie le" not in lu
    texte = str(ligne)
    for brut in ("differenciation", "[", "]", "rencontre", "modifie_le", "referent"):
        assert brut not in texte, brut
    assert not ISO_AVEC_MICROSECONDES.search(texte)


def test_creation_et_suppression_avec_motif(monde):
    with set_actor(monde["directeur"]):
        responsable = ResponsableLegalFactory(eleve=monde.eleve_a1, nom="Petitjean", prenom="Sophie")
        pk = responsable.pk
        responsable.delete()
    # A reason for the deletion, as the pages that delete keep it (auditlog's additional_data).
    suppression = LogEntry.objects.get(content_type__model="responsablelegal", object_id=pk,
                                       action=LogEntry.Action.DELETE)
    suppression.additional_data = {"motif": "saisi en double"}
    suppression.save()

    creation, fin = _lignes(ResponsableLegal, [pk])
    assert (creation.action, creation.changements) == ("Création", ())
    assert creation.objet == "Responsable légal — Mme Sophie PETITJEAN"
    assert fin.action == "Suppression (motif : saisi en double)"
    assert fin.qui == str(monde["directeur"])


def test_booleen_oui_non(monde):
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], aide_decidee=True)
    aide = AideFactory(demande=demande, type=TypeAide.PSY, intervenant=monde["psychologue"])
    conclusion = ConclusionPsyFactory(aide=aide, partagee=False)
    conclusion.partagee = True
    conclusion.save()
    ligne = _lignes(ConclusionPsy, [conclusion.pk])[-1]
    assert [str(c) for c in ligne.changements] == ["Partagée avec l'équipe : Non → Oui"]


def test_texte_masque_jamais_montre(monde):
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    observation = ObservationFactory(demande=demande, auteur=monde["psychologue"], contenu="SECRET-PSY-1",
                                     confidentielle=True)
    with set_actor(monde["psychologue"]):
        observation.contenu = "SECRET-PSY-2"
        observation.obstacles = ["affectif"]
        observation.save()
    ligne = _lignes(Observation, [observation.pk])[-1]
    texte = str(ligne)
    assert f"Observation : {TEXTE_CONFIDENTIEL}" in texte
    assert "Obstacles identifiés : (vide) → Affectif" in texte
    assert "SECRET-PSY" not in texte and "contenu masqué" not in texte


def test_psychologue_neutre_hors_du_secret(monde):
    eleve = monde.eleve_a1
    with set_actor(monde["psychologue"]):
        eleve.ine = "123456789AB"
        eleve.save()
    assert _lignes(Eleve, [eleve.pk], nomme=False)[-1].qui == PSYCHOLOGUE_NEUTRE
    assert _lignes(Eleve, [eleve.pk], nomme=True)[-1].qui == str(monde["psychologue"])


def test_cles_etrangeres_nommees_en_une_requete_par_modele(monde):
    """Ten changes of the référent: the people are read once, not once per value."""
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    membres = [monde["maitre_e"], monde["maitre_g"], monde["psychologue"]]
    for i in range(10):
        demande.referent = membres[i % 3]
        demande.save()
    liste = entrees(filtre_des_objets(type(demande), [demande.pk]))
    with CaptureQueriesContext(connection) as requetes:
        lignes = lignes_des_entrees(liste, nomme_les_psychologues=True)
    assert len(requetes.captured_queries) == 1
    assert len(lignes) == 11
    assert str(lignes[-1].changements[0]) == f"Référent RASED : {membres[2]} → {membres[0]}"


def test_compte_supprime_depuis(monde):
    """An author whose account was deleted since: neither « automatic » nor their e-mail."""
    passager = UtilisateurFactory(circonscription=monde.nord, email="passager@example.org")
    eleve = monde.eleve_a1
    with set_actor(passager):
        eleve.ine = "123456789AB"
        eleve.save()
    passager.delete()
    ligne = _lignes(Eleve, [eleve.pk])[-1]
    assert ligne.qui == COMPTE_SUPPRIME and "passager" not in str(ligne)
