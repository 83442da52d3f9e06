"""The long single documents printed through the task queue (aides/impressions.py): the yearly
report and the right-of-access file. « Préparer le PDF » posts a job, the progress page follows
it (its script reads ``impression_avancement``), the file is downloaded there; the rights are
checked when asked, when rendered and at download; the access log reads as the direct PDF writes it.

The tasks run at once here (ImmediateBackend, tests/conftest.py), except where a test queues the
job with the database backend and no worker, to see it waiting.
"""

import json

import pytest
from django.urls import reverse

from aides.enums import EtatImpression, GenreImpression
from aides.impressions import imprimer
from aides.models import TravailImpression
from eleves.models import JournalAcces, annee_courante_debut
from tests.aides.test_documents_programme import texte_pdf
from tests.eleves.outils_pages import texte
from tests.factories import ResponsableLegalFactory
from tests.factories_parcours import acces_depose, demande_deposee

FILE_EN_BASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                            "QUEUES": ["default", "courriels", "documents"]}}
ANNEE = annee_courante_debut()


def _imprimes(**filtres):
    return JournalAcces.objects.filter(action=JournalAcces.Action.IMPRESSION, **filtres)


@pytest.fixture
def acces(monde):
    """Léa Petit's family asked for her file; the directeur filed it."""
    demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    ResponsableLegalFactory(eleve=monde.eleve_a1, nom="Petit", prenom="Sandrine")
    return acces_depose(monde.eleve_a1, auteur=monde["directeur"])


# --- The yearly report ---------------------------------------------------------------------------


def test_rapport_annuel_prepare_suivi_puis_telecharge(client, monde):
    client.force_login(monde["circonscription"])
    page = client.get(reverse("rapport_annuel"))
    preparer = reverse("rapport_annuel_preparer", args=[ANNEE])
    assert f'action="{preparer}"' in page.content.decode() and "Préparer le PDF" in texte(page)

    reponse = client.post(preparer)
    travail = TravailImpression.objects.get()
    assert reponse["Location"] == reverse("impression_detail", args=[travail.pk])
    assert travail.genre == GenreImpression.RAPPORT_ANNUEL and travail.etat == EtatImpression.TERMINE
    assert travail.parametres == {"debut": ANNEE, "circonscription": monde.nord.pk}
    suivi = client.get(reponse["Location"])
    assert "Bilan d'activité annuel du RASED" in texte(suivi) and "1 / 1" in texte(suivi)

    fichier = client.get(reverse("impression_fichier", args=[travail.pk]))
    assert fichier["Content-Type"] == "application/pdf"
    annee = f"{ANNEE}-{ANNEE + 1}"
    assert fichier["Content-Disposition"] == f'attachment; filename="bilan-activite-rased-{annee}.pdf"'
    contenu = texte_pdf(fichier.content)
    assert f"Bilan d'activité du RASED — {annee}" in contenu and "Lyon Nord" in contenu
    # The access log as the direct PDF writes it: one entry, no pupil, the asker's address.
    entree = _imprimes().get()
    assert (entree.utilisateur, entree.objet, entree.eleve, entree.adresse) == (
        monde["circonscription"], f"Bilan d'activité {annee}, PDF", None, "127.0.0.1")
    client.get(reverse("rapport_annuel_pdf", args=[ANNEE]))
    assert list(_imprimes().values_list("objet", flat=True)) == [entree.objet] * 2


@pytest.mark.parametrize("persona", ["enseignant", "directeur", "maitre_e", "psychologue", "admin"])
def test_rapport_annuel_refuse_aux_autres_roles(client, monde, persona):
    client.force_login(monde[persona])
    assert client.post(reverse("rapport_annuel_preparer", args=[ANNEE])).status_code == 403
    assert not TravailImpression.objects.exists()


