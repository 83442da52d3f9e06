"""Load test of rased on PostgreSQL under gunicorn: speed at scale, figures printed, never asserted.

    make charge                      # SCALE=1: one circonscription (40 schools, 5,000 pupils)
    make charge SCALE=10             # a département (10 circonscriptions)
    .venv/bin/python bench/charge.py --scale 1 [--duree 8] [--base rased_charge]
    .venv/bin/python bench/charge.py --scale 1 --garder --isolation [--duree 5] [--travailleurs 2] [--rafale 20]

Steps: (re)create the PostgreSQL database ``--base`` (dropping the previous one), migrate, load
``manage.py seed_bench --scale N``, collect the static files, start gunicorn with
``rased/gunicorn.py`` and the production settings (``bench.settings`` adds only the floor page),
sign the bench accounts in through the login form, then load each page with ``wrk`` on
loopback, for ``--duree`` seconds with 1 connection (latency) and again with 16 (throughput).
Each page's SQL queries are counted separately, by running it once through Django's test
client against the same database. Targets are printed beside the figures; where one is
missed, the page's slowest queries are printed with their EXPLAIN (ANALYZE) plan.

Two floor pages (``bench/urls.py``), measured first and last (their reports use the mean):
``/banc/plancher/``, no sign-in: one query of the largest table (attendance rows), 50 rows in a
plain template; ``/banc/plancher-connecte/``, the same query and rows behind the sign-in (session,
user, the whole middleware) in the application's base template, as maître E. The target of an
HTML page is a p50 at one connection within 2× the signed-in floor's, measured for 3 s just before
and just after the page's own 1-connection measure (the machine's load drifts between pages).
Query counts at scale 1 are stored in ``bench/requetes-echelle-1.json``; a run at another
scale compares its counts with them (they must not grow with the data).

``--isolation``: the HTML pages at 16 connections alone, then while batch prints run
(``--rafale`` 20 jobs of one school's fiches de suivi kept queued or running, ``--travailleurs`` 2
processes of ``manage.py travailleur --queue-name documents``), the workers at normal priority and
then at nice 10, then alone again: for each page one measure after the other, the workers paused
(SIGSTOP) while the page is measured alone. Target: p95 during the burst ≤ 1.5 × without it.

Needs ``wrk`` (Debian: ``apt-get install wrk``) and PostgreSQL reachable as ``--postgres``.
"""

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import django
import psycopg
from django.db import connection
from django.db.models import Count, Sum
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
LUA = RACINE / "bench" / "charge.lua"
REQUETES_REFERENCE = RACINE / "bench" / "requetes-echelle-1.json"
SESSIONS_PAR_COMPTE = 4  # 16 connections share 4 sessions of each account (logins cost a PBKDF2 each)
CONCURRENCES = (1, 16)
VOISIN_DUREE = 3  # seconds of the signed-in floor measured just before and after each page's latency
WORKERS = 5  # rased/gunicorn.py on 2 cores: 2 × 2 + 1

# Targets (docs/performance.md).
MAX_REQUETES = 15
MAX_LIGNES = 50  # one page of rows: no query of a page reads more
PDF_MEDIANE_MAX = 1.0


def parametres():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SCALE", "1")))
    parser.add_argument("--duree", type=int, default=8, help="secondes par page et par concurrence (8)")
    parser.add_argument("--base", default="rased_charge", help="base PostgreSQL recréée (rased_charge)")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"),
                        help="serveur PostgreSQL (sans nom de base)")
    parser.add_argument("--garder", action="store_true", help="réutiliser la base déjà chargée (ne pas la recréer)")
    parser.add_argument("--requetes", action="store_true",
                        help="seulement compter et lister les requêtes SQL de chaque page (sans gunicorn ni wrk)")
    parser.add_argument("--isolation", action="store_true",
                        help="pages HTML à 16 connexions seules, puis pendant une rafale d'impressions groupées "
                             "(manage.py travailleur, file documents), le travailleur à priorité normale puis à nice 10")
    parser.add_argument("--travailleurs", type=int, default=2, help="--isolation : travailleurs de la rafale (2)")
    parser.add_argument("--rafale", type=int, default=20,
                        help="--isolation : impressions groupées en file ou en cours pendant la rafale (20)")
    return parser.parse_args()


