"""« Noter la séance » from a slot of the member's timetable (issue 13): the form filled from the
slot (its day, time, duration, modality, the group's current pupils all « Présent », the content
from last time's « pour la prochaine fois »), one session per slot and day, refusals."""

import re
from datetime import time, timedelta

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aides.emploi_du_temps import jours_du_creneau
from aides.enums import Modalite, Presence, TypeAide
from aides.exceptions import ActionRefusee, SeanceDejaNotee
from aides.models import CreneauNonTenu, PresenceSeance, Seance
from aides.services import seance_enregistrer
from eleves.selectors import calendrier_scolaire
from tests.aides.test_concurrence import en_meme_temps
from tests.eleves.outils_pages import texte
from tests.factories import eleve_inscrit
from tests.factories_aides import CreneauFactory, GroupeFactory, MembreGroupeFactory
from tests.factories_parcours import aide_en_cours, demande_deposee

AUJOURD_HUI = timezone.localdate()
DEBUT = AUJOURD_HUI - timedelta(days=60)


def _jours_d_ecole_passes(monde, n):
    """The ``n`` last school days before today in the zone of école A, latest first."""
    calendrier = calendrier_scolaire(monde.nord.pk)
    jours = (AUJOURD_HUI - timedelta(days=k) for k in range(1, 60))
    return [j for j in jours if calendrier.est_jour_d_ecole(j)][:n]


def _aide_e(monde, eleve):
    demande = demande_deposee(eleve=eleve, auteur=monde["enseignant"], famille_informee_le=DEBUT - timedelta(days=20))
    return aide_en_cours(demande, TypeAide.E, monde["maitre_e"], motif="Décidé en synthèse RASED.",
                         accord_le=DEBUT - timedelta(days=5), debut=DEBUT)


class Groupe4:
    """A group of four pupils of école A (Léa, Nassim, Jade, Yanis) led by maitre_e, Hugo who
    left it, Inès of the same school with an aid outside the group; a slot on the weekday of the
    last school day (``jour``), and a second slot of the group the school day before (``veille``)."""

    def __init__(self, monde):
        classe = monde.classe_a1
        eleves = [monde.eleve_a1, monde.eleve_a2,
                  eleve_inscrit(classe, nom="Roux", prenom="Jade"), eleve_inscrit(classe, nom="Diallo", prenom="Yanis")]
        self.aides = [_aide_e(monde, e) for e in eleves]
        self.parti = _aide_e(monde, eleve_inscrit(classe, nom="Bernard", prenom="Hugo"))
        self.hors_groupe = _aide_e(monde, eleve_inscrit(classe, nom="Faure", prenom="Inès"))
        self.groupe = GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a, nom="CE1 lecture")
        for aide in self.aides:
            MembreGroupeFactory(groupe=self.groupe, aide=aide, ajoute_le=DEBUT)
        MembreGroupeFactory(groupe=self.groupe, aide=self.parti, ajoute_le=DEBUT,
                            retire_le=AUJOURD_HUI - timedelta(days=20), motif_retrait="changement de groupe")
        self.jour, self.veille = _jours_d_ecole_passes(monde, 2)
        self.creneau = CreneauFactory(groupe=self.groupe, jour=self.jour.weekday(), heure=time(10, 15), duree=40,
                                      du=DEBUT, au=AUJOURD_HUI + timedelta(days=30))
        self.creneau_veille = CreneauFactory(groupe=self.groupe, jour=self.veille.weekday(), heure=time(14, 0),
                                             du=DEBUT, au=AUJOURD_HUI + timedelta(days=30))

    def url(self, jour=None, creneau=None):
        return reverse("seance_noter", args=[(creneau or self.creneau).pk, (jour or self.jour).isoformat()])


@pytest.fixture
def g4(monde):
    return Groupe4(monde)


