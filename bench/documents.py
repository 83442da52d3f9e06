"""Benchmark of rased's documents: median time (of 5 runs) and peak memory per document kind.

    make bench
    DJANGO_DEBUG=1 .venv/bin/python bench/documents.py [--runs 5]

Each document is produced the way a user gets it: its view is called with a signed-in user
(queries, template, WeasyPrint, access log), without the HTTP middleware. Each document is
measured in its own child process, forked from a warm parent (WeasyPrint imported, fonts
loaded, one PDF already made): the time is the median of the runs, the memory the child's peak
resident size (``ru_maxrss``) and its growth over what it inherited.

Three data sets:
- the demo (``manage.py demo``): about 500 pupils in 6 schools;
- one pupil of the demo with three school years of history (a request, aids, two programme
  versions, about 25 sessions, reviews and a meeting each year);
- a circonscription of 40 schools and 5,000 pupils with three school years of activity
  (``manage.py seed_bench``'s generator, bulk_create), for the yearly report and the lists.
The floor is a plain 3-page document (a heading, a few paragraphs, a 60-row table) made with
the same stylesheet and renderer: every document is also given as a multiple of it.

« par la file » rows: the same document through the task queue, as the page asks it — the POST
that queues the job, django-tasks-db's worker loop run in the measuring process (claim, render,
file written), one poll of the progress JSON, the download view (rights read again, file read).
The difference to the direct row is the queue's cost on the server; the wait a user sees on top
(the worker's and the page's polling intervals) is not in it. « sans rendu » rows: the same two
paths with WeasyPrint's work (template and layout) replaced by a fixed one-page PDF, so that what
is left is each path's own cost: their difference is the queue's overhead alone.

Data lives in a throwaway SQLite file in a temporary directory (the project's db.sqlite3 is
never touched). With DATABASE_URL set (PostgreSQL), a test database is created beside the one
named there, as the test runner does, and dropped at the end.
"""

import argparse
import io
import json
import multiprocessing
import os
import platform
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as heure
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

# A development-mode start (no secret needed, no HTTPS redirect); DEBUG is turned off once
# Django is set up, so that queries are not kept in memory and templates are cached, as in
# production. No second factor: the views are called with an already signed-in user.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rased.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
os.environ.setdefault("DOUBLE_AUTHENTIFICATION", "0")
_TEMPORAIRE = tempfile.TemporaryDirectory(prefix="rased-bench-")
POSTGRES = os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql"))
if not POSTGRES:
    os.environ["DATABASE_URL"] = f"sqlite:///{_TEMPORAIRE.name}/bench.sqlite3"

import django
import weasyprint
from weasyprint import HTML

django.setup()

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.db.models import Count
from django.template import engines
from django.test import RequestFactory
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

