"""« Ma semaine » and the dashboard's « Séances à noter », through the pages.

The week shown is Monday 30 November to Friday 4 December 2026, « today » being Thursday
3 December at noon (time-machine): Monday to Wednesday are over, Thursday is today.
"""

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils.formats import date_format

from aides.enums import TypeReunion
from aides.models import Creneau, CreneauNonTenu, TempsTrajet
from eleves.enums import Zone
from tests.conftest import PERSONAS
from tests.factories import eleve_inscrit
from tests.factories_aides import (
    ActionEquipeFactory,
    AideFactory,
    CreneauFactory,
    DemandeAideFactory,
    GroupeFactory,
    MembreGroupeFactory,
    ReunionFactory,
    SeanceFactory,
)

PARIS = ZoneInfo("Europe/Paris")
LUNDI = date(2026, 11, 30)
JEUDI = date(2026, 12, 3)
URL = reverse("ma_semaine")
# A name no page, feed or log may show: the individual slot's pupil.
PRENOM_SECRET, NOM_SECRET = "Zéphyrine", "Quasimodo-Brandebourg"


@pytest.fixture
def jeudi():
    with time_machine.travel(datetime(2026, 12, 3, 12, 0, tzinfo=PARIS), tick=False):
        yield JEUDI


def aide_de(monde, eleve, intervenant, type_aide="E"):
    demande = DemandeAideFactory(eleve=eleve, auteur=monde["enseignant"], envoyee=True)
    return AideFactory(demande=demande, intervenant=intervenant, type=type_aide, en_cours=True)


def creneau(groupe, jour, heure, duree=45, **kwargs):
    return CreneauFactory(groupe=groupe, jour=jour, heure=heure, duree=duree, du=date(2026, 11, 2),
                          au=date(2026, 12, 18), **kwargs)


def creneau_individuel(aide, ecole, jour, heure, duree=30):
    return Creneau.objects.create(intervenant=aide.intervenant, ecole=ecole, aide=aide, jour=jour, heure=heure,
                                  duree=duree, modalite="individuel", du=date(2026, 11, 2), au=date(2026, 12, 18))


def semaine_type(monde, membre=None):
    """The member's week: « CP lecture » (école A) on Monday (logged), Tuesday (not held),
    Wednesday (to log), Thursday (today) and Friday (to come) at 9:00; an individual slot for a
    pupil with a distinctive name on Thursday at 14:00."""
    membre = membre or monde["maitre_e"]
    groupe = GroupeFactory(intervenant=membre, ecole=monde.ecole_a, nom="CP lecture")
    aide = aide_de(monde, monde.eleve_a1, membre)
    MembreGroupeFactory(groupe=groupe, aide=aide)
    creneaux = {jour: creneau(groupe, jour, time(9, 0)) for jour in range(5)}
    SeanceFactory(intervenant=membre, date=LUNDI, creneau=creneaux[0], heure=time(9, 0), aides=[aide])
    CreneauNonTenu.objects.create(creneau=creneaux[1], date=date(2026, 12, 1), motif="sortie", auteur=membre)
    secret = eleve_inscrit(monde.classe_a2, nom=NOM_SECRET, prenom=PRENOM_SECRET)
    individuel = creneau_individuel(aide_de(monde, secret, membre), monde.ecole_a, 3, time(14, 0))
    return {"groupe": groupe, "creneaux": creneaux, "individuel": individuel, "aide": aide}


def page(client, user, **params):
    client.force_login(user)
    reponse = client.get(URL, params)
    assert reponse.status_code == 200
    return reponse.content.decode()


def colonne(html: str, jour: date) -> str:
    """The part of the page about one day (from its heading to the next day's)."""
    titre = date_format(jour, "l j F").capitalize()
    debut = html.index(titre)
    fin = html.find('<section class="semaine-jour', debut)
    return html[debut:fin if fin != -1 else None]


def _lien(nom, creneau_pk, jour) -> str | None:
    try:
        return reverse(nom, args=[creneau_pk, jour.isoformat()])
    except NoReverseMatch:
        return None


