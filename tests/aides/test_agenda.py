"""The member's calendar feed: its secret link's page, and the feed read back with ``icalendar``."""

import hashlib
import logging
import re
from datetime import date, datetime, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from aides.enums import TypeReunion
from aides.models import LienAgenda
from tests.aides.test_semaine import (
    NOM_SECRET,
    PARIS,
    PRENOM_SECRET,
    _ajouter_creneaux,
    creneau,
    jeudi,  # noqa: F401 (a fixture)
    semaine_type,
)
from tests.conftest import PERSONAS
from tests.factories_aides import (
    ActionEquipeFactory,
    DemandeAideFactory,
    GroupeFactory,
    ReunionFactory,
)

PAGE = reverse("mon_agenda")
FLUX = reverse("agenda_ics")


def creer_lien(client, user) -> str:
    """The feed's address as the member's page shows it, once."""
    client.force_login(user)
    reponse = client.post(reverse("mon_agenda_creer"))
    assert reponse.status_code == 302 and reponse["Location"] == PAGE
    html = client.get(PAGE).content.decode()
    adresse = re.search(r'id="adresse-agenda" type="text" readonly value="([^"]+)"', html).group(1)
    return adresse.replace("&amp;", "&")


def lire_flux(client, adresse: str):
    client.logout()  # a phone has no session
    return client.get(adresse.removeprefix("http://testserver"))


def evenements(reponse) -> dict:
    agenda = Calendar.from_ical(reponse.content)
    return {str(e["UID"]): e for e in agenda.walk("VEVENT")}


def test_le_lien_est_montre_une_fois_et_seule_son_empreinte_est_gardee(client, monde):
    membre = monde["maitre_e"]
    client.force_login(membre)
    html = client.get(PAGE).content.decode()
    assert "Aucun lien actif." in html and "Créer mon lien d" in html
    adresse = creer_lien(client, membre)
    assert adresse.startswith("http://testserver/agenda.ics?jeton=")
    jeton = adresse.split("jeton=")[1]
    assert len(jeton) >= 40
    lien = LienAgenda.objects.get(utilisateur=membre)
    assert lien.empreinte == hashlib.sha256(jeton.encode()).hexdigest()
    assert jeton not in str(LienAgenda.objects.values().get())
    # Shown once: the page, read again, has the link's date and its actions, not the address.
    client.force_login(membre)
    html = client.get(PAGE).content.decode()
    assert jeton not in html and "Lien actif depuis le" in html and "Révoquer le lien" in html


def test_le_flux_liste_creneaux_reunions_et_actions_sans_nom_d_eleve(client, monde, jeudi):  # noqa: F811
    membre = monde["maitre_e"]
    donnees = semaine_type(monde)
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    ReunionFactory(demande=demande, auteur=membre, date=datetime(2026, 12, 1, 16, 30, tzinfo=PARIS),
                   type=TypeReunion.FAMILLE, lieu=f"Chez {NOM_SECRET}", compte_rendu=f"{PRENOM_SECRET} va mieux")
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=membre, date=date(2026, 12, 2), theme="Thème-confidentiel")
    reponse = lire_flux(client, creer_lien(client, membre))
    assert reponse.status_code == 200
    assert reponse["Content-Type"] == "text/calendar; charset=utf-8"
    tous = evenements(reponse)

    cle = f"creneau-{donnees['creneaux'][2].pk}-20261202@rased"
    mercredi = tous[cle]
    assert str(mercredi["SUMMARY"]) == "CP lecture — École Jean Jaurès"
    assert mercredi.start == datetime(2026, 12, 2, 9, 0, tzinfo=PARIS)
    assert mercredi.end == datetime(2026, 12, 2, 9, 45, tzinfo=PARIS)
    assert mercredi["DTSTART"].params["TZID"] == "Europe/Paris"
    assert str(mercredi["STATUS"]) == "CONFIRMED"
    mardi = tous[f"creneau-{donnees['creneaux'][1].pk}-20261201@rased"]
    assert str(mardi["STATUS"]) == "CANCELLED"
    individuel = tous[f"creneau-{donnees['individuel'].pk}-20261203@rased"]
    assert str(individuel["SUMMARY"]) == "Aide individuelle — École Jean Jaurès"
    reunion = next(e for u, e in tous.items() if u.startswith("reunion-"))
    assert str(reunion["SUMMARY"]) == "Rencontre avec la famille — École Jean Jaurès"
    assert reunion.end == datetime(2026, 12, 1, 17, 30, tzinfo=PARIS)
    action = next(e for u, e in tous.items() if u.startswith("action-"))
    assert str(action["SUMMARY"]) == "Action auprès d'une équipe — École Jean Jaurès"
    assert action.start == date(2026, 12, 2)
    # From 4 weeks back to 12 weeks ahead: « CP lecture » runs until 18 December.
    jours = sorted(e.start.date() for u, e in tous.items() if u.startswith(f"creneau-{donnees['creneaux'][0].pk}-"))
    assert jours[0] == date(2026, 11, 9) and jours[-1] == date(2026, 12, 14)
    agenda = Calendar.from_ical(reponse.content)
    assert [str(t["TZID"]) for t in agenda.walk("VTIMEZONE")] == ["Europe/Paris"]
    # No pupil's name, no place, minutes nor theme typed by someone: anywhere in the bytes (lines
    # unfolded), in any case.
    texte = reponse.content.replace(b"\r\n ", b"").decode().lower()
    for interdit in (NOM_SECRET, PRENOM_SECRET, monde.eleve_a1.nom, monde.eleve_a1.prenom, "Thème-confidentiel",
                     "Chez "):
        assert interdit.lower() not in texte, interdit