OPTIONS = parametres()
ECHELLE = f"{OPTIONS.scale:g}"
PORT = None
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    PORT = s.getsockname()[1]
STATIQUES = tempfile.mkdtemp(prefix="rased-charge-static-")
MEDIAS = tempfile.mkdtemp(prefix="rased-charge-medias-")  # --isolation: the batch prints' files
ENV = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
ENV |= {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": f"{OPTIONS.postgres}/{OPTIONS.base}",
    # Bench-only values: this database holds synthetic data only.
    "SECRET_KEY": "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "CLE_CHIFFREMENT": "bench-only-encryption-salt-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1",
    "DOUBLE_AUTHENTIFICATION": "0",
    # Loopback is plain HTTP: no redirect to HTTPS, cookies without the Secure flag.
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "STATIC_ROOT": STATIQUES,
    "MEDIA_ROOT": MEDIAS,
    "GUNICORN_BIND": f"127.0.0.1:{PORT}",
}
os.environ.update(ENV)
os.environ.pop("DJANGO_DEBUG", None)


def etape(texte):
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {texte} (charge {os.getloadavg()[0]:.1f})", flush=True)


def manage(*args):
    subprocess.run([PYTHON, "manage.py", *args], cwd=RACINE, env=ENV, check=True)


def recreer_base():
    with psycopg.connect(f"{OPTIONS.postgres}/postgres", autocommit=True) as cnx:
        cnx.execute(f'DROP DATABASE IF EXISTS "{OPTIONS.base}" WITH (FORCE)')
        cnx.execute(f'CREATE DATABASE "{OPTIONS.base}"')


# --- Pages -----------------------------------------------------------------------------------


class Page:
    """``compte``: the bench account's role (``banc-01-<compte>``); ``session``: the key of the
    signed-in sessions the page is loaded with (the account's own by default); ``filtre``: a POST
    ``(path, data)`` made once in each of those sessions before (the search and the request
    list keep their criteria in the session, not in the URL)."""

    def __init__(self, nom, compte, chemin, *, methode="GET", corps=None, statut=200, genre="page",
                 session=None, filtre=None, attendu=None):
        self.nom, self.compte, self.chemin = nom, compte, chemin
        self.methode, self.corps, self.statut, self.genre = methode, corps, statut, genre
        self.session = session or compte
        self.filtre = filtre
        self.attendu = attendu  # a text the page must show (a filter really applied)
        self.mesures = {}  # concurrency -> wrk figures
        self.requetes = None  # {"nombre", "lignes_max", "lentes": [(ms, sql)]}


def pages_a_mesurer():
    """The pages of the run, with the objects they show, found in circonscription 01."""
    django.setup()
    from aides.models import DemandeAide  # app registry: after django.setup()
    from eleves.models import Ecole, Eleve, Utilisateur, annee_courante_debut  # app registry: idem

    maitre_e = Utilisateur.objects.get(username="banc-01-maitre-e")
    eleve = (Eleve.objects.visibles_par(maitre_e).annotate(n=Count("aides", distinct=True),
                                                           d=Count("demandes", distinct=True))
             .order_by("-d", "-n", "pk").first())
    demande = (DemandeAide.objects.visibles_par(maitre_e).filter(aides__debut__isnull=False)
               .annotate(n=Count("aides__programmes", distinct=True)).order_by("-n", "pk").first())
    annee = annee_courante_debut() - 1
    pages = [Page("Plancher (50 lignes, 1 requête)", None, "/banc/plancher/", genre="plancher"),
             Page("Plancher connecté (gabarit de base)", "maitre-e", "/banc/plancher-connecte/", genre="plancher")]
    for compte in ("enseignant", "directeur", "maitre-e", "maitre-g", "psychologue", "circonscription", "admin"):
        pages.append(Page(f"Tableau de bord : {compte}", compte, reverse("accueil"), genre="liste"))
    recherche = (reverse("eleve_liste"), {"nom": "Martin"})
    pages += [
        Page("Liste des élèves (circonscription)", "circonscription", reverse("eleve_liste"), genre="liste"),
        Page("Recherche d'élèves (POST, redirection)", "circonscription", recherche[0], methode="POST",
             corps=recherche[1], statut=302, genre="liste", session="recherche", filtre=recherche),
        Page("Liste après recherche « Martin »", "circonscription", recherche[0], genre="liste",
             session="recherche", filtre=recherche),
        *pages_des_demandes(maitre_e, Ecole, annee_courante_debut()),
        Page("Fiche de l'élève (3 ans)", "maitre-e", reverse("eleve_detail", args=[eleve.pk]), genre="liste"),
        Page("Demande d'aide", "maitre-e", reverse("demande_detail", args=[demande.pk]), genre="liste"),
        Page("Séance : formulaire", "maitre-e", reverse("seance_creer"), genre="liste"),
        Page("Fiche de suivi (PDF, 3 ans)", "maitre-e", reverse("fiche_suivi_pdf", args=[eleve.pk]), genre="pdf"),
        Page(f"Bilan d'activité {annee} (page)", "circonscription",
             reverse("rapport_annuel") + f"?annee={annee}", genre="rapport"),
        Page(f"Bilan d'activité {annee} (PDF)", "circonscription",
             reverse("rapport_annuel_pdf", args=[annee]), genre="pdf"),
    ]
    return pages


