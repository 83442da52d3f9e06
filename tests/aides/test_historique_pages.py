"""The « Historique » section of the records' pages (templates/_historique.html): readable lines
for those who read the record, the psychologist's lines for psychologists only."""

from datetime import date

from auditlog.context import set_actor
from django.urls import reverse

from aides.enums import TypeAide
from aides.selectors.historique import (
    historique_lisible_de_l_action_equipe,
    historique_lisible_de_l_observation,
    historique_lisible_de_la_seance,
)
from eleves.enums import Role
from eleves.historique_lisible import PSYCHOLOGUE_NEUTRE
from tests.eleves.outils_pages import texte
from tests.factories import ResponsableLegalFactory
from tests.factories_aides import (
    ActionEquipeFactory,
    AideFactory,
    DemandeAideFactory,
    EvaluationFactory,
    ObjectifFactory,
    ObservationFactory,
    ProgrammeFactory,
    ReunionFactory,
    SeanceFactory,
)
from tests.factories_parcours import aides_en_cours, demande_deposee


def _historique(client, user, url) -> str:
    client.force_login(user)
    reponse = client.get(url)
    assert reponse.status_code == 200
    contenu = texte(reponse)
    assert "Historique" in contenu
    return contenu.rsplit("Historique", 1)[1]  # the record's own, last on the page


def test_fiche_eleve_historique_lisible(client, monde):
    eleve = monde.eleve_a1
    mere = ResponsableLegalFactory(eleve=eleve, lien="mere", nom="Petitjean", prenom="Sophie")
    client.force_login(monde["directeur"])
    champs = ["civilite", "nom", "prenom", "adresse", "code_postal", "commune", "telephone", "email"]
    reponse = client.post(reverse("responsable_modifier", args=[mere.pk]),
                          {**{n: getattr(mere, n) for n in champs}, "lien": "tuteur",
                           "revision_lue": mere.revision})
    assert reponse.status_code == 302
    lu = _historique(client, monde["enseignant"], reverse("eleve_detail", args=[eleve.pk]))
    assert f"{monde['directeur']} — Modification (Responsable légal — Mme Sophie PETITJEAN)" in lu
    assert "Lien avec l'élève : Mère → Tuteur ou tutrice" in lu
    assert "mere" not in lu and "tuteur →" not in lu


def test_fiche_eleve_psychologue_neutre_pour_les_autres(client, monde):
    """A change a psychologist made reads « Un psychologue de l'Éducation nationale » for
    anyone outside the secrecy, as the access log; psychologists read the name."""
    eleve = monde.eleve_a1
    avant = eleve.sexe
    with set_actor(monde["psychologue"]):
        # A correction of the record (not the INE: its changes are read by those who read it).
        eleve.sexe = "M" if avant == "F" else "F"
        eleve.save()
    url = reverse("eleve_detail", args=[eleve.pk])
    for persona in ("directeur", "enseignant", "maitre_e"):
        lu = _historique(client, monde[persona], url)
        assert f"{PSYCHOLOGUE_NEUTRE} — Modification" in lu, persona
        assert str(monde["psychologue"]) not in lu, persona
    lu = _historique(client, monde["psychologue"], url)
    assert f"{monde['psychologue']} — Modification" in lu and "Sexe : " in lu


def test_demande_etats_et_decision_selon_le_lecteur(client, monde):
    """The teacher who filed it reads every move; the directeur (not told of psychological
    follow-ups) reads « Réponse apportée par le RASED », no decision, no aid he may not read; a
    psychological follow-up's moves are read by psychologists only."""
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    with set_actor(monde["maitre_e"]):
        aides_en_cours(demande, {TypeAide.E: monde["maitre_e"], TypeAide.PSY: monde["psychologue"]},
                       referent=monde["maitre_e"], debut=date(2026, 11, 16))
    url = reverse("demande_detail", args=[demande.pk])

    lu = _historique(client, monde["enseignant"], url)
    assert "État : Envoyée au RASED → En analyse" in lu and "État : En analyse → Aide décidée" in lu
    assert "Décision : (vide) → Aide du RASED" in lu
    assert "(Aide à dominante pédagogique (maître E))" in lu and "État : À démarrer → En cours" in lu

    lu = _historique(client, monde["directeur"], url)
    assert "Réponse apportée par le RASED" in lu
    for reserve in ("Aide décidée", "Décision", "Motif", "Suivi par le psychologue"):
        assert reserve not in lu, reserve

    # The maître E reads the decision, not the psychologist's follow-up's lines.
    lu = _historique(client, monde["maitre_e"], url)
    assert "Décision : (vide) → Aide du RASED" in lu
    assert "Motif de la décision : (texte confidentiel modifié)" in lu
    assert "Suivi par le psychologue" not in lu
    lu = _historique(client, monde["psychologue"], url)
    assert "(Suivi par le psychologue de l'Éducation nationale)" in lu