def _donnees(g4, absents=(), **champs):
    donnees = {"heure": "10:15", "duree": "40", "modalite": Modalite.PETIT_GROUPE,
               "contenu": "Lecture de syllabes complexes.", "prochaine_fois": "Revoir « oi » et « ou »."} | champs
    for aide in g4.aides:
        donnees |= {f"participe_{aide.pk}": "on",
                    f"presence_{aide.pk}": Presence.ABSENT if aide in absents else Presence.PRESENT,
                    f"observation_{aide.pk}": ""}
    return donnees


# --- The form, filled from the slot ---------------------------------------------------------------


def test_noter_propose_les_eleves_du_groupe_tous_presents_et_rien_d_autre(client, monde, g4):
    client.force_login(monde["maitre_e"])
    response = client.get(g4.url())
    assert response.status_code == 200
    presences = response.context["presences"]
    assert {ligne["aide"] for ligne in presences.lignes_attendues()} == set(g4.aides)
    for aide in g4.aides:
        assert presences[f"participe_{aide.pk}"].value() is True
        assert presences[f"presence_{aide.pk}"].value() == Presence.PRESENT
    # Hugo left the group: not among the pupils expected; he and Inès are only offered, unticked,
    # behind « Ajouter un élève ».
    assert {ligne["aide"] for ligne in presences.lignes_autres()} == {g4.parti, g4.hors_groupe}
    assert not presences[f"participe_{g4.parti.pk}"].value()
    page = texte(response)
    attendus, ajout = page.split("Ajouter un élève", 1)
    for nom in ("Léa PETIT", "Nassim MOREAU", "Jade ROUX", "Yanis DIALLO"):
        assert nom in attendus
    assert "Hugo BERNARD" not in attendus and "Inès FAURE" not in attendus
    assert "Hugo BERNARD" in ajout
    # « Présent » is the button selected on every row (six rows: four expected, two offered).
    html = response.content.decode()
    assert len(re.findall(r'<input type="radio" name="presence_\d+" value="present"[^>]*checked>', html)) == 6
    assert 'value="absent" class="btn-check" autocomplete="off" id="id_presence_' in html
    assert "École Jean Jaurès" in page and "CE1 lecture" in page and "10h15, 40 min" in page


def test_noter_reprend_la_date_l_heure_la_duree_et_la_modalite_du_creneau(client, monde, g4):
    client.force_login(monde["maitre_e"])
    form = client.get(g4.url()).context["form"]
    assert form["date"].value() == g4.jour
    assert form.fields["date"].disabled
    assert form["heure"].value() == time(10, 15)
    assert form["duree"].value() == 40
    assert form["modalite"].value() == Modalite.PETIT_GROUPE
    assert "confirmer_date" not in form.fields


def test_le_contenu_part_du_pour_la_prochaine_fois_de_la_seance_precedente_du_groupe(client, monde, g4):
    seance_enregistrer(
        intervenant=monde["maitre_e"], creneau=g4.creneau_veille,
        seance=Seance(date=g4.veille, duree=45, contenu="Syllabes simples.", prochaine_fois="Reprendre « oi »."),
        presences=[PresenceSeance(aide=a) for a in g4.aides],
    )
    client.force_login(monde["maitre_e"])
    form = client.get(g4.url()).context["form"]
    assert form["contenu"].value() == "Reprendre « oi »."
    assert form["prochaine_fois"].value() in ("", None)


def test_sans_seance_precedente_le_contenu_est_vide(client, monde, g4):
    client.force_login(monde["maitre_e"])
    assert client.get(g4.url()).context["form"]["contenu"].value() == ""


# --- Saving -----------------------------------------------------------------------------------------


def test_enregistrer_cree_une_seance_du_creneau_avec_les_presences_envoyees(client, monde, g4):
    lea, nassim, jade, yanis = g4.aides
    client.force_login(monde["maitre_e"])
    # A date posted is ignored: the day is the address's.
    response = client.post(g4.url(), _donnees(g4, absents=[nassim], date=AUJOURD_HUI.isoformat()))
    assert response.status_code == 302 and response.url == reverse("seance_liste")
    seance = Seance.objects.get()
    assert (seance.creneau, seance.date, seance.heure, seance.duree) == (g4.creneau, g4.jour, time(10, 15), 40)
    assert seance.modalite == Modalite.PETIT_GROUPE
    assert seance.intervenant == monde["maitre_e"]
    assert seance.prochaine_fois == "Revoir « oi » et « ou »."
    assert dict(seance.presences.values_list("aide_id", "presence")) == {
        lea.pk: Presence.PRESENT, nassim.pk: Presence.ABSENT, jade.pk: Presence.PRESENT, yanis.pk: Presence.PRESENT,
    }
    page = texte(client.get(reverse("seance_liste")))
    assert f"La séance du {g4.jour:%d/%m/%Y} a été enregistrée (4 élèves)." in page
    assert "Pour la prochaine fois : Revoir « oi » et « ou »." in page


