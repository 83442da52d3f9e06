"""Past one server (issue 14): two web hosts and one worker host, one PostgreSQL.

Three hosts of their own (tests/reseau.py: network namespaces on a bridge, each with its own
address; PostgreSQL reached through a relay on the bridge): web hosts A and B each run gunicorn
(``rased/gunicorn.py``, production settings, the same SECRET_KEY, sessions in the database) bound
to their address; the worker host runs ``manage.py travailleur``. The test stands for the browser
and for the load balancer in front of A and B (one public name, « https » said by the TLS proxy's
header): it picks the host of each request.

Proved: a session opened on A through the sign-in form (password on A, two-factor code on B) is
the same session on B, and on A again; a batch print asked on A is rendered by the worker host
alone (the web hosts run no worker; the task's worker id is the worker host's) and downloaded from
B; a worker killed (SIGKILL) in the middle of a print leaves it « en cours », the next worker
takes it up again and the file is then downloaded from A. The namespaces share the machine's file
system: the default storage (``MEDIA_ROOT``) stands for the shared volume of a real deployment.
"""

import http.client
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import global_settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from aides.enums import EtatImpression
from aides.models import TravailImpression
from tests.eleves.outils_pages import texte
from tests.factories import eleve_inscrit
from tests.factories_parcours import demande_deposee
from tests.reseau import Relais, Reseau, ReseauImpossible

RACINE = Path(__file__).resolve().parent.parent
# The public name both web hosts answer to, as behind a load balancer.
NOM_PUBLIC = "rased.test"
PORT = 8000
MOT_DE_PASSE = "un-mot-de-passe-de-production-2026"
# The worker puts back in the queue a task « en cours » for longer than this (rased/taches.py):
# 15 minutes in production, one second here so that the next worker takes it up at once.
DUREE_MAXIMALE = 1

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Reponse:
    status_code: int
    entetes: http.client.HTTPMessage
    content: bytes

    def __getitem__(self, entete):
        return self.entetes[entete]


@dataclass
class Navigateur:
    """A browser's cookies, sent to whichever host the load balancer (the test) picks."""

    cookies: dict = field(default_factory=dict)

    def requete(self, adresse, methode, chemin, donnees=None) -> Reponse:
        entetes = {"Host": NOM_PUBLIC, "X-Forwarded-Proto": "https",
                   "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        corps = None
        if donnees is not None:
            corps = urlencode(donnees, doseq=True)
            entetes |= {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://{NOM_PUBLIC}"}
        connexion = http.client.HTTPConnection(adresse, PORT, timeout=60)
        try:
            connexion.request(methode, chemin, body=corps, headers=entetes)
            brute = connexion.getresponse()
            reponse = Reponse(brute.status, brute.headers, brute.read())
        finally:
            connexion.close()
        for ligne in reponse.entetes.get_all("Set-Cookie") or []:
            for nom, morsel in SimpleCookie(ligne).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(nom, None)
                else:
                    self.cookies[nom] = morsel.value
        return reponse

    def get(self, adresse, chemin) -> Reponse:
        return self.requete(adresse, "GET", chemin)

    def post(self, adresse, chemin, donnees) -> Reponse:
        """A form sent as the browser sends it: with the CSRF token of the page it came from."""
        return self.requete(adresse, "POST", chemin, donnees)


def _jeton(page: Reponse) -> str:
    return re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)[1].decode()


def _fin_du_journal(journal: Path) -> str:
    return f"--- {journal.stem} ---\n" + journal.read_text(errors="replace")[-4000:]


@dataclass
class Hotes:
    reseau: Reseau
    relais: Relais
    env: dict
    dossier: Path
    processus: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)  # seconds, by step

    def adresse(self, hote: str) -> str:
        return self.reseau.adresses[hote]

    def lancer(self, hote: str, argv: list[str], nom: str, **reglages) -> subprocess.Popen:
        """``argv`` run on ``hote``, its output in ``<nom>.log``; stopped at the end of the test."""
        journal = self.dossier / f"{nom}.log"
        with journal.open("wb") as sortie:
            processus = subprocess.Popen(self.reseau.commande(hote, argv), cwd=RACINE, env=self.env | reglages,
                                         stdout=sortie, stderr=subprocess.STDOUT)
        processus.journal = journal
        self.processus.append(processus)
        return processus

    def travailleur(self, worker_id: str) -> subprocess.Popen:
        return self.lancer("travailleur", [
            sys.executable, "manage.py", "travailleur", "--queue-name", "documents", "--no-startup-delay",
            "--interval", "0.2", "--worker-id", worker_id,
        ], worker_id)

    def journaux(self) -> str:
        return "\n".join(_fin_du_journal(p.journal) for p in self.processus)