def test_historique_court_les_plus_anciennes_repliees(client, monde):
    eleve = monde.eleve_a1
    for i in range(25):
        eleve.ine = f"{123456700 + i}AB"
        eleve.save()
    client.force_login(monde["directeur"])
    page = client.get(reverse("eleve_detail", args=[eleve.pk])).content.decode()
    section = page.split('id="historique"', 1)[1]
    avant, replie = section.split("<details>", 1)
    assert avant.count("— <strong>Modification</strong>") == 20
    assert "modifications plus anciennes" in replie


def test_programme_bilan_et_reunion_montrent_leur_historique(client, monde):
    """The programme's page: its objectives' changes, their wording masked; the bilan's and the
    meeting's pages: their own lines."""
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], aide_decidee=True)
    aide = AideFactory(demande=demande, type=TypeAide.E, intervenant=monde["maitre_e"], en_cours=True)
    programme = ProgrammeFactory(aide=aide, valide=True)
    with set_actor(monde["maitre_e"]):
        objectif = ObjectifFactory(programme=programme, intitule="SECRET-OBJ-1")
        objectif.intitule = "SECRET-OBJ-2"
        objectif.domaine = "2"
        objectif.save()
        bilan = EvaluationFactory(programme=programme)
        bilan.suite = "renouvellement"
        bilan.save()
    lu = _historique(client, monde["maitre_e"], reverse("programme_detail", args=[programme.pk]))
    assert f"{monde['maitre_e']} — Modification (Objectif n°" in lu
    assert "Objectif : (texte confidentiel modifié)" in lu
    assert "Domaine du socle : 1.1 Langue française à l'oral et à l'écrit → 2 Méthodes et outils pour apprendre" in lu
    assert "SECRET-OBJ" not in lu.split("Historique")[-1]
    lu = _historique(client, monde["maitre_e"], reverse("evaluation_modifier", args=[bilan.pk]))
    assert "Suite donnée :" in lu and "renouvellement" not in lu.replace("Renouvellement", "")
    reunion = ReunionFactory(demande=demande, auteur=monde["maitre_e"])
    lu = _historique(client, monde["maitre_e"], reverse("reunion_detail", args=[reunion.pk]))
    assert "Création" in lu


def test_referent_psychologue_neutre_pour_les_autres(client, monde):
    """The request's page does not name its référent: its history names a psychologist named
    référent as the access log does, for anyone outside the secrecy."""
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    with set_actor(monde["maitre_e"]):
        demande.referent = monde["psychologue"]
        demande.save()
    url = reverse("demande_detail", args=[demande.pk])
    for persona in ("enseignant", "directeur", "maitre_e"):
        lu = _historique(client, monde[persona], url)
        assert f"Référent RASED : (vide) → {PSYCHOLOGUE_NEUTRE}" in lu, persona
        assert str(monde["psychologue"]) not in lu, persona
    lu = _historique(client, monde["psychologue"], url)
    assert f"Référent RASED : (vide) → {monde['psychologue']}" in lu


def test_seance_observation_action_equipe_pour_leurs_pages(monde):
    """The selectors the session, note and team-action pages include (aides/selectors/historique.py)."""
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], aide_decidee=True)
    aide = AideFactory(demande=demande, type=TypeAide.E, intervenant=monde["maitre_e"], en_cours=True)
    e = monde["maitre_e"]
    with set_actor(e):
        seance = SeanceFactory(intervenant=e, aides=[aide], duree=45)
        seance.duree = 30
        seance.save()
        presence = seance.presences.get()
        presence.presence = "absent"
        presence.save()
        observation = ObservationFactory(demande=demande, auteur=e)
        observation.contenu = "Autre texte"
        observation.save()
        action = ActionEquipeFactory(ecole=monde.ecole_a, auteur=e, duree=60)
        action.duree = 90
        action.save()
    lignes = [str(x) for x in historique_lisible_de_la_seance(e, seance)]
    assert any("Durée (minutes) : 45 → 30" in x for x in lignes)
    assert any("Présence : Présent → Absent" in x for x in lignes), lignes
    lignes = [str(x) for x in historique_lisible_de_l_observation(e, observation)]
    assert any("Observation : (texte confidentiel modifié)" in x for x in lignes)
    lignes = [str(x) for x in historique_lisible_de_l_action_equipe(e, action)]
    assert any("Durée (minutes) : 60 → 90" in x for x in lignes)


