"""« Trust » issue, proof 7: no pupil name and no psychologist's text in the server's access log.

The application runs under gunicorn with ``rased/gunicorn.py`` (its access log format, to its
standard output) on a SQLite copy of the demonstration (``manage.py demo``). Chromium signs in as
the directeur, lists the pupils, searches one by name (the search is POSTed), opens the pupil's
page, a request and its PDF; then as the psychologist, who opens the requests to process. The
log must hold no first or last name of any pupil, parent or psychologist's text, and its lines
no query string; no URL the browser asked for holds a name either (names never travel in URLs).
"""

import io
import json
import re
import subprocess
import sys
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.serveur import attendre_le_port, environnement_de_production, port_libre

RACINE = Path(__file__).resolve().parents[2]
MOT_DE_PASSE_DEMO = "rased-demo-2026"
# A line of rased/gunicorn.py's format: address, time, method and path (no query), status, size, ms.
LIGNE = re.compile(r'^\S+ \[[^\]]+\] "(GET|POST|HEAD) /[^ ?"]*" \d{3} (\d+|-) \d+ms$')
# What the database holds that the log must not: every name, and the psychologist's writings.
EXTRAIRE = """
import io
import json
from aides.models import ConclusionPsy, Observation
from eleves.models import Eleve, ResponsableLegal
noms = set()
for modele in (Eleve, ResponsableLegal):
    for nom, prenom in modele.objects.values_list("nom", "prenom"):
        noms |= {nom, prenom}
textes = [c.texte for c in ConclusionPsy.objects.all()]
textes += [o.contenu for o in Observation.objects.filter(confidentielle=True)]
print(json.dumps({"noms": sorted(noms), "textes": textes}))
"""


@pytest.fixture(scope="module")
def serveur_demo(tmp_path_factory):
    dossier = tmp_path_factory.mktemp("journal")
    port = port_libre()
    # Plain HTTP on 127.0.0.1, with the demonstration's password-only sign-in.
    env = environnement_de_production(
        port=port, base_sqlite=dossier / "demo.sqlite3", static_root=dossier / "static",
        DJANGO_SETTINGS_MODULE="tests.navigateur.reglages_journal",
        SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", DOUBLE_AUTHENTIFICATION="0",
    )
    for commande in (["migrate", "--noinput", "-v0"], ["demo", "--force", "-v0"]):
        subprocess.run([sys.executable, "manage.py", *commande], cwd=RACINE, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    journal = dossier / "gunicorn.log"
    with journal.open("wb") as sortie:
        processus = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-c", "rased/gunicorn.py",
                                      "rased.wsgi"], cwd=RACINE, env=env, stdout=sortie, stderr=subprocess.DEVNULL)
        attendre_le_port(port)
        try:
            yield {"url": f"http://127.0.0.1:{port}", "journal": journal, "env": env, "processus": processus}
        finally:
            processus.terminate()
            processus.wait(timeout=10)


def _se_connecter(page, base, username):
    page.goto(f"{base}/connexion/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE_DEMO)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name=re.compile("^Bonjour"))).to_be_visible()


def _formes(nom: str) -> set[str]:
    """A name as it could be written in a log: as is, without accents."""
    sans_accents = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode()
    return {nom.lower(), sans_accents.lower()}


def test_aucun_nom_d_eleve_dans_le_journal_du_serveur(serveur_demo, page, preuve):
    base = serveur_demo["url"]
    # One sync worker on a busy machine: the first PDF also imports WeasyPrint.
    page.set_default_timeout(20_000)
    adresses = []
    page.on("request", lambda r: adresses.append(unquote(r.url)))

    _se_connecter(page, base, "directeur")
    page.get_by_role("link", name="Élèves", exact=True).first.click()
    nom_cherche = page.locator("table.table-eleves tbody tr td a").first.inner_text().strip()
    page.get_by_label("Nom ou prénom").fill(nom_cherche)
    page.get_by_role("button", name="Rechercher").click()
    expect(page.get_by_text("correspondant")).to_be_visible()
    page.locator("table.table-eleves tbody tr td a").first.click()
    expect(page).to_have_url(re.compile(r"/eleves/\d+/$"))
    page.get_by_role("link", name="Demandes d'aide", exact=True).first.click()
    page.locator("main table a[href*='/demandes/']").first.click()
    # Downloaded with the browser's session (its viewer would keep the file from the page).
    lien = page.get_by_role("link", name=re.compile("fiche de demande")).get_attribute("href")
    pdf = page.request.get(f"{base}{lien}")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text().strip()
    page.get_by_role("button", name="Se déconnecter").click()
    _se_connecter(page, base, "psychologue")
    page.get_by_role("link", name="À traiter").first.click()
    page.locator("main a[href*='/demandes/']").first.click()

    serveur_demo["processus"].terminate()
    serveur_demo["processus"].wait(timeout=10)
    lignes = serveur_demo["journal"].read_text(encoding="utf-8", errors="replace").splitlines()
    donnees = json.loads(subprocess.run(
        [sys.executable, "manage.py", "shell", "-v0", "-c", EXTRAIRE], cwd=RACINE, env=serveur_demo["env"],
        check=True, capture_output=True, text=True).stdout.splitlines()[-1])
    noms = {forme for nom in donnees["noms"] if len(nom) >= 3 for forme in _formes(nom)}
    motifs = [re.compile(rf"(?<![a-z]){re.escape(n)}(?![a-z])", re.IGNORECASE) for n in sorted(noms)]
    textes = [t[:30].lower() for t in donnees["textes"] if len(t) >= 10]

    hors_format = [ligne for ligne in lignes if not LIGNE.match(ligne)]
    nommees = [(ligne, m.pattern) for ligne in lignes for m in motifs if m.search(ligne)]
    avec_texte = [ligne for ligne in lignes for t in textes if t in ligne.lower()]
    urls_nommees = [(u, m.pattern) for u in adresses for m in motifs if m.search(u.split("://", 1)[1])]
    preuve(f"[preuve 7] journal d'accès : {len(lignes)} lignes, {len(noms)} noms et {len(textes)} textes du "
           f"psychologue cherchés, lignes hors format : {len(hors_format)}, noms trouvés : {len(nommees)}, "
           f"textes trouvés : {len(avec_texte)} ; URL demandées par le navigateur : {len(adresses)}, "
           f"avec un nom : {len(urls_nommees)}")
    # The search is not blind: the name searched for would be found in a line that held it.
    assert any(m.search(f'127.0.0.1 [x] "GET /eleves/?nom={nom_cherche}" 200 1 1ms') for m in motifs)
    assert len(lignes) >= 10 and any('"POST /eleves/' in ligne for ligne in lignes)
    assert any(".pdf" in ligne or "/pdf" in ligne for ligne in lignes), lignes
    assert not hors_format, hors_format
    assert not nommees, nommees
    assert not avec_texte, avec_texte
    assert not urls_nommees, urls_nommees