def _arreter(*processus: subprocess.Popen) -> None:
    """SIGTERM to all (gunicorn and the worker stop cleanly on it), then wait; SIGKILL after 10 s."""
    for p in processus:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in processus:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


@pytest.fixture
def trois_hotes(transactional_db, tmp_path, settings):
    """Web hosts « web-a » and « web-b » serving (gunicorn), « travailleur » idle: its workers are
    started by the test. One relay to PostgreSQL; the shared storage in ``tmp_path``."""
    if connection.vendor != "postgresql":
        pytest.skip("les hôtes, chacun dans son espace de noms réseau, lisent la base PostgreSQL des tests")
    debut = time.perf_counter()
    try:
        reseau = Reseau(["web-a", "web-b", "travailleur"]).__enter__()
    except ReseauImpossible as raison:
        pytest.skip(f"pas d'espaces de noms réseau sur cette machine : {raison}")
    reseau_pret = time.perf_counter() - debut
    try:
        base = connection.settings_dict
        with Relais((reseau.adresse_racine, 0), (base["HOST"] or "127.0.0.1", int(base["PORT"] or 5432))) as relais:
            mot_de_passe = f":{base['PASSWORD']}" if base.get("PASSWORD") else ""
            env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")}
            env |= {
                # Production settings, static files read from the sources (no 40 s collectstatic).
                "DJANGO_SETTINGS_MODULE": "tests.navigateur.reglages_journal",
                # What every host shares: the keys, the database, the storage.
                "SECRET_KEY": settings.SECRET_KEY,
                "CLE_CHIFFREMENT": ",".join(settings.SALT_KEY),
                "DATABASE_URL": f"postgres://{base['USER']}{mot_de_passe}@{reseau.adresse_racine}:"
                                f"{relais.server_address[1]}/{base['NAME']}",
                "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
                "MEDIA_ROOT": str(tmp_path / "stockage-partage"),
                "ALLOWED_HOSTS": NOM_PUBLIC,
                "BEHIND_PROXY": "1",
                "FORWARDED_ALLOW_IPS": reseau.adresse_racine,
                "GUNICORN_WORKERS": "1",
                "TACHES_DUREE_MAXIMALE": str(DUREE_MAXIMALE),
            }
            hotes = Hotes(reseau=reseau, relais=relais, env=env, dossier=tmp_path, figures={"reseau": reseau_pret})
            debut = time.perf_counter()
            gunicorn = str(Path(sys.executable).parent / "gunicorn")
            for hote in ("web-a", "web-b"):
                hotes.lancer(hote, [gunicorn, "-c", "rased/gunicorn.py", "rased.wsgi"], hote,
                             GUNICORN_BIND=f"{reseau.adresses[hote]}:{PORT}")
            for hote in ("web-a", "web-b"):
                # Bound by gunicorn's master; the first request then waits for its worker to load
                # Django. A loaded machine (make test on 2 cores) takes seconds for each.
                _attendre(lambda h=hote: _ecoute(reseau.adresses[h]), delai=90, pas=0.1, message=hotes.journaux)
                assert Navigateur().get(reseau.adresses[hote], "/connexion/").status_code == 200, hotes.journaux()
            hotes.figures["serveurs"] = time.perf_counter() - debut
            try:
                yield hotes
            finally:
                _arreter(*hotes.processus)
                print(hotes.journaux())  # shown by pytest when the test failed
    finally:
        reseau.__exit__(None, None, None)


def _classe_avec_demandes(monde, n=3):
    """CE1 A: Léa Petit and ``n - 1`` more pupils, each with a request sent to the RASED."""
    eleves = [monde.eleve_a1] + [eleve_inscrit(monde.classe_a1, nom=f"Eleve{k}", prenom="Test") for k in range(n - 1)]
    for eleve in eleves:
        demande_deposee(eleve=eleve, auteur=monde["enseignant"])
    return eleves


def _se_connecter(navigateur, hote_mot_de_passe, hote_code, user, cle_hex):
    """The sign-in form on one host, the two-factor code on the other."""
    page = navigateur.get(hote_mot_de_passe, "/connexion/")
    reponse = navigateur.post(hote_mot_de_passe, "/connexion/", {
        "csrfmiddlewaretoken": _jeton(page), "username": user.username, "password": MOT_DE_PASSE})
    assert reponse.status_code == 302, texte(reponse)
    # Password-only so far: the other host asks for the code, so it reads the same session.
    accueil = navigateur.get(hote_code, "/")
    assert accueil.status_code == 302 and accueil["Location"].startswith(reverse("otp_verifier"))
    page = navigateur.get(hote_code, accueil["Location"])
    assert "Code de vérification" in texte(page)
    code = f"{totp(bytes.fromhex(cle_hex)):06d}"
    reponse = navigateur.post(hote_code, accueil["Location"], {
        "csrfmiddlewaretoken": _jeton(page), "code": code, "next": "/"})
    assert (reponse.status_code, reponse["Location"]) == (302, "/"), texte(reponse)