def test_un_eleve_ajoute_depuis_l_ecole_compte_dans_la_seance(client, monde, g4):
    client.force_login(monde["maitre_e"])
    donnees = _donnees(g4) | {f"participe_{g4.hors_groupe.pk}": "on", f"presence_{g4.hors_groupe.pk}": "excuse"}
    client.post(g4.url(), donnees)
    assert Seance.objects.get().presences.get(aide=g4.hors_groupe).presence == Presence.EXCUSE


def test_une_absence_sans_cocher_participe_pour_un_eleve_ajoute_est_signalee(client, monde, g4):
    client.force_login(monde["maitre_e"])
    response = client.post(g4.url(), _donnees(g4) | {f"presence_{g4.hors_groupe.pk}": "absent"})
    assert response.status_code == 200
    assert "sans cocher « participe »" in texte(response)
    assert Seance.objects.count() == 0


def test_deuxieme_envoi_du_meme_jour_ouvre_la_correction_sans_deuxieme_seance(client, monde, g4):
    client.force_login(monde["maitre_e"])
    client.post(g4.url(), _donnees(g4))
    seance = Seance.objects.get()
    response = client.post(g4.url(), _donnees(g4, absents=g4.aides[:1]), follow=True)
    assert response.redirect_chain == [(reverse("seance_corriger", args=[seance.pk]), 302)]
    assert f"La séance du {g4.jour:%d/%m/%Y} de ce créneau est déjà notée" in texte(response)
    assert Seance.objects.count() == 1
    assert not seance.presences.filter(presence=Presence.ABSENT).exists()
    # The link of a day already logged leads to its correction too.
    assert client.get(g4.url()).url == reverse("seance_corriger", args=[seance.pk])


def test_le_service_refuse_un_jour_deja_note_en_nommant_la_seance(monde, g4):
    def noter():
        return seance_enregistrer(intervenant=monde["maitre_e"], creneau=g4.creneau,
                                  seance=Seance(date=g4.jour, duree=40), presences=[PresenceSeance(aide=g4.aides[0])])

    premiere = noter()
    with pytest.raises(SeanceDejaNotee) as refus:
        noter()
    assert refus.value.seance == premiere
    assert Seance.objects.count() == 1


# --- Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["maitre_g", "rased_autre_secteur", "psychologue", "enseignant", "directeur", "circonscription", "admin"]
)
def test_le_creneau_d_un_autre_est_introuvable(client, monde, g4, persona):
    client.force_login(monde[persona])
    assert client.get(g4.url()).status_code == 404
    assert client.post(g4.url(), _donnees(g4)).status_code == 404
    assert Seance.objects.count() == 0


def test_un_membre_sorti_du_rased_ne_note_plus_son_creneau(client, monde, g4):
    """His slot is still his, but logging a session is a RASED member's (aides.add_seance): 403."""
    maitre_e = monde["maitre_e"]
    maitre_e.role = "enseignant"
    maitre_e.save(update_fields=["role"])
    client.force_login(maitre_e)
    assert client.get(g4.url()).status_code == 403
    assert client.post(g4.url(), _donnees(g4)).status_code == 403
    assert Seance.objects.count() == 0


