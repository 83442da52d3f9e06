"""The programme personnalisé through its pages: draft, edit, validate, new version, concurrency,
G-only transversal aims, who may act, and the secrecy of a psychological follow-up."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from aides.enums import EtatProgramme, TypeAide
from aides.models import ActionProgramme, Objectif, Programme
from eleves.enums import Role
from tests.conftest import PERSONAS
from tests.eleves.outils_pages import texte
from tests.factories import UtilisateurFactory
from tests.factories_aides import ConclusionPsyFactory
from tests.factories_parcours import aides_en_cours, programme_valide
from tests.factories_parcours import bilan as bilan_enregistre

# --- Arrange: an aid of each kind, started, through the workflow's services ------------------


def programme_de(aide, *, objectifs=("Décoder les syllabes simples",), valider=True, **champs):
    """This module's programmes: objectives numbered from 1, each with its own criterion, tied to
    the socle's 1.1 (to a transversal aim for a G aid)."""
    lignes = [{"ordre": rang, "intitule": intitule, "critere": f"Critère : {intitule}",
               "responsable": "Membre du RASED", **({"visee": "estime"} if aide.type == TypeAide.G else {})}
              for rang, intitule in enumerate(objectifs, start=1)]
    return programme_valide(aide, objectifs=lignes, valider=valider, **champs)


def bilan(programme, *, suite="poursuite", type_="intermediaire", jour=date(2027, 1, 4), **champs):
    """This module's reviews: every objective reached, « fragile » → « satisfaisante »."""
    return bilan_enregistre(programme, suite=suite, type=type_, date=jour, **champs, resultat=lambda o: {
        "atteinte": "atteint", "commentaire": f"Résultat : {o.intitule}", "maitrise_debut": "fragile",
        "maitrise_actuelle": "satisfaisante"})


def trois_aides_en_cours(monde, demande) -> dict:
    """E (maître E), G (maître G) and psychological (psychologue) aids, all started on 16/11/2026."""
    return aides_en_cours(
        demande, {TypeAide.E: monde["maitre_e"], TypeAide.G: monde["maitre_g"], TypeAide.PSY: monde["psychologue"]},
        referent=monde["maitre_e"], motif="Décodage et confiance en soi.", accord_le=date(2026, 11, 10),
        debut=date(2026, 11, 16),
    )


@pytest.fixture
def aides(monde, demande_envoyee):
    return trois_aides_en_cours(monde, demande_envoyee)


# --- Read a page's form as a browser would post it ----------------------------------------------


class _Formulaire(HTMLParser):
    """The fields of the form(s) in <main>: inputs, checked boxes, selected options, textareas."""

    def __init__(self):
        super().__init__()
        self.donnees: dict[str, str] = {}
        self._dans_main = False
        self._select = None
        self._select_choisi = False
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self._dans_main = True
        if not self._dans_main or not a.get("name") and tag != "option":
            return
        if tag == "input" and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.donnees[a["name"]] = a.get("value") or ("on" if a.get("type") == "checkbox" else "")
        elif tag == "select":
            self._select, self._select_choisi = a["name"], False
        elif tag == "option" and self._select:
            if self._select not in self.donnees or ("selected" in a and not self._select_choisi):
                self.donnees[self._select] = a.get("value", "")
                self._select_choisi = "selected" in a
        elif tag == "textarea":
            self._textarea = a["name"]
            self.donnees[self._textarea] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.donnees[self._textarea] += data


def champs_du_formulaire(response) -> dict:
    assert response.status_code == 200, response.status_code
    lecteur = _Formulaire()
    lecteur.feed(response.content.decode())
    donnees = lecteur.donnees
    for nom, valeur in donnees.items():
        if valeur.startswith("\n"):  # browsers drop the newline that follows <textarea>
            donnees[nom] = valeur[1:]
    donnees.pop("csrfmiddlewaretoken", None)
    return donnees


OBJECTIF_E = {"domaine": "1.1", "intitule": "Décoder les syllabes simples",
              "critere": "Lit 20 syllabes en une minute", "responsable": "Maître E"}


def _ligne(prefixe, rang, valeurs):
    return {f"{prefixe}-{rang}-{cle}": valeur for cle, valeur in valeurs.items()}


