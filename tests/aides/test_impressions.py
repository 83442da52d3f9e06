"""Batch printing (aides/impressions.py), through the pages: asked from a page that lists pupils,
followed, downloaded, cancelled, purged; rights checked when asked and again at download; each
pupil printed in the access log.

The tasks run at once here (ImmediateBackend, tests/conftest.py): the job is finished when the
POST answers. tests/aides/test_impressions_travailleur.py runs one with a real worker process.
"""

import io
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from aides import impressions
from aides.enums import EtatImpression, GenreImpression, TypeAide
from aides.impressions import imprimer, nom_sur
from aides.models import TravailImpression
from eleves.models import JournalAcces
from tests.eleves.outils_pages import texte
from tests.factories import eleve_inscrit
from tests.factories_parcours import aides_en_cours, bilan, demande_deposee, programme_valide

FILE_EN_BASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                            "QUEUES": ["default", "courriels", "documents"]}}


def _pdf_texte(contenu: bytes) -> tuple[int, list[str]]:
    lecteur = PdfReader(io.BytesIO(contenu))
    return len(lecteur.pages), [" ".join((p.extract_text() or "").split()) for p in lecteur.pages]


def _contenu(response) -> bytes:
    assert response.status_code == 200
    return response.content


@pytest.fixture
def classe_aidee(monde):
    """CE1 A: Léa Petit (a request sent), and two more pupils, one with a sent request."""
    classe = monde.classe_a1
    zoe = eleve_inscrit(classe, nom="Dubois", prenom="Zoé")
    eleve_inscrit(classe, nom="Martin", prenom="Élodie")
    for eleve in (monde.eleve_a1, zoe):
        demande_deposee(eleve=eleve, auteur=monde["enseignant"])
    return classe


def _demander(client, ids, genre=GenreImpression.FICHES_PAR_CLASSE, **autres):
    return client.post(reverse("impression_fiches"), {"eleves": ids, "genre": genre, **autres})


def test_fiches_d_une_classe_depuis_sa_page_un_pdf_avec_sommaire(client, monde, classe_aidee, preuve):
    client.force_login(monde["directeur"])
    page = client.get(reverse("classe_detail", args=[classe_aidee.pk]))
    assert "Imprimer les fiches de suivi (3 élèves)" in texte(page)
    ids = page.context["eleves_a_imprimer"]
    assert len(ids) == 3

    reponse = _demander(client, ids)
    travail = TravailImpression.objects.get()
    assert reponse.status_code == 302 and reponse["Location"] == reverse("impression_detail", args=[travail.pk])
    assert travail.parametres["eleves"] == sorted(ids)  # ids only, no name
    suivi = client.get(reponse["Location"])
    assert "3 / 3" in texte(suivi) and "terminé" in texte(suivi)
    assert 'http-equiv="refresh"' not in suivi.content.decode()  # finished: no more reloading

    fichier = client.get(reverse("impression_fichier", args=[travail.pk]))
    assert fichier["Content-Type"] == "application/pdf"
    assert fichier["Cache-Control"] == "no-store"
    assert 'filename="fiches-de-suivi-classe-CE1-A-Ecole-Jean-Jaures.pdf"' in fichier["Content-Disposition"]
    nb_pages, pages = _pdf_texte(_contenu(fichier))
    sommaire = pages[1]
    assert "Sommaire" in sommaire
    lignes = re.findall(r"(DUBOIS Zoé|MARTIN Élodie|PETIT Léa) CE1 A (\d+)", sommaire)
    assert [nom for nom, _ in lignes] == ["DUBOIS Zoé", "MARTIN Élodie", "PETIT Léa"]
    for nom, numero in lignes:  # the page the table of contents gives is the pupil's fiche
        famille, prenom = nom.split()
        assert "Fiche de suivi" in pages[int(numero) - 1] and f"{prenom} {famille}" in pages[int(numero) - 1]
    assert nb_pages >= 5
    entrees = JournalAcces.objects.filter(action=JournalAcces.Action.IMPRESSION, utilisateur=monde["directeur"])
    assert sorted(entrees.values_list("eleve_id", flat=True)) == sorted(ids)
    assert all(f"impression groupée n° {travail.pk}" in e.objet for e in entrees)
    preuve(f"impression groupée d'une classe : 3 fiches, sommaire page 2, {nb_pages} pages, 3 entrées au journal")


