"""Revising the RASED's decision, with its reason, while none of the aids decided has started
(issue 12, « Records people can correct »), through the pages: the aids not started are ended or
put back consistently, the history row keeps the decision revised and the reason; once an aid has
started, the page says why not and the action is refused."""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aides.enums import ActeConsentement, Decision, EtatAide, EtatDemande, IssueAide, TypeAide
from aides.models import Aide, HistoriqueAide, HistoriqueDemande, Notification
from aides.rapports import annee_scolaire_de, calculer_rapport_annuel
from aides.rules import REFUS_REVISION_DECISION
from aides.services import aide_demarrer
from eleves.enums import Role
from tests.aides.test_programmes import champs_du_formulaire
from tests.conftest import PERSONAS
from tests.eleves.outils_pages import texte, urls
from tests.factories import UtilisateurFactory
from tests.factories_parcours import accord, aide_en_cours, aides_decidees, demande_deposee

RAISON = "La synthèse du 3 décembre a montré un besoin d'abord relationnel (raison 4821)."


@pytest.fixture
def demande(monde):
    """Léa's request, answered by an E aid led by the maître E, not started."""
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    aides_decidees(demande, {TypeAide.E: monde["maitre_e"]}, motif="Difficultés de décodage.")
    demande.refresh_from_db()
    return demande


def _url(demande):
    return reverse("demande_reviser_decision", args=[demande.pk])


def _formulaire(client, demande, **changements):
    """The revision form as the page fills it (the decision in force), with ``changements``;
    a value None unticks a box."""
    donnees = champs_du_formulaire(client.get(_url(demande))) | changements
    return {cle: valeur for cle, valeur in donnees.items() if valeur is not None}


def _aides(demande) -> dict:
    return {a.type: (a.etat, a.issue, a.intervenant.username) for a in Aide.objects.filter(demande=demande)}


def test_une_aide_e_revisee_en_aide_g_puis_de_nouveau_en_aide_e(client, monde, demande):
    client.force_login(monde["maitre_g"])
    page = client.get(reverse("demande_detail", args=[demande.pk]))
    assert _url(demande) in urls(page)
    donnees = _formulaire(client, demande)
    # The form starts from the decision in force.
    assert (donnees["decision"], donnees["aide_E"], donnees["motif"]) == ("aide", "on", "Difficultés de décodage.")
    assert donnees["intervenant_E"] == str(monde["maitre_e"].pk)

    response = client.post(_url(demande), donnees | {
        "raison": RAISON, "motif": "Aide G : estime de soi.", "aide_G": "on",
        "intervenant_G": str(monde["maitre_g"].pk),
    } | {"aide_E": ""}, follow=True)

    assert response.redirect_chain == [(reverse("demande_detail", args=[demande.pk]), 302)]
    assert "La décision a été révisée ; l'enseignant en est informé." in texte(response)
    demande.refresh_from_db()
    assert (demande.etat, demande.decision, demande.decision_motif, demande.decidee_par) == (
        EtatDemande.AIDE_DECIDEE, Decision.AIDE, "Aide G : estime de soi.", monde["maitre_g"])
    assert _aides(demande) == {
        TypeAide.E: (EtatAide.TERMINEE, IssueAide.REVISION, "maitre-e"),
        TypeAide.G: (EtatAide.A_DEMARRER, "", "maitre-g"),
    }
    assert Aide.objects.get(demande=demande, type=TypeAide.E).fin == timezone.localdate()
    etape = HistoriqueDemande.objects.filter(demande=demande).last()
    assert (etape.de, etape.vers, etape.decision_revisee, etape.motif, etape.auteur) == (
        EtatDemande.AIDE_DECIDEE, EtatDemande.AIDE_DECIDEE, Decision.AIDE, RAISON, monde["maitre_g"])
    assert Notification.objects.filter(
        destinataire=monde["enseignant"], message__contains="a révisé sa réponse").count() == 1
    # The yearly report: the request's answer is the G aid; the E aid withdrawn before it started
    # is on its own row, not counted as an answer given.
    rapport = calculer_rapport_annuel(circonscription=demande.circonscription,
                                      debut=annee_scolaire_de(timezone.localdate()))
    assert [c.valeur for c in rapport.tableau("reponses").ligne("Aide E")] == [0]
    assert [c.valeur for c in rapport.tableau("reponses").ligne("Aide G")] == [1]
    assert [c.valeur for c in rapport.tableau("issues").ligne(IssueAide.REVISION.label)] == [0, 1]

    # Revised again: the E aid ended by the first revision is put back « à démarrer », with its
    # history, and the G aid not started ends.
    donnees = _formulaire(client, demande, aide_G=None, aide_E="on", intervenant_E=str(monde["maitre_e"].pk),
                          raison="Finalement, l'aide pédagogique d'abord.")
    assert client.post(_url(demande), donnees).status_code == 302
    assert _aides(demande) == {
        TypeAide.E: (EtatAide.A_DEMARRER, "", "maitre-e"),
        TypeAide.G: (EtatAide.TERMINEE, IssueAide.REVISION, "maitre-g"),
    }
    aide_e = Aide.objects.get(demande=demande, type=TypeAide.E)
    assert aide_e.fin is None
    assert list(HistoriqueAide.objects.filter(aide=aide_e).values_list("de", "vers")) == [
        ("", EtatAide.A_DEMARRER), (EtatAide.A_DEMARRER, EtatAide.TERMINEE), (EtatAide.TERMINEE, EtatAide.A_DEMARRER)]
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.AIDE_DECIDEE