def pages_des_demandes(maitre_e, Ecole, annee_courante):
    """The request list (paginated by 25) of the IEN (the whole circonscription) and of maître E
    (his secteur), without a filter and with each filter (kept in the session: one session each).
    The IEN reads the RASED's answers as one state (« repondue »), maître E tells them apart."""
    ecole = Ecole.objects.visibles_par(maitre_e).order_by("pk").first()

    def filtres(etat_repondu):
        return {
            "état « envoyée »": {"etat": "envoyee"},
            "école et année": {"ecole": ecole.pk, "annee": annee_courante},
            "aide E": {"type_aide": "E"},
            "référent": {"referent": maitre_e.pk},
            "en attente depuis 30 jours": {"attente": 30},
            "tous les filtres": {"etat": etat_repondu, "ecole": ecole.pk, "annee": annee_courante,
                                 "type_aide": "E", "referent": maitre_e.pk},
        }

    chemin = reverse("demande_liste")
    pages = []
    for compte, titre, variantes in (
        ("circonscription", "IEN", filtres("repondue")),
        ("maitre-e", "maître E", {k: v for k, v in filtres("aide_decidee").items()
                                  if k in ("aide E", "en attente depuis 30 jours", "tous les filtres")}),
    ):
        pages.append(Page(f"Liste des demandes ({titre})", compte, chemin, genre="liste"))
        pages += [Page(f"Liste des demandes ({titre}, {libelle})", compte, chemin, genre="liste",
                       session=f"demandes-{compte}-{libelle}", filtre=(chemin, criteres), attendu="pour ce filtre")
                  for libelle, criteres in variantes.items()]
    return pages


def compter_requetes(pages):
    """Each page once through Django's test client (same database, same settings): queries,
    the largest number of rows one query returned, the slowest queries."""
    from eleves.models import Utilisateur  # app registry: after django.setup()

    clients = {}
    for page in pages:
        if page.session not in clients:
            client = Client(HTTP_HOST="127.0.0.1")
            if page.compte:
                client.force_login(Utilisateur.objects.get(username=f"banc-01-{page.compte}"))
            if page.filtre:
                client.post(*page.filtre)
            clients[page.session] = client
        client = clients[page.session]

        def appeler(client=client, page=page):
            if page.methode == "POST":
                return client.post(page.chemin, page.corps)
            return client.get(page.chemin)

        appeler()  # first call: the session's first write, caches
        lignes = []

        def compteur(execute, sql, params, many, context, lignes=lignes):
            resultat = execute(sql, params, many, context)
            lignes.append(context["cursor"].rowcount if sql.lstrip().upper().startswith("SELECT") else 0)
            return resultat

        with CaptureQueriesContext(connection) as capture, connection.execute_wrapper(compteur):
            reponse = appeler()
        if reponse.status_code != page.statut:
            raise SystemExit(f"{page.nom} : réponse {reponse.status_code} au client de test, {page.statut} attendu")
        if page.attendu and page.attendu not in reponse.content.decode():
            raise SystemExit(f"{page.nom} : « {page.attendu} » absent de la page (filtre refusé ?)")
        lentes = sorted(((float(q["time"]) * 1000, q["sql"]) for q in capture.captured_queries), reverse=True)
        page.requetes = {"nombre": len(capture.captured_queries), "lignes_max": max(lignes, default=0),
                         "lentes": lentes[:3], "toutes": [q["sql"] for q in capture.captured_queries]}


def expliquer(sql):
    if not sql.lstrip().upper().startswith("SELECT"):
        return "(écriture : pas d'EXPLAIN ANALYZE)"
    with connection.cursor() as curseur:
        curseur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(ligne[0] for ligne in curseur.fetchall())


# --- HTTP: sign-in and wrk ----------------------------------------------------------------------


def _cookies(reponse):
    return dict(re.match(r"([^=]+)=([^;]*)", v).groups() for k, v in reponse.getheaders() if k.lower() == "set-cookie")


def requete(methode, chemin, cookies=None, corps=None):
    cnx = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    entetes = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
    if corps is not None:
        entetes["Content-Type"] = "application/x-www-form-urlencoded"
        corps = urllib.parse.urlencode(corps)
    cnx.request(methode, chemin, body=corps, headers=entetes)
    reponse = cnx.getresponse()
    contenu = reponse.read()
    cnx.close()
    return reponse, contenu


