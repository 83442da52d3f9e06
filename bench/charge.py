"""Load test of rased on PostgreSQL under gunicorn: speed at scale, figures printed, never asserted.

    make charge                      # SCALE=1: one circonscription (40 schools, 5,000 pupils)
    make charge SCALE=10             # a département (10 circonscriptions)
    .venv/bin/python bench/charge.py --scale 1 [--duree 8] [--base rased_charge]

Steps: (re)create the PostgreSQL database ``--base`` (dropping the previous one), migrate, load
``manage.py seed_bench --scale N``, collect the static files, start gunicorn with
``rased/gunicorn.py`` and the production settings (``bench.settings`` adds only the floor page),
sign the bench accounts in through the login form, then load each page with ``wrk`` on
loopback, for ``--duree`` seconds with 1 connection (latency) and again with 16 (throughput).
Each page's SQL queries are counted separately, by running it once through Django's test
client against the same database. Targets are printed beside the figures; where one is
missed, the page's slowest queries are printed with their EXPLAIN (ANALYZE) plan.

The floor page (``/banc/plancher/``, no sign-in): one query of the largest table (attendance
rows), 50 rows in a plain template. It is measured first and last; the ratios use the mean.
Query counts at scale 1 are stored in ``bench/requetes-echelle-1.json``; a run at another
scale compares its counts with them (they must not grow with the data).

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
from django.db.models import Count
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
    return parser.parse_args()


OPTIONS = parametres()
ECHELLE = f"{OPTIONS.scale:g}"
PORT = None
with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    PORT = s.getsockname()[1]
STATIQUES = tempfile.mkdtemp(prefix="rased-charge-static-")
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
    pages = [Page("Plancher (50 lignes, 1 requête)", None, "/banc/plancher/", genre="plancher")]
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


def attendre_le_repos(limite=90):
    """Waits until the server has finished the requests still queued when wrk stopped (a slow
    page leaves up to 16 behind it): the floor page must answer within 100 ms again."""
    fin = time.monotonic() + limite
    while time.monotonic() < fin:
        debut = time.monotonic()
        requete("GET", "/banc/plancher/")
        if time.monotonic() - debut < 0.1:
            return
        time.sleep(0.5)


def wrk(page, connexions, duree, cookies):
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
    attendre_le_repos()
    r = json.loads(ligne[6:])
    r["rps"] = r["requetes"] / (r["duree_us"] / 1e6)
    r["charge"] = os.getloadavg()[0]
    return r


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
        plancher = pages[0]
        ordre = [*pages, plancher]
        etape(f"Mesures : {len(ordre)} passages × {len(CONCURRENCES)} concurrences × {OPTIONS.duree} s")
        series = []
        for page in ordre:
            cookies = sessions.get(page.session, [])
            # Warm-up: the workers have served this page (imports, template and WeasyPrint caches).
            wrk(page, WORKERS, 2, cookies)
            # A PDF takes seconds: with 16 connections on 5 workers none would end within 8 s.
            lent = page.genre in ("pdf", "rapport")
            mesures = {c: wrk(page, c, OPTIONS.duree * (4 if lent and c > 1 else 1), cookies) for c in CONCURRENCES}
            if page is plancher and plancher.mesures:
                series.append(mesures)
            else:
                page.mesures = mesures
                series.append(mesures)
            m1, m16 = mesures[1], mesures[16]
            print(f"  {page.nom:<42} 1 : {m1['rps']:6.1f}/s p50 {ms(m1['p50']):>7} ms | 16 : {m16['rps']:6.1f}/s "
                  f"p50 {ms(m16['p50']):>7} ms p95 {ms(m16['p95']):>7} ms (charge {m16['charge']:.1f})"
                  + (f" — {m1['inattendus'] + m16['inattendus']} réponses inattendues"
                     if m1["inattendus"] + m16["inattendus"] else ""), flush=True)
        # The floor: mean of its two passes.
        passes = [series[0], series[-1]]
        plancher.mesures = {c: {k: statistics.mean(p[c][k]for p in passes) for k in ("rps", "p50", "p95", "p99")}
                            | {"charge": passes[-1][c]["charge"], "inattendus": 0} for c in CONCURRENCES}
        plancher.passes = passes
    finally:
        serveur.send_signal(signal.SIGTERM)
        serveur.wait(timeout=30)
        journal.close()
    rapport(pages, charge_debut, time.monotonic() - t_debut)


def rapport(pages, charge_debut, duree_totale):
    plancher = pages[0]
    f1, f16 = plancher.mesures[1], plancher.mesures[16]
    reference = json.loads(REQUETES_REFERENCE.read_text()) if REQUETES_REFERENCE.exists() else {}
    comptes = {cle_page(p): p.requetes["nombre"] for p in pages}
    print(f"\nMachine : {machine()}")
    print(f"Échelle {ECHELLE} ; {OPTIONS.duree} s par page à 1 connexion puis à 16 ; charge de la machine "
          f"(1 min) au début {charge_debut[0]:.1f}, à la fin {os.getloadavg()[0]:.1f}, pour {os.cpu_count()} cœurs.")
    p1 = plancher.passes
    print(f"Plancher : 1re mesure {p1[0][16]['rps']:.0f}/s, dernière {p1[1][16]['rps']:.0f}/s à 16 connexions ; "
          "les rapports utilisent leur moyenne.\n")
    entete = ("Page", "1 conn. req/s", "p50 ms", "p95 ms", "p99 ms", "16 conn. req/s", "p50 ms", "p95 ms", "p99 ms",
              "SQL", "lignes max", "× plancher p50/p95/débit", "Objectifs")
    lignes, manques = [], []
    for page in pages:
        m1, m16, q = page.mesures[1], page.mesures[16], page.requetes
        raisons = []
        if page is not plancher:
            if m1["p50"] > 2 * f1["p50"]:
                raisons.append("p50 > 2× plancher")
            if m1["p95"] > 2 * f1["p95"]:
                raisons.append("p95 > 2× plancher")
            if m16["rps"] < 0.5 * f16["rps"]:
                raisons.append("débit < ½ plancher")
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
            str(q["nombre"]), str(q["lignes_max"]),
            f"{m1['p50'] / f1['p50']:.1f} / {m1['p95'] / f1['p95']:.1f} / {m16['rps'] / f16['rps']:.2f}",
            "tenus" if not raisons else "NON : " + ", ".join(raisons),
        ))
        if raisons:
            manques.append((page, raisons))
    largeurs = [max(len(x) for x in col) for col in zip(entete, *lignes, strict=True)]
    print(" | ".join(t.ljust(n) for t, n in zip(entete, largeurs, strict=True)))
    print("-+-".join("-" * n for n in largeurs))
    for ligne in lignes:
        print(" | ".join(x.ljust(n) for x, n in zip(ligne, largeurs, strict=True)))
    print(f"\nObjectifs : p50 et p95 (1 connexion) ≤ 2× ceux du plancher ; débit à 16 connexions ≥ ½ celui du "
          f"plancher ; ≤ {MAX_REQUETES} requêtes SQL, autant à l'échelle 1 et à l'échelle 10 ; aucune requête d'une "
          f"page de liste ne lit plus de {MAX_LIGNES} lignes ; fiche PDF d'un élève : médiane < 1 s.")
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