def test_une_aide_revisee_en_conseil_puis_de_nouveau_en_aide(client, monde, demande):
    client.force_login(monde["maitre_e"])
    donnees = _formulaire(client, demande, decision=Decision.CONSEIL, aide_E=None, raison=RAISON,
                          motif="Pistes de différenciation en classe.")
    assert client.post(_url(demande), donnees).status_code == 302
    demande.refresh_from_db()
    # Another answer: the request is answered, not closed, and its aid not started has ended.
    assert (demande.etat, demande.decision) == (EtatDemande.AUTRE_REPONSE, Decision.CONSEIL)
    assert _aides(demande) == {TypeAide.E: (EtatAide.TERMINEE, IssueAide.REVISION, "maitre-e")}
    etape = HistoriqueDemande.objects.filter(demande=demande).last()
    assert (etape.de, etape.vers, etape.decision_revisee) == (
        EtatDemande.AIDE_DECIDEE, EtatDemande.AUTRE_REPONSE, Decision.AIDE)

    donnees = _formulaire(client, demande, decision=Decision.AIDE, aide_E="on",
                          intervenant_E=str(monde["maitre_e"].pk), raison="La famille a demandé une aide.")
    assert client.post(_url(demande), donnees).status_code == 302
    demande.refresh_from_db()
    assert (demande.etat, demande.decision) == (EtatDemande.AIDE_DECIDEE, Decision.AIDE)
    assert _aides(demande) == {TypeAide.E: (EtatAide.A_DEMARRER, "", "maitre-e")}


def test_l_intervenant_change_sans_nouvelle_aide(client, monde, demande):
    collegue = UtilisateurFactory(username="maitre-e-bis", role=Role.MAITRE_E, circonscription=monde.nord,
                                  secteur=monde.secteur_1)
    client.force_login(monde["maitre_e"])
    donnees = _formulaire(client, demande, intervenant_E=str(collegue.pk), raison="Changement de secteur.")
    assert client.post(_url(demande), donnees).status_code == 302
    assert _aides(demande) == {TypeAide.E: (EtatAide.A_DEMARRER, "", "maitre-e-bis")}
    assert Aide.objects.filter(demande=demande).count() == 1


def test_la_raison_de_la_revision_est_exigee(client, monde, demande):
    client.force_login(monde["maitre_e"])
    donnees = _formulaire(client, demande, decision=Decision.NON_RETENUE, aide_E=None, raison="  ",
                          motif="Motif tapé 5127")
    response = client.post(_url(demande), donnees)
    assert response.status_code == 200
    assert "Indiquez pourquoi la décision est révisée." in texte(response)
    assert "Motif tapé 5127" in response.content.decode()
    demande.refresh_from_db()
    assert (demande.etat, demande.decision) == (EtatDemande.AIDE_DECIDEE, Decision.AIDE)
    assert _aides(demande) == {TypeAide.E: (EtatAide.A_DEMARRER, "", "maitre-e")}


def test_apres_le_debut_d_une_aide_la_page_dit_pourquoi_et_refuse(client, monde):
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    aide = aide_en_cours(demande, TypeAide.E, monde["maitre_e"])
    demande.refresh_from_db()
    client.force_login(monde["maitre_e"])

    page = client.get(reverse("demande_detail", args=[demande.pk]))
    assert _url(demande) not in urls(page)
    assert REFUS_REVISION_DECISION in texte(page)
    assert "changement du type d'aide" in REFUS_REVISION_DECISION and "arrêt" in REFUS_REVISION_DECISION
    response = client.get(_url(demande), follow=True)
    assert response.redirect_chain == [(reverse("demande_detail", args=[demande.pk]), 302)]
    assert REFUS_REVISION_DECISION in texte(response)

    response = client.post(_url(demande), {
        "raison": RAISON, "decision": Decision.CONSEIL, "motif": "Motif tapé 3310", "revision_lue": demande.revision,
    })
    assert response.status_code == 200
    assert REFUS_REVISION_DECISION in texte(response)
    assert "Motif tapé 3310" in response.content.decode()
    demande.refresh_from_db()
    aide.refresh_from_db()
    assert (demande.etat, demande.decision, aide.etat) == (EtatDemande.AIDE_DECIDEE, Decision.AIDE, EtatAide.EN_COURS)


