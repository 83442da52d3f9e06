"""The RASED members' journeys in a real browser, on a tablet (768 px wide).

- Maître E holds the meeting about a pupil already helped, then reviews the programme and
  renews it for a new période (version 2 validated, version 1 kept as replaced).
- Maître G observes, starts the aid, writes a programme whose objective is a transversal aim
  (what only an aid G may have), validates it, logs a group session, and renews after review.
- The psychologist does the same for a psychological follow-up (observation, start, programme,
  session, review with the self-esteem measure, renewal) and writes a conclusion kept to
  psychologists. Then the teacher, the directeur and maître E sign in in turn: none of the
  psychologist's texts appears on the pages they reach (pupil, request, sessions, fiche de
  suivi), and the programme's address answers « Page introuvable ».

The steps before the RASED's work (request filed, sent, decided, the family's agreement) are
arranged through the services: test_parcours_aide.py drives them in the browser.
"""

import re

from django.utils import timezone
from playwright.sync_api import expect

from aides.enums import EtatProgramme, TypeAide
from aides.models import DemandeAide, Evaluation
from tests.factories import eleve_inscrit
from tests.factories_parcours import aide_en_cours, demande_deposee, programme_valide
from tests.navigateur.conftest import BUREAU, TABLETTE, enregistrer_la_seance

OBSERVATION_PSY = "Entretien : Léa dit avoir peur de lire devant la classe."
OBJECTIF_PSY = "Oser lire à voix haute devant trois camarades"
SEANCE_PSY = "Entretien d'explicitation autour de la lecture à voix haute."
OBSERVATION_SEANCE_PSY = "Anxiété de performance marquée, se détend en fin de séance."
SYNTHESE_PSY = "L'estime de soi progresse, l'anxiété recule."
INSTRUMENT_PSY = "Échelle d'estime de soi de Rosenberg"
CONCLUSION_RESERVEE = "Profil anxieux, sans trouble spécifique des apprentissages."
SECRETS_PSY = [
    OBSERVATION_PSY, OBJECTIF_PSY, SEANCE_PSY, OBSERVATION_SEANCE_PSY, SYNTHESE_PSY, INSTRUMENT_PSY,
    CONCLUSION_RESERVEE,
]


def _aide_decidee(monde, eleve, type_aide, intervenant, *, auteur=None, demarrer=False) -> DemandeAide:
    """A request for ``eleve`` sent by ``auteur`` (the directeur unless said), answered by one aid
    of ``type_aide``, the family agreeing; the aid is started today if ``demarrer``."""
    demande = demande_deposee(eleve=eleve, auteur=auteur or monde["directeur"],
                              difficultes="Lecture hésitante, refuse de lire à voix haute.")
    aide_en_cours(demande, type_aide, intervenant, motif="Décidé en synthèse RASED.", demarrer=demarrer)
    return demande


def _ouvrir_depuis_la_file_active(page, nom, demande):
    page.get_by_role("region", name=re.compile("Ma file active")).get_by_role("link", name=nom).click()
    expect(page.get_by_role("heading", name=re.compile(f"Demande d'aide n° {demande.pk} "))).to_be_visible()


def _demarrer_l_aide(page):
    page.get_by_role("link", name="Démarrer l'aide").click()
    page.get_by_role("button", name="Démarrer l'aide").click()
    expect(page.get_by_text(re.compile("L'aide a démarré le \\d\\d/\\d\\d/\\d{4}."))).to_be_visible()


def _valider_le_programme(page, version):
    page.get_by_role("link", name="Valider…").click()
    page.get_by_role("button", name="Confirmer la validation").click()
    expect(page.get_by_text(f"La version {version} du programme personnalisé est validée.")).to_be_visible()


def _bilan_et_renouvellement(page, *, type_bilan, synthese, estime=None):
    """Review the programme shown, decide to renew it, and validate version 2 as it is offered."""
    page.get_by_role("link", name="Faire un bilan").click()
    page.get_by_label("Atteinte").select_option(label="Partiellement atteint")
    page.get_by_label("Maîtrise de la compétence au début").select_option(label="Maîtrise insuffisante")
    page.get_by_label("Maîtrise actuelle").select_option(label="Maîtrise fragile")
    page.get_by_label("Type de bilan").select_option(label=type_bilan)
    page.get_by_label("Synthèse").fill(synthese)
    if estime:
        instrument, debut, fin = estime
        page.get_by_label("Instrument de mesure de l'estime de soi").fill(instrument)
        page.get_by_label("Score au début").fill(debut)
        page.get_by_label("Score à la fin").fill(fin)
    page.get_by_label("Suite donnée").select_option(label="Renouvellement pour une nouvelle période")
    page.get_by_role("button", name="Enregistrer le bilan").click()
    expect(page.get_by_text(re.compile("La version 2 du programme est ouverte"))).to_be_visible()
    expect(page.get_by_role("heading", name="Modifier le programme personnalisé, version 2")).to_be_visible()