def test_un_jour_qui_n_est_pas_celui_du_creneau_est_refuse_en_francais(client, monde, g4):
    client.force_login(monde["maitre_e"])
    # g4.veille is a school day, but not the slot's weekday.
    response = client.get(g4.url(jour=g4.veille))
    assert response.status_code == 404
    assert f"Le {g4.veille:%d/%m/%Y} n'est pas un {g4.creneau.get_jour_display()}" in texte(response)
    assert client.post(g4.url(jour=g4.veille), _donnees(g4)).status_code == 404
    assert Seance.objects.count() == 0


def test_un_jour_hors_des_dates_du_creneau_est_refuse(client, monde, g4):
    avant = g4.creneau.du - timedelta(days=7 - (g4.creneau.jour - g4.creneau.du.weekday()) % 7)
    assert avant.weekday() == g4.creneau.jour and avant < g4.creneau.du
    client.force_login(monde["maitre_e"])
    response = client.get(g4.url(jour=avant))
    assert response.status_code == 404
    assert "hors des dates de ce créneau" in texte(response)


def test_un_jour_a_venir_est_refuse(client, monde, g4):
    calendrier = calendrier_scolaire(monde.nord.pk)
    a_venir = jours_du_creneau(g4.creneau, AUJOURD_HUI + timedelta(days=1), g4.creneau.au, calendrier)[0]
    client.force_login(monde["maitre_e"])
    response = client.get(g4.url(jour=a_venir))
    assert response.status_code == 404
    assert "n'a pas encore eu lieu" in texte(response)


def test_un_jour_ferie_du_creneau_est_refuse(client, monde, g4):
    # 11 November: a public holiday on whatever weekday it falls; a slot on that weekday over it.
    onze = next(d for d in (AUJOURD_HUI.replace(month=11, day=11, year=AUJOURD_HUI.year - k) for k in range(2))
                if d < AUJOURD_HUI and d.weekday() < 5)
    creneau = CreneauFactory(groupe=g4.groupe, jour=onze.weekday(), du=onze - timedelta(days=14),
                             au=onze + timedelta(days=14))
    client.force_login(monde["maitre_e"])
    response = client.get(g4.url(jour=onze, creneau=creneau))
    assert response.status_code == 404
    assert "jour férié" in texte(response)


@pytest.mark.parametrize("jour", ["2026-13-45", "demain", "20261130", "2026-W48-1"])
def test_une_date_mal_formee_donne_404(client, monde, g4, jour):
    client.force_login(monde["maitre_e"])
    assert client.get(reverse("seance_noter", args=[g4.creneau.pk, jour])).status_code == 404


# --- « Pour la prochaine fois » elsewhere --------------------------------------------------------------


def test_pour_la_prochaine_fois_se_note_aussi_dans_le_formulaire_habituel(client, monde, g4):
    client.force_login(monde["maitre_e"])
    lea = g4.aides[0]
    client.post(reverse("seance_creer"), {
        "date": g4.jour.isoformat(), "duree": "45", "contenu": "Lecture.", "prochaine_fois": "Fluence.",
        f"participe_{lea.pk}": "on", f"presence_{lea.pk}": "present", f"observation_{lea.pk}": "",
    })
    assert Seance.objects.get().prochaine_fois == "Fluence."
    page = texte(client.get(reverse("eleve_seances", args=[lea.eleve.pk])))
    assert "Pour la prochaine fois : Fluence." in page


def test_pour_la_prochaine_fois_masque_dans_l_historique(monde, g4):
    seance = seance_enregistrer(
        intervenant=monde["maitre_e"], seance=Seance(date=g4.jour, duree=45, prochaine_fois="Marqueur-7f3a"),
        presences=[PresenceSeance(aide=g4.aides[0])],
    )
    entree = LogEntry.objects.get_for_object(seance).get()
    assert "Marqueur-7f3a" not in str(entree.changes)