def test_une_aide_demarree_pendant_la_revision_la_fait_refuser(client, monde, demande):
    """The form was read before the aid started: its save is refused, with why."""
    client.force_login(monde["maitre_g"])
    donnees = _formulaire(client, demande, decision=Decision.CONSEIL, aide_E=None, raison=RAISON)
    # Meanwhile the family agrees and the maître E starts the aid.
    accord(demande, ActeConsentement.AIDE_E_G, auteur=monde["maitre_e"])
    aide_demarrer(aide=Aide.objects.get(demande=demande), auteur=monde["maitre_e"], debut=timezone.localdate())
    response = client.post(_url(demande), donnees)
    assert REFUS_REVISION_DECISION in texte(response)
    assert RAISON in texte(response)
    assert _aides(demande) == {TypeAide.E: (EtatAide.EN_COURS, "", "maitre-e")}


def test_deux_revisions_en_meme_temps_la_seconde_refusee_sans_perte(monde, demande):
    premier, second = Client(), Client()
    premier.force_login(monde["maitre_e"])
    second.force_login(monde["maitre_g"])
    donnees_1 = _formulaire(premier, demande, raison="Première révision.", motif="Motif du premier.")
    donnees_2 = _formulaire(second, demande, decision=Decision.CONSEIL, aide_E=None,
                            raison="Raison du second 7740", motif="Motif du second.")
    assert donnees_1["revision_lue"] == donnees_2["revision_lue"]

    assert premier.post(_url(demande), donnees_1).status_code == 302
    response = second.post(_url(demande), donnees_2)

    assert response.status_code == 200
    assert "Cette décision a été révisée par quelqu'un d'autre pendant que vous la révisiez" in texte(response)
    assert "Raison du second 7740" in response.content.decode()
    demande.refresh_from_db()
    assert (demande.decision, demande.decision_motif) == (Decision.AIDE, "Motif du premier.")
    assert _aides(demande) == {TypeAide.E: (EtatAide.A_DEMARRER, "", "maitre-e")}


# Who may revise the decision on Léa's request (école A, secteur 1): the RASED of the secteur.
REVISION_ATTENDUE = {
    "enseignant": 403, "directeur": 403, "maitre_e": 200, "maitre_g": 200, "psychologue": 200,
    "circonscription": 403, "admin": 404, "enseignant_autre_ecole": 404, "rased_autre_secteur": 404,
    "autre_circonscription": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_qui_revise_la_decision(client, monde, demande, persona):
    client.force_login(monde[persona])
    assert client.get(_url(demande)).status_code == REVISION_ATTENDUE[persona]
    lien = _url(demande) in urls(client.get(reverse("demande_detail", args=[demande.pk])))
    assert lien == (REVISION_ATTENDUE[persona] == 200)
    if REVISION_ATTENDUE[persona] == 200:
        return
    response = client.post(_url(demande), {
        "raison": RAISON, "decision": Decision.NON_RETENUE, "motif": "Forcé.", "revision_lue": demande.revision,
    })
    assert response.status_code == REVISION_ATTENDUE[persona]
    demande.refresh_from_db()
    assert (demande.etat, demande.decision) == (EtatDemande.AIDE_DECIDEE, Decision.AIDE)
    assert _aides(demande) == {TypeAide.E: (EtatAide.A_DEMARRER, "", "maitre-e")}


def test_la_raison_de_la_revision_lue_avec_la_decision(client, monde, demande):
    """The teacher who filed the request reads the revised decision and why, with the decision;
    the directeur, who is not told of psychological follow-ups, reads neither."""
    client.force_login(monde["psychologue"])
    donnees = _formulaire(client, demande, intervenant_psy=str(monde["psychologue"].pk), aide_psy="on",
                          raison="Un suivi psychologique d'abord (raison 9902).")
    assert client.post(_url(demande), donnees).status_code == 302

    client.force_login(monde["enseignant"])
    page = texte(client.get(reverse("demande_detail", args=[demande.pk])))
    assert "Décision révisée le" in page and "Un suivi psychologique d'abord (raison 9902)." in page
    client.force_login(monde["directeur"])
    page = texte(client.get(reverse("demande_detail", args=[demande.pk])))
    assert "raison 9902" not in page and "Décision révisée" not in page


def test_pas_de_revision_avant_la_decision(client, monde):
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    client.force_login(monde["maitre_e"])
    response = client.get(_url(demande), follow=True)
    assert response.redirect_chain == [(reverse("demande_detail", args=[demande.pk]), 302)]
    assert REFUS_REVISION_DECISION in texte(response)
    response = client.post(_url(demande), {"raison": RAISON, "decision": Decision.CONSEIL, "motif": "Conseil.",
                                            "revision_lue": demande.revision})
    assert "Le RASED n'a pas encore pris de décision pour cette demande." in texte(response)
    demande.refresh_from_db()
    assert (demande.etat, demande.decision) == (EtatDemande.ENVOYEE, "")