def test_rapport_annuel_annee_inconnue_ou_get(client, monde):
    client.force_login(monde["circonscription"])
    assert client.post(reverse("rapport_annuel_preparer", args=[2019])).status_code == 404
    assert client.get(reverse("rapport_annuel_preparer", args=[ANNEE])).status_code == 405
    assert not TravailImpression.objects.exists()


def test_rapport_annuel_ailleurs_apres_la_demande_ni_rendu_ni_servi(client, monde, settings):
    """An IEN moved to another circonscription: the job asked before fails when it runs, and a
    file made before is no longer hers to download."""
    ien = monde["circonscription"]
    client.force_login(ien)
    client.post(reverse("rapport_annuel_preparer", args=[ANNEE]))
    fait = TravailImpression.objects.get()
    settings.TASKS = FILE_EN_BASE  # the second job waits for a worker
    client.post(reverse("rapport_annuel_preparer", args=[ANNEE]))
    en_attente = TravailImpression.objects.exclude(pk=fait.pk).get()
    ien.circonscription = monde.sud
    ien.save(update_fields=["circonscription"])

    assert client.get(reverse("impression_fichier", args=[fait.pk])).status_code == 403
    imprimer.call(en_attente.pk)  # what the worker would run
    en_attente.refresh_from_db()
    assert en_attente.etat == EtatImpression.ECHEC and not en_attente.fichier
    assert "ne permet plus" in texte(client.get(reverse("impression_detail", args=[en_attente.pk])))
    assert _imprimes().count() == 1


# --- The right-of-access file ---------------------------------------------------------------------


def test_droit_d_acces_prepare_telecharge_et_journalise_comme_le_pdf_direct(client, monde, acces):
    client.force_login(monde["directeur"])
    detail = client.get(reverse("demande_acces_detail", args=[acces.pk]))
    preparer = reverse("demande_acces_preparer", args=[acces.pk])
    assert f'action="{preparer}"' in detail.content.decode()
    assert reverse("demande_acces_pdf", args=[acces.pk]) not in detail.content.decode()
    assert "pendant 48 heures" in texte(detail)

    reponse = client.post(preparer)
    travail = TravailImpression.objects.get()
    assert reponse["Location"] == reverse("impression_detail", args=[travail.pk])
    assert travail.parametres == {"demande_acces": acces.pk, "eleves": [monde.eleve_a1.pk]}  # ids only
    fichier = client.get(reverse("impression_fichier", args=[travail.pk]))
    assert fichier["Content-Disposition"] == f'attachment; filename="droit-d-acces-{acces.pk}.pdf"'
    par_la_file = texte_pdf(fichier.content)
    assert "Droit d'accès" in par_la_file and "PETIT" in par_la_file and "Journal des accès au dossier" in par_la_file

    direct = client.get(reverse("demande_acces_pdf", args=[acces.pk]))
    assert direct.status_code == 200
    file_entree, direct_entree = _imprimes(eleve=monde.eleve_a1).order_by("pk")
    # The same entry, word for word, on the pupil's log: the file's printing is an access like any other.
    assert file_entree.objet == direct_entree.objet == (
        f"Droit d'accès n° {acces.pk} : dossier complet (volet du RASED en attente de relecture, "
        "volet psychologique en attente de relecture), PDF")
    assert (file_entree.utilisateur, file_entree.adresse) == (monde["directeur"], "127.0.0.1")
    # The direct PDF printed after it lists the queued printing in the pupil's access log.
    assert "dossier complet" in texte_pdf(direct.content).split("Journal des accès au dossier")[-1]


@pytest.mark.parametrize(("persona", "attendu"), [
    ("enseignant", 403), ("maitre_e", 403), ("psychologue", 403), ("admin", 403),
    ("enseignant_autre_ecole", 404), ("rased_autre_secteur", 404), ("autre_circonscription", 404),
])
def test_droit_d_acces_refuse(client, monde, acces, persona, attendu):
    client.force_login(monde[persona])
    assert client.post(reverse("demande_acces_preparer", args=[acces.pk])).status_code == attendu
    assert not TravailImpression.objects.exists()
    assert not _imprimes().exists()