def _demander_les_fiches(navigateur, hote, classe) -> tuple[int, int]:
    """« Imprimer les fiches de suivi » of the class page, as the browser sends it; the job's
    number and how many pupils."""
    page = navigateur.get(hote, reverse("classe_detail", args=[classe.pk]))
    assert page.status_code == 200
    ids = re.findall(rb'<input type="hidden" name="eleves" value="(\d+)">', page.content)
    reponse = navigateur.post(hote, reverse("impression_fiches"), {
        "csrfmiddlewaretoken": _jeton(page), "eleves": [int(i) for i in ids], "genre": "fiches_classe",
        "retour": reverse("classe_detail", args=[classe.pk])})
    assert reponse.status_code == 302, texte(reponse)
    return int(re.fullmatch(r"/impressions/(\d+)/", reponse["Location"])[1]), len(ids)


def _attendre(condition, delai=120.0, pas=0.05, message=str):
    """``condition()``'s first true value, asked every ``pas`` seconds; fails after ``delai`` with
    ``message()`` (the hosts' logs)."""
    limite = time.monotonic() + delai
    while not (resultat := condition()):
        assert time.monotonic() < limite, message()
        time.sleep(pas)
    return resultat


def _ecoute(adresse: str) -> bool:
    try:
        socket.create_connection((adresse, PORT), timeout=1).close()
    except OSError:
        return False
    return True


def _attendre_la_page_terminee(navigateur, hote, pk, hotes) -> str:
    """The progress page, reloaded (every 0.25 s rather than the page's 2 s) until it says
    « terminé »."""
    def terminee():
        page = texte(navigateur.get(hote, reverse("impression_detail", args=[pk])))
        return page if "état : terminé" in page else None
    return _attendre(terminee, pas=0.25, message=hotes.journaux)


def _pdf(reponse) -> PdfReader:
    assert reponse.status_code == 200 and reponse["Content-Type"] == "application/pdf"
    return PdfReader(io.BytesIO(reponse.content))


