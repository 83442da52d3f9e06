"""The states of a request and of its aids always agree (issue 12, « A journey without dead ends »).

- The family may change its mind: after a refusal a later agreement puts the aid back « à
  démarrer »; after an agreement a withdrawal ends the aid « à la demande de la famille ».
- The request closes when its last aid ends, whatever ended it, and reopens when an aid is to
  start again; after a change of the kind of aid it waits for the new aid.
- ``Aide.etat`` and ``Programme.etat`` have one writer each, which writes the history row.

``test_chaque_chemin_du_diagramme_d_etats`` walks the state diagram: from a request answered by
an E aid and a psychological follow-up, every move the product offers, from every state reached,
until no new state appears; at each step the pair (request, aids) is checked.
"""

import ast
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aides.enums import (
    Decision,
    EtatAide,
    EtatDemande,
    EtatProgramme,
    IssueAide,
    SuiteEvaluation,
    TypeAide,
)
from aides.models import Aide, Consentement, DemandeAide, HistoriqueProgramme, Programme
from aides.rapports import annee_scolaire_de, calculer_rapport_annuel
from aides.services import (
    ActionRefusee,
    aide_ajouter,
    aide_arreter_depart,
    aide_demarrer,
    demande_reviser_decision,
)
from tests.factories_parcours import (
    accord,
    aides_decidees,
    bilan,
    demande_deposee,
    programme_valide,
)

RACINE = Path(__file__).resolve().parent.parent.parent


# --- The family changes its mind, through the pages ----------------------------------------------


@pytest.fixture
def aide_e_decidee(monde):
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    return aides_decidees(demande, {TypeAide.E: monde["maitre_e"]})[TypeAide.E]


def _reponse(client, demande, *, accorde: bool, acte="aide_e_g"):
    return client.post(reverse("consentement_ajouter", args=[demande.pk]), {
        "acte": acte, "accorde": str(accorde), "date": timezone.localdate().isoformat(), "titulaires": "deux",
        "forme": "ecrit", "commentaire": "",
    }, follow=True)


def test_un_refus_puis_un_accord_remet_l_aide_a_demarrer(client, monde, aide_e_decidee):
    demande = aide_e_decidee.demande
    client.force_login(monde["directeur"])
    _reponse(client, demande, accorde=False)
    aide_e_decidee.refresh_from_db()
    demande.refresh_from_db()
    assert (aide_e_decidee.etat, aide_e_decidee.issue) == (EtatAide.TERMINEE, IssueAide.REFUS_FAMILLE)
    assert demande.etat == EtatDemande.CLOTUREE  # its only aid ended
    page = client.get(reverse("demande_detail", args=[demande.pk])).content.decode()
    assert "(refus de la famille)" in page

    # The family changes its mind: the aid is to start again, the request reopens.
    _reponse(client, demande, accorde=True)
    aide_e_decidee.refresh_from_db()
    demande.refresh_from_db()
    assert (aide_e_decidee.etat, aide_e_decidee.issue, aide_e_decidee.fin) == (EtatAide.A_DEMARRER, "", None)
    assert demande.etat == EtatDemande.AIDE_DECIDEE
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("aide_demarrer", args=[aide_e_decidee.pk])).content.decode()
    assert "enregistré le" in page
    response = client.post(reverse("aide_demarrer", args=[aide_e_decidee.pk]),
                           {"debut": timezone.localdate().isoformat()})
    assert response.status_code == 302
    aide_e_decidee.refresh_from_db()
    assert aide_e_decidee.etat == EtatAide.EN_COURS
    assert [h.vers for h in aide_e_decidee.historique.all()] == ["a_demarrer", "terminee", "a_demarrer", "en_cours"]


def test_un_retrait_de_l_accord_arrete_l_aide_a_la_demande_de_la_famille(client, monde, aide_e_decidee):
    demande = aide_e_decidee.demande
    accord(demande, "aide_e_g", auteur=monde["maitre_e"])
    aide_demarrer(aide=aide_e_decidee, auteur=monde["maitre_e"], debut=timezone.localdate())
    client.force_login(monde["directeur"])
    _reponse(client, demande, accorde=False)
    aide_e_decidee.refresh_from_db()
    demande.refresh_from_db()
    assert (aide_e_decidee.etat, aide_e_decidee.issue, aide_e_decidee.fin) == (
        EtatAide.TERMINEE, IssueAide.RETRAIT_FAMILLE, timezone.localdate())
    assert demande.etat == EtatDemande.CLOTUREE
    assert "(arrêt à la demande de la famille)" in client.get(
        reverse("demande_detail", args=[demande.pk])).content.decode()
    # A later agreement does not restart an aid the family stopped: a new decision does.
    _reponse(client, demande, accorde=True)
    aide_e_decidee.refresh_from_db()
    assert aide_e_decidee.etat == EtatAide.TERMINEE
    # The yearly report counts the aid among those ended this year, on the family's own row.
    rapport = calculer_rapport_annuel(circonscription=demande.circonscription,
                                      debut=annee_scolaire_de(timezone.localdate()))
    issues = rapport.tableau("issues")
    assert [c.valeur for c in issues.ligne("Arrêt à la demande de la famille")] == [0, 1]
    assert [c.valeur for c in issues.ligne("Refus de la famille")] == [0, 0]