def test_droit_d_acces_hors_perimetre_a_l_execution_et_au_telechargement(client, monde, acces, settings):
    directeur = monde["directeur"]
    client.force_login(directeur)
    client.post(reverse("demande_acces_preparer", args=[acces.pk]))
    fait = TravailImpression.objects.get()
    settings.TASKS = FILE_EN_BASE
    client.post(reverse("demande_acces_preparer", args=[acces.pk]))
    en_attente = TravailImpression.objects.exclude(pk=fait.pk).get()
    directeur.ecole = monde.ecole_b  # now directeur of another school
    directeur.save(update_fields=["ecole"])

    assert client.get(reverse("impression_fichier", args=[fait.pk])).status_code == 403
    assert imprimer.call(en_attente.pk) == "Cette demande d'accès n'est plus dans votre périmètre."
    en_attente.refresh_from_db()
    assert en_attente.etat == EtatImpression.ECHEC and not en_attente.fichier
    assert _imprimes().count() == 1


def test_droit_d_acces_annule_avant_de_commencer(client, monde, acces, settings):
    settings.TASKS = FILE_EN_BASE
    client.force_login(monde["directeur"])
    url = client.post(reverse("demande_acces_preparer", args=[acces.pk]))["Location"]
    travail = TravailImpression.objects.get()
    client.post(reverse("impression_annuler", args=[travail.pk]))
    assert imprimer.call(travail.pk) == "annulée avant de commencer"
    assert "Impression annulée" in texte(client.get(url))
    assert not _imprimes().exists()


# --- The progress: the page, its script, the JSON ---------------------------------------------------


def test_page_d_avancement_script_et_repli_sans_script(client, monde, acces, settings):
    settings.TASKS = FILE_EN_BASE
    client.force_login(monde["directeur"])
    url = client.post(reverse("demande_acces_preparer", args=[acces.pk]))["Location"]
    travail = TravailImpression.objects.get()
    page = client.get(url).content.decode()
    # The meta refresh only without script: the script polls instead (no inline script, CSP).
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    assert '<script src="/static/js/impression.js" defer></script>' in page
    assert f'data-avancement="{reverse("impression_avancement", args=[travail.pk])}"' in page
    assert "<script>" not in page

    imprimer.call(travail.pk)
    fini = client.get(url).content.decode()
    assert "impression.js" not in fini and "refresh" not in fini
    assert reverse("impression_fichier", args=[travail.pk]) in fini


def test_avancement_json_pour_son_demandeur_seul(client, monde, acces, settings):
    settings.TASKS = FILE_EN_BASE
    client.force_login(monde["directeur"])
    client.post(reverse("demande_acces_preparer", args=[acces.pk]))
    travail = TravailImpression.objects.get()
    url = reverse("impression_avancement", args=[travail.pk])

    reponse = client.get(url)
    assert reponse["Content-Type"] == "application/json" and reponse["Cache-Control"] == "no-store"
    assert json.loads(reponse.content) == {"fait": 0, "total": 1, "etat": "en_attente", "libelle": "en attente"}

    imprimer.call(travail.pk)
    reponse = client.get(url)
    donnees = json.loads(reponse.content)
    assert donnees == {"fait": 1, "total": 1, "etat": "termine", "libelle": "terminé",
                       "url": reverse("impression_fichier", args=[travail.pk])}
    # Counts and state only: neither the pupil's name nor the file's.
    corps = reponse.content.decode()
    assert "PETIT" not in corps.upper() and "droit-d-acces" not in corps

    for persona in ("enseignant", "circonscription", "maitre_e", "enseignant_autre_ecole", "admin"):
        client.force_login(monde[persona])
        assert client.get(url).status_code == 404, persona
    client.logout()
    assert client.get(url)["Location"].startswith(reverse("connexion"))
