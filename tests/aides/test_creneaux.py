"""« Mon emploi du temps »: a member's recurring slots and the days they fall on, through the
pages; a slot's day marked « non tenue » and back; the période a new slot defaults to."""

from datetime import date, datetime, time

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from aides.enums import Modalite, TypeAide
from aides.models import Creneau, CreneauNonTenu, MotifNonTenu, Seance
from aides.services import aide_arreter_depart
from eleves.calendrier import Calendrier, Vacances
from eleves.models import Secteur
from tests.eleves.outils_pages import texte
from tests.factories_aides import (
    AideFactory,
    CreneauFactory,
    DemandeAideFactory,
    GroupeFactory,
    SeanceFactory,
)

ETE = Vacances("Vacances d'Été", "A", date(2026, 7, 4), date(2026, 9, 1))
TOUSSAINT = Vacances("Vacances de la Toussaint", "A", date(2026, 10, 17), date(2026, 11, 2))
NOEL = Vacances("Vacances de Noël", "A", date(2026, 12, 19), date(2027, 1, 4))


# --- The période around a day (eleves.calendrier) ----------------------------------------------


def test_la_periode_va_des_vacances_precedentes_aux_suivantes():
    calendrier = Calendrier([ETE, TOUSSAINT, NOEL])
    # From the Monday classes resume after the Toussaint to the Friday before Christmas.
    assert calendrier.periode_autour(date(2026, 11, 20)) == (date(2026, 11, 2), date(2026, 12, 18))
    assert calendrier.periode_autour(date(2026, 11, 2)) == (date(2026, 11, 2), date(2026, 12, 18))
    assert calendrier.periode_autour(date(2026, 12, 18)) == (date(2026, 11, 2), date(2026, 12, 18))
    # A day of holidays belongs to the période after them.
    assert calendrier.periode_autour(date(2026, 10, 25)) == (date(2026, 11, 2), date(2026, 12, 18))
    # The rentrée's période: from 1 September to the Friday before the Toussaint.
    assert calendrier.periode_autour(date(2026, 10, 16)) == (date(2026, 9, 1), date(2026, 10, 16))


def test_la_periode_sans_calendrier_dure_sept_semaines():
    # No holidays known: from the day (or the next school day) for 7 weeks, ending on a school day.
    assert Calendrier().periode_autour(date(2026, 11, 20)) == (date(2026, 11, 20), date(2027, 1, 7))
    assert Calendrier().periode_autour(date(2026, 11, 21)) == (date(2026, 11, 23), date(2027, 1, 8))
    # Holidays known only before: 7 weeks from the end of the last ones.
    assert Calendrier([TOUSSAINT]).periode_autour(date(2026, 11, 20)) == (date(2026, 11, 2), date(2026, 12, 18))


# --- The world of these tests -----------------------------------------------------------------


@pytest.fixture
def zone_a(monde):
    """Circonscription Nord in zone A: the official calendar shipped with the app applies."""
    monde.nord.zone = "A"
    monde.nord.save(update_fields=["zone"])
    return monde


def _aide(monde, eleve, intervenant, *, type_aide=TypeAide.E):
    demande = DemandeAideFactory(eleve=eleve, auteur=monde["enseignant"], envoyee=True)
    return AideFactory(demande=demande, intervenant=intervenant, type=type_aide, en_cours=True)


@pytest.fixture
def groupe(monde):
    return GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_a, nom="CP lecture")


def _donnees(monde, groupe=None, **autres):
    return {
        "jour": 0, "heure": "09:30", "duree": 45, "ecole": monde.ecole_a.pk,
        "groupe": groupe.pk if groupe else "", "aide": "", "modalite": Modalite.PETIT_GROUPE,
        "du": "2026-12-01", "au": "2027-01-15", **autres,
    }


# --- Create: defaults, preview of the dates, validation ----------------------------------------


@time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=timezone.get_current_timezone()), tick=False)
def test_un_nouveau_creneau_vaut_par_defaut_pour_la_periode_en_cours(client, zone_a):
    client.force_login(zone_a["maitre_e"])
    form = client.get(reverse("creneau_creer")).context["form"]
    assert (form["du"].value(), form["au"].value()) == (date(2026, 11, 2), date(2026, 12, 18))


