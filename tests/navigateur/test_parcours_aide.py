"""The aid journey in a real browser, from the teacher's form to the final evaluation.

The teacher files a request (draft, then sent once the family is informed); maître E takes it
in charge, observes, records the family's agreement and the decision, starts the aid, writes and
validates the programme personnalisé, logs a group session and records the final review; the
teacher then reads the outcome without ever reading the RASED's observation. Each person signs in
through /connexion/ and signs out with « Se déconnecter » (one page throughout, so that
``capture`` and ``erreurs_console`` follow every step). The RASED member works on a tablet
(768 px wide), and so does the teacher: no page may need horizontal scrolling; the teacher's last
page is also captured at desktop width. A second test: without the family's agreement the aid
does not start (its button says why before the click), a recorded refusal ends it, and a later
agreement puts it back « à démarrer » and lets it start. The meeting and the renewal of a programme,
maître G's and the psychologist's journeys: test_parcours_rased.py.
"""

import re

from django.utils import timezone
from playwright.sync_api import expect

from aides.enums import TypeAide
from aides.models import DemandeAide
from tests.factories_parcours import aide_en_cours, aides_decidees, demande_deposee
from tests.navigateur.conftest import BUREAU, TABLETTE, enregistrer_la_seance

OBSERVATION_INTERNE = "Léa devine les mots longs à partir de leur première syllabe."
MOTIF = "Difficultés persistantes en lecture malgré les APC : aide E en petit groupe."


def _aide_e_decidee(monde, eleve, auteur, *, demarrer=False) -> DemandeAide:
    """A request sent by ``auteur`` for which the RASED decided an aid E led by maître E; with
    ``demarrer``, the family agreed and the aid started today."""
    demande = demande_deposee(eleve=eleve, auteur=auteur, domaines=["1.3"], difficultes="Numération jusqu'à 1000.")
    if demarrer:
        aide_en_cours(demande, TypeAide.E, monde["maitre_e"], motif="Aide E.")
    else:
        aides_decidees(demande, {TypeAide.E: monde["maitre_e"]}, motif="Aide E.")
    return demande