def test_fiches_un_pdf_par_eleve_dans_un_zip_aux_noms_surs(client, monde, classe_aidee):
    client.force_login(monde["enseignant"])
    ids = client.get(reverse("classe_detail", args=[classe_aidee.pk])).context["eleves_a_imprimer"]
    travail_url = _demander(client, ids, GenreImpression.FICHES_PAR_ELEVE)["Location"]
    travail = TravailImpression.objects.get()

    fichier = client.get(reverse("impression_fichier", args=[travail.pk]))
    assert fichier["Content-Type"] == "application/zip"
    assert f'filename="fiches-de-suivi-{travail.pk}.zip"' in fichier["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(_contenu(fichier)))
    assert sorted(archive.namelist()) == ["CE1-A-DUBOIS-Zoe.pdf", "CE1-A-MARTIN-Elodie.pdf", "CE1-A-PETIT-Lea.pdf"]
    _, pages = _pdf_texte(archive.read("CE1-A-PETIT-Lea.pdf"))
    assert "Léa PETIT" in pages[0]
    assert "Le fichier est conservé 48 heures" in texte(client.get(travail_url))


def test_nom_sur_sans_accents_ni_barres():
    assert nom_sur("CM1/CM2 A", "D'ALEMBERT", "Zoé-Hélène") == "CM1-CM2-A-D-ALEMBERT-Zoe-Helene"
    assert nom_sur("../..", "") == "document"


def test_fiches_de_plusieurs_classes_un_pdf_par_classe_dans_un_zip(client, monde, classe_aidee):
    demande_deposee(eleve=monde.eleve_a2, auteur=monde["directeur"])
    client.force_login(monde["directeur"])
    page = client.get(reverse("ecole_detail", args=[monde.ecole_a.pk]))
    ids = page.context["eleves_a_imprimer"]  # the pupils of the school with a request: not Élodie
    assert sorted(ids) == sorted([monde.eleve_a1.pk, monde.eleve_a2.pk,
                                  classe_aidee.inscriptions.get(eleve__prenom="Zoé").eleve_id])
    _demander(client, ids)
    travail = TravailImpression.objects.get()
    archive = zipfile.ZipFile(io.BytesIO(_contenu(client.get(reverse("impression_fichier", args=[travail.pk])))))
    assert sorted(archive.namelist()) == ["classe-CE1-A-Ecole-Jean-Jaures.pdf", "classe-CM1-A-Ecole-Jean-Jaures.pdf"]
    _, pages = _pdf_texte(archive.read("classe-CM1-A-Ecole-Jean-Jaures.pdf"))
    assert "MOREAU Nassim CM1 A 3" in pages[1]


def test_un_enseignant_d_une_autre_ecole_n_imprime_que_ses_eleves(client, monde, classe_aidee):
    autre = monde["enseignant_autre_ecole"]
    client.force_login(autre)
    ids_a = list(classe_aidee.inscriptions.values_list("eleve_id", flat=True))
    reponse = _demander(client, [*ids_a, monde.eleve_b1.pk])
    travail = TravailImpression.objects.get()
    assert travail.parametres["eleves"] == [monde.eleve_b1.pk]
    assert "3 élèves hors de votre périmètre ont été écartés." in texte(client.get(reponse["Location"]))
    _, pages = _pdf_texte(_contenu(client.get(reverse("impression_fichier", args=[travail.pk]))))
    tout = " ".join(pages)
    assert "GARCIA Inès" in tout and "PETIT" not in tout and "Petit" not in tout
    assert not JournalAcces.objects.filter(utilisateur=autre, eleve_id__in=ids_a).exists()


@pytest.mark.parametrize("persona", ["rased_autre_secteur", "autre_circonscription", "enseignant_autre_ecole"])
def test_hors_perimetre_rien_n_est_imprime(client, monde, classe_aidee, persona):
    client.force_login(monde[persona])
    ids_a = list(classe_aidee.inscriptions.values_list("eleve_id", flat=True))
    reponse = _demander(client, ids_a, retour=reverse("accueil"))
    assert reponse.status_code == 302 and reponse["Location"] == reverse("accueil")
    assert "Aucun élève à imprimer." in texte(client.get(reponse["Location"]))
    assert not TravailImpression.objects.exists()
    assert not JournalAcces.objects.filter(action=JournalAcces.Action.IMPRESSION).exists()


def test_l_administrateur_n_imprime_pas_de_fiches_de_suivi(client, monde, classe_aidee):
    client.force_login(monde["admin"])
    assert "eleves_a_imprimer" not in texte(client.get(reverse("classe_detail", args=[classe_aidee.pk])))
    assert _demander(client, [monde.eleve_a1.pk]).status_code == 403
    assert not TravailImpression.objects.exists()


def test_demander_par_get_ne_fait_rien(client, monde):
    client.force_login(monde["directeur"])
    assert client.get(reverse("impression_fiches"), {"eleves": [monde.eleve_a1.pk]}).status_code == 405
    assert not TravailImpression.objects.exists()


def test_le_travail_d_un_autre_est_introuvable(client, monde, classe_aidee):
    client.force_login(monde["directeur"])
    _demander(client, [monde.eleve_a1.pk])
    travail = TravailImpression.objects.get()
    for persona in ("enseignant", "maitre_e", "circonscription", "enseignant_autre_ecole", "rased_autre_secteur"):
        client.force_login(monde[persona])
        for nom in ("impression_detail", "impression_fichier"):
            assert client.get(reverse(nom, args=[travail.pk])).status_code == 404, (persona, nom)
        assert client.post(reverse("impression_annuler", args=[travail.pk])).status_code == 404
        assert f"{travail.pk}" not in " ".join(
            a for a in texte(client.get(reverse("impression_liste"))).split() if a.isdigit())
    assert TravailImpression.objects.get().annule is False


def test_au_telechargement_un_eleve_sorti_du_perimetre_refuse_le_fichier(client, monde, classe_aidee):
    client.force_login(monde["enseignant"])
    _demander(client, [monde.eleve_a1.pk])
    travail = TravailImpression.objects.get()
    assert _contenu(client.get(reverse("impression_fichier", args=[travail.pk]))).startswith(b"%PDF")
    classe_aidee.enseignants.remove(monde["enseignant"])  # no longer the class's teacher
    assert client.get(reverse("impression_fichier", args=[travail.pk])).status_code == 403


def test_annuler_une_impression_en_attente(client, monde, classe_aidee, settings):
    settings.TASKS = FILE_EN_BASE  # queued, no worker: the job waits
    client.force_login(monde["directeur"])
    url = _demander(client, [monde.eleve_a1.pk, monde.eleve_a2.pk])["Location"]
    travail = TravailImpression.objects.get()
    page = client.get(url)
    assert "0 / 2" in texte(page) and '<meta http-equiv="refresh" content="2">' in page.content.decode()
    assert client.get(reverse("impression_annuler", args=[travail.pk])).status_code == 405

    reponse = client.post(reverse("impression_annuler", args=[travail.pk]))
    assert reponse["Location"] == url
    assert "L'impression est annulée" in texte(client.get(url))
    assert imprimer.call(travail.pk) == "annulée avant de commencer"  # what the worker would run
    travail.refresh_from_db()
    assert (travail.etat, travail.fichier.name, travail.fait) == (EtatImpression.ANNULE, "", 0)
    assert "Impression annulée" in texte(client.get(url))
    assert client.get(reverse("impression_fichier", args=[travail.pk])).status_code == 404
    assert not JournalAcces.objects.filter(action=JournalAcces.Action.IMPRESSION).exists()
    # Cancelling again is a friendly no-op.
    assert "déjà terminée" in texte(client.post(reverse("impression_annuler", args=[travail.pk]), follow=True))


def test_annuler_entre_deux_eleves_arrete_l_impression(monde, classe_aidee, settings):
    """The flag is read after each pupil: set during the first, the second is never printed."""
    settings.TASKS = FILE_EN_BASE
    travail = TravailImpression.objects.create(
        demandeur=monde["directeur"], genre=GenreImpression.FICHES_PAR_CLASSE, total=2,
        parametres={"eleves": [monde.eleve_a1.pk, monde.eleve_a2.pk]}, expire_le=timezone.now() + timedelta(hours=1),
    )
    fiche = impressions._fiche

    def fiche_puis_annuler(t, eleve):
        resultat = fiche(t, eleve)
        impressions.annuler(travail=travail)
        return resultat

    impressions._fiche = fiche_puis_annuler
    try:
        assert imprimer.call(travail.pk) == "annulée"
    finally:
        impressions._fiche = fiche
    travail.refresh_from_db()
    assert (travail.etat, travail.fait, travail.fichier.name) == (EtatImpression.ANNULE, 1, "")
    assert JournalAcces.objects.filter(action=JournalAcces.Action.IMPRESSION).count() == 1


def test_apres_48_heures_le_fichier_n_est_plus_servi_et_la_purge_le_supprime(client, monde, classe_aidee):
    client.force_login(monde["directeur"])
    _demander(client, [monde.eleve_a1.pk])
    _demander(client, [monde.eleve_a2.pk])
    ancien, recent = TravailImpression.objects.order_by("pk")
    assert recent.expire_le - recent.cree_le == pytest.approx(timedelta(hours=48), abs=timedelta(seconds=5))
    chemin = ancien.fichier.name
    assert default_storage.exists(chemin)
    TravailImpression.objects.filter(pk=ancien.pk).update(expire_le=timezone.now() - timedelta(minutes=1))

    assert client.get(reverse("impression_fichier", args=[ancien.pk])).status_code == 404
    assert "n'est plus conservé" in texte(client.get(reverse("impression_detail", args=[ancien.pk])))
    sortie = io.StringIO()
    call_command("purge", stdout=sortie)
    assert "impressions groupées expirées : 1" in sortie.getvalue()
    assert not default_storage.exists(chemin)
    assert list(TravailImpression.objects.all()) == [recent]
    assert default_storage.exists(recent.fichier.name)
    sortie = io.StringIO()
    call_command("purge", stdout=sortie)  # nothing left to do
    assert "impressions groupées" not in sortie.getvalue()


def test_dossier_pour_l_equipe_educative(client, monde):
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    aide_e = aides_en_cours(demande, {TypeAide.E: monde["maitre_e"]},
                            debut=timezone.localdate() - timedelta(days=20))[TypeAide.E]
    programme = programme_valide(aide_e, objectifs=["Lire des syllabes simples"])
    bilan(programme, date=timezone.localdate() - timedelta(days=1), synthese="Des progrès nets en décodage.")
    client.force_login(monde["directeur"])
    page = texte(client.get(reverse("demande_detail", args=[demande.pk])))
    assert "Dossier pour l'équipe éducative" in page
    assert client.get(reverse("impression_dossier_equipe", args=[demande.pk])).status_code == 405

    reponse = client.post(reverse("impression_dossier_equipe", args=[demande.pk]))
    travail = TravailImpression.objects.get()
    assert travail.parametres == {"demande": demande.pk, "eleves": [monde.eleve_a1.pk], "imprimes": [monde.eleve_a1.pk]}
    assert "3 / 3" in texte(client.get(reponse["Location"]))
    fichier = client.get(reverse("impression_fichier", args=[travail.pk]))
    assert f'filename="dossier-equipe-educative-demande-{demande.pk}.pdf"' in fichier["Content-Disposition"]
    _, pages = _pdf_texte(_contenu(fichier))
    tout = " ".join(pages)
    for attendu in (f"Demande d'aide au RASED n° {demande.pk}", "Programme personnalisé", "Lire des syllabes simples",
                    "Des progrès nets en décodage."):
        assert attendu in tout, attendu
    assert JournalAcces.objects.filter(action=JournalAcces.Action.IMPRESSION, eleve=monde.eleve_a1,
                                       objet__contains="dossier pour l'équipe éducative").count() == 3

    client.force_login(monde["rased_autre_secteur"])
    assert client.post(reverse("impression_dossier_equipe", args=[demande.pk])).status_code == 404
    assert TravailImpression.objects.count() == 1


def test_le_bouton_sur_les_listes_et_la_recherche(client, monde, classe_aidee):
    client.force_login(monde["directeur"])
    a1 = monde.eleve_a1.pk
    attente = client.get(reverse("liste_attente"))
    assert a1 in attente.context["eleves_a_imprimer"] and "Imprimer les fiches de suivi" in texte(attente)
    client.post(reverse("eleve_liste"), {"nom": "Petit"})
    recherche = client.get(reverse("eleve_liste"))
    assert recherche.context["eleves_a_imprimer"] == [a1]
    assert "Imprimer les fiches de suivi (1 élève)" in texte(recherche)

    aide = aides_en_cours(monde.eleve_a1.demandes.get(), {TypeAide.E: monde["maitre_e"]})[TypeAide.E]
    assert aide.debut
    periodes = client.get(reverse("eleves_aides_periode", args=[monde.ecole_a.pk]))
    assert periodes.context["eleves_a_imprimer"] == [a1]


def test_mes_impressions_requetes_fixes(client, monde, classe_aidee, django_assert_max_num_queries):
    client.force_login(monde["directeur"])
    _demander(client, [monde.eleve_a1.pk])
    # 4, and the session written back once after a sent form (its message and the drafts the
    # server confirmed saved are read from it): a savepoint, an update, its release.
    with django_assert_max_num_queries(6):
        client.get(reverse("impression_liste"))
    for _ in range(3):
        _demander(client, [monde.eleve_a2.pk])
    with django_assert_max_num_queries(6):
        page = client.get(reverse("impression_liste"))
    assert texte(page).count("terminé") == 4


def test_trop_d_eleves_ou_un_retour_etranger(client, monde, classe_aidee, settings):
    settings.IMPRESSIONS_MAX_ELEVES = 2
    client.force_login(monde["directeur"])
    ids = list(classe_aidee.inscriptions.values_list("eleve_id", flat=True))
    reponse = _demander(client, ids, retour="https://ailleurs.example/")
    assert reponse["Location"] == reverse("accueil")  # never sent off the site
    assert "Une impression groupée compte au plus 2 élèves" in texte(client.get(reponse["Location"]))
    reponse = _demander(client, ids[:1], genre="tout", retour=reverse("classe_detail", args=[classe_aidee.pk]))
    assert reponse["Location"] == reverse("classe_detail", args=[classe_aidee.pk])
    assert not TravailImpression.objects.exists()