def test_l_uid_d_une_occurrence_est_stable(client, monde, jeudi):  # noqa: F811
    semaine_type(monde)
    adresse = creer_lien(client, monde["maitre_e"])
    premier = lire_flux(client, adresse)
    GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a)
    second = lire_flux(client, adresse)
    assert set(evenements(second)) == set(evenements(premier))
    assert Calendar.from_ical(second.content)["UID"] == Calendar.from_ical(premier.content)["UID"]


def test_le_jeton_d_un_autre_ne_donne_que_ses_evenements(client, monde, jeudi):  # noqa: F811
    semaine_type(monde, membre=monde["maitre_e"])
    groupe = GroupeFactory(intervenant=monde["maitre_g"], ecole=monde.ecole_a, nom="Estime de soi")
    creneau(groupe, 2, time(10, 0))
    du_g = evenements(lire_flux(client, creer_lien(client, monde["maitre_g"])))
    assert {str(e["SUMMARY"]) for e in du_g.values()} == {"Estime de soi — École Jean Jaurès"}
    du_e = evenements(lire_flux(client, creer_lien(client, monde["maitre_e"])))
    assert "Estime de soi — École Jean Jaurès" not in {str(e["SUMMARY"]) for e in du_e.values()}


def test_un_lien_revoque_ou_remplace_ne_repond_plus(client, monde):
    membre = monde["maitre_e"]
    ancien = creer_lien(client, membre)
    assert lire_flux(client, ancien).status_code == 200
    nouveau = creer_lien(client, membre)  # regenerate: the old one stops
    assert lire_flux(client, ancien).status_code == 404
    assert lire_flux(client, nouveau).status_code == 200
    client.force_login(membre)
    reponse = client.post(reverse("mon_agenda_revoquer"), follow=True)
    assert "Le lien est révoqué" in reponse.content.decode() and "Aucun lien actif." in reponse.content.decode()
    assert lire_flux(client, nouveau).status_code == 404
    assert LienAgenda.objects.filter(utilisateur=membre).count() == 2
    assert not LienAgenda.objects.actifs().filter(utilisateur=membre).exists()
    # A repeat is a no-op that says so.
    client.force_login(membre)
    assert "Aucun lien n" in client.post(reverse("mon_agenda_revoquer"), follow=True).content.decode()


def test_sans_jeton_valide_le_flux_n_existe_pas(client, monde):
    creer_lien(client, monde["maitre_e"])
    client.logout()
    for params in ({}, {"jeton": ""}, {"jeton": "x" * 43}, {"jeton": "y" * 5000}):
        assert client.get(FLUX, params).status_code == 404