def test_demande_de_l_enseignant_jusqu_au_bilan_final(
    site, page, monde, capture, erreurs_console, se_connecter, se_deconnecter, sans_defilement_horizontal
):
    aujourd_hui = timezone.localdate().isoformat()
    # Another pupil of the secteur already helped by maître E, so that the session is a group.
    _aide_e_decidee(monde, monde.eleve_a2, monde["directeur"], demarrer=True)

    # 1. The teacher, on a tablet too, files a request from the pupil's page: a draft first.
    page.set_viewport_size(TABLETTE)
    se_connecter("enseignant")
    page.get_by_role("link", name="Élèves", exact=True).first.click()
    page.get_by_role("link", name="PETIT").click()
    expect(page.get_by_role("heading", name="Léa PETIT")).to_be_visible()
    assert page.url == f"{site}/eleves/{monde.eleve_a1.pk}/"
    page.get_by_role("link", name="Déposer une demande d'aide").click()
    expect(page.get_by_role("heading", name="Nouvelle demande d'aide")).to_be_visible()
    page.get_by_label("1.1 Langue française à l'oral et à l'écrit").check()
    page.get_by_label("Difficultés observées").fill("Lecture très lente, déchiffrage hésitant.")
    sans_defilement_horizontal()
    capture("aide-01-enseignant-nouvelle-demande")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Le brouillon a été enregistré. Vous pourrez le compléter plus tard.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Demande d'aide n° \\d+ Brouillon"))).to_be_visible()
    assert "Petit" not in page.url and "Lea" not in page.url

    # … comes back later from the dashboard, is reminded that the family must be told, completes it.
    page.get_by_role("link", name="Accueil", exact=True).click()
    expect(page.get_by_text("Vous avez 1 brouillon à compléter")).to_be_visible()
    page.get_by_role("row", name=re.compile("Léa PETIT")).get_by_role("link").click()
    # « Envoyer » says why it cannot be sent yet, before any click.
    expect(page.get_by_role("button", name="Envoyer au RASED")).to_be_disabled()
    expect(page.get_by_text(re.compile("La famille doit être informée avant l'envoi"))).to_be_visible()
    page.get_by_role("link", name="Compléter").click()
    expect(page.get_by_role("heading", name="Compléter la demande d'aide")).to_be_visible()
    page.get_by_label("Erreurs relevées").fill("Confond b/d, oublie les syllabes complexes.")
    page.get_by_label("Activités pédagogiques complémentaires (APC)").check()
    page.get_by_label("Points d'appui de l'élève").fill("Très bonne compréhension à l'oral.")
    page.get_by_label("Attentes de l'enseignant").fill("Des pistes pour la fluence.")
    page.get_by_label("Famille informée le").fill(aujourd_hui)
    page.get_by_label("Famille informée par").select_option(label="Rencontre")
    sans_defilement_horizontal()
    capture("aide-02-enseignant-completer-demande")
    page.get_by_role("button", name="Envoyer au RASED").click()
    expect(page.get_by_text("La demande a été envoyée au RASED du secteur.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Envoyée au RASED"))).to_be_visible()
    sans_defilement_horizontal()
    capture("aide-03-enseignant-demande-envoyee")
    demande = DemandeAide.objects.get(eleve=monde.eleve_a1)
    se_deconnecter()

    # 2. Maître E, on a tablet, analyses the request and decides an aid E.
    se_connecter("maitre-e")
    page.get_by_role("link", name="À traiter").click()
    expect(page.get_by_role("heading", name="Demandes à traiter")).to_be_visible()
    sans_defilement_horizontal()
    capture("aide-04-tablette-a-traiter")
    page.get_by_role("row", name=re.compile("Léa PETIT")).get_by_role("link", name=str(demande.pk)).click()
    page.get_by_role("link", name="Prendre en charge").click()
    expect(page.get_by_label("Référent de la demande")).to_have_value(str(monde["maitre_e"].pk))
    page.get_by_role("button", name="Enregistrer le référent").click()
    expect(page.get_by_text(re.compile("La demande est prise en charge. Référent :"))).to_be_visible()

    page.get_by_role("link", name="Ajouter une observation").click()
    page.locator("#id_type").select_option(label="Analyse des erreurs")
    page.locator("#id_contenu").fill(OBSERVATION_INTERNE)
    page.get_by_label("Didactique").check()
    page.get_by_role("button", name="Enregistrer l'observation").click()
    expect(page.get_by_text("L'observation a été enregistrée.")).to_be_visible()
    expect(page.get_by_text(OBSERVATION_INTERNE)).to_be_visible()

    page.get_by_role("link", name="Enregistrer une réponse de la famille").click()
    page.locator("#id_acte").select_option(label="Accord pour une aide E ou G")
    page.get_by_label("Accord", exact=True).check()
    page.get_by_label("Réponse donnée par").select_option(label="Les deux parents")
    page.get_by_label("Forme").select_option(label="Écrit")
    sans_defilement_horizontal()
    capture("aide-05-tablette-accord-famille")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("L'accord de la famille a été enregistré : accord pour une aide e ou g.")).to_be_visible()

    page.get_by_role("link", name="Enregistrer la décision").click()
    page.get_by_label("Aide du RASED", exact=True).check()
    page.get_by_label("Motif de la décision").fill(MOTIF)
    page.get_by_label("Aide à dominante pédagogique (maître E)").check()
    page.locator("#id_intervenant_E").select_option(str(monde["maitre_e"].pk))
    sans_defilement_horizontal()
    capture("aide-06-tablette-decision")
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("La décision a été enregistrée ; l'enseignant en est informé.")).to_be_visible()

    page.get_by_role("link", name="Démarrer l'aide").click()
    expect(page.get_by_text("Accord pour une aide E ou G : enregistré")).to_be_visible()
    page.get_by_role("button", name="Démarrer l'aide").click()
    expect(page.get_by_text(re.compile("L'aide a démarré le \\d\\d/\\d\\d/\\d{4}."))).to_be_visible()
    sans_defilement_horizontal()
    capture("aide-07-tablette-demande-aide-demarree")

    # 3. The programme personnalisé: one objective, one action; then validated.
    page.get_by_role("link", name="Rédiger le programme personnalisé").click()
    page.get_by_label("Modalité").select_option(label="En petit groupe")
    page.locator("#id_objectifs-0-domaine").select_option(label="1.1 Langue française à l'oral et à l'écrit")
    page.locator("#id_objectifs-0-intitule").fill("Lire les syllabes complexes")
    page.locator("#id_objectifs-0-critere").fill("Lit 20 mots à syllabes complexes sans erreur")
    page.locator("#id_objectifs-0-responsable").fill("Maître E")
    page.locator("#id_actions-0-acteur").select_option(label="Enseignant en classe")
    page.locator("#id_actions-0-description").fill("Lecture quotidienne de syllabes en atelier")
    sans_defilement_horizontal()
    capture("aide-08-tablette-programme")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Le programme personnalisé a été enregistré comme brouillon.")).to_be_visible()
    page.get_by_role("link", name="Valider…").click()
    expect(page.get_by_text("Ce programme compte 1 objectif.")).to_be_visible()
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.get_by_text("La version 1 du programme personnalisé est validée.")).to_be_visible()
    expect(page.get_by_text("En vigueur")).to_be_visible()
    programme_url = page.url

    # … a group session: Léa present, the other pupil absent.
    page.get_by_role("link", name="Séances", exact=True).click()
    page.get_by_role("link", name="Noter une séance").click()
    assert page.url == f"{site}/seances/nouvelle/"
    page.get_by_label("Ce qui a été travaillé").fill("Syllabes complexes : jeu de l'oie des sons.")
    page.get_by_label("Léa PETIT", exact=True).check()
    page.get_by_label("Observation pour Léa PETIT").fill("Plus à l'aise avec « oi » et « on ».")
    page.get_by_label("Nassim MOREAU", exact=True).check()
    page.get_by_label("Présence de Nassim MOREAU").select_option(label="Absent")
    sans_defilement_horizontal()
    capture("aide-09-tablette-seance")
    enregistrer_la_seance(page)
    expect(page.get_by_text(re.compile("La séance du .* a été enregistrée \\(2 élèves\\)."))).to_be_visible()
    sans_defilement_horizontal()

    # … and the final review: the aid stops, objectives reached.
    page.goto(programme_url)
    page.get_by_role("link", name="Faire un bilan").click()
    page.get_by_label("Atteinte").select_option(label="Atteint")
    page.get_by_label("Maîtrise de la compétence au début").select_option(label="Maîtrise fragile")
    page.get_by_label("Maîtrise actuelle").select_option(label="Maîtrise satisfaisante")
    page.get_by_label("Type de bilan").select_option(label="Bilan final")
    page.get_by_label("Synthèse").fill("Léa lit les syllabes complexes ; fluence en progrès.")
    page.get_by_label("Suite donnée").select_option(label="Arrêt (objectifs atteints)")
    sans_defilement_horizontal()
    capture("aide-10-tablette-bilan")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.get_by_text("Le bilan est enregistré et l'enseignant en est informé. L'aide est terminée.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Clôturée"))).to_be_visible()
    sans_defilement_horizontal()
    capture("aide-11-tablette-demande-cloturee")
    se_deconnecter()

    # 4. The teacher reads the outcome, never the RASED's internal observation.
    se_connecter("enseignant")
    page.get_by_role("link", name=f"Un bilan de l'aide liée à votre demande n° {demande.pk} a été enregistré.").click()
    expect(page.get_by_role("heading", name=f"Demande d'aide n° {demande.pk} Clôturée")).to_be_visible()
    decision = page.get_by_role("region", name="Décision du RASED")
    expect(decision.get_by_text("Aide du RASED", exact=True)).to_be_visible()
    expect(decision.get_by_text(MOTIF)).to_be_visible()
    aides = page.get_by_role("region", name="Aides du RASED")
    expect(aides.get_by_role("heading", name=re.compile("Programme personnalisé, version 1 En vigueur"))).to_be_visible()
    expect(aides.get_by_role("cell", name="Lire les syllabes complexes").first).to_be_visible()
    expect(aides.get_by_text(re.compile("Bilan final du"))).to_be_visible()
    expect(aides.get_by_text("Suite donnée : Arrêt (objectifs atteints)")).to_be_visible()
    expect(page.get_by_text(OBSERVATION_INTERNE)).to_have_count(0)
    expect(page.get_by_text("Observations du RASED")).to_have_count(0)
    sans_defilement_horizontal()
    capture("aide-12-enseignant-demande-cloturee")
    page.set_viewport_size(BUREAU)
    capture("aide-13-enseignant-bureau-demande-cloturee")
    assert erreurs_console == [], erreurs_console