# --- The family's answers (consents) ---------------------------------------------------------------


def _reponse(client, user, demande, **champs):
    client.force_login(user)
    donnees = {"acte": "aide_e_g", "accorde": "True", "date": date(2026, 11, 20).isoformat(),
               "titulaires": "deux", "forme": "ecrit", "commentaire": ""} | champs
    assert client.post(reverse("consentement_ajouter", args=[demande.pk]), donnees).status_code == 302


def _historique_des_reponses(client, user, demande) -> str:
    client.force_login(user)
    contenu = texte(client.get(reverse("demande_detail", args=[demande.pk])))
    assert "Historique des réponses de la famille" in contenu
    return contenu.split("Historique des réponses de la famille", 1)[1].split("Réunions", 1)[0]


def test_les_reponses_de_la_famille_ont_leur_historique_lisible(client, monde, demande_envoyee):
    """Who recorded which answer, when, with its values in French; the comment (encrypted) stays
    in the table above, not in the history."""
    _reponse(client, monde["directeur"], demande_envoyee, accorde="False", titulaires="mere", forme="oral",
             commentaire="Refus au téléphone 4471.")
    _reponse(client, monde["maitre_e"], demande_envoyee, date=date(2026, 11, 27).isoformat())
    lu = _historique_des_reponses(client, monde["enseignant"], demande_envoyee)
    assert f"{monde['maitre_e']} — Réponse enregistrée" in lu
    assert f"{monde['directeur']} — Réponse enregistrée" in lu
    for attendu in ("Acte : Accord pour une aide E ou G", "Accord de la famille : Refus",
                    "Accord de la famille : Accord", "Date : 20/11/2026", "Date : 27/11/2026",
                    "Réponse donnée par : La mère", "Réponse donnée par : Les deux parents", "Forme : Oral"):
        assert attendu in lu, attendu
    assert lu.index(str(monde["maitre_e"])) < lu.index(str(monde["directeur"]))  # newest first
    for technique in ("aide_e_g", "False", "mere", "4471", "Demande"):
        assert technique not in lu, technique


def test_la_reponse_sur_le_travail_du_psychologue_reste_aux_psychologues(client, monde, demande_envoyee):
    _reponse(client, monde["psychologue"], demande_envoyee, acte="psy")
    lu = _historique_des_reponses(client, monde["psychologue"], demande_envoyee)
    assert f"{monde['psychologue']} — Réponse enregistrée" in lu
    assert "Acte : Accord pour un bilan ou un suivi psychologique" in lu
    for persona in ("enseignant", "directeur", "maitre_e"):
        client.force_login(monde[persona])
        contenu = texte(client.get(reverse("demande_detail", args=[demande_envoyee.pk])))
        assert "Historique des réponses de la famille" not in contenu, persona
        assert "Acte : Accord pour un bilan" not in contenu and PSYCHOLOGUE_NEUTRE not in contenu, persona


def test_le_psychologue_est_decide_par_son_role_au_moment_ou_il_ecrit(client, monde):
    """The history names the author by the role they had when writing (kept on the entry), not by
    the account's present role: a psychologist who moves to another role stays neutral for the
    school on what she wrote as a psychologist; a member who becomes psychologist later stays
    named on what he wrote before."""
    eleve = monde.eleve_a1
    url = reverse("eleve_detail", args=[eleve.pk])
    psychologue, maitre_e = monde["psychologue"], monde["maitre_e"]
    with set_actor(psychologue):
        eleve.ine = "123456789AB"
        eleve.save()
    with set_actor(maitre_e):
        eleve.ine = "123456789CD"
        eleve.save()
    # Later, the roles change.
    psychologue.role, maitre_e.role = Role.MAITRE_G, Role.PSYCHOLOGUE
    psychologue.save()
    maitre_e.save()
    lu = _historique(client, monde["directeur"], url)
    assert f"{PSYCHOLOGUE_NEUTRE} — Modification" in lu and "INE : (vide) → 123456789AB" in lu
    assert str(psychologue) not in lu
    assert f"{maitre_e} — Modification" in lu and "123456789AB → 123456789CD" in lu