def test_le_depart_de_l_eleve_arrete_l_aide_et_clot_la_demande(client, monde, aide_e_decidee):
    demande = aide_e_decidee.demande
    accord(demande, "aide_e_g", auteur=monde["maitre_e"])
    aide_demarrer(aide=aide_e_decidee, auteur=monde["maitre_e"], debut=timezone.localdate())
    url = reverse("aide_arreter_depart", args=[aide_e_decidee.pk])
    for qui, statut in (("maitre_g", 403), ("directeur", 403), ("enseignant", 403)):
        client.force_login(monde[qui])
        assert client.get(url).status_code == statut, qui
        assert client.post(url, {"le": timezone.localdate().isoformat()}).status_code == statut, qui
    client.force_login(monde["maitre_e"])
    assert "Arrêter : départ de l'élève" in client.get(reverse("demande_detail", args=[demande.pk])).content.decode()
    demain = timezone.localdate() + timedelta(days=1)
    page = client.post(url, {"le": demain.isoformat()}).content.decode()
    assert "La date du départ ne peut pas être dans le futur." in page
    response = client.post(url, {"le": timezone.localdate().isoformat()}, follow=True)
    assert "l&#x27;élève a quitté l&#x27;école" in response.content.decode()
    aide_e_decidee.refresh_from_db()
    demande.refresh_from_db()
    assert (aide_e_decidee.etat, aide_e_decidee.issue, aide_e_decidee.fin) == (
        EtatAide.TERMINEE, IssueAide.DEPART, timezone.localdate())
    assert demande.etat == EtatDemande.CLOTUREE
    assert [h.vers for h in aide_e_decidee.historique.all()] == ["a_demarrer", "en_cours", "terminee"]
    # Ended: the button is gone and the page says why if reached again.
    assert "Arrêter : départ" not in client.get(reverse("demande_detail", args=[demande.pk])).content.decode()
    assert "Cette aide est déjà terminée." in client.get(url, follow=True).content.decode()
    rapport = calculer_rapport_annuel(circonscription=demande.circonscription,
                                      debut=annee_scolaire_de(timezone.localdate()))
    assert [c.valeur for c in rapport.tableau("issues").ligne("Départ de l'élève (changement d'école)")] == [0, 1]


def test_la_page_de_demarrage_dit_refuse_quand_la_famille_a_refuse(client, monde):
    """The family refused the E aid; the RASED proposes a G aid instead (the follow-up by the
    psychologist keeps the request open): its start page says the family's word is a refusal."""
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    aides_decidees(demande, {TypeAide.E: monde["maitre_e"], TypeAide.PSY: monde["psychologue"]})
    accord(demande, "aide_e_g", auteur=monde["maitre_e"], accorde=False)
    aide_g = aide_ajouter(demande=demande, auteur=monde["maitre_g"], type_aide=TypeAide.G, intervenant=monde["maitre_g"])
    client.force_login(monde["maitre_g"])
    page = client.get(reverse("aide_demarrer", args=[aide_g.pk])).content.decode()
    assert "refusé le" in page and "la famille peut changer d'avis" in page and "non enregistré" not in page


# --- One writer per state --------------------------------------------------------------------------


def _ecritures_d_etat(chemin: Path, racine: Path = RACINE) -> list[str]:
    """``x.update(etat=…)`` and ``Aide(…, etat=…)``/``Programme(…, etat=…)`` in a module's code."""
    fautes = []
    for noeud in ast.walk(ast.parse(chemin.read_text(encoding="utf-8"))):
        if isinstance(noeud, ast.Call):
            nom = getattr(noeud.func, "attr", None) or getattr(noeud.func, "id", None)
            if nom in ("update", "Aide", "Programme") and any(k.arg == "etat" for k in noeud.keywords):
                fautes.append(f"{chemin.relative_to(racine)}:{noeud.lineno}")
    return fautes