def test_ma_semaine_montre_chaque_creneau_avec_son_etat(client, monde, jeudi):
    donnees = semaine_type(monde)
    html = page(client, monde["maitre_e"], semaine="2026-11-30")
    assert "Ma semaine du lundi 30 novembre au vendredi 4 décembre 2026" in html
    lundi, mardi, mercredi = colonne(html, LUNDI), colonne(html, date(2026, 12, 1)), colonne(html, date(2026, 12, 2))
    jeudi_, vendredi = colonne(html, JEUDI), colonne(html, date(2026, 12, 4))
    for jour in (lundi, mardi, mercredi, jeudi_, vendredi):
        assert "9 h 00 – 9 h 45" in jour and "CP lecture" in jour and "École Jean Jaurès" in jour
    assert "Notée" in lundi and "Voir ou corriger la séance" in lundi
    assert "Non tenue" in mardi and "Sortie ou événement de l" in mardi
    assert "À noter" in mercredi
    assert "À venir" in vendredi and "aujourd'hui" in jeudi_
    # The individual slot: the pupil's initials, never his name.
    assert "Élève Z. Q." in jeudi_ and "14 h 00 – 14 h 30" in jeudi_
    assert NOM_SECRET not in html and PRENOM_SECRET not in html
    # « Noter la séance » on the days over and today, not ahead, nor on a day logged or not held;
    # « Non tenue » on any day not recorded yet (links present once their pages exist).
    creneaux = donnees["creneaux"]
    for jour, colonne_du_jour, noter, non_tenue in [
        (LUNDI, lundi, False, False), (date(2026, 12, 1), mardi, False, False),
        (date(2026, 12, 2), mercredi, True, True), (JEUDI, jeudi_, True, True),
        (date(2026, 12, 4), vendredi, False, True),
    ]:
        creneau_du_jour = creneaux[jour.weekday()]
        for nom, attendu in (("seance_noter", noter), ("creneau_non_tenu", non_tenue)):
            lien = _lien(nom, creneau_du_jour.pk, jour)
            if lien is not None:
                assert (f'href="{lien}"' in colonne_du_jour) == attendu, (nom, jour)


def test_les_liens_d_action_s_affichent_quand_les_pages_existent(client, monde, jeudi):
    donnees = semaine_type(monde)
    html = page(client, monde["maitre_e"], semaine="2026-11-30")
    mercredi = colonne(html, date(2026, 12, 2))
    lien = _lien("seance_noter", donnees["creneaux"][2].pk, date(2026, 12, 2))
    assert ("Noter la séance" in mercredi) == (lien is not None)
    lien = _lien("creneau_non_tenu", donnees["creneaux"][2].pk, date(2026, 12, 2))
    assert (">Non tenue</a>" in mercredi) == (lien is not None)
    lien = _lien("creneau_non_tenu_annuler", donnees["creneaux"][1].pk, date(2026, 12, 1))
    assert (f'href="{lien}">Annuler « non tenue »</a>' in colonne(html, date(2026, 12, 1))) == (lien is not None)
    # The slot's name opens the slot, where there is a page for it.
    try:
        lien = reverse("creneau_detail", args=[donnees["creneaux"][2].pk])
    except NoReverseMatch:
        lien = None
    assert (f'href="{lien}">CP lecture</a>' in mercredi) == (lien is not None)


def test_le_trajet_qui_ne_tient_pas_est_signale(client, monde, jeudi):
    membre = monde["maitre_e"]
    groupe_a = GroupeFactory(intervenant=membre, ecole=monde.ecole_a, nom="CE1 calcul")
    groupe_b = GroupeFactory(intervenant=membre, ecole=monde.ecole_b, nom="CP phonologie")
    creneau(groupe_a, 0, time(9, 0), duree=60)
    creneau(groupe_b, 0, time(10, 10))  # 10 minutes after, in another school
    creneau(groupe_a, 1, time(9, 0), duree=60)
    creneau(groupe_b, 1, time(11, 0))  # an hour after: the default 20 minutes fit
    html = page(client, membre, semaine="2026-11-30")
    lundi = colonne(html, LUNDI)
    assert ("Trajet de 20 min : il ne reste que 10 min entre École Jean Jaurès (10 h 00) et "
            "École Louise Michel (10 h 10)") in lundi
    assert "semaine-alerte" in lundi
    mardi = colonne(html, date(2026, 12, 1))
    assert "Trajet de 20 min depuis École Jean Jaurès (temps entre les deux : 1 h 00)" in mardi
    assert "semaine-alerte" not in mardi
    assert "1 point à vérifier cette semaine" in html

    # The member's own travel time for the pair counts, whatever the order of the schools.
    a, b = sorted([monde.ecole_a.pk, monde.ecole_b.pk])
    TempsTrajet.objects.create(ecole_a_id=a, ecole_b_id=b, intervenant=membre, minutes=65)
    html = page(client, membre, semaine="2026-11-30")
    assert "Trajet de 65 min : il ne reste que 60 min" in colonne(html, date(2026, 12, 1))
    assert "2 points à vérifier cette semaine" in html