# --- The programme's life: draft → edit → validate → frozen → new version ---------------------


def test_programme_brouillon_modifie_valide_puis_nouvelle_version(client, monde, demande_envoyee, aides):
    aide = aides[TypeAide.E]
    client.force_login(monde["maitre_e"])
    url = reverse("programme_creer", args=[aide.pk])
    donnees = champs_du_formulaire(client.get(url))
    assert donnees["date_debut"] == "2026-11-16"  # the aid's start, by default
    assert "revision_lue" not in donnees
    donnees |= {"modalite": "petit_groupe", "seances_par_semaine": "2", "duree_seance": "45",
                "avis_famille": "La famille souhaite l'aide."}
    donnees |= _ligne("objectifs", 0, OBJECTIF_E)
    donnees |= _ligne("objectifs", 1, {"domaine": "1.3", "intitule": "Compter jusqu'à 100",
                                       "critere": "Sans erreur", "responsable": "Enseignant"})
    donnees |= _ligne("actions", 0, {"acteur": "enseignant", "description": "Lecture à voix haute chaque matin"})
    response = client.post(url, donnees)

    programme = Programme.objects.get(aide=aide)
    assert response["Location"] == reverse("programme_detail", args=[programme.pk])
    assert (programme.version, programme.etat, programme.redige_par) == (1, "brouillon", monde["maitre_e"])
    assert programme.date_revision == date(2027, 1, 4)  # one période after the start
    assert list(programme.objectifs.values_list("ordre", "intitule")) == [
        (1, "Décoder les syllabes simples"), (2, "Compter jusqu'à 100")]
    assert list(ActionProgramme.objects.values_list("acteur", "description")) == [
        ("enseignant", "Lecture à voix haute chaque matin")]

    # Edit: remove the second objective, add a new one in a blank row.
    url_modifier = reverse("programme_modifier", args=[programme.pk])
    donnees = champs_du_formulaire(client.get(url_modifier))
    assert donnees["revision_lue"] == "0"
    assert donnees["objectifs-1-intitule"] == "Compter jusqu'à 100"
    donnees["objectifs-1-DELETE"] = "on"
    donnees |= _ligne("objectifs", 2, {"domaine": "2", "intitule": "Organiser son cartable",
                                       "critere": "Seul, sans oubli", "responsable": "Famille"})
    response = client.post(url_modifier, donnees)
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.revision == 1
    assert list(programme.objectifs.values_list("ordre", "intitule")) == [
        (1, "Décoder les syllabes simples"), (2, "Organiser son cartable")]

    # Validate: GET asks for confirmation and changes nothing; POST validates.
    url_valider = reverse("programme_valider", args=[programme.pk])
    confirmation = client.get(url_valider)
    assert "Ce programme compte 2 objectifs" in texte(confirmation)
    programme.refresh_from_db()
    assert programme.etat == EtatProgramme.BROUILLON
    client.post(url_valider)
    programme.refresh_from_db()
    assert (programme.etat, programme.valide_par) == ("valide", monde["maitre_e"])
    deuxieme = client.post(url_valider, follow=True)
    assert "déjà validée" in texte(deuxieme)

    # A validated programme is not edited in place.
    refus = client.get(url_modifier, follow=True)
    assert "Un programme validé ne se modifie pas : créez une nouvelle version." in texte(refus)
    donnees["avis_famille"] = "Modifié après validation"
    refus = client.post(url_modifier, donnees)
    assert "Un programme validé ne se modifie pas" in texte(refus)
    assert "Modifié après validation" in refus.content.decode()  # the input is not lost
    programme.refresh_from_db()
    assert programme.avis_famille == "La famille souhaite l'aide."

    # New version: a confirmation page with the new période's start, then a draft copy.
    url_version = reverse("programme_nouvelle_version", args=[programme.pk])
    assert champs_du_formulaire(client.get(url_version)) == {"debut": "2027-01-04"}
    response = client.post(url_version, {"debut": "2027-01-04"})
    v2 = Programme.objects.get(aide=aide, version=2)
    assert response["Location"] == reverse("programme_modifier", args=[v2.pk])
    assert v2.etat == EtatProgramme.BROUILLON
    assert list(v2.objectifs.values_list("intitule", flat=True)) == [
        "Décoder les syllabes simples", "Organiser son cartable"]
    donnees = champs_du_formulaire(client.get(reverse("programme_modifier", args=[v2.pk])))
    donnees["objectifs-0-critere"] = "Lit 30 syllabes en une minute"
    client.post(reverse("programme_modifier", args=[v2.pk]), donnees)
    client.post(reverse("programme_valider", args=[v2.pk]))
    programme.refresh_from_db()
    assert programme.etat == EtatProgramme.REMPLACE

    # The old version stays readable, marked replaced, on the request page and its own page.
    client.force_login(monde["enseignant"])
    page_demande = client.get(reverse("demande_detail", args=[demande_envoyee.pk]))
    contenu = texte(page_demande)
    assert "Programme personnalisé, version 2 En vigueur" in contenu
    assert "Programme personnalisé, version 1 — Remplacée" in contenu
    assert contenu.index("version 2") < contenu.index("version 1")
    assert "Lit 30 syllabes en une minute" in contenu and "Lit 20 syllabes en une minute" in contenu
    ancienne = client.get(reverse("programme_detail", args=[programme.pk]))
    assert "Cette version a été remplacée" in texte(ancienne)
    assert "Lit 20 syllabes en une minute" in texte(ancienne)