def _reponse_de_la_famille(page, reponse: str, commentaire: str):
    page.get_by_role("link", name="Enregistrer une réponse de la famille").click()
    page.locator("#id_acte").select_option(label="Accord pour une aide E ou G")
    page.get_by_label(reponse, exact=True).check()
    page.get_by_label("Réponse donnée par").select_option(label="La mère")
    page.get_by_label("Forme").select_option(label="Oral")
    page.get_by_label("Commentaire").fill(commentaire)
    page.get_by_role("button", name="Enregistrer", exact=True).click()


def test_sans_accord_l_aide_ne_demarre_pas_puis_la_famille_change_d_avis(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal
):
    demande = _aide_e_decidee(monde, monde.eleve_a1, monde["enseignant"])
    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")
    page.get_by_role("region", name=re.compile("Ma file active")).get_by_role("link", name="Léa PETIT").click()
    expect(page.get_by_role("heading", name=f"Demande d'aide n° {demande.pk} Aide décidée")).to_be_visible()

    # Before any click, the button says why the aid cannot start yet.
    expect(page.get_by_role("button", name="Démarrer l'aide")).to_be_disabled()
    expect(page.get_by_text("L'aide ne peut pas commencer avant l'accord de la famille : enregistrez-le d'abord.")).to_be_visible()
    expect(page.get_by_role("link", name="Démarrer l'aide")).to_have_count(0)
    sans_defilement_horizontal()
    capture("aide-refus-01-tablette-demarrer-sans-accord")

    # The family refuses: the refusal is recorded and ends the aid that had not started.
    _reponse_de_la_famille(page, "Refus", "La famille préfère attendre la fin du trimestre.")
    expect(page.get_by_text(re.compile("Le refus de la famille a été enregistré : accord pour une aide e ou g."))).to_be_visible()
    expect(page.get_by_role("cell", name="Refus")).to_be_visible()
    expect(page.get_by_text(re.compile("Camille Martin\\d+ — terminée"))).to_be_visible()
    expect(page.get_by_role("button", name="Démarrer l'aide")).to_have_count(0)
    sans_defilement_horizontal()
    capture("aide-refus-02-tablette-refus-enregistre")

    # The family changes its mind, as the letter promised: the aid is to start again.
    _reponse_de_la_famille(page, "Accord", "Après la réunion, la famille accepte l'aide.")
    expect(page.get_by_text(re.compile("Camille Martin\\d+ — à démarrer"))).to_be_visible()
    page.get_by_role("link", name="Démarrer l'aide").click()
    expect(page.get_by_text(re.compile("Accord pour une aide E ou G : enregistré le"))).to_be_visible()
    page.get_by_role("button", name="Démarrer l'aide").click()
    expect(page.get_by_text(re.compile("Camille Martin\\d+ — en cours"))).to_be_visible()
    sans_defilement_horizontal()
    capture("aide-refus-03-tablette-accord-puis-demarrage")
    assert erreurs_console == [], erreurs_console