def test_un_creneau_individuel_propose_son_eleve(client, monde, g4):
    ines = g4.hors_groupe
    creneau = CreneauFactory(groupe=None, aide=ines, intervenant=monde["maitre_e"], ecole=monde.ecole_a,
                             jour=g4.jour.weekday(), modalite=Modalite.INDIVIDUEL, du=DEBUT, au=AUJOURD_HUI)
    client.force_login(monde["maitre_e"])
    response = client.get(g4.url(creneau=creneau))
    assert [ligne["aide"] for ligne in response.context["presences"].lignes_attendues()] == [ines]
    assert "séance individuelle" in texte(response)
    client.post(g4.url(creneau=creneau), {
        "heure": "09:00", "duree": "30", "modalite": Modalite.INDIVIDUEL, "contenu": "", "prochaine_fois": "",
        f"participe_{ines.pk}": "on", f"presence_{ines.pk}": "present",
    })
    seance = Seance.objects.get(creneau=creneau)
    assert seance.modalite == Modalite.INDIVIDUEL and list(seance.presences.values_list("aide", flat=True)) == [ines.pk]


def test_corriger_la_date_vers_un_jour_deja_note_du_creneau_est_refuse_en_francais(client, monde, g4):
    premiere, seconde = (
        seance_enregistrer(intervenant=monde["maitre_e"], creneau=creneau, seance=Seance(date=jour, duree=40),
                           presences=[PresenceSeance(aide=g4.aides[0])])
        for creneau, jour in ((g4.creneau, g4.jour), (g4.creneau_veille, g4.veille))
    )
    seconde.creneau = g4.creneau  # the same slot on two days (moved by hand): one cannot take the other's day
    seconde.save(update_fields=["creneau"])
    client.force_login(monde["maitre_e"])
    aide = g4.aides[0]
    response = client.post(reverse("seance_corriger", args=[seconde.pk]), {
        "date": g4.jour.isoformat(), "duree": "40", "contenu": "", "prochaine_fois": "", "revision_lue": "0",
        f"participe_{aide.pk}": "on", f"presence_{aide.pk}": "present", f"observation_{aide.pk}": "",
    })
    assert response.status_code == 200
    assert "de ce créneau est déjà notée" in texte(response)
    seconde.refresh_from_db()
    assert seconde.date == g4.veille and premiere.date == g4.jour


def test_la_page_noter_en_nombre_de_requetes_fixe(client, monde, g4, django_assert_max_num_queries):
    client.force_login(monde["maitre_e"])
    with django_assert_max_num_queries(20) as avant:
        client.get(g4.url())
    for prenom in ("Sami", "Lou", "Noé"):
        MembreGroupeFactory(groupe=g4.groupe, aide=_aide_e(monde, eleve_inscrit(monde.classe_a2, nom="X", prenom=prenom)),
                            ajoute_le=DEBUT)
    with django_assert_max_num_queries(len(avant.captured_queries)):
        response = client.get(g4.url())
    assert len(response.context["presences"].lignes_attendues()) == 7


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only")
def test_dix_envois_simultanes_du_meme_jour_une_seule_seance(transactional_db, monde, preuve):
    g4 = Groupe4(monde)

    def envoyer(_i):
        client = Client()
        client.force_login(monde["maitre_e"])
        response = client.post(g4.url(), _donnees(g4))
        return response.status_code, response.headers.get("Location")

    resultats = en_meme_temps(10, envoyer, preuve)
    seance = Seance.objects.get()
    assert sorted(resultats) == sorted(
        [(302, reverse("seance_liste"))] + [(302, reverse("seance_corriger", args=[seance.pk]))] * 9
    ), resultats
    assert seance.presences.count() == 4


def test_un_jour_marque_non_tenu_ne_se_note_pas(client, monde, g4):
    CreneauNonTenu.objects.create(creneau=g4.creneau, date=g4.jour, motif="sortie", auteur=monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    response = client.get(g4.url())
    assert response.status_code == 409
    assert "est marqué « non tenu » : si la séance a bien eu lieu, annulez d'abord « non tenue »" in texte(response)
    assert client.post(g4.url(), _donnees(g4)).status_code == 409
    with pytest.raises(ActionRefusee, match="non tenu"):
        seance_enregistrer(intervenant=monde["maitre_e"], creneau=g4.creneau, seance=Seance(date=g4.jour, duree=40),
                           presences=[PresenceSeance(aide=g4.aides[0])])
    assert Seance.objects.count() == 0