settings.DEBUG = False
settings.DOUBLE_AUTHENTIFICATION = False
# Static files are read from the source folders (no collectstatic for a benchmark), as in tests.
settings.STORAGES = {**settings.STORAGES,
                     "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# The files the queued prints write: in the temporary folder, never the project's media/.
settings.MEDIA_ROOT = str(Path(_TEMPORAIRE.name) / "media")

from aides.enums import GenreImpression
from aides.management.commands.seed_bench import generer_circonscription
from aides.models import (
    Aide,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Objectif,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from aides.pdf.rendu import BASE_URL, _fetcher
from aides.rapports import rapport_annuel
from eleves.enums import Role
from eleves.models import (
    AnneeScolaire,
    Classe,
    Ecole,
    Eleve,
    Inscription,
    ResponsableLegal,
    Utilisateur,
    annee_courante_debut,
)
from eleves.services import demande_acces_deposer

Y = annee_courante_debut()
ZONE = timezone.get_current_timezone()


def moment(jour: date, h: int = 10) -> datetime:
    return datetime.combine(jour, heure(h), ZONE)


# --- The floor: a plain 3-page document ------------------------------------------------------

GABARIT_PLANCHER = """{% extends "pdf/base.html" %}{% block contenu %}
{% for p in paragraphes %}<p>{{ p }}</p>{% endfor %}
<h2>Tableau de référence</h2>
<table><thead><tr><th scope="col">N°</th><th scope="col">Libellé</th><th scope="col">Date</th><th scope="col">Valeur</th></tr></thead>
<tbody>{% for l in lignes %}<tr><td>{{ l.0 }}</td><td>{{ l.1 }}</td><td>{{ l.2 }}</td><td>{{ l.3 }}</td></tr>{% endfor %}</tbody></table>
{% endblock %}"""

PARAGRAPHE = (
    "Le réseau d'aides spécialisées aux élèves en difficulté apporte une aide pédagogique ou "
    "relationnelle aux élèves des écoles maternelles et élémentaires, en lien avec les enseignants "
    "et les familles. Ce paragraphe de référence sert de mesure : il ne contient aucune donnée. "
)


def document_plancher() -> bytes:
    html = engines["django"].from_string(GABARIT_PLANCHER).render({
        "titre_document": "Document de référence (plancher)",
        "imprime_le": timezone.localtime(), "imprime_par": "Banc d'essai",
        "entete": {"circonscription": "Circonscription de référence", "annee": f"{Y}-{Y + 1}"},
        "paragraphes": [PARAGRAPHE * 2] * 4,
        "lignes": [(i, f"Ligne de référence numéro {i}", f"{1 + i % 28:02d}/03/{Y + 1}", f"{i * 7 % 100},5")
                   for i in range(1, 61)],
    })
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf(pdf_variant="pdf/ua-1")


# --- Data sets ---------------------------------------------------------------------------------


def donnees_demo() -> dict:
    call_command("demo", force=True, verbosity=0)
    comptes = Utilisateur.objects.in_bulk(
        ["directeur", "maitre-e", "circonscription", "psychologue"], field_name="username"
    )
    programme = Programme.objects.filter(etat="valide", aide__type="E").order_by("pk").first()
    evaluation = Evaluation.objects.filter(programme__aide__type="E").order_by("pk").first()
    return {
        "circonscription": comptes["circonscription"].circonscription,
        "directeur": comptes["directeur"], "maitre_e": comptes["maitre-e"],
        "ien": comptes["circonscription"], "psy": comptes["psychologue"],
        "programme": programme, "evaluation": evaluation,
        "demande": programme.aide.demande if programme else None,
        "reunion": Reunion.objects.order_by("pk").first(),
        "eleve": programme.aide.eleve if programme else None,
    }


def eleve_trois_ans(demo: dict) -> dict:
    """A pupil of the demo's secteur 1 school with three school years of requests and aids."""
    maitre_e, psy = demo["maitre_e"], demo["psy"]
    directeur = demo["directeur"]
    ecole = directeur.ecole
    maitre_g = Utilisateur.objects.get(username="maitre-g")
    eleve = Eleve.objects.create(circonscription=ecole.circonscription, nom="Historique", prenom="Camille",
                                 date_naissance=date(Y - 8, 4, 12), sexe="F")
    mere = ResponsableLegal.objects.create(
        eleve=eleve, lien="mere", civilite="Mme", nom="Historique", prenom="Anne",
        adresse="3 rue des Écoles", code_postal="69400", commune="Villefranche-sur-Saône")
    derniers = {}
    for rang, (annee_debut, niveau) in enumerate(((Y - 2, "CP"), (Y - 1, "CE1"), (Y, "CE2"))):
        annee, _ = AnneeScolaire.objects.get_or_create(debut=annee_debut)
        classe, _ = Classe.objects.get_or_create(ecole=ecole, annee=annee, nom=f"{niveau} Historique",
                                                 defaults={"niveaux": [niveau]})
        Inscription.objects.create(eleve=eleve, annee=annee, classe=classe, niveau=niveau)
        envoi = date(annee_debut, 9, 20)
        fin_annee = min(date(annee_debut + 1, 6, 20), timezone.localdate() - timedelta(days=1))
        demande = DemandeAide.objects.create(
            eleve=eleve, classe=classe, niveau=niveau, auteur=directeur, etat="aide_decidee",
            domaines=["1.1", "1.3"], difficultes="Lecture hésitante, erreurs de segmentation. " * 3,
            erreurs="Confusions b/d, p/q ; oublis de lettres muettes.", deja_essaye=["differenciation", "apc"],
            points_appui="À l'aise à l'oral, curieux.", attentes="Comprendre ce qui bloque.",
            famille_informee_le=envoi - timedelta(days=3), famille_informee_par="rencontre",
            envoyee_le=moment(envoi), decision="aide", decision_motif="Aide spécialisée nécessaire.",
            decidee_le=moment(envoi + timedelta(days=14)), decidee_par=maitre_e, referent=maitre_e,
        )
        types = [("E", maitre_e), ("G", maitre_g)] if rang == 1 else [("E", maitre_e)]
        if rang == 2:
            types.append(("psy", psy))
        for type_aide, membre in types:
            debut = envoi + timedelta(days=21)
            termine = annee_debut < Y
            aide = Aide.objects.create(demande=demande, eleve=eleve, type=type_aide, intervenant=membre,
                                       etat="terminee" if termine else "en_cours", debut=debut,
                                       fin=fin_annee if termine else None, issue="arret" if termine else "")
            for version in (1, 2):
                v_debut = debut + timedelta(days=(version - 1) * 56)
                if v_debut > timezone.localdate():
                    break
                Programme.objects.filter(aide=aide).update(etat="remplace")
                programme = Programme.objects.create(
                    aide=aide, version=version, etat="valide",
                    modalite="petit_groupe", date_debut=v_debut, date_revision=v_debut + timedelta(days=55),
                    redige_par=membre, valide_le=moment(v_debut), valide_par=membre,
                    avis_eleve="Content de venir.", avis_famille="La famille soutient l'aide.",
                )
                objectifs = Objectif.objects.bulk_create(
                    Objectif(programme=programme, ordre=i, intitule=f"Objectif {i} : lire des mots réguliers",
                             critere="Lit 20 mots en une minute", responsable="Maître E",
                             **({"visee": "estime"} if type_aide == "G" else {"domaine": "1.1"}))
                    for i in range(1, 5)
                )
                revue = v_debut + timedelta(days=55)
                if revue <= timezone.localdate():
                    evaluation = Evaluation.objects.create(
                        programme=programme, type="finale" if version == 2 else "intermediaire", date=revue,
                        auteur=membre, synthese="Progrès nets en décodage.", suite="renouvellement" if version == 1
                        else "arret",
                    )
                    EvaluationObjectif.objects.bulk_create(
                        EvaluationObjectif(evaluation=evaluation, objectif=o, atteinte="partiel",
                                           maitrise_debut="fragile", maitrise_actuelle="satisfaisante")
                        for o in objectifs
                    )
                    derniers["evaluation"] = evaluation if type_aide == "E" else derniers.get("evaluation")
                if type_aide == "E":
                    derniers["programme"] = programme
            for semaine in range(25):
                jour = debut + timedelta(days=7 * semaine)
                if jour > fin_annee:
                    break
                seance = Seance.objects.create(intervenant=membre, date=jour, duree=45,
                                               contenu="Jeux de syllabes, lecture de mots outils.")
                PresenceSeance.objects.create(seance=seance, aide=aide, observation="Participe volontiers.")
        Reunion.objects.create(demande=demande, type="equipe_educative", date=moment(envoi + timedelta(days=30)),
                               lieu="École", auteur=directeur, compte_rendu="Point sur l'aide. " * 10)
        derniers["demande"] = demande
    # The family's right of access, filed today: the whole file (its held-back parts not released).
    derniers["acces"] = demande_acces_deposer(eleve=eleve, auteur=directeur, responsable=mere,
                                              recue_le=timezone.localdate())
    return {"eleve": eleve, **derniers}


def circonscription_40_ecoles() -> dict:
    """40 schools, 5,000 pupils, three school years of activity: ``manage.py seed_bench``'s
    circonscription (the same generator, bulk inserts in one transaction)."""
    generee = generer_circonscription(1)
    circo, debut = generee.circonscription, generee.annee_pleine
    plus_grosse = (Ecole.objects.filter(circonscription=circo)
                   .annotate(n=Count("classes__demandes__aides")).order_by("-n", "pk").first())
    n = generee.comptes_lignes
    return {
        "ien": generee.comptes["circonscription"], "debut": debut, "ecole": plus_grosse,
        "directeur": Utilisateur.objects.get(role=Role.DIRECTEUR, ecole=plus_grosse),
        "compte": (n["écoles"], n["élèves"], n["demandes d'aide"], n["aides"], n["séances"]),
    }


# --- Documents ---------------------------------------------------------------------------------


@dataclass
class Document:
    libelle: str
    donnees: str
    genre: str  # "élève" (one pupil), "rapport" (the yearly report), "liste", "plancher"
    produire: object  # () -> bytes
    type_mime: str = "application/pdf"


def vue(utilisateur, nom, args=(), parametres=None):
    """Calls the view behind URL ``nom`` as ``utilisateur`` and returns a producer of its body."""
    url = reverse(nom, args=args)

    def produire() -> bytes:
        requete = RequestFactory().get(url, parametres or {})
        requete.user = utilisateur
        correspondance = resolve(requete.path_info)
        reponse = correspondance.func(requete, *correspondance.args, **correspondance.kwargs)
        if reponse.status_code != 200:
            raise RuntimeError(f"{url} : réponse {reponse.status_code}")
        return reponse.content

    return produire


def _appeler(requete, utilisateur):
    requete.user = utilisateur
    correspondance = resolve(requete.path_info)
    return correspondance.func(requete, *correspondance.args, **correspondance.kwargs)


def par_la_file(utilisateur, nom, args=(), donnees=None):
    """The document through the task queue, as its page asks it (the module's docstring)."""
    url = reverse(nom, args=args)

    def produire() -> bytes:
        reponse = _appeler(RequestFactory().post(url, donnees or {}), utilisateur)
        if reponse.status_code != 302:
            raise RuntimeError(f"{url} : réponse {reponse.status_code}")
        travail = resolve(reponse["Location"]).kwargs["pk"]
        Worker(queue_names=["documents"], interval=0, batch=True, backend_name="default", startup_delay=False,
               max_tasks=None, worker_id="banc", excluded_queue_names=[]).run()
        avancement = json.loads(_appeler(RequestFactory().get(reverse("impression_avancement", args=[travail])),
                                         utilisateur).content)
        if "url" not in avancement:
            raise RuntimeError(f"impression n° {travail} : {avancement['etat']}")
        fichier = _appeler(RequestFactory().get(avancement["url"]), utilisateur)
        if fichier.status_code != 200:
            raise RuntimeError(f"{avancement['url']} : réponse {fichier.status_code}")
        return fichier.content

    return produire


def sans_rendu(produire):
    """``produire`` with ``aides.impressions.rendre_pdf`` (the long documents' renderer, both
    paths) answering a fixed one-page PDF made once here."""
    from aides import impressions  # app registry: after setup()
    from aides.pdf.rendu import Document as Rendu  # app registry: after setup()

    fixe = HTML(string="<p>Document fixe</p>").write_pdf()

    def produire_sans_rendu() -> bytes:
        original = impressions.rendre_pdf
        impressions.rendre_pdf = lambda gabarit, contexte, *, titre, nom_fichier, imprime_par: Rendu(
            nom_fichier=nom_fichier, type_mime="application/pdf", contenu=fixe, pages=1)
        try:
            return produire()
        finally:
            impressions.rendre_pdf = original

    return produire_sans_rendu


def documents(demo, historique, grand) -> tuple[list[Document], list[str]]:
    """Every document kind present in the code base; those whose view is absent are noted."""
    liste, absents = [Document("Document de référence (3 pages)", "plancher", "plancher", document_plancher)], []

    def ajouter(libelle, donnees, genre, utilisateur, nom, args=(), parametres=None, type_mime="application/pdf",
                file=False):
        if utilisateur is None or any(a is None for a in args):
            absents.append(f"{libelle} ({donnees}) : pas de donnée pour ce document")
            return
        try:
            produire = (par_la_file(utilisateur, nom, args, parametres) if file
                        else vue(utilisateur, nom, args, parametres))
            liste.append(Document(libelle, donnees, genre, produire, type_mime))
        except NoReverseMatch:
            absents.append(f"{libelle} : vue « {nom} » absente")

    def pk(objet):
        return objet.pk if objet else None

    for cle, jeu, utilisateur in (("demo", demo, demo["maitre_e"]), ("3 ans", historique, demo["maitre_e"])):
        donnees = "démo" if cle == "demo" else "élève, 3 ans d'historique"
        programme = jeu.get("programme")
        ajouter("Programme personnalisé", donnees, "élève",
                programme.aide.intervenant if programme else None, "programme_pdf", [pk(programme)])
        ajouter("Fiche de demande d'aide", donnees, "élève", utilisateur, "demande_pdf", [pk(jeu.get("demande"))])
        ajouter("Bilan (évaluation)", donnees, "élève", utilisateur, "bilan_pdf", [pk(jeu.get("evaluation"))])
        ajouter("Fiche de suivi", donnees, "élève", utilisateur, "fiche_suivi_pdf", [pk(jeu.get("eleve"))])
        # The same fiche if it went through the queue: a batch print of one pupil (its cover too).
        ajouter("Fiche de suivi, par la file (impression groupée d'un élève)", donnees, "", utilisateur,
                "impression_fiches", parametres={"eleves": [pk(jeu.get("eleve"))],
                                                 "genre": GenreImpression.FICHES_PAR_CLASSE}, file=True)
    trois_ans = "élève, 3 ans d'historique"
    ajouter("Droit d'accès, dossier complet", trois_ans, "rapport", demo["directeur"], "demande_acces_pdf",
            [pk(historique.get("acces"))])
    ajouter("Droit d'accès, dossier complet, par la file", trois_ans, "rapport", demo["directeur"],
            "demande_acces_preparer", [pk(historique.get("acces"))], file=True)
    if historique.get("acces"):
        acces = [historique["acces"].pk]
        liste.append(Document("Droit d'accès, sans rendu", trois_ans, "",
                              sans_rendu(vue(demo["directeur"], "demande_acces_pdf", acces))))
        liste.append(Document("Droit d'accès, sans rendu, par la file", trois_ans, "",
                              sans_rendu(par_la_file(demo["directeur"], "demande_acces_preparer", acces))))
    ajouter("Compte rendu de réunion", "démo", "élève", demo["directeur"], "reunion_pdf", [pk(demo["reunion"])])
    for genre in ("information", "accord-aide"):
        ajouter(f"Courrier à la famille ({genre})", "démo", "élève", demo["directeur"], "courrier_pdf",
                [pk(demo["demande"]), genre])
    annee = {"annee": str(Y)}
    ajouter("Bilan d'activité annuel (PDF)", "démo", "rapport", demo["ien"], "rapport_annuel_pdf", [Y])
    ajouter("Bilan d'activité annuel (CSV)", "démo", "rapport", demo["ien"], "rapport_annuel_csv", [Y],
            type_mime="text/csv")
    ajouter("Élèves aidés par période", "démo", "liste", demo["directeur"], "eleves_aides_periode_pdf",
            [demo["directeur"].ecole_id], annee)
    ajouter("Liste d'attente", "démo", "liste", demo["ien"], "liste_attente_pdf")
    quarante = "40 écoles, 5 000 élèves"
    ajouter("Bilan d'activité annuel (PDF)", quarante, "rapport", grand["ien"], "rapport_annuel_pdf", [grand["debut"]])
    ajouter("Bilan d'activité annuel (PDF), par la file", quarante, "rapport", grand["ien"], "rapport_annuel_preparer",
            [grand["debut"]], file=True)
    annee_grande = [grand["debut"]]
    liste.append(Document("Bilan d'activité annuel (PDF), sans rendu", quarante, "",
                          sans_rendu(vue(grand["ien"], "rapport_annuel_pdf", annee_grande))))
    liste.append(Document("Bilan d'activité annuel (PDF), sans rendu, par la file", quarante, "",
                          sans_rendu(par_la_file(grand["ien"], "rapport_annuel_preparer", annee_grande))))
    ajouter("Bilan d'activité annuel (CSV)", quarante, "rapport", grand["ien"], "rapport_annuel_csv",
            [grand["debut"]], type_mime="text/csv")
    ajouter("Bilan d'activité annuel (page)", quarante, "rapport", grand["ien"], "rapport_annuel",
            parametres={"annee": str(grand["debut"])}, type_mime="text/html")
    liste.append(Document("Bilan d'activité annuel (calcul seul)", quarante, "", lambda: _calcul_seul(grand),
                          type_mime="text/plain"))
    ajouter("Élèves aidés par période", quarante, "liste", grand["directeur"], "eleves_aides_periode_pdf",
            [grand["ecole"].pk], {"annee": str(grand["debut"])})
    ajouter("Liste d'attente", quarante, "liste", grand["ien"], "liste_attente_pdf")
    return liste, absents


def _calcul_seul(grand) -> bytes:
    """The yearly report's figures only (its queries), without any rendering."""
    rapport = rapport_annuel(circonscription=grand["ien"].circonscription, debut=grand["debut"])
    return repr(rapport.tableaux).encode()


# --- Measuring ----------------------------------------------------------------------------------


def nombre_de_pages(contenu: bytes, type_mime: str) -> str:
    if type_mime != "application/pdf":
        return f"{len(contenu) // 1024} Ko"
    try:
        from pypdf import PdfReader  # optional: a test dependency; without it the count is "?"

        return str(len(PdfReader(io.BytesIO(contenu)).pages))
    except ImportError:
        return "?"


def _mesurer_enfant(document: Document, essais: int, tube, sortie: Path | None) -> None:
    try:
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        durees, contenu = [], b""
        for _ in range(essais):
            debut = time.perf_counter()
            contenu = document.produire()
            durees.append(time.perf_counter() - debut)
        pic = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        if sortie:
            extension = {"application/pdf": "pdf", "text/csv": "csv", "text/html": "html"}.get(document.type_mime, "txt")
            nom = f"{document.libelle} — {document.donnees}".replace("/", "-").replace(" ", "_")
            (sortie / f"{nom}.{extension}").write_bytes(contenu)
        tube.send({"durees": durees, "pic_ko": pic, "delta_ko": pic - base,
                   "pages": nombre_de_pages(contenu, document.type_mime)})
    except Exception as erreur:  # noqa: BLE001 — reported in the table; the other documents still run
        tube.send({"erreur": f"{type(erreur).__name__}: {erreur}"})
    finally:
        tube.close()
        connections.close_all()


def mesurer(document: Document, essais: int, sortie: Path | None = None) -> dict:
    """Runs ``document`` ``essais`` times in a child forked from this warm process."""
    connections.close_all()  # the child opens its own database connection
    contexte = multiprocessing.get_context("fork")
    recepteur, emetteur = contexte.Pipe(duplex=False)
    enfant = contexte.Process(target=_mesurer_enfant, args=(document, essais, emetteur, sortie))
    enfant.start()
    emetteur.close()
    resultat = recepteur.recv() if recepteur.poll(600) else {"erreur": "aucune réponse en 10 minutes"}
    enfant.join()
    return resultat


OBJECTIFS = {
    "élève": "≤ 2 × plancher et < 1 s",
    "rapport": "< 10 s et < 300 Mo",
}


def verdict(document: Document, resultat: dict, plancher: float) -> str:
    if "erreur" in resultat:
        return "ERREUR"
    mediane = statistics.median(resultat["durees"])
    if document.genre == "élève":
        return "oui" if mediane <= 2 * plancher and mediane < 1 else "NON"
    if document.genre == "rapport":
        return "oui" if mediane < 10 and resultat["pic_ko"] / 1024 < 300 else "NON"
    return ""


def machine() -> str:
    moteur = connection.vendor + (f" {connection.pg_version // 10000}" if POSTGRES else f" {sqlite_version()}")
    return (f"{platform.node()} — {os.cpu_count()} cœurs (nproc {len(os.sched_getaffinity(0))}), "
            f"{platform.machine()}, Python {platform.python_version()}, Django {django.get_version()}, "
            f"WeasyPrint {weasyprint.__version__}, base {moteur}")


def sqlite_version() -> str:
    return f"SQLite {sqlite3.sqlite_version}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="essais par document (médiane), 5 par défaut")
    parser.add_argument("--sortie", type=Path, help="dossier où écrire chaque document produit, pour le regarder")
    parser.add_argument("--seulement", help="ne mesurer que les documents dont le libellé contient ce texte "
                                            "(et le plancher), par exemple « Droit d'accès »")
    options = parser.parse_args()
    ancien_nom = None
    if POSTGRES:
        ancien_nom = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    else:
        call_command("migrate", verbosity=0)
    try:
        t0 = time.perf_counter()
        demo = donnees_demo()
        historique = eleve_trois_ans(demo)
        t1 = time.perf_counter()
        grand = circonscription_40_ecoles()
        t2 = time.perf_counter()
        print(f"Données : démo et élève à 3 ans d'historique en {t1 - t0:.1f} s ; "
              f"{grand['compte'][0]} écoles, {grand['compte'][1]} élèves, {grand['compte'][2]} demandes, "
              f"{grand['compte'][3]} aides, {grand['compte'][4]} séances en {t2 - t1:.1f} s.")
        liste, absents = documents(demo, historique, grand)
        if options.seulement:
            liste = [d for d in liste if d.genre == "plancher" or options.seulement.lower() in d.libelle.lower()]
        charge_debut = os.getloadavg()[0]
        document_plancher()  # warm: WeasyPrint imported, fonts and stylesheet loaded, before forking
        print(f"Machine : {machine()}")
        print(f"Mesure : médiane de {options.runs} essais par document, chacun dans un processus fils "
              f"(le plancher : {options.runs} au début et {options.runs} à la fin).\n")
        if options.sortie:
            options.sortie.mkdir(parents=True, exist_ok=True)
        resultats = [(d, mesurer(d, options.runs, options.sortie)) for d in liste]
        # The floor again at the end: the machine's load may have changed meanwhile (others'
        # tests, a build); its median is taken over both series.
        resultats[0][1]["durees"] += mesurer(liste[0], options.runs)["durees"]
        plancher = statistics.median(resultats[0][1]["durees"])
        entete = ("Document", "Données", "Pages/taille", "Médiane", "× plancher", "Pic RSS", "Δ RSS", "Objectif", "Tenu")
        lignes = []
        for document, r in resultats:
            if "erreur" in r:
                lignes.append((document.libelle, document.donnees, "—", "—", "—", "—", "—",
                               OBJECTIFS.get(document.genre, ""), f"ERREUR : {r['erreur'][:60]}"))
                continue
            mediane = statistics.median(r["durees"])
            lignes.append((
                document.libelle, document.donnees, r["pages"], f"{mediane:.2f} s", f"{mediane / plancher:.2f}",
                f"{r['pic_ko'] / 1024:.0f} Mo", f"{r['delta_ko'] / 1024:+.0f} Mo",
                OBJECTIFS.get(document.genre, ""), verdict(document, r, plancher),
            ))
        largeurs = [max(len(str(x)) for x in colonne) for colonne in zip(entete, *lignes, strict=True)]
        print(" | ".join(t.ljust(n) for t, n in zip(entete, largeurs, strict=True)))
        print("-+-".join("-" * n for n in largeurs))
        for ligne in lignes:
            print(" | ".join(str(x).ljust(n) for x, n in zip(ligne, largeurs, strict=True)))
        for absent in absents:
            print(f"Non mesuré : {absent}")
        print(f"Charge de la machine (moyenne sur 1 min) au début : {charge_debut:.1f}, "
              f"à la fin : {os.getloadavg()[0]:.1f} (pour {os.cpu_count()} cœurs).")
    finally:
        connections.close_all()
        if ancien_nom:
            connection.creation.destroy_test_db(ancien_nom, verbosity=0)
        _TEMPORAIRE.cleanup()


if __name__ == "__main__":
    main()