def connecter(username):
    """Signs in through the login form, as a browser: the session and CSRF cookies."""
    from aides.management.commands.seed_bench import MOT_DE_PASSE  # app registry: imports models

    reponse, html = requete("GET", "/connexion/")
    cookies = _cookies(reponse)
    jeton = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1].decode()
    reponse, _ = requete("POST", "/connexion/", cookies,
                         {"username": username, "password": MOT_DE_PASSE, "csrfmiddlewaretoken": jeton})
    if reponse.status != 302:
        raise SystemExit(f"Connexion de {username} refusée ({reponse.status})")
    return cookies | _cookies(reponse)


def attendre_le_repos(limite=90.0):
    """Waits until the server has finished the requests still queued when wrk stopped (a slow
    page leaves up to 16 behind it): the floor page must answer within 100 ms again."""
    fin = time.monotonic() + limite
    while time.monotonic() < fin:
        debut = time.monotonic()
        requete("GET", "/banc/plancher/")
        if time.monotonic() - debut < 0.1:
            return
        time.sleep(0.5)


def wrk(page, connexions, duree, cookies, repos=90.0):
    corps = page.corps
    if corps is not None:
        corps = urllib.parse.urlencode(corps | {"csrfmiddlewaretoken": "@CSRF@"})
    # One cookie header per session; the CSRF token of a POST is the session's own CSRF cookie.
    entetes = [("; ".join(f"{k}={v}" for k, v in c.items()), c.get("csrftoken", "")) for c in cookies] or [("", "")]
    env = dict(os.environ, BENCH_METHOD=page.methode, BENCH_PATH=page.chemin, BENCH_STATUS=str(page.statut),
               BENCH_COOKIES="|".join(e[0] for e in entetes))
    if corps is not None:
        # Sessions of the search all hold their own token: the body carries the first session's,
        # so every connection is given that session (a shared CSRF cookie and its token).
        env["BENCH_COOKIES"] = entetes[0][0]
        env["BENCH_BODY"] = corps.replace("%40CSRF%40", entetes[0][1])
    sortie = subprocess.run(
        ["wrk", f"-t{connexions}", f"-c{connexions}", f"-d{duree}s", "--timeout", "60s", "-s", str(LUA),
         f"http://127.0.0.1:{PORT}"], env=env, capture_output=True, text=True, check=True,
    ).stdout
    ligne = next(x for x in sortie.splitlines() if x.startswith("BENCH "))
    attendre_le_repos(repos)
    r = json.loads(ligne[6:])
    r["rps"] = r["requetes"] / (r["duree_us"] / 1e6)
    r["charge"] = os.getloadavg()[0]
    return r


# --- Isolation: HTML pages while batch prints run ---------------------------------------------


class Rafale:
    """Batch prints of the fiches de suivi (one school each, as the school page's button asks),
    kept at ``--rafale`` jobs queued or running, rendered by ``--travailleurs`` processes of
    ``manage.py travailleur --queue-name documents``. The workers are paused (SIGSTOP) while the
    pages are measured alone and given a CPU priority (nice) for each burst measure: alone and
    burst measures of a page follow each other, on a machine whose load drifts."""

    def __init__(self):
        from aides.impressions import eleves_aides_de_l_ecole  # app registry: after django.setup()
        from eleves.models import Ecole, Utilisateur  # app registry: idem

        self.ien = Utilisateur.objects.get(username="banc-01-circonscription")
        ecoles = Ecole.objects.visibles_par(self.ien).order_by("pk")
        self.listes = [ids for ids in (eleves_aides_de_l_ecole(self.ien, e) for e in ecoles) if ids]
        self.suivant = 0
        self.travailleurs = []

    def fiches(self):
        """Fiches rendered so far (jobs finished or under way)."""
        from aides.models import TravailImpression  # app registry: after django.setup()

        return TravailImpression.objects.aggregate(n=Sum("fait"))["n"] or 0

    def completer(self):
        """Back to ``--rafale`` jobs queued or running."""
        from aides.enums import (  # app registry: after django.setup()
            ETATS_IMPRESSION_OUVERTS,
            GenreImpression,
        )
        from aides.impressions import demander_fiches  # app registry: idem
        from aides.models import TravailImpression  # app registry: idem

        for _ in range(OPTIONS.rafale - TravailImpression.objects.filter(etat__in=ETATS_IMPRESSION_OUVERTS).count()):
            ids = self.listes[self.suivant % len(self.listes)]
            self.suivant += 1
            demander_fiches(demandeur=self.ien, eleves_ids=ids, genre=GenreImpression.FICHES_PAR_CLASSE, adresse=None)

    def demarrer(self):
        self.completer()
        for numero in range(OPTIONS.travailleurs):
            self.travailleurs.append(subprocess.Popen(
                [PYTHON, "manage.py", "travailleur", "--queue-name", "documents", "--interval", "0.5",
                 "--no-startup-delay", "--worker-id", f"banc-{numero}"],
                cwd=RACINE, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            ))
        time.sleep(5)  # the workers' start-up (imports, WeasyPrint's first PDF) is part of no measure
        self.pause()

    def pause(self):
        for travailleur in self.travailleurs:
            travailleur.send_signal(signal.SIGSTOP)

    def reprise(self, nice):
        self.completer()
        for travailleur in self.travailleurs:
            os.setpriority(os.PRIO_PROCESS, travailleur.pid, nice)  # back to 0 needs root (or CAP_SYS_NICE)
            travailleur.send_signal(signal.SIGCONT)

    def arreter(self):
        """Cancels what is left (a job stops between two pupils), stops the workers, empties the queue."""
        from django_tasks_db.models import DBTaskResult  # app registry: after django.setup()

        from aides.models import TravailImpression  # app registry: idem

        TravailImpression.objects.update(annule=True)
        for travailleur in self.travailleurs:
            travailleur.send_signal(signal.SIGCONT)
            travailleur.send_signal(signal.SIGTERM)
        for travailleur in self.travailleurs:
            try:
                travailleur.wait(timeout=60)
            except subprocess.TimeoutExpired:
                travailleur.kill()
                travailleur.wait()
        for travail in TravailImpression.objects.exclude(fichier=""):
            travail.fichier.delete(save=False)
        TravailImpression.objects.all().delete()
        DBTaskResult.objects.all().delete()