def test_deux_serveurs_web_un_travailleur_une_base(trois_hotes, monde, settings, client, preuve):
    hotes, figures = trois_hotes, trois_hotes.figures
    a, b = hotes.adresse("web-a"), hotes.adresse("web-b")
    eleves = _classe_avec_demandes(monde)
    membre = monde["maitre_e"]
    # A real password hash (the hosts run the production hashers, not the tests' fast one).
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    membre.set_password(MOT_DE_PASSE)
    membre.save()
    appareil = TOTPDevice.objects.create(user=membre, name="Téléphone", confirmed=True)
    navigateur = Navigateur()

    # 1. One session for both hosts: signed in on A, code on B, pages on A and B.
    assert Navigateur().get(b, "/")["Location"].startswith(reverse("connexion"))  # nobody signed in
    debut = time.perf_counter()
    _se_connecter(navigateur, a, b, membre, appareil.key)
    figures["connexion"] = time.perf_counter() - debut
    for hote in (a, b):
        accueil = navigateur.get(hote, "/")
        assert accueil.status_code == 200 and f"Bonjour {membre.first_name}" in texte(accueil)
    assert Session.objects.count() == 1

    # 2. A batch print asked on A waits for the worker host: a web host runs no task.
    debut = time.perf_counter()
    pk, nb = _demander_les_fiches(navigateur, a, monde.classe_a1)
    assert nb == len(eleves)
    attente = texte(navigateur.get(b, reverse("impression_detail", args=[pk])))
    assert "état : en attente" in attente and f"0 / {nb}" in attente
    tache = DBTaskResult.objects.get(queue_name="documents")
    assert (tache.status, tache.worker_ids) == (TaskResultStatus.READY, [])

    # ... rendered by the worker host, downloaded from B.
    lance = timezone.now()
    premier = hotes.travailleur("travailleur-1")
    page = _attendre_la_page_terminee(navigateur, b, pk, hotes)
    figures["impression"] = time.perf_counter() - debut
    assert f"{nb} / {nb}" in page
    tache.refresh_from_db()
    assert (tache.status, tache.worker_ids) == (TaskResultStatus.SUCCESSFUL, ["travailleur-1"])
    figures["demarrage"] = (tache.started_at - lance).total_seconds()
    figures["rendu"] = (tache.finished_at - tache.started_at).total_seconds()
    debut = time.perf_counter()
    lecteur = _pdf(navigateur.get(b, reverse("impression_fichier", args=[pk])))
    figures["telechargement"] = time.perf_counter() - debut
    sommaire = lecteur.pages[1].extract_text()
    assert "Sommaire" in sommaire and "PETIT Léa" in sommaire
    pages_premiere = len(lecteur.pages)
    # Each host's access log shows its own part (gunicorn: address, path, status).
    assert re.search(r'"POST /impressions/fiches-de-suivi/" 302', (hotes.dossier / "web-a.log").read_text())
    assert re.search(rf'"GET /impressions/{pk}/fichier/" 200', (hotes.dossier / "web-b.log").read_text())
    assert f"/impressions/{pk}/fichier/" not in (hotes.dossier / "web-a.log").read_text()

    # 3. A worker killed in the middle of a print: the next one takes it up again.
    pk2, _ = _demander_les_fiches(navigateur, b, monde.classe_a1)
    # Killed once it has printed a pupil at least, before it has written the file.
    _attendre(lambda: TravailImpression.objects.filter(pk=pk2, etat=EtatImpression.EN_COURS, fait__gte=1).exists(),
              pas=0.02, message=hotes.journaux)
    premier.kill()  # SIGKILL: no chance to clean up, as an out-of-memory kill
    premier.wait(timeout=10)
    tue = time.perf_counter()
    travail = TravailImpression.objects.get(pk=pk2)
    assert (travail.etat, travail.fichier.name) == (EtatImpression.EN_COURS, ""), "fini avant d'être tué"
    tache2 = DBTaskResult.objects.exclude(pk=tache.pk).get()
    assert (tache2.status, tache2.worker_ids) == (TaskResultStatus.RUNNING, ["travailleur-1"])
    assert "état : en cours" in texte(navigateur.get(a, reverse("impression_detail", args=[pk2])))
    assert navigateur.get(a, reverse("impression_fichier", args=[pk2])).status_code == 404

    # Started once the task has been « en cours » for longer than TACHES_DUREE_MAXIMALE.
    time.sleep(max(0.0, (tache2.started_at + timedelta(seconds=DUREE_MAXIMALE) - timezone.now()).total_seconds()) + 0.1)
    lance = timezone.now()
    second = hotes.travailleur("travailleur-2")
    _attendre_la_page_terminee(navigateur, a, pk2, hotes)
    figures["reprise"] = time.perf_counter() - tue
    assert len(_pdf(navigateur.get(a, reverse("impression_fichier", args=[pk2]))).pages) == pages_premiere
    tache2.refresh_from_db()
    assert (tache2.status, tache2.worker_ids) == (TaskResultStatus.SUCCESSFUL, ["travailleur-1", "travailleur-2"])
    figures["demarrage2"] = (tache2.started_at - lance).total_seconds()
    figures["rendu2"] = (tache2.finished_at - tache2.started_at).total_seconds()
    _arreter(second)
    assert "Tâches abandonnées remises en file d'attente : 1" in second.journal.read_text()

    # Every host reached PostgreSQL through the relay, from its own address; nobody else did.
    assert set(hotes.relais.clients) == {a, b, hotes.adresse("travailleur")}

    # 4. The key is part of what is shared: the same cookie, read with another SECRET_KEY (in the
    # test's own process, last: it ends the session), is signed out.
    client.cookies[settings.SESSION_COOKIE_NAME] = navigateur.cookies[settings.SESSION_COOKIE_NAME]
    assert client.get("/").status_code == 200
    settings.SECRET_KEY = "une-autre-cle-qu-aucun-serveur-ne-partage-0123456789-abcdefghijkl"
    assert client.get("/")["Location"].startswith(reverse("connexion"))

    preuve(
        "3 hôtes (espaces de noms réseau) : réseau {reseau:.1f} s ; 2 gunicorn prêts {serveurs:.1f} s ; "
        "connexion sur A + code sur B {connexion:.1f} s ; impression de {nb} fiches demandée sur A, "
        "prête sur B {impression:.1f} s après (démarrage du travailleur {demarrage:.1f} s, rendu "
        "{rendu:.1f} s), téléchargée sur B {telechargement:.2f} s ; travailleur tué (SIGKILL), "
        "impression finie {reprise:.1f} s après (démarrage du suivant {demarrage2:.1f} s, "
        "rendu {rendu2:.1f} s)".format(nb=nb, **figures)
    )