def test_un_chevauchement_est_signale(client, monde, jeudi):
    membre = monde["maitre_e"]
    groupe = GroupeFactory(intervenant=membre, ecole=monde.ecole_a, nom="CE1 calcul")
    autre = GroupeFactory(intervenant=membre, ecole=monde.ecole_a, nom="CM1 lecture")
    creneau(groupe, 2, time(9, 0), duree=60)
    creneau(autre, 2, time(9, 30))
    html = page(client, membre, semaine="2026-11-30")
    mercredi = colonne(html, date(2026, 12, 2))
    assert "Chevauchement avec « CE1 calcul » (École Jean Jaurès, 9 h 00 – 10 h 00)" in mercredi
    assert "semaine-alerte" in mercredi
    assert "semaine-alerte" not in colonne(html, LUNDI)


def test_reunions_et_actions_du_membre_dans_sa_semaine(client, monde, jeudi):
    membre, psy = monde["maitre_e"], monde["psychologue"]
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    mardi_14h = datetime(2026, 12, 1, 14, 0, tzinfo=PARIS)
    ReunionFactory(demande=demande, auteur=monde["directeur"], date=mardi_14h, participants=[membre],
                   type=TypeReunion.EQUIPE_EDUCATIVE)
    # Not his: a meeting he is not part of; a psychologist's meeting (hers alone to read).
    ReunionFactory(demande=demande, auteur=monde["directeur"], date=mardi_14h, type=TypeReunion.CONCERTATION)
    ReunionFactory(demande=demande, auteur=psy, date=mardi_14h, participants=[membre, psy],
                   type=TypeReunion.SYNTHESE, confidentielle=True)
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=membre, date=date(2026, 12, 2), theme="Fluence au CP", duree=90)
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=monde["maitre_g"], date=date(2026, 12, 2), theme="Pas la sienne")
    html = page(client, membre, semaine="2026-11-30")
    mardi = colonne(html, date(2026, 12, 1))
    assert "14 h 00 – 15 h 00" in mardi and "Équipe éducative" in mardi and "durée supposée : 60 min" in mardi
    assert mardi.count("· Réunion") == 1
    mercredi = colonne(html, date(2026, 12, 2))
    assert "Action auprès d'une équipe : Fluence au CP" in mercredi and "90 min" in mercredi
    assert "Pas la sienne" not in html


def test_les_jours_sans_classe_disent_pourquoi(client, monde, jeudi):
    membre = monde["maitre_e"]
    html = page(client, membre, semaine="2026-11-09")
    assert "Pas de classe : un jour férié (Armistice 1918)" in colonne(html, date(2026, 11, 11))
    assert "Pas de classe" not in colonne(html, date(2026, 11, 10))
    # The holidays of the zone of the member's circonscription.
    monde.nord.zone = Zone.A
    monde.nord.save()
    html = page(client, membre, semaine="2026-12-21")
    assert "Pas de classe : pendant les vacances de Noël" in colonne(html, date(2026, 12, 21))


def test_semaine_precedente_suivante_et_aujourd_hui(client, monde, jeudi):
    html = page(client, monde["maitre_e"], semaine="2026-12-09")  # a Wednesday: its week
    assert "Ma semaine du lundi 7 décembre au vendredi 11 décembre 2026" in html
    assert f'href="{URL}?semaine=2026-11-30"' in html and f'href="{URL}?semaine=2026-12-14"' in html
    assert f'href="{URL}">Aujourd' in html
    # No date, or a date that is not one: this week.
    for params in ({}, {"semaine": "pas-une-date"}, {"semaine": "2026-02-30"}, {"semaine": "0001-01-01"},
                   {"semaine": "9999-12-31"}):
        html = page(client, monde["maitre_e"], **params)
        assert "Ma semaine du lundi 30 novembre au vendredi 4 décembre 2026" in html
        assert 'aria-current="page">Aujourd' in html


def test_ma_semaine_ne_montre_que_les_creneaux_du_membre(client, monde, jeudi):
    semaine_type(monde, membre=monde["maitre_g"])
    html = page(client, monde["maitre_e"], semaine="2026-11-30")
    assert "CP lecture" not in html
    assert "Aucun créneau, aucune réunion ni action auprès d" in html


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("maitre_e", "maitre_g", "psychologue",
                                                                       "rased_autre_secteur")])
def test_ma_semaine_refusee_hors_du_rased(client, monde, persona):
    client.force_login(monde[persona])
    assert client.get(URL).status_code == 403


def test_ma_semaine_demande_une_connexion(client, db):
    reponse = client.get(URL)
    assert reponse.status_code == 302 and reponse["Location"].startswith(reverse("connexion"))


def test_le_lien_ma_semaine_est_dans_la_navigation_du_rased(client, monde):
    lien = f'href="{URL}"'
    client.force_login(monde["psychologue"])
    assert lien in client.get(reverse("accueil")).content.decode()
    client.force_login(monde["enseignant"])
    assert lien not in client.get(reverse("accueil")).content.decode()