def isolation(pages, sessions, charge_debut, t_debut):
    """Each HTML page at 16 connections: alone (workers paused), during the burst with the workers
    at normal priority, then at nice 10, then alone again — one page after the other."""
    phases = [("seules", None), ("rafale, nice 0", 0), ("rafale, nice 10", 10), ("seules (fin)", None)]
    etape(f"Isolation : {len(pages)} pages HTML × {len(phases)} mesures × {OPTIONS.duree} s à 16 connexions ; "
          f"rafale : {OPTIONS.rafale} impressions groupées en file, {OPTIONS.travailleurs} travailleur(s)")
    for page in pages:  # warm-up: every worker has served every page
        wrk(page, WORKERS, 2, sessions.get(page.session, []))
    rafale = Rafale()
    rafale.demarrer()
    resultats, charges, debits = {}, {}, {}
    try:
        for page in pages:
            for nom, nice in phases:
                if nice is not None:
                    rafale.reprise(nice)
                    fiches, debut = rafale.fiches(), time.monotonic()
                m = wrk(page, 16, OPTIONS.duree, sessions.get(page.session, []), repos=0 if nice is not None else 90)
                if nice is not None:
                    rafale.pause()
                    attendre_le_repos()
                    debits.setdefault(nom, []).append((rafale.fiches() - fiches, time.monotonic() - debut))
                resultats.setdefault(page.nom, {})[nom] = m
                charges.setdefault(nom, []).append(m["charge"])
            r = resultats[page.nom]
            print(f"  {page.nom:<42} p50/p95 ms : " + " | ".join(
                f"{nom} {ms(r[nom]['p50'])} / {ms(r[nom]['p95'])}" for nom, _ in phases)
                + f" (charge {r['seules (fin)']['charge']:.1f})", flush=True)
    finally:
        rafale.arreter()

    print(f"\nMachine : {machine()}")
    print(f"{OPTIONS.duree} s par page et par mesure, 16 connexions ; charge de la machine (1 min) au début "
          f"{charge_debut[0]:.1f}, à la fin {os.getloadavg()[0]:.1f}, pour {os.cpu_count()} cœurs ; gunicorn : "
          f"{WORKERS} processus ; rafale : {OPTIONS.rafale} impressions groupées (fiches de suivi d'une école) "
          f"en file ou en cours, {OPTIONS.travailleurs} travailleur(s) `manage.py travailleur --queue-name documents`, "
          "arrêtés (SIGSTOP) pendant les mesures « seules ».")
    for nom, _ in phases:
        ligne = f"  {nom} : charge moyenne {statistics.mean(charges[nom]):.1f}"
        if nom in debits:
            fiches, duree = sum(d[0] for d in debits[nom]), sum(d[1] for d in debits[nom])
            ligne += f" ; travailleurs : {fiches} fiches en {duree:.0f} s ({fiches / duree:.2f} fiches/s)"
        print(ligne)
    entete = ("Page", *(f"{n} p50/p95 ms" for n, _ in phases), "p95 nice 0 / seules", "p95 nice 10 / seules")
    lignes = []
    for page in pages:
        r = resultats[page.nom]
        seules = statistics.mean([r["seules"]["p95"], r["seules (fin)"]["p95"]])
        lignes.append((page.nom, *(f"{ms(r[n]['p50'])} / {ms(r[n]['p95'])}" for n, _ in phases),
                       f"{r['rafale, nice 0']['p95'] / seules:.2f}", f"{r['rafale, nice 10']['p95'] / seules:.2f}"))
    largeurs = [max(len(x) for x in col) for col in zip(entete, *lignes, strict=True)]
    print()
    print(" | ".join(t.ljust(n) for t, n in zip(entete, largeurs, strict=True)))
    print("-+-".join("-" * n for n in largeurs))
    for ligne in lignes:
        print(" | ".join(x.ljust(n) for x, n in zip(ligne, largeurs, strict=True)))
    print("\nObjectif : p95 pendant la rafale ≤ 1,5 × p95 sans elle (moyenne des deux mesures « seules » de la page).")
    resultats_dir = RACINE / "bench" / "resultats"
    resultats_dir.mkdir(exist_ok=True)
    (resultats_dir / f"isolation-echelle-{ECHELLE}.json").write_text(json.dumps(
        {"machine": machine(), "charge_debut": charge_debut, "travailleurs": OPTIONS.travailleurs,
         "rafale": OPTIONS.rafale, "debits": debits, "pages": resultats}, indent=1, ensure_ascii=False))
    print(f"Durée totale : {(time.monotonic() - t_debut) / 60:.1f} min.")