def test_programme_creer_deux_fois_renvoie_au_programme_existant(client, monde, aides):
    programme = programme_de(aides[TypeAide.E], valider=False)
    client.force_login(monde["maitre_e"])
    response = client.get(reverse("programme_creer", args=[aides[TypeAide.E].pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("programme_detail", args=[programme.pk])
    assert "Cette aide a déjà un programme personnalisé" in texte(response)
    assert Programme.objects.count() == 1


def test_programme_validation_sans_objectif_refusee(client, monde, aides):
    programme = programme_de(aides[TypeAide.E], objectifs=(), valider=False)
    client.force_login(monde["maitre_e"])
    confirmation = client.get(reverse("programme_valider", args=[programme.pk]))
    assert "Ajoutez au moins un objectif avant de valider." in texte(confirmation)
    response = client.post(reverse("programme_valider", args=[programme.pk]), follow=True)
    assert "Un programme sans objectif ne peut pas être validé : ajoutez-en au moins un." in texte(response)
    programme.refresh_from_db()
    assert programme.etat == EtatProgramme.BROUILLON


def test_programme_dates_incoherentes_refusees_en_francais(client, monde, aides):
    programme = programme_de(aides[TypeAide.E], valider=False)
    client.force_login(monde["maitre_e"])
    url = reverse("programme_modifier", args=[programme.pk])
    donnees = champs_du_formulaire(client.get(url)) | {"date_revision": "2026-11-01"}
    response = client.post(url, donnees)
    assert "La date de révision ne peut pas précéder le début du programme." in texte(response)
    programme.refresh_from_db()
    assert (programme.date_revision, programme.revision) == (date(2027, 1, 4), 0)


def test_programme_valider_par_get_ne_change_rien(client, monde, aides):
    programme = programme_de(aides[TypeAide.E], valider=False)
    client.force_login(monde["maitre_e"])
    client.get(reverse("programme_valider", args=[programme.pk]))
    client.get(reverse("programme_nouvelle_version", args=[programme.pk]))
    programme.refresh_from_db()
    assert programme.etat == EtatProgramme.BROUILLON
    assert Programme.objects.count() == 1


# --- Two people editing the same programme -------------------------------------------------


def test_programme_second_enregistrement_concurrent_refuse_sans_perte(client, monde, aides):
    programme = programme_de(aides[TypeAide.E], objectifs=("Décoder", "Compter"), valider=False)
    collegue = UtilisateurFactory(username="maitre-e-bis", role=Role.MAITRE_E, circonscription=monde.nord,
                                  secteur=monde.secteur_1)
    url = reverse("programme_modifier", args=[programme.pk])
    client.force_login(monde["maitre_e"])
    premier = champs_du_formulaire(client.get(url))
    client.force_login(collegue)
    second = champs_du_formulaire(client.get(url))
    assert premier["revision_lue"] == second["revision_lue"] == "0"

    client.force_login(monde["maitre_e"])
    premier |= {"avis_eleve": "Content de venir en petit groupe"}
    premier["objectifs-1-DELETE"] = "on"  # the first save removes « Compter »
    assert client.post(url, premier).status_code == 302

    client.force_login(collegue)
    second |= {"avis_famille": "Avis saisi par le collègue 4417"}
    second["objectifs-1-critere"] = "Critère retouché par le collègue 4417"
    second |= _ligne("objectifs", 2, {"domaine": "1.3", "intitule": "Objectif ajouté par le collègue 4417",
                                      "critere": "x", "responsable": "y"})
    response = client.post(url, second)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce programme a été modifié par quelqu&#x27;un d&#x27;autre" in page
    for saisie in ("Avis saisi par le collègue 4417", "Critère retouché par le collègue 4417",
                   "Objectif ajouté par le collègue 4417"):
        assert saisie in page  # nothing the second person typed is lost
    assert 'name="revision_lue" value="0"' in page  # saving again needs a reload first
    programme.refresh_from_db()
    assert (programme.revision, programme.avis_eleve, programme.avis_famille) == (
        1, "Content de venir en petit groupe", "")
    assert list(programme.objectifs.values_list("intitule", flat=True)) == ["Décoder"]


# --- Transversal aims: maître G only, and exactly one of domain or aim --------------------------


def test_programme_visee_transversale_refusee_pour_une_aide_e(client, monde, aides):
    client.force_login(monde["maitre_e"])
    url = reverse("programme_creer", args=[aides[TypeAide.E].pk])
    page = client.get(url).content.decode()
    assert '<input type="hidden" name="objectifs-0-visee"' in page  # not offered for an E aid
    donnees = champs_du_formulaire(client.get(url)) | {"modalite": "individuel"}
    donnees |= _ligne("objectifs", 0, {"visee": "estime", "intitule": "Oser prendre la parole",
                                       "critere": "Lève la main", "responsable": "Maître E"})
    response = client.post(url, donnees)
    assert "Les visées transversales sont réservées aux aides à dominante relationnelle" in texte(response)
    assert not Programme.objects.exists()


def test_programme_visee_transversale_acceptee_pour_une_aide_g(client, monde, aides):
    client.force_login(monde["maitre_g"])
    url = reverse("programme_creer", args=[aides[TypeAide.G].pk])
    donnees = champs_du_formulaire(client.get(url)) | {"modalite": "individuel"}
    donnees |= _ligne("objectifs", 0, {"visee": "estime", "intitule": "Oser prendre la parole",
                                       "critere": "Lève la main deux fois par séance", "responsable": "Maître G"})
    donnees |= _ligne("objectifs", 1, {"domaine": "3", "intitule": "Respecter les règles du groupe",
                                       "critere": "Attend son tour", "responsable": "Enseignant"})
    assert client.post(url, donnees).status_code == 302
    assert list(Objectif.objects.values_list("domaine", "visee")) == [("", "estime"), ("3", "")]


@pytest.mark.parametrize("rattachement, message", [
    ({"domaine": "1.1", "visee": "estime"}, "l&#x27;un des deux, pas les deux"),
    ({}, "Rattachez cet objectif soit à un domaine du socle commun, soit à une visée transversale"),
])
def test_programme_objectif_g_exactement_un_rattachement(client, monde, aides, rattachement, message):
    client.force_login(monde["maitre_g"])
    url = reverse("programme_creer", args=[aides[TypeAide.G].pk])
    donnees = champs_du_formulaire(client.get(url)) | {"modalite": "individuel"}
    donnees |= _ligne("objectifs", 0, {"intitule": "Oser prendre la parole", "critere": "Lève la main",
                                       "responsable": "Maître G", **rattachement})
    response = client.post(url, donnees)
    assert message in response.content.decode()
    assert not Objectif.objects.exists()


# --- What the teacher and the school see -----------------------------------------------------


def test_programme_valide_et_bilans_visibles_de_l_enseignant(client, monde, demande_envoyee, aides):
    programme = programme_de(aides[TypeAide.E])
    bilan(programme, synthese="Progrès nets en décodage.")
    client.force_login(monde["enseignant"])
    contenu = texte(client.get(reverse("demande_detail", args=[demande_envoyee.pk])))
    assert "Aide à dominante pédagogique (maître E)" in contenu
    assert "Programme personnalisé, version 1 En vigueur" in contenu
    assert "Décoder les syllabes simples" in contenu
    assert "Critère : Décoder les syllabes simples" in contenu
    assert "Bilan intermédiaire du 04/01/2027" in contenu
    assert "Progrès nets en décodage." in contenu
    assert "Atteint Maîtrise fragile Maîtrise satisfaisante Résultat : Décoder les syllabes simples" in contenu
    # The teacher reads; acting is for the RASED.
    assert "Rédiger le programme personnalisé" not in contenu
    assert "Corriger ce bilan" not in contenu
    assert "Consulter ou imprimer" in contenu


def test_programme_boutons_d_action_pour_l_intervenant(client, monde, demande_envoyee, aides):
    programme_de(aides[TypeAide.E])
    client.force_login(monde["maitre_g"])
    contenu = texte(client.get(reverse("demande_detail", args=[demande_envoyee.pk])))
    assert "Rédiger le programme personnalisé" in contenu  # the G aid has none yet
    assert contenu.count("Rédiger le programme personnalisé") == 1
    client.force_login(monde["maitre_e"])
    contenu = texte(client.get(reverse("demande_detail", args=[demande_envoyee.pk])))
    assert "Ouvrir le programme" in contenu and "Consulter ou imprimer" not in contenu


# --- Professional secrecy of the psychologist ------------------------------------------------

SECRETS_PSY = (
    "OBJECTIF-PSY-7391", "SYNTHESE-PSY-5524", "ECHELLE-PSY-8810", "ACTION-PSY-3307", "CONCLUSION-PRIVEE-6162",
)


@pytest.fixture
def suivi_psy(aides):
    aide = aides[TypeAide.PSY]
    programme = programme_de(aide, objectifs=("OBJECTIF-PSY-7391",), modalite="individuel",
                             actions=[{"acteur": "rased", "description": "ACTION-PSY-3307"}])
    bilan(programme, synthese="SYNTHESE-PSY-5524", estime_instrument="ECHELLE-PSY-8810",
          estime_debut=12, estime_fin=18)
    ConclusionPsyFactory(aide=aide, date=date(2027, 1, 5), texte="CONCLUSION-PRIVEE-6162")
    return programme


def test_suivi_psy_lisible_du_psychologue(client, monde, demande_envoyee, suivi_psy):
    client.force_login(monde["psychologue"])
    contenu = texte(client.get(reverse("demande_detail", args=[demande_envoyee.pk])))
    for secret in SECRETS_PSY:
        assert secret in contenu
    assert "Estime de soi (ECHELLE-PSY-8810) : au début 12, à la fin 18 — évolution : +6" in contenu
    assert "Réservée aux psychologues" in contenu


@pytest.mark.parametrize("persona", ["maitre_e", "maitre_g", "directeur", "enseignant", "circonscription", "admin"])
def test_suivi_psy_invisible_des_autres(client, monde, demande_envoyee, suivi_psy, persona):
    client.force_login(monde[persona])
    page_demande = client.get(reverse("demande_detail", args=[demande_envoyee.pk]))
    pages = [page_demande, client.get(reverse("programme_detail", args=[suivi_psy.pk]))]
    assert pages[1].status_code == 404
    for page_lue in pages:
        contenu = page_lue.content.decode()
        for secret in SECRETS_PSY:
            assert secret not in contenu, (persona, secret)
        assert "Estime de soi" not in contenu
    if persona in ("maitre_e", "maitre_g", "enseignant"):
        # The RASED colleagues and the teacher who filed the request know a follow-up was decided.
        contenu = texte(page_demande)
        assert "Suivi psychologique en cours." in contenu
        assert "Aucune conclusion partagée pour l'instant." in contenu
        assert "Rédiger une conclusion" not in contenu
    else:
        # No nominative trace of the psychologist's pupils for the directeur of another teacher's
        # request (no conclusion shared with the team yet) nor for circonscription staff.
        assert "Suivi par le psychologue" not in page_demande.content.decode()


# --- Who may act, URL by URL ----------------------------------------------------------------

# Acting on an E aid's programme and evaluations: its maître E; others who see the request, 403.
AGIT_E = {
    "enseignant": 403, "directeur": 403, "maitre_e": 200, "maitre_g": 403, "psychologue": 403,
    "circonscription": 403, "admin": 404, "enseignant_autre_ecole": 404, "rased_autre_secteur": 404,
    "autre_circonscription": 404,
}
LIT_E = AGIT_E | {p: 200 for p in ("enseignant", "directeur", "maitre_g", "psychologue", "circonscription")}
AGIT_G = AGIT_E | {"maitre_e": 403, "maitre_g": 200}
# A psychological follow-up's content: psychologists only; it does not exist for anyone else.
AGIT_PSY = {p: 404 for p in PERSONAS} | {"psychologue": 200}
# A draft is its writers' until validated (the aid's intervenant and stand-ins): 404 for the others.
BROUILLON_E = {p: (404 if code == 403 else code) for p, code in AGIT_E.items()}
BROUILLON_G = {p: (404 if code == 403 else code) for p, code in AGIT_G.items()}


def _programme_e(aides, valider=True):
    return programme_de(aides[TypeAide.E], valider=valider)


CAS_PROGRAMMES = {
    "creer E": (lambda aides: reverse("programme_creer", args=[aides[TypeAide.E].pk]), AGIT_E),
    "creer psy": (lambda aides: reverse("programme_creer", args=[aides[TypeAide.PSY].pk]), AGIT_PSY),
    "detail E": (lambda aides: reverse("programme_detail", args=[_programme_e(aides).pk]), LIT_E),
    "detail psy": (lambda aides: reverse("programme_detail", args=[programme_de(aides[TypeAide.PSY]).pk]),
                   AGIT_PSY),
    "modifier E": (lambda aides: reverse("programme_modifier", args=[_programme_e(aides, False).pk]), BROUILLON_E),
    "modifier G": (lambda aides: reverse("programme_modifier",
                                         args=[programme_de(aides[TypeAide.G], valider=False).pk]), BROUILLON_G),
    "valider E": (lambda aides: reverse("programme_valider", args=[_programme_e(aides, False).pk]), BROUILLON_E),
    "nouvelle version E": (lambda aides: reverse("programme_nouvelle_version", args=[_programme_e(aides).pk]),
                           AGIT_E),
}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("cas", CAS_PROGRAMMES)
def test_programme_droits_par_persona(client, monde, aides, cas, persona):
    fabrique, attendu = CAS_PROGRAMMES[cas]
    url = fabrique(aides)
    etat_avant = list(Programme.objects.order_by("pk").values_list("pk", "etat", "revision"))
    client.force_login(monde[persona])
    response = client.get(url)
    assert response.status_code == attendu[persona], (cas, persona)
    if attendu[persona] != 200:
        assert client.post(url, {"debut": "2027-01-04", "modalite": "individuel"}).status_code == attendu[persona]
        assert list(Programme.objects.order_by("pk").values_list("pk", "etat", "revision")) == etat_avant
        assert Programme.objects.count() == len(etat_avant)


@pytest.mark.parametrize("cas", CAS_PROGRAMMES)
def test_programme_anonyme_renvoye_a_la_connexion(client, aides, cas):
    url = CAS_PROGRAMMES[cas][0](aides)
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("connexion"))


def test_programme_collegue_du_meme_role_et_secteur_peut_agir(client, monde, aides):
    programme = programme_de(aides[TypeAide.E], valider=False)
    collegue = UtilisateurFactory(username="maitre-e-bis", role=Role.MAITRE_E, circonscription=monde.nord,
                                  secteur=monde.secteur_1)
    client.force_login(collegue)
    client.post(reverse("programme_valider", args=[programme.pk]))
    programme.refresh_from_db()
    assert (programme.etat, programme.valide_par) == ("valide", collegue)


def test_programme_pages_sans_nom_d_eleve_dans_les_urls(client, monde, demande_envoyee, aides):
    programme = programme_de(aides[TypeAide.E])
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("demande_detail", args=[demande_envoyee.pk])).content.decode()
    assert f'href="/programmes/{programme.pk}/"' in page
    for nom in ("Petit", "Léa", "petit", "lea"):
        assert f"/{nom}" not in page