def test_aucune_ecriture_d_etat_hors_de_son_ecrivain():
    # impressions.py writes a batch print job's own state (TravailImpression: waiting, running,
    # done), not the aid workflow's: the job is its task's alone.
    modules = [p for p in (RACINE / "aides").rglob("*.py")
               if "migrations" not in p.parts and p.name not in ("seed_bench.py", "impressions.py")]
    assert [f for p in modules for f in _ecritures_d_etat(p)] == []


def test_la_recherche_des_ecritures_les_trouve(tmp_path):
    fichier = tmp_path / "module.py"
    fichier.write_text("x.filter(a=1).update(etat='terminee')\nAide(demande=d, etat='en_cours')\nx.update(fin=1)\n")
    assert _ecritures_d_etat(fichier, tmp_path) == ["module.py:1", "module.py:2"]


# --- The state diagram ---------------------------------------------------------------------------


class Annuler(Exception):
    """Leaves a savepoint: each path is replayed from the start state."""


@dataclass(frozen=True)
class Mouvement:
    nom: str
    jouer: object  # (monde, demande) -> None; raises ActionRefusee when the product refuses it


def _aide(demande, type_aide):
    return Aide.objects.filter(demande=demande, type=type_aide).first()


def _demarrer(type_aide, membre):
    def jouer(monde, demande):
        aide = _aide(demande, type_aide)
        if aide is None or aide.etat != EtatAide.A_DEMARRER:
            raise ActionRefusee("pas à démarrer")
        aide_demarrer(aide=aide, auteur=monde[membre], debut=timezone.localdate())
    return jouer


def _bilan_final(type_aide, suite):
    def jouer(monde, demande):
        aide = _aide(demande, type_aide)
        if aide is None or aide.etat != EtatAide.EN_COURS:
            raise ActionRefusee("pas en cours")
        programme = aide.programmes.filter(etat=EtatProgramme.VALIDE).first() or programme_valide(aide)
        bilan(programme, type="finale", suite=suite)
    return jouer


def _reponse_famille(acte, membre, accorde):
    def jouer(monde, demande):
        accord(demande, acte, auteur=monde[membre], accorde=accorde)
    return jouer


def _depart(type_aide, membre):
    def jouer(monde, demande):
        aide = _aide(demande, type_aide)
        if aide is None or not aide_arreter_depart(aide=aide, auteur=monde[membre], le=timezone.localdate()):
            raise ActionRefusee("pas d'aide à arrêter")
    return jouer


def _ajouter_g(monde, demande):
    aide_ajouter(demande=demande, auteur=monde["maitre_g"], type_aide=TypeAide.G, intervenant=monde["maitre_g"])


def _reviser(decision, types):
    """The RASED revises its decision (« Réviser la décision »): refused once an aid has started."""
    def jouer(monde, demande):
        membres = {TypeAide.E: "maitre_e", TypeAide.G: "maitre_g", TypeAide.PSY: "psychologue"}
        demande.refresh_from_db()
        demande_reviser_decision(
            demande=demande, auteur=monde["maitre_e"], revision_lue=demande.revision, raison="Révision.",
            decision=decision, motif="Nouvelle décision.", intervenants={t: monde[membres[t]] for t in types})
    return jouer


MOUVEMENTS = [
    Mouvement("accord E/G", _reponse_famille("aide_e_g", "maitre_e", True)),
    Mouvement("refus E/G", _reponse_famille("aide_e_g", "maitre_e", False)),
    Mouvement("accord psy", _reponse_famille("psy", "psychologue", True)),
    Mouvement("refus psy", _reponse_famille("psy", "psychologue", False)),
    Mouvement("démarrer E", _demarrer(TypeAide.E, "maitre_e")),
    Mouvement("démarrer psy", _demarrer(TypeAide.PSY, "psychologue")),
    Mouvement("bilan final E : arrêt", _bilan_final(TypeAide.E, SuiteEvaluation.ARRET)),
    Mouvement("bilan final E : changement", _bilan_final(TypeAide.E, SuiteEvaluation.CHANGEMENT)),
    Mouvement("bilan final psy : arrêt", _bilan_final(TypeAide.PSY, SuiteEvaluation.ARRET)),
    Mouvement("départ de l'élève (aide psy)", _depart(TypeAide.PSY, "psychologue")),
    Mouvement("ajouter une aide G", _ajouter_g),
    Mouvement("démarrer G", _demarrer(TypeAide.G, "maitre_g")),
    Mouvement("réviser la décision : aide E seule", _reviser(Decision.AIDE, (TypeAide.E,))),
    Mouvement("réviser la décision : conseil", _reviser(Decision.CONSEIL, ())),
]