def test_voir_les_dates_avant_d_enregistrer(client, zone_a, groupe):
    client.force_login(zone_a["maitre_e"])
    page = texte(client.post(reverse("creneau_creer"), _donnees(zone_a, groupe, apercu="1")))
    assert not Creneau.objects.exists()
    # Mondays 7 and 14 December, 4 and 11 January; 21 and 28 December are in the Christmas holidays.
    assert "Le créneau aura lieu 4 fois" in page
    assert "lundi 07/12, lundi 14/12, lundi 04/01, lundi 11/01" in page
    assert "le lundi 21/12/2026 : pendant les vacances de Noël" in page
    assert "le lundi 28/12/2026 : pendant les vacances de Noël" in page


def test_un_jour_ferie_est_saute_avec_son_nom(client, zone_a, groupe):
    client.force_login(zone_a["maitre_e"])
    donnees = _donnees(zone_a, groupe, jour=2, du="2026-11-02", au="2026-11-18", apercu="1")
    page = texte(client.post(reverse("creneau_creer"), donnees))
    assert "Le créneau aura lieu 2 fois" in page
    assert "le mercredi 11/11/2026 : un jour férié (Armistice 1918)" in page


def test_enregistrer_un_creneau_de_groupe(client, zone_a, groupe):
    client.force_login(zone_a["maitre_e"])
    reponse = client.post(reverse("creneau_creer"), _donnees(zone_a, groupe))
    creneau = Creneau.objects.get()
    assert reponse["Location"] == reverse("creneau_detail", args=[creneau.pk])
    assert (creneau.intervenant, creneau.groupe, creneau.jour, creneau.heure) == (
        zone_a["maitre_e"], groupe, 0, time(9, 30))
    page = texte(client.get(reverse("creneau_detail", args=[creneau.pk])))
    assert "Lundi 07/12/2026" in page and "Lundi 11/01/2027" in page
    assert "le lundi 21/12/2026 : pendant les vacances de Noël" in page


def test_enregistrer_un_creneau_individuel(client, zone_a):
    aide = _aide(zone_a, zone_a.eleve_a1, zone_a["maitre_e"])
    client.force_login(zone_a["maitre_e"])
    client.post(reverse("creneau_creer"), _donnees(zone_a, aide=aide.pk, modalite=Modalite.INDIVIDUEL))
    creneau = Creneau.objects.get()
    assert creneau.aide == aide and creneau.groupe is None
    assert "Léa P. (individuel)" in texte(client.get(reverse("creneau_liste")))


def test_le_creneau_d_un_groupe_se_prefixe_depuis_le_groupe(client, monde, groupe):
    client.force_login(monde["maitre_e"])
    form = client.get(reverse("creneau_creer"), {"groupe": groupe.pk}).context["form"]
    assert (form["groupe"].value(), form["ecole"].value()) == (groupe.pk, monde.ecole_a.pk)
    autre = GroupeFactory(intervenant=monde["maitre_g"], ecole=monde.ecole_a)
    assert client.get(reverse("creneau_creer"), {"groupe": autre.pk}).status_code == 404


@pytest.mark.parametrize(("modifs", "erreur"), [
    ({"du": "2027-01-15", "au": "2026-12-01"}, "La date de fin doit être le jour de début ou après."),
    ({"groupe": ""}, "Choisissez un groupe ou un élève."),
    ({"jour": 5}, "Sélectionnez un choix valide"),
    ({"duree": 5}, "Un créneau dure entre 10 minutes et 4 heures."),
])
def test_un_creneau_invalide_est_refuse(client, monde, groupe, modifs, erreur):
    client.force_login(monde["maitre_e"])
    page = texte(client.post(reverse("creneau_creer"), _donnees(monde, groupe) | modifs))
    assert erreur in page
    assert not Creneau.objects.exists()


def test_un_groupe_et_un_eleve_a_la_fois_sont_refuses(client, monde, groupe):
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    page = texte(client.post(reverse("creneau_creer"), _donnees(monde, groupe, aide=aide.pk)))
    assert "Choisissez un groupe ou un élève, pas les deux." in page
    assert not Creneau.objects.exists()