# --- Report ---------------------------------------------------------------------------------------


def machine():
    modele = next((ligne.split(":", 1)[1].strip() for ligne in Path("/proc/cpuinfo").read_text().splitlines()
                   if ligne.startswith("model name")), platform.processor())
    memoire = int(next(x for x in Path("/proc/meminfo").read_text().splitlines() if x.startswith("MemTotal")).split()[1])
    with connection.cursor() as c:
        c.execute("SHOW server_version")
        pg = c.fetchone()[0]
    return (f"{modele}, {os.cpu_count()} cœurs, {memoire / 1024 / 1024:.0f} Go, PostgreSQL {pg}, "
            f"Python {platform.python_version()}, Django {django.get_version()}, wrk, gunicorn (rased/gunicorn.py)")


def cle_page(page):
    """The page's name without the school year (the same key at every scale and date)."""
    return re.sub(r"\b20\d\d\b", "AAAA", page.nom)


def formes(requetes):
    """Queries grouped by shape (numbers and strings blanked), most repeated first."""
    compte = {}
    for sql in requetes:
        forme = re.sub(r"'[^']*'|\b\d+\b", "?", sql)
        compte[forme] = compte.get(forme, 0) + 1
    return sorted(compte.items(), key=lambda x: -x[1])


def ms(us):
    return f"{us / 1000:.1f}"