def _etat(demande) -> tuple:
    """What the diagram's states are made of: the request's state, each aid's state and issue, the
    family's latest word on each act."""
    demande.refresh_from_db()
    aides = tuple(sorted((a.type, a.etat, a.issue) for a in Aide.objects.filter(demande=demande)))
    mots = tuple(sorted(
        (acte, Consentement.objects.en_vigueur(demande=demande, acte=acte).accorde)
        for acte in ("aide_e_g", "psy") if Consentement.objects.en_vigueur(demande=demande, acte=acte)
    ))
    return demande.etat, aides, mots


def _verifier(demande, chemin) -> None:
    """The pair (request, aids) agrees, and each state's last history row says it."""
    aides = list(Aide.objects.filter(demande=demande).order_by("pk"))
    ouvertes = [a for a in aides if a.etat != EtatAide.TERMINEE]
    derniere_finie = max((a for a in aides if a.fin), key=lambda a: a.historique.last().pk, default=None)
    attendu = EtatDemande.AIDE_DECIDEE
    if demande.decision != Decision.AIDE:
        # A decision revised into another answer: its aids (none had started) have all ended.
        attendu = EtatDemande.AUTRE_REPONSE
        assert not ouvertes, chemin
    elif not ouvertes and derniere_finie is not None and derniere_finie.issue != IssueAide.CHANGEMENT:
        attendu = EtatDemande.CLOTUREE
    assert demande.etat == attendu, (chemin, demande.etat, [(a.type, a.etat, a.issue) for a in aides])
    assert demande.historique.last().vers == demande.etat, chemin
    for aide in aides:
        assert aide.historique.last().vers == aide.etat, (chemin, aide.type)
        assert bool(aide.issue) == (aide.etat == EtatAide.TERMINEE), (chemin, aide.type, aide.issue)
        assert (aide.fin is not None) == (aide.etat == EtatAide.TERMINEE), (chemin, aide.type)
    for programme in Programme.objects.filter(aide__demande=demande):
        assert programme.historique.last().vers == programme.etat, chemin


def test_chaque_chemin_du_diagramme_d_etats(monde, preuve):
    """A depth-first walk: from each state reached, every move is played once inside a savepoint
    (rolled back after), and the walk goes on from each state not seen yet. Each state is
    expanded once, so the moves played are (states × moves), not one replay per path."""
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    aides_decidees(demande, {TypeAide.E: monde["maitre_e"], TypeAide.PSY: monde["psychologue"]})
    depart = _etat(demande)
    connus = {depart}
    compte = {"pas": 0, "aretes": 0, "profondeur": 0}

    def explorer(chemin):
        compte["profondeur"] = max(compte["profondeur"], len(chemin))
        for mouvement in MOUVEMENTS:
            suite = (*chemin, mouvement.nom)
            try:
                with transaction.atomic():
                    compte["pas"] += 1
                    mouvement.jouer(monde, demande)
                    _verifier(DemandeAide.objects.get(pk=demande.pk), suite)
                    compte["aretes"] += 1
                    arrivee = _etat(demande)
                    if arrivee not in connus:
                        connus.add(arrivee)
                        explorer(suite)
                    raise Annuler
            except Annuler:
                pass
            except ActionRefusee:
                pass  # the product refuses this move from this state: not an edge

    explorer(())
    etats_demande = {etat[0] for etat in connus}
    preuve(f"[états] états atteints : {len(connus)}, mouvements (arêtes) : {compte['aretes']}, "
           f"mouvements essayés : {compte['pas']}, plus long chemin : {compte['profondeur']} pas, "
           f"états de la demande : {sorted(etats_demande)}")
    assert {EtatDemande.AIDE_DECIDEE, EtatDemande.CLOTUREE, EtatDemande.AUTRE_REPONSE} <= etats_demande
    assert any(IssueAide.REVISION in str(e) for e in connus)
    assert any(IssueAide.REFUS_FAMILLE in str(e) for e in connus) and any(IssueAide.RETRAIT_FAMILLE in str(e) for e in connus)
    # Every path was rolled back: the request is as it started.
    assert _etat(demande) == depart and not HistoriqueProgramme.objects.exists()