def test_la_semaine_s_imprime_sur_une_page_a4_paysage(client, monde, jeudi):
    html = page(client, monde["maitre_e"])
    assert 'href="/static/css/semaine.css"' in html and "data-imprimer" in html
    feuille = Path(finders.find("css/semaine.css")).read_text(encoding="utf-8")
    assert "@page { size: A4 landscape" in feuille and "@media print" in feuille


def _requetes(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as requetes:
        assert client.get(url, params).status_code == 200
    return len(requetes)


def _ajouter_creneaux(monde, membre, n):
    """``n`` more slots over the week, in both schools, with a session for one in three."""
    for i in range(n):
        ecole = (monde.ecole_a, monde.ecole_b)[i % 2]
        groupe = GroupeFactory(intervenant=membre, ecole=ecole)
        c = creneau(groupe, i % 5, time(8 + i % 9, (i * 7) % 60), duree=30)
        if i % 3 == 0:
            SeanceFactory(intervenant=membre, date=LUNDI + (date(2026, 12, 1) - LUNDI) * (i % 5), creneau=c)


def test_ma_semaine_en_nombre_de_requetes_fixe(client, monde, jeudi, preuve):
    membre = monde["maitre_e"]
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    ReunionFactory(demande=demande, auteur=membre, date=datetime(2026, 12, 1, 16, 0, tzinfo=PARIS))
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=membre, date=date(2026, 12, 2))
    _ajouter_creneaux(monde, membre, 3)
    client.force_login(membre)
    client.get(URL)
    trois = _requetes(client, URL, semaine="2026-11-30")
    _ajouter_creneaux(monde, membre, 27)
    trente = _requetes(client, URL, semaine="2026-11-30")
    preuve(f"[semaine] « Ma semaine » : {trois} requêtes avec 3 créneaux, {trente} avec 30")
    assert trois == trente
    assert trente <= 9


# --- The dashboard: « Séances à noter » -----------------------------------------------------------


def test_le_tableau_de_bord_liste_les_seances_a_noter(client, monde, jeudi):
    donnees = semaine_type(monde)
    # Five weeks ago: beyond the four weeks the block looks at.
    ancien = GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a, nom="Groupe d'octobre")
    CreneauFactory(groupe=ancien, jour=0, du=date(2026, 10, 26), au=date(2026, 10, 27))
    client.force_login(monde["maitre_e"])
    html = client.get(reverse("accueil")).content.decode()
    debut = html.index('id="titre-a-noter"')
    bloc = html[debut:html.index("</section>", debut)]
    assert "4 dernières semaines" in bloc
    # Four weeks back, from Thursday 5 November to yesterday: « CP lecture » every school day
    # (17: not 11 November, a public holiday, nor Monday 30 (logged) and Tuesday 1 December (not
    # held); not today's, not over) and the individual slot on Thursdays (4). Latest first, 15 shown.
    assert "Séances à noter (21)" in bloc
    assert bloc.index("Mercredi 02/12, 9 h 00 – 9 h 45 — CP lecture, École Jean Jaurès") < bloc.index("Vendredi 27/11")
    assert "Lundi 30/11" not in bloc and "Mardi 01/12" not in bloc and "03/12" not in bloc
    assert "Groupe d'octobre" not in bloc
    # The individual slot of Thursday 26 November: initials only.
    assert "Jeudi 26/11, 14 h 00 – 14 h 30 — Élève Z. Q." in bloc and NOM_SECRET not in html
    assert "Et 6 séances de plus à noter" in bloc
    lien = _lien("seance_noter", donnees["creneaux"][2].pk, date(2026, 12, 2))
    if lien is not None:
        assert f'href="{lien}"' in bloc


def test_le_tableau_de_bord_sans_seance_a_noter(client, monde, jeudi):
    client.force_login(monde["maitre_g"])
    html = client.get(reverse("accueil")).content.decode()
    assert "Séances à noter (0)" in html and "Aucune séance à noter sur les 4 dernières semaines." in html
    client.force_login(monde["directeur"])
    assert "Séances à noter" not in client.get(reverse("accueil")).content.decode()


def test_le_tableau_de_bord_en_nombre_de_requetes_fixe(client, monde, jeudi, preuve):
    membre = monde["maitre_e"]
    _ajouter_creneaux(monde, membre, 3)
    client.force_login(membre)
    client.get(reverse("accueil"))
    trois = _requetes(client, reverse("accueil"))
    _ajouter_creneaux(monde, membre, 27)
    trente = _requetes(client, reverse("accueil"))
    preuve(f"[semaine] tableau de bord du RASED : {trois} requêtes avec 3 créneaux, {trente} avec 30")
    assert trois == trente