def test_le_lien_d_un_compte_desactive_ne_repond_plus(client, monde):
    membre = monde["maitre_e"]
    adresse = creer_lien(client, membre)
    membre.is_active = False
    membre.save()
    assert lire_flux(client, adresse).status_code == 404


def test_le_jeton_n_est_pas_ecrit_dans_les_journaux(client, monde, caplog):
    """The token is in the query string: Django's « Not Found » warning (as gunicorn's and nginx's
    access logs) writes the path alone."""
    adresse = creer_lien(client, monde["maitre_e"])
    jeton = adresse.split("jeton=")[1]
    client.force_login(monde["maitre_e"])
    client.post(reverse("mon_agenda_revoquer"))
    with caplog.at_level(logging.DEBUG):
        assert lire_flux(client, adresse).status_code == 404
    assert any("Not Found: /agenda.ics" in r.getMessage() for r in caplog.records)
    assert not any(jeton in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("maitre_e", "maitre_g", "psychologue",
                                                                       "rased_autre_secteur")])
def test_la_page_du_lien_refusee_hors_du_rased(client, monde, persona):
    client.force_login(monde[persona])
    assert client.get(PAGE).status_code == 403
    assert client.post(reverse("mon_agenda_creer")).status_code == 403
    assert client.post(reverse("mon_agenda_revoquer")).status_code == 403
    assert not LienAgenda.objects.exists()


def test_le_lien_se_cree_et_se_revoque_par_post(client, monde):
    client.force_login(monde["maitre_e"])
    assert client.get(reverse("mon_agenda_creer")).status_code == 405
    assert client.get(reverse("mon_agenda_revoquer")).status_code == 405
    assert not LienAgenda.objects.exists()


def test_le_flux_en_nombre_de_requetes_fixe(client, monde, jeudi, preuve):  # noqa: F811
    membre = monde["maitre_e"]
    _ajouter_creneaux(monde, membre, 3)
    adresse = creer_lien(client, membre).removeprefix("http://testserver")
    client.logout()
    with CaptureQueriesContext(connection) as trois:
        assert client.get(adresse).status_code == 200
    _ajouter_creneaux(monde, membre, 27)
    with CaptureQueriesContext(connection) as trente:
        reponse = client.get(adresse)
    assert len(evenements(reponse)) > 30
    preuve(f"[semaine] flux iCalendar : {len(trois)} requêtes avec 3 créneaux, {len(trente)} avec 30 "
           f"({len(evenements(reponse))} événements)")
    assert len(trois) == len(trente) <= 8



def test_le_flux_du_psychologue_ne_porte_aucun_de_ses_ecrits(client, monde, jeudi):  # noqa: F811
    psy = monde["psychologue"]
    groupe = GroupeFactory(intervenant=psy, ecole=monde.ecole_a, nom="Entretiens")
    creneau(groupe, 2, time(11, 0))
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    ReunionFactory(demande=demande, auteur=psy, date=datetime(2026, 12, 2, 16, 0, tzinfo=PARIS),
                   type=TypeReunion.FAMILLE, confidentielle=True, lieu="Salle-secrete-psy",
                   ordre_du_jour="Ordre-secret-psy", compte_rendu="Compte-rendu-secret-psy")
    ActionEquipeFactory(ecole=monde.ecole_a, auteur=psy, date=date(2026, 12, 2), confidentielle=True,
                        theme="Theme-secret-psy", public="Public-secret-psy", apport="Apport-secret-psy")
    reponse = lire_flux(client, creer_lien(client, psy))
    resumes = sorted(str(e["SUMMARY"]) for e in evenements(reponse).values()
                     if e.start in (date(2026, 12, 2), datetime(2026, 12, 2, 11, 0, tzinfo=PARIS),
                                    datetime(2026, 12, 2, 16, 0, tzinfo=PARIS)))
    assert resumes == ["Action auprès d'une équipe — École Jean Jaurès", "Entretiens — École Jean Jaurès",
                       "Rencontre avec la famille — École Jean Jaurès"]
    texte = reponse.content.replace(b"\r\n ", b"").decode().lower()
    assert "secret-psy" not in texte and monde.eleve_a1.nom.lower() not in texte