def test_maitre_e_tient_la_reunion_et_renouvelle_le_programme(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal,
    axe_sans_violation_grave,
):
    demande = _aide_decidee(monde, monde.eleve_a1, TypeAide.E, monde["maitre_e"], auteur=monde["enseignant"],
                            demarrer=True)
    aide = demande.aides.get()
    programme_valide(aide, objectifs=[{"intitule": "Lire les syllabes complexes", "critere": "Lit 20 mots sans erreur",
                                       "responsable": "Maître E"}])

    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")
    _ouvrir_depuis_la_file_active(page, "Léa PETIT", demande)

    # The meeting: who was there, what was said and decided.
    page.get_by_role("link", name="Enregistrer une réunion").click()
    page.get_by_label("Type de réunion").select_option(label="Équipe éducative")
    page.get_by_label("Date et heure").fill(f"{timezone.localdate().isoformat()}T16:30")
    page.get_by_label("Lieu").fill("Salle des maîtres")
    for persona in ("enseignant", "directeur", "maitre_e"):
        personne = monde[persona]
        page.get_by_label(f"{personne} — {personne.get_role_display()}").check()
    page.get_by_label("Autres participants").fill("Mme Petit — mère")
    page.get_by_label("Ordre du jour").fill("Point sur la lecture de Léa.")
    page.get_by_label("Compte rendu").fill("Léa progresse en déchiffrage ; la fluence reste faible.")
    page.get_by_label("Décisions").fill("Poursuivre l'aide E ; lecture partagée à la maison.")
    sans_defilement_horizontal()
    axe_sans_violation_grave("maître E · réunion")
    capture("rased-e-01-tablette-reunion")
    page.get_by_role("button", name="Enregistrer la réunion").click()
    expect(page.get_by_text("La réunion a été enregistrée.")).to_be_visible()
    expect(page.get_by_role("row", name="Mme Petit mère")).to_be_visible()
    expect(page.get_by_role("row", name=f"{monde['directeur']} Directeur")).to_be_visible()
    expect(page.get_by_text("Poursuivre l'aide E ; lecture partagée à la maison.")).to_be_visible()
    sans_defilement_horizontal()
    axe_sans_violation_grave("maître E · compte rendu de réunion")
    capture("rased-e-02-tablette-compte-rendu")

    # The review at the end of the période renews the programme; version 2 is adjusted, validated.
    page.get_by_role("link", name="Retour à la demande").click()
    expect(page.get_by_role("region", name="Réunions").get_by_role("link", name=re.compile("Équipe éducative du"))).to_be_visible()
    page.get_by_role("link", name="Ouvrir le programme").click()
    _bilan_et_renouvellement(page, type_bilan="Bilan intermédiaire", synthese="Déchiffrage en progrès, fluence faible.")
    page.locator("#id_objectifs-0-critere").fill("Lit 30 mots à syllabes complexes sans erreur")
    sans_defilement_horizontal()
    capture("rased-e-03-tablette-version-2")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Le programme personnalisé a été enregistré.")).to_be_visible()
    _valider_le_programme(page, 2)
    expect(page.get_by_role("cell", name="Lit 30 mots à syllabes complexes sans erreur")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Version 1")).to_contain_text("Remplacé")
    sans_defilement_horizontal()
    axe_sans_violation_grave("maître E · programme version 2")
    capture("rased-e-04-tablette-programme-renouvele")
    page.set_viewport_size(BUREAU)
    capture("rased-e-05-bureau-programme-renouvele")
    assert list(aide.programmes.order_by("version").values_list("version", "etat")) == [
        (1, EtatProgramme.REMPLACE), (2, EtatProgramme.VALIDE),
    ]
    assert erreurs_console == [], erreurs_console


def test_maitre_g_aide_relationnelle_de_l_observation_au_renouvellement(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal,
    axe_sans_violation_grave,
):
    demande = _aide_decidee(monde, monde.eleve_a2, TypeAide.G, monde["maitre_g"])
    # Another pupil already helped by maître G: the session is a group.
    _aide_decidee(monde, eleve_inscrit(monde.classe_a1, nom="Roux", prenom="Emma"), TypeAide.G, monde["maitre_g"],
                  demarrer=True)

    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-g")
    _ouvrir_depuis_la_file_active(page, "Nassim MOREAU", demande)
    page.get_by_role("link", name="Ajouter une observation").click()
    page.locator("#id_type").select_option(label="Dialogue avec l'élève")
    page.locator("#id_contenu").fill("Nassim dit qu'il « n'y arrivera jamais » ; il efface sans cesse.")
    page.get_by_label("Affectif").check()
    page.get_by_role("button", name="Enregistrer l'observation").click()
    expect(page.get_by_text("L'observation a été enregistrée.")).to_be_visible()
    _demarrer_l_aide(page)

    # The programme of an aid G: an objective tied to a transversal aim, not to a socle domain.
    page.get_by_role("link", name="Rédiger le programme personnalisé").click()
    page.get_by_label("Modalité").select_option(label="En petit groupe")
    page.locator("#id_objectifs-0-visee").select_option(label="Estime de soi")
    page.locator("#id_objectifs-0-intitule").fill("Oser essayer sans craindre l'erreur")
    page.locator("#id_objectifs-0-critere").fill("Termine trois défis sans effacer")
    page.locator("#id_objectifs-0-responsable").fill("Maître G")
    page.locator("#id_actions-0-acteur").select_option(label="Enseignant en classe")
    page.locator("#id_actions-0-description").fill("Valoriser les essais, pas seulement les réussites")
    sans_defilement_horizontal()
    axe_sans_violation_grave("maître G · programme")
    capture("rased-g-01-tablette-programme")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Le programme personnalisé a été enregistré comme brouillon.")).to_be_visible()
    _valider_le_programme(page, 1)
    expect(page.get_by_role("cell", name="Visée transversale : estime de soi")).to_be_visible()
    programme_url = page.url

    # A group session: both pupils present.
    page.get_by_role("link", name="Séances", exact=True).click()
    page.get_by_role("link", name="Noter une séance").click()
    page.get_by_label("Ce qui a été travaillé").fill("Jeu coopératif : la tour des défis.")
    page.get_by_label("Nassim MOREAU", exact=True).check()
    page.get_by_label("Emma ROUX", exact=True).check()
    page.get_by_label("Observation pour Nassim MOREAU").fill("A recommencé seul après un échec.")
    sans_defilement_horizontal()
    capture("rased-g-02-tablette-seance")
    enregistrer_la_seance(page)
    expect(page.get_by_text(re.compile("La séance du .* a été enregistrée \\(2 élèves\\)."))).to_be_visible()

    # The review: renewed for a new période.
    page.goto(programme_url)
    _bilan_et_renouvellement(page, type_bilan="Bilan final", synthese="Nassim ose davantage ; à consolider.")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    _valider_le_programme(page, 2)
    sans_defilement_horizontal()
    axe_sans_violation_grave("maître G · programme version 2")
    capture("rased-g-03-tablette-programme-renouvele")
    page.set_viewport_size(BUREAU)
    capture("rased-g-04-bureau-programme-renouvele")
    assert erreurs_console == [], erreurs_console


def test_psychologue_suit_un_eleve_et_ses_notes_restent_invisibles_aux_autres(
    site, page, monde, capture, erreurs_console, se_connecter, se_deconnecter,
    sans_defilement_horizontal, axe_sans_violation_grave, pdf_telecharge,
):
    eleve = monde.eleve_a1
    demande = _aide_decidee(monde, eleve, TypeAide.PSY, monde["psychologue"], auteur=monde["enseignant"])

    page.set_viewport_size(TABLETTE)
    se_connecter("psychologue")
    _ouvrir_depuis_la_file_active(page, "Léa PETIT", demande)
    page.get_by_role("link", name="Ajouter une observation").click()
    expect(page.get_by_text(re.compile("couvertes par le secret professionnel"))).to_be_visible()
    page.locator("#id_type").select_option(label="Bilan (évaluation)")
    page.locator("#id_contenu").fill(OBSERVATION_PSY)
    page.get_by_role("button", name="Enregistrer l'observation").click()
    expect(page.get_by_text(OBSERVATION_PSY)).to_be_visible()
    expect(page.get_by_text("Confidentiel : psychologues seulement")).to_be_visible()
    _demarrer_l_aide(page)

    page.get_by_role("link", name="Rédiger le programme personnalisé").click()
    page.get_by_label("Modalité").select_option(label="Individuelle")
    page.get_by_label("Séances par semaine").fill("1")
    page.locator("#id_objectifs-0-domaine").select_option(label="3 Formation de la personne et du citoyen")
    page.locator("#id_objectifs-0-intitule").fill(OBJECTIF_PSY)
    page.locator("#id_objectifs-0-critere").fill("Lit un paragraphe sans s'interrompre")
    page.locator("#id_objectifs-0-responsable").fill("Psychologue")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    _valider_le_programme(page, 1)
    programme_url = page.url

    page.get_by_role("link", name="Séances", exact=True).click()
    page.get_by_role("link", name="Noter une séance").click()
    page.get_by_label("Ce qui a été travaillé").fill(SEANCE_PSY)
    page.get_by_label("Léa PETIT", exact=True).check()
    page.get_by_label("Observation pour Léa PETIT").fill(OBSERVATION_SEANCE_PSY)
    enregistrer_la_seance(page)
    expect(page.get_by_text(re.compile("La séance du .* a été enregistrée \\(1 élève\\)."))).to_be_visible()

    # The review measures self-esteem with one instrument at the start and now; then renewal.
    page.goto(programme_url)
    _bilan_et_renouvellement(
        page, type_bilan="Bilan intermédiaire", synthese=SYNTHESE_PSY, estime=(INSTRUMENT_PSY, "22", "27"),
    )
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    _valider_le_programme(page, 2)
    bilan = Evaluation.objects.get(programme__aide__demande=demande)
    assert (bilan.estime_instrument, bilan.estime_debut, bilan.estime_fin) == (INSTRUMENT_PSY, 22, 27)
    sans_defilement_horizontal()
    axe_sans_violation_grave("psychologue · programme version 2")
    capture("rased-psy-01-tablette-programme-renouvele")

    # A conclusion kept to psychologists (not shared).
    page.get_by_role("link", name="Retour à la demande").or_(page.get_by_role("link", name=f"n° {demande.pk}")).first.click()
    page.get_by_role("link", name="Rédiger une conclusion").click()
    page.get_by_label("Conclusion").fill(CONCLUSION_RESERVEE)
    sans_defilement_horizontal()
    axe_sans_violation_grave("psychologue · conclusion")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text("La conclusion est enregistrée ; elle reste réservée aux psychologues")).to_be_visible()
    expect(page.get_by_text("Réservée aux psychologues", exact=True)).to_be_visible()
    capture("rased-psy-02-tablette-demande")
    se_deconnecter()

    # The others: the pages about Léa they reach say that a follow-up exists, never what it holds;
    # the directeur of another teacher's request is not told of it at all (DOMAIN.md: no
    # nominative list of the pupils a psychologist sees).
    def sans_secret(qui, ou):
        contenu = page.content()
        fuites = [texte for texte in SECRETS_PSY if texte in contenu]
        assert not fuites, f"{qui}, {ou} ({page.url}) : {fuites}"

    for username, persona in (("enseignant", "enseignant"), ("directeur", "directeur"), ("maitre-e", "maitre_e")):
        se_connecter(username)
        sans_secret(username, "accueil")
        page.goto(f"{site}/eleves/{eleve.pk}/")
        expect(page.get_by_role("heading", name="Léa PETIT")).to_be_visible()
        sans_secret(username, "fiche élève")
        page.get_by_role("link", name=f"Demande d'aide n° {demande.pk}").click()
        if username == "directeur":
            expect(page.get_by_text("Suivi psychologique en cours.")).to_have_count(0)
        else:
            expect(page.get_by_text("Suivi psychologique en cours.")).to_be_visible()
            expect(page.get_by_text("Aucune conclusion partagée pour l'instant.")).to_be_visible()
        sans_secret(username, "demande")
        sans_defilement_horizontal()
        capture(f"rased-psy-03-tablette-demande-vue-par-{username}")
        page.goto(f"{site}/eleves/{eleve.pk}/seances/")
        secret = page.get_by_text("Le contenu de ce suivi est couvert par le secret professionnel du psychologue.")
        expect(secret).to_have_count(0) if username == "directeur" else expect(secret).to_be_visible()
        sans_secret(username, "séances de l'élève")
        if username == "maitre-e":
            page.get_by_role("link", name="Séances", exact=True).click()
            sans_secret(username, "ses séances")
        if username == "directeur":
            page.goto(f"{site}/eleves/{eleve.pk}/")
            entetes, texte = pdf_telecharge(
                page.get_by_role("link", name="Imprimer la fiche de suivi (PDF)"),
                nom_capture="rased-psy-04-fiche-de-suivi-directeur",
            )
            assert entetes["content-type"] == "application/pdf" and "PETIT" in texte
            assert not [t for t in SECRETS_PSY if t in texte], texte
        page.goto(programme_url)
        expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
        erreurs_console[:] = [e for e in erreurs_console if "404" not in e]
        se_deconnecter()
    assert erreurs_console == [], erreurs_console