def test_le_groupe_doit_etre_de_l_ecole_du_creneau(client, monde, groupe):
    # Maître E covers both schools; his group of école A in a slot at école B is refused.
    Secteur.objects.get(pk=monde["maitre_e"].secteur_id).ecoles.add(monde.ecole_b)
    client.force_login(monde["maitre_e"])
    page = texte(client.post(reverse("creneau_creer"), _donnees(monde, groupe, ecole=monde.ecole_b.pk)))
    assert "Ce groupe est celui d'une autre école (École Jean Jaurès)." in page
    assert not Creneau.objects.exists()


def test_le_groupe_ou_l_eleve_d_un_autre_ne_se_choisit_pas(client, monde):
    groupe_g = GroupeFactory(intervenant=monde["maitre_g"], ecole=monde.ecole_a)
    aide_g = _aide(monde, monde.eleve_a1, monde["maitre_g"], type_aide=TypeAide.G)
    client.force_login(monde["maitre_e"])
    for modifs in ({"groupe": groupe_g.pk}, {"aide": aide_g.pk}):
        page = texte(client.post(reverse("creneau_creer"), _donnees(monde) | modifs))
        assert "Sélectionnez un choix valide" in page
    assert not Creneau.objects.exists()


@pytest.mark.parametrize("persona", ["enseignant", "directeur", "circonscription", "admin"])
def test_l_emploi_du_temps_est_refuse_hors_rased(client, monde, persona):
    client.force_login(monde[persona])
    for nom in ("creneau_liste", "creneau_creer", "trajet_page"):
        assert client.get(reverse(nom)).status_code == 403


# --- The list ---------------------------------------------------------------------------------


def test_mon_emploi_du_temps_par_ecole_par_jour_et_heure(client, monde, groupe):
    maitre_e = monde["maitre_e"]
    CreneauFactory(groupe=groupe, jour=3, heure=time(9, 0))
    CreneauFactory(groupe=groupe, jour=0, heure=time(14, 0))
    CreneauFactory(groupe=groupe, jour=0, heure=time(8, 30))
    CreneauFactory(groupe=GroupeFactory(intervenant=monde["maitre_g"], ecole=monde.ecole_a, nom="Du collègue"))
    client.force_login(maitre_e)
    page = texte(client.get(reverse("creneau_liste")))
    assert page.index("Lundi 08:30") < page.index("Lundi 14:00") < page.index("Jeudi 09:00")
    assert "Du collègue" not in page


def test_mon_emploi_du_temps_vide(client, monde):
    client.force_login(monde["maitre_g"])
    assert "Votre emploi du temps est vide" in texte(client.get(reverse("creneau_liste")))


def test_mon_emploi_du_temps_en_nombre_de_requetes_fixe(client, monde, groupe, django_assert_max_num_queries):
    client.force_login(monde["maitre_e"])
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    CreneauFactory(groupe=groupe)
    CreneauFactory(groupe=None, aide=aide, intervenant=monde["maitre_e"], ecole=monde.ecole_a)
    client.get(reverse("creneau_liste"))
    with django_assert_max_num_queries(8) as avec_deux:
        client.get(reverse("creneau_liste"))
    for jour in range(5):
        autre = GroupeFactory(intervenant=monde["maitre_e"], ecole=monde.ecole_b)
        CreneauFactory(groupe=autre, jour=jour)
        CreneauFactory(groupe=None, aide=aide, intervenant=monde["maitre_e"], ecole=monde.ecole_a, jour=jour)
    with django_assert_max_num_queries(len(avec_deux.captured_queries)):
        page = texte(client.get(reverse("creneau_liste")))
    assert page.count("(individuel)") == 6


# --- Edit, delete, strangers -----------------------------------------------------------------


def test_modifier_un_creneau(client, monde, groupe):
    creneau = CreneauFactory(groupe=groupe)
    client.force_login(monde["maitre_e"])
    donnees = _donnees(monde, groupe, jour=4, heure="13:45", duree=60)
    assert client.post(reverse("creneau_modifier", args=[creneau.pk]), donnees).status_code == 302
    creneau.refresh_from_db()
    assert (creneau.jour, creneau.heure, creneau.duree) == (4, time(13, 45), 60)