def main():
    t_debut = time.monotonic()
    charge_debut = os.getloadavg()
    if not shutil.which("wrk"):
        raise SystemExit("wrk est introuvable : apt-get install wrk")
    # First: the URLconf resolves static names through the manifest as soon as it is imported.
    manage("collectstatic", "--noinput", "-v0")
    if not OPTIONS.garder:
        etape(f"Base PostgreSQL {OPTIONS.base} recréée")
        recreer_base()
        manage("migrate", "--noinput", "-v0")
        etape(f"seed_bench --scale {ECHELLE}")
        t0 = time.monotonic()
        manage("seed_bench", "--scale", ECHELLE, "--force")
        etape(f"Données chargées en {time.monotonic() - t0:.0f} s")
    with psycopg.connect(ENV["DATABASE_URL"], autocommit=True) as cnx:
        cnx.execute("VACUUM ANALYZE")  # as autovacuum would after a bulk load: fresh statistics
    pages = pages_a_mesurer()
    if not OPTIONS.isolation:
        etape("Requêtes SQL par page (client de test Django, même base)")
        compter_requetes(pages)
    if OPTIONS.requetes:
        for page in pages:
            print(f"\n## {page.nom} : {page.requetes['nombre']} requêtes, {page.requetes['lignes_max']} lignes au plus")
            for forme, n in formes(page.requetes["toutes"]):
                print(f"  {n} × {forme[:300]}")
        return

    journal = open(Path(STATIQUES) / "gunicorn.log", "w")  # noqa: SIM115 — closed at the end
    serveur = subprocess.Popen([GUNICORN, "-c", "rased/gunicorn.py", "rased.wsgi"], cwd=RACINE, env=ENV,
                               stdout=journal, stderr=subprocess.STDOUT)
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", PORT), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.1)
        etape(f"gunicorn démarré (port {PORT}) ; connexions des comptes du banc")
        sessions = {}
        for page in pages:
            if page.compte and page.session not in sessions:
                sessions[page.session] = [connecter(f"banc-01-{page.compte}") for _ in range(SESSIONS_PAR_COMPTE)]
                if page.filtre:
                    chemin, criteres = page.filtre
                    for cookies in sessions[page.session]:
                        requete("POST", chemin, cookies, criteres | {"csrfmiddlewaretoken": cookies["csrftoken"]})
        for page in pages:  # each page answers as expected before it is measured
            reponse, _ = requete(page.methode, page.chemin, sessions.get(page.session, [{}])[0],
                                       None if page.corps is None else page.corps
                                       | {"csrfmiddlewaretoken": sessions[page.session][0]["csrftoken"]})
            if reponse.status != page.statut:
                raise SystemExit(f"{page.nom} : {page.chemin} répond {reponse.status}, {page.statut} attendu")
        if OPTIONS.isolation:
            isolation([p for p in pages if p.genre != "pdf"], sessions, charge_debut, t_debut)
            return
        planchers = [p for p in pages if p.genre == "plancher"]
        connecte = planchers[1]
        ordre = [*pages, *planchers]
        etape(f"Mesures : {len(ordre)} passages × {len(CONCURRENCES)} concurrences × {OPTIONS.duree} s")
        for page in ordre:
            cookies = sessions.get(page.session, [])
            # Warm-up: the workers have served this page (imports, template and WeasyPrint caches).
            wrk(page, WORKERS, 2, cookies)
            # A PDF takes seconds: with 16 connections on 5 workers none would end within 8 s.
            lent = page.genre in ("pdf", "rapport")
            mesures = {}
            for c in CONCURRENCES:
                if c == 1 and page.genre != "plancher":
                    # The signed-in floor just before and just after the page's latency: the other
                    # users of a shared machine change its load from one minute to the next.
                    voisin = wrk(connecte, 1, VOISIN_DUREE, sessions[connecte.session])["p50"]
                mesures[c] = wrk(page, c, OPTIONS.duree * (4 if lent and c > 1 else 1), cookies)
                if c == 1 and page.genre != "plancher":
                    page.voisins = (voisin, wrk(connecte, 1, VOISIN_DUREE, sessions[connecte.session])["p50"])
            if page.genre == "plancher" and page.mesures:
                page.passes = [page.mesures, mesures]
            else:
                page.mesures = mesures
            m1, m16 = mesures[1], mesures[16]
            print(f"  {page.nom:<42} 1 : {m1['rps']:6.1f}/s p50 {ms(m1['p50']):>7} ms"
                  + (f" (plancher connecté voisin {ms(statistics.mean(page.voisins))} ms)" if page.genre != "plancher" else "")
                  + f" | 16 : {m16['rps']:6.1f}/s p50 {ms(m16['p50']):>7} ms p95 {ms(m16['p95']):>7} ms (charge {m16['charge']:.1f})"
                  + (f" — {m1['inattendus'] + m16['inattendus']} réponses inattendues"
                     if m1["inattendus"] + m16["inattendus"] else ""), flush=True)
        # Each floor: mean of its two passes.
        for plancher in planchers:
            plancher.mesures = {c: {k: statistics.mean(p[c][k] for p in plancher.passes)
                                    for k in ("rps", "p50", "p95", "p99")}
                                | {"charge": plancher.passes[-1][c]["charge"], "inattendus": 0} for c in CONCURRENCES}
    finally:
        serveur.send_signal(signal.SIGTERM)
        serveur.wait(timeout=30)
        journal.close()
    rapport(pages, charge_debut, time.monotonic() - t_debut)


