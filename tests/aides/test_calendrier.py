"""Dates that make no sense, through the pages: a session on a day without school (a warning the
member confirms), a session outside the family's agreement, an aid started before it, a decision
dated before the request reached the RASED, and a review date counted in school weeks."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aides.enums import EtatAide, TypeAide
from aides.forms.seances import SeanceForm
from aides.models import Aide, Programme, Seance
from eleves.calendrier import jours_feries
from eleves.models import PeriodeVacances
from tests.eleves.outils_pages import texte
from tests.factories_aides import DemandeAideFactory
from tests.factories_parcours import aides_en_cours

AUJOURD_HUI = timezone.localdate()


def _dernier(condition) -> date:
    """The last day before today that meets ``condition``."""
    jour = AUJOURD_HUI - timedelta(days=1)
    while not condition(jour):
        jour -= timedelta(days=1)
    return jour


def _aide_e(monde, *, debut, accord_le=None):
    """Léa's E aid, led by maitre_e, agreed on ``accord_le`` (``debut`` unless given) and started on
    ``debut``, through the services."""
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True,
                                 famille_informee_le=debut - timedelta(days=30))
    return aides_en_cours(demande, {TypeAide.E: monde["maitre_e"]}, accord_le=accord_le or debut,
                          debut=debut)[TypeAide.E]


def _seance(aide, jour, **champs):
    return {"date": jour.isoformat(), "duree": "45", "contenu": "Syllabes.",
            f"participe_{aide.pk}": "on", f"presence_{aide.pk}": "present"} | champs


@pytest.fixture
def zone_a(monde):
    """Lyon is in zone A: the circonscription says so (as its administrator would)."""
    monde.nord.zone = "A"
    monde.nord.save(update_fields=["zone"])
    return monde


# --- A session on a day without school: warned, then confirmed --------------------------------


def test_seance_un_samedi_avertie_puis_enregistree_si_confirmee(client, monde):
    samedi = _dernier(lambda j: j.weekday() == 5)
    aide = _aide_e(monde, debut=samedi - timedelta(days=40))
    client.force_login(monde["maitre_e"])
    url = reverse("seance_creer")

    response = client.post(url, _seance(aide, samedi))

    assert response.status_code == 200
    page = texte(response)
    assert f"Le {samedi:%d/%m/%Y} tombe un samedi : d'habitude, aucune séance n'a lieu ce jour-là." in page
    assert 'type="checkbox" name="confirmer_date"' in response.content.decode()
    assert not Seance.objects.exists()

    response = client.post(url, _seance(aide, samedi, confirmer_date="on"))

    assert response.status_code == 302
    assert list(Seance.objects.values_list("date", flat=True)) == [samedi]


def test_seance_un_jour_ferie_avertie(client, monde):
    ferie = _dernier(lambda j: j.weekday() < 5 and j in jours_feries(j.year))
    aide = _aide_e(monde, debut=ferie - timedelta(days=20))
    client.force_login(monde["maitre_e"])

    page = texte(client.post(reverse("seance_creer"), _seance(aide, ferie)))

    assert f"Le {ferie:%d/%m/%Y} tombe un jour férié ({jours_feries(ferie.year)[ferie]})" in page
    assert not Seance.objects.exists()


def test_seance_pendant_les_vacances_de_la_toussaint_de_sa_zone_avertie(client, zone_a):
    monde = zone_a
    toussaint = PeriodeVacances.objects.filter(
        zone="A", description="Vacances de la Toussaint", fin__lte=AUJOURD_HUI).latest("debut")
    mardi = toussaint.debut + timedelta(days=3)  # classes end on a Saturday
    aide = _aide_e(monde, debut=toussaint.debut - timedelta(days=19))
    client.force_login(monde["maitre_e"])
    url = reverse("seance_creer")

    page = texte(client.post(url, _seance(aide, mardi)))

    assert f"Le {mardi:%d/%m/%Y} tombe pendant les vacances de la Toussaint" in page
    assert "Confirmer quand même cette date" in page
    assert not Seance.objects.exists()

    # The Monday classes resume is a school day: no warning.
    response = client.post(url, _seance(aide, toussaint.fin))
    assert response.status_code == 302
    assert list(Seance.objects.values_list("date", flat=True)) == [toussaint.fin]


def test_seance_pendant_les_vacances_d_une_autre_zone_sans_avertissement(client, monde):
    """Zone C's winter holidays are not zone A's: a zone A circonscription logs sessions then."""
    monde.nord.zone = "A"
    monde.nord.save(update_fields=["zone"])
    hiver_c = PeriodeVacances.objects.filter(zone="C", description="Vacances d'Hiver",
                                             fin__lte=AUJOURD_HUI).latest("debut")
    hiver_a = PeriodeVacances.objects.get(zone="A", annee_scolaire=hiver_c.annee_scolaire,
                                          description="Vacances d'Hiver")
    # A weekday of zone C's holidays outside zone A's.
    jour = next(hiver_c.debut + timedelta(days=n) for n in range(1, 16)
                if (hiver_c.debut + timedelta(days=n)).weekday() < 5
                and not hiver_a.debut < hiver_c.debut + timedelta(days=n) < hiver_a.fin)
    aide = _aide_e(monde, debut=hiver_c.debut - timedelta(days=30))
    client.force_login(monde["maitre_e"])

    response = client.post(reverse("seance_creer"), _seance(aide, jour))

    assert response.status_code == 302
    assert Seance.objects.get().date == jour


# --- The family's agreement comes first ------------------------------------------------------


def test_seance_avant_l_accord_de_la_famille_refusee(client, monde):
    jour_d_ecole = _dernier(lambda j: j.weekday() < 5 and j not in jours_feries(j.year))
    accord = jour_d_ecole - timedelta(days=1)
    aide = _aide_e(monde, debut=accord)
    # An aid whose start was recorded before the agreement (before this rule existed): its start
    # no longer protects the sessions, the agreement's date does.
    Aide.objects.filter(pk=aide.pk).update(debut=accord - timedelta(days=30))
    avant = _dernier(lambda j: j < accord - timedelta(days=3) and j.weekday() < 5
                     and j not in jours_feries(j.year))
    client.force_login(monde["maitre_e"])

    page = texte(client.post(reverse("seance_creer"), _seance(aide, avant, confirmer_date="on")))

    assert (f"La séance du {avant:%d/%m/%Y} précède l'accord de la famille de {aide.eleve} "
            f"(donné le {accord:%d/%m/%Y}) : aucune séance avant cet accord.") in page
    assert not Seance.objects.exists()


def test_demarrage_avant_l_accord_de_la_famille_refuse(client, monde):
    accord = AUJOURD_HUI - timedelta(days=2)
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True,
                                 famille_informee_le=accord - timedelta(days=30))
    aide = aides_en_cours(demande, {TypeAide.E: monde["maitre_e"]}, accord_le=accord, demarrer=False)[TypeAide.E]
    client.force_login(monde["maitre_e"])
    url = reverse("aide_demarrer", args=[aide.pk])

    response = client.post(url, {"debut": (accord - timedelta(days=1)).isoformat()}, follow=True)

    assert (f"L'aide ne peut pas commencer le {accord - timedelta(days=1):%d/%m/%Y}, avant l'accord de la "
            f"famille du {accord:%d/%m/%Y}") in texte(response)
    aide.refresh_from_db()
    assert (aide.etat, aide.debut) == (EtatAide.A_DEMARRER, None)

    client.post(url, {"debut": accord.isoformat()})
    aide.refresh_from_db()
    assert (aide.etat, aide.debut) == (EtatAide.EN_COURS, accord)


# --- A decision is dated after the request reached the RASED ------------------------------------


def _decision(jour):
    return {"decision": "conseil", "motif": "Pistes de différenciation.", "date": jour.isoformat()}


def test_decision_datee_avant_l_envoi_refusee(client, monde, demande_envoyee):
    envoi = AUJOURD_HUI - timedelta(days=10)
    demande_envoyee.envoyee_le = timezone.now() - timedelta(days=10)
    demande_envoyee.save(update_fields=["envoyee_le"])
    client.force_login(monde["maitre_e"])
    url = reverse("demande_decider", args=[demande_envoyee.pk])

    page = texte(client.post(url, _decision(envoi - timedelta(days=1))))

    assert (f"La décision ne peut pas précéder l'envoi de la demande au RASED (le {envoi:%d/%m/%Y}) : "
            "vérifiez la date.") in page
    demande_envoyee.refresh_from_db()
    assert (demande_envoyee.decision, demande_envoyee.decidee_le) == ("", None)


def test_decision_datee_du_jour_de_la_synthese(client, monde, demande_envoyee):
    demande_envoyee.envoyee_le = timezone.now() - timedelta(days=10)
    demande_envoyee.save(update_fields=["envoyee_le"])
    synthese = AUJOURD_HUI - timedelta(days=3)
    client.force_login(monde["maitre_e"])

    response = client.post(reverse("demande_decider", args=[demande_envoyee.pk]), _decision(synthese))

    assert response.status_code == 302
    demande_envoyee.refresh_from_db()
    assert (demande_envoyee.decision, timezone.localdate(demande_envoyee.decidee_le)) == ("conseil", synthese)
    assert f"le {synthese:%d/%m/%Y}" in texte(client.get(demande_envoyee.get_absolute_url()))


def test_decision_dans_le_futur_refusee(client, monde, demande_envoyee):
    client.force_login(monde["maitre_e"])
    page = texte(client.post(reverse("demande_decider", args=[demande_envoyee.pk]),
                             _decision(AUJOURD_HUI + timedelta(days=1))))
    assert "La date ne peut pas être dans le futur." in page
    demande_envoyee.refresh_from_db()
    assert demande_envoyee.decidee_le is None


# --- The review date: seven school weeks, the holidays not counted -----------------------------


def test_date_de_revision_saute_les_vacances_de_la_toussaint(client, zone_a, demande_envoyee):
    monde = zone_a
    # Zone A, 2026: classes end Saturday 17 October, resume Monday 2 November.
    debut = date(2026, 9, 28)
    aide = aides_en_cours(demande_envoyee, {TypeAide.E: monde["maitre_e"]}, debut=debut)[TypeAide.E]
    client.force_login(monde["maitre_e"])

    response = client.post(reverse("programme_creer", args=[aide.pk]), {
        "modalite": "petit_groupe", "seances_par_semaine": "2", "duree_seance": "45",
        "date_debut": debut.isoformat(), "date_revision": "",
        "objectifs-TOTAL_FORMS": "0", "objectifs-INITIAL_FORMS": "0",
        "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0",
    })

    assert response.status_code == 302
    # 3 weeks before the holidays, 2 weeks of holidays not counted, 4 weeks after: not the
    # 16 November seven calendar weeks would give.
    assert Programme.objects.get(aide=aide).date_revision == date(2026, 11, 30)


def test_date_de_revision_sans_zone_compte_les_semaines_du_calendrier(client, monde, demande_envoyee):
    debut = date(2026, 9, 28)
    aide = aides_en_cours(demande_envoyee, {TypeAide.E: monde["maitre_e"]}, debut=debut)[TypeAide.E]
    client.force_login(monde["maitre_e"])

    client.post(reverse("programme_creer", args=[aide.pk]), {
        "modalite": "petit_groupe", "seances_par_semaine": "2", "duree_seance": "45",
        "date_debut": debut.isoformat(), "date_revision": "",
        "objectifs-TOTAL_FORMS": "0", "objectifs-INITIAL_FORMS": "0",
        "actions-TOTAL_FORMS": "0", "actions-INITIAL_FORMS": "0",
    })

    # No zone set: only weekends and public holidays are known, so seven weeks are seven weeks.
    assert Programme.objects.get(aide=aide).date_revision == date(2026, 11, 16)


# --- The zone is the administrator's to set ---------------------------------------------------


def test_administrateur_choisit_la_zone_de_la_circonscription(client, monde):
    aide = _aide_e(monde, debut=date(2026, 9, 28))
    client.force_login(monde["admin"])
    url = reverse("admin:eleves_circonscription_change", args=[monde.nord.pk])
    assert "Zone de vacances scolaires" in texte(client.get(url))

    response = client.post(url, {"nom": monde.nord.nom, "departement": "Rhône", "zone": "A",
                                 "relance_attente_jours": "21"})

    assert response.status_code == 302
    monde.nord.refresh_from_db()
    assert monde.nord.zone == "A"
    # From now on, the zone's holidays count: a Tuesday of its Toussaint asks for a confirmation.
    client.force_login(monde["maitre_e"])
    page = texte(client.post(reverse("seance_creer"), _seance(aide, date(2026, 10, 20))))
    assert "Le 20/10/2026 tombe pendant les vacances de la Toussaint" in page


def test_formulaire_de_seance_corrigee_garde_la_date_deja_confirmee(monde):
    """The form the correction page reuses: the member of the session gives the calendar; its
    own date, confirmed when recorded, is not questioned again; a new day without school is."""
    samedi = _dernier(lambda j: j.weekday() == 5)
    seance = Seance.objects.create(intervenant=monde["maitre_e"], date=samedi, duree=45, contenu="Syllabes.")
    donnees = {"date": samedi.isoformat(), "duree": "30", "contenu": "Syllabes et sons.", "revision_lue": str(seance.revision)}

    assert SeanceForm(donnees, instance=seance).is_valid()

    dimanche = samedi + timedelta(days=1) if samedi + timedelta(days=1) < AUJOURD_HUI else samedi - timedelta(days=6)
    form = SeanceForm(donnees | {"date": dimanche.isoformat()}, instance=seance)
    assert not form.is_valid()
    assert "tombe un dimanche" in form.errors["date"][0]