def test_supprimer_un_creneau_garde_ses_seances(client, monde, groupe):
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    creneau = CreneauFactory(groupe=groupe)
    seance = SeanceFactory(intervenant=monde["maitre_e"], aides=[aide])
    Seance.objects.filter(pk=seance.pk).update(creneau=creneau)
    client.force_login(monde["maitre_e"])
    page = texte(client.get(reverse("creneau_supprimer", args=[creneau.pk])))
    assert "La séance déjà notée depuis ce créneau reste enregistrée." in page
    assert Creneau.objects.exists()
    assert client.post(reverse("creneau_supprimer", args=[creneau.pk]))["Location"] == reverse("creneau_liste")
    assert not Creneau.objects.exists()
    seance.refresh_from_db()
    assert seance.creneau_id is None


@pytest.mark.parametrize("persona", ["maitre_g", "psychologue", "rased_autre_secteur", "enseignant", "admin"])
def test_le_creneau_d_un_autre_est_introuvable(client, monde, groupe, persona):
    creneau = CreneauFactory(groupe=groupe, jour=0, du=date(2026, 11, 2), au=date(2026, 12, 18))
    CreneauNonTenu.objects.create(creneau=creneau, date=date(2026, 11, 9), motif=MotifNonTenu.SORTIE,
                                  auteur=monde["maitre_e"])
    client.force_login(monde[persona])
    for nom in ("creneau_detail", "creneau_modifier", "creneau_supprimer"):
        assert client.get(reverse(nom, args=[creneau.pk])).status_code == 404
    assert client.post(reverse("creneau_supprimer", args=[creneau.pk])).status_code == 404
    assert client.post(reverse("creneau_non_tenu", args=[creneau.pk, "2026-11-16"]),
                       {"motif": MotifNonTenu.SORTIE}).status_code == 404
    assert client.post(reverse("creneau_non_tenu_annuler", args=[creneau.pk, "2026-11-09"])).status_code == 404
    assert Creneau.objects.filter(pk=creneau.pk).exists()
    assert list(CreneauNonTenu.objects.values_list("date", flat=True)) == [date(2026, 11, 9)]


# --- « Non tenue » ----------------------------------------------------------------------------


@pytest.fixture
def creneau_lundi(zone_a, groupe):
    """Every Monday from the rentrée of the Toussaint to the Christmas holidays."""
    return CreneauFactory(groupe=groupe, jour=0, du=date(2026, 11, 2), au=date(2026, 12, 18))


def test_noter_une_seance_non_tenue_puis_l_annuler(client, zone_a, creneau_lundi):
    client.force_login(zone_a["maitre_e"])
    url = reverse("creneau_non_tenu", args=[creneau_lundi.pk, "2026-11-16"])
    assert "La séance du lundi 16/11/2026 n'a pas eu lieu" in texte(client.get(url))
    assert not CreneauNonTenu.objects.exists()
    reponse = client.post(url, {"motif": MotifNonTenu.SORTIE, "precision": " Sortie au musée "})
    assert reponse["Location"] == reverse("creneau_detail", args=[creneau_lundi.pk])
    non_tenu = CreneauNonTenu.objects.get()
    assert (non_tenu.date, non_tenu.motif, non_tenu.precision, non_tenu.auteur) == (
        date(2026, 11, 16), MotifNonTenu.SORTIE, "Sortie au musée", zone_a["maitre_e"])
    page = texte(client.get(reverse("creneau_detail", args=[creneau_lundi.pk])))
    assert "Lundi 16/11/2026 Non tenue : sortie ou événement de l'école (Sortie au musée)" in page
    assert "Annuler : la séance a eu lieu" in page
    # A repeat keeps the first reason.
    client.post(url, {"motif": MotifNonTenu.AUTRE})
    assert CreneauNonTenu.objects.get().motif == MotifNonTenu.SORTIE

    annuler = reverse("creneau_non_tenu_annuler", args=[creneau_lundi.pk, "2026-11-16"])
    assert "En annulant, elle redevient une séance à noter" in texte(client.get(annuler))
    assert CreneauNonTenu.objects.exists()
    client.post(annuler)
    assert not CreneauNonTenu.objects.exists()
    assert client.get(annuler).status_code == 404