def rapport(pages, charge_debut, duree_totale):
    anonyme, connecte = (p for p in pages if p.genre == "plancher")
    a1 = anonyme.mesures[1]
    f1, f16 = connecte.mesures[1], connecte.mesures[16]
    reference = json.loads(REQUETES_REFERENCE.read_text()) if REQUETES_REFERENCE.exists() else {}
    comptes = {cle_page(p): p.requetes["nombre"] for p in pages}
    print(f"\nMachine : {machine()}")
    print(f"Échelle {ECHELLE} ; {OPTIONS.duree} s par page à 1 connexion puis à 16 ; charge de la machine "
          f"(1 min) au début {charge_debut[0]:.1f}, à la fin {os.getloadavg()[0]:.1f}, pour {os.cpu_count()} cœurs.")
    for plancher in (anonyme, connecte):
        p1 = plancher.passes
        print(f"{plancher.nom} : p50 à 1 connexion {ms(p1[0][1]['p50'])} puis {ms(p1[1][1]['p50'])} ms, "
              f"{p1[0][16]['rps']:.0f} puis {p1[1][16]['rps']:.0f} req/s à 16 connexions (mesuré au début et à "
              "la fin ; les rapports utilisent la moyenne).")
    print()
    entete = ("Page", "1 conn. req/s", "p50 ms", "p95 ms", "p99 ms", "16 conn. req/s", "p50 ms", "p95 ms", "p99 ms",
              "SQL", "lignes max", "p50 × plancher anonyme", "plancher connecté voisin p50 ms",
              "p50 × plancher connecté voisin", "× plancher connecté p95/débit", "Objectifs")
    lignes, manques = [], []
    for page in pages:
        m1, m16, q = page.mesures[1], page.mesures[16], page.requetes
        raisons = []
        # Every HTML page (the PDFs aside) against the signed-in floor: what it adds to a signed-in page.
        voisin = statistics.mean(page.voisins) if page.genre != "plancher" else m1["p50"]
        if page.genre not in ("plancher", "pdf") and m1["p50"] > 2 * voisin:
            raisons.append("p50 > 2× plancher connecté")
        if q["nombre"] > MAX_REQUETES:
            raisons.append(f"SQL > {MAX_REQUETES}")
        cle = cle_page(page)
        if ECHELLE != "1" and cle in reference and reference[cle] != q["nombre"]:
            raisons.append(f"SQL {q['nombre']} ≠ {reference[cle]} à l'échelle 1")
        if page.genre == "liste" and q["lignes_max"] > MAX_LIGNES:
            raisons.append(f"{q['lignes_max']} lignes lues > {MAX_LIGNES}")
        if page.genre == "pdf" and "fiche" in page.nom.lower() and m1["p50"] / 1e6 >= PDF_MEDIANE_MAX:
            raisons.append("PDF ≥ 1 s")
        if m1.get("inattendus") or m16.get("inattendus"):
            raisons.append("réponses inattendues")
        lignes.append((
            page.nom, f"{m1['rps']:.1f}", ms(m1["p50"]), ms(m1["p95"]), ms(m1["p99"]),
            f"{m16['rps']:.1f}", ms(m16["p50"]), ms(m16["p95"]), ms(m16["p99"]),
            str(q["nombre"]), str(q["lignes_max"]), f"{m1['p50'] / a1['p50']:.1f}", ms(voisin),
            f"{m1['p50'] / voisin:.1f}", f"{m1['p95'] / f1['p95']:.1f} / {m16['rps'] / f16['rps']:.2f}",
            "tenus" if not raisons else "NON : " + ", ".join(raisons),
        ))
        if raisons:
            manques.append((page, raisons))
    largeurs = [max(len(x) for x in col) for col in zip(entete, *lignes, strict=True)]
    print(" | ".join(t.ljust(n) for t, n in zip(entete, largeurs, strict=True)))
    print("-+-".join("-" * n for n in largeurs))
    for ligne in lignes:
        print(" | ".join(x.ljust(n) for x, n in zip(ligne, largeurs, strict=True)))
    print(f"\nObjectifs : p50 (1 connexion) de chaque page HTML ≤ 2× celui du plancher connecté mesuré juste avant et "
          f"juste après elle (moyenne) ; ≤ {MAX_REQUETES} "
          f"requêtes SQL, autant à l'échelle 1 et à l'échelle 10 ; aucune requête d'une page de liste ne lit plus de "
          f"{MAX_LIGNES} lignes ; fiche PDF d'un élève : médiane < 1 s. Les autres rapports sont donnés pour mémoire.")
    if manques:
        print("\nObjectifs manqués : les requêtes les plus lentes de chaque page concernée, avec leur plan.")
        for page, raisons in manques:
            print(f"\n## {page.nom} — {', '.join(raisons)} ({page.requetes['nombre']} requêtes)")
            if page.requetes["nombre"] > MAX_REQUETES:
                print("Requêtes par forme (nombre × début de la requête) :")
                for forme, n in formes(page.requetes["toutes"]):
                    print(f"  {n} × {forme[:230]}")
            for duree, sql in page.requetes["lentes"][:2]:
                print(f"\n-- {duree:.1f} ms : {sql[:600]}{'…' if len(sql) > 600 else ''}")
                plan = expliquer(sql).splitlines()
                print("\n".join("   " + x for x in plan[:25]) + ("\n   …" if len(plan) > 25 else ""))
    resultats = RACINE / "bench" / "resultats"
    resultats.mkdir(exist_ok=True)
    (resultats / f"charge-echelle-{ECHELLE}.json").write_text(json.dumps(
        {"machine": machine(), "charge_debut": charge_debut, "pages": [
            {"page": p.nom, "mesures": p.mesures, "requetes": p.requetes["nombre"], "lignes_max": p.requetes["lignes_max"]}
            for p in pages]}, indent=1, ensure_ascii=False))
    if ECHELLE == "1":
        REQUETES_REFERENCE.write_text(json.dumps(comptes, indent=1, ensure_ascii=False) + "\n")
        print(f"\nNombres de requêtes de l'échelle 1 enregistrés dans {REQUETES_REFERENCE.relative_to(RACINE)}.")
    print(f"Durée totale : {duree_totale / 60:.1f} min.")


if __name__ == "__main__":
    main()