@pytest.mark.parametrize(("jour", "raison"), [
    ("2026-11-17", "Le créneau n'a pas lieu le 17/11/2026."),  # a Tuesday
    ("2027-01-04", "Le créneau n'a pas lieu le 04/01/2027."),  # after its end
    ("2026-10-26", "Le créneau n'a pas lieu le 26/10/2026."),  # before its start
])
def test_non_tenue_refusee_hors_des_jours_du_creneau(client, zone_a, creneau_lundi, jour, raison):
    client.force_login(zone_a["maitre_e"])
    page = texte(client.post(reverse("creneau_non_tenu", args=[creneau_lundi.pk, jour]),
                             {"motif": MotifNonTenu.ABSENCE_INTERVENANT}, follow=True))
    assert raison in page
    assert not CreneauNonTenu.objects.exists()


def test_non_tenue_refusee_un_jour_sans_ecole(client, zone_a, groupe):
    creneau = CreneauFactory(groupe=groupe, jour=0, du=date(2026, 12, 1), au=date(2027, 1, 15))
    client.force_login(zone_a["maitre_e"])
    page = texte(client.post(reverse("creneau_non_tenu", args=[creneau.pk, "2026-12-21"]),
                             {"motif": MotifNonTenu.ABSENCE_INTERVENANT}))
    assert "Le 21/12/2026 est pendant les vacances de Noël : le créneau n'a pas lieu ce jour-là." in page
    assert not CreneauNonTenu.objects.exists()


def test_non_tenue_refusee_si_la_seance_est_notee(client, zone_a, creneau_lundi):
    aide = _aide(zone_a, zone_a.eleve_a1, zone_a["maitre_e"])
    seance = SeanceFactory(intervenant=zone_a["maitre_e"], aides=[aide], date=date(2026, 11, 16))
    Seance.objects.filter(pk=seance.pk).update(creneau=creneau_lundi)
    client.force_login(zone_a["maitre_e"])
    page = texte(client.post(reverse("creneau_non_tenu", args=[creneau_lundi.pk, "2026-11-16"]),
                             {"motif": MotifNonTenu.ABSENCE_INTERVENANT}))
    assert "Une séance a déjà été notée pour ce jour : il a donc eu lieu." in page
    assert not CreneauNonTenu.objects.exists()
    # The slot's page offers no « non tenue » on a logged day.
    detail = texte(client.get(reverse("creneau_detail", args=[creneau_lundi.pk])))
    assert "Lundi 16/11/2026 Séance notée" in detail


def test_une_date_illisible_est_introuvable(client, zone_a, creneau_lundi):
    client.force_login(zone_a["maitre_e"])
    assert client.get(reverse("creneau_non_tenu", args=[creneau_lundi.pk, "2026-13-45"])).status_code == 404


def test_non_tenue_est_un_post(client, zone_a, creneau_lundi):
    client.force_login(zone_a["maitre_e"])
    url = reverse("creneau_non_tenu", args=[creneau_lundi.pk, "2026-11-16"])
    assert "Noter « non tenue »" in texte(client.get(url, {"motif": MotifNonTenu.SORTIE}))
    assert not CreneauNonTenu.objects.exists()


def test_le_creneau_d_un_eleve_dont_l_aide_est_terminee_se_modifie_encore(client, monde):
    aide = _aide(monde, monde.eleve_a1, monde["maitre_e"])
    creneau = CreneauFactory(groupe=None, aide=aide, intervenant=monde["maitre_e"], ecole=monde.ecole_a)
    aide_arreter_depart(aide=aide, auteur=monde["maitre_e"], le=timezone.localdate())
    client.force_login(monde["maitre_e"])
    donnees = _donnees(monde, aide=aide.pk, heure="11:00")
    assert client.post(reverse("creneau_modifier", args=[creneau.pk]), donnees).status_code == 302
    creneau.refresh_from_db()
    assert creneau.heure == time(11, 0)
    # A new slot for him is refused: his aid is over.
    page = texte(client.post(reverse("creneau_creer"), _donnees(monde, aide=aide.pk)))
    assert "Sélectionnez un choix valide" in page
    assert Creneau.objects.count() == 1
