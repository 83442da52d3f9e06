"""Batch printing in a real browser, with a real worker: the IEN's secretary (a circonscription
account) asks « Imprimer les fiches de suivi » on a school's page, watches the progress page's bar
(static/js/impression.js polling the job's JSON) reach the end without the page reloading, and
downloads the PDF, read back with pypdf.

The task queue here is the production one (django-tasks-db's database backend), and the job is
run by django-tasks-db's own ``Worker`` loop in a thread of the test process (``batch``: it stops
once the queue is empty), started only once the page shows the job waiting.
"""

import re
import threading
from io import BytesIO
from pathlib import Path

import pytest
from django.db import connection, connections
from django_tasks_db.management.commands.db_worker import Worker
from playwright.sync_api import expect
from pypdf import PdfReader

from aides.models import TravailImpression
from eleves.models import JournalAcces
from tests.factories import eleve_inscrit
from tests.factories_parcours import demande_deposee
from tests.navigateur.conftest import TABLETTE

FILE_EN_BASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                            "QUEUES": ["default", "courriels", "documents"]}}


@pytest.fixture
def file_en_base(settings):
    if connection.vendor != "postgresql":
        pytest.skip("la file d'attente en base et son travailleur : PostgreSQL")
    settings.TASKS = FILE_EN_BASE


def _travailleur_en_fil() -> threading.Thread:
    """django-tasks-db's worker loop (what ``manage.py travailleur`` runs) in a thread, on the
    ``documents`` queue, until nothing is left to run; its own database connection, closed after."""
    travailleur = Worker(queue_names=["documents"], interval=0.1, batch=True, backend_name="default",
                         startup_delay=False, max_tasks=None, worker_id="navigateur",
                         excluded_queue_names=[])

    def tourner():
        try:
            travailleur.run()
        finally:
            connections.close_all()

    fil = threading.Thread(target=tourner, name="travailleur", daemon=True)
    fil.start()
    return fil


def test_secretariat_imprime_les_fiches_de_suivi_d_une_ecole(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal, file_en_base,
):
    classe = monde.classe_a1
    zoe = eleve_inscrit(classe, nom="Dubois", prenom="Zoé")
    hugo = eleve_inscrit(classe, nom="Martin", prenom="Hugo")
    eleve_inscrit(classe, nom="Bernard", prenom="Inès")  # no request: not printed
    for eleve in (monde.eleve_a1, zoe, hugo):
        demande_deposee(eleve=eleve, auteur=monde["enseignant"])

    page.set_viewport_size(TABLETTE)
    se_connecter("circonscription")
    page.get_by_role("link", name="Écoles et classes").click()
    page.get_by_role("link", name=re.compile("École Jean Jaurès")).first.click()
    expect(page.get_by_role("heading", name=re.compile("École Jean Jaurès"))).to_be_visible()
    page.get_by_role("button", name="Imprimer les fiches de suivi (3 élèves)").click()

    # No worker yet: the job waits, the page says so and polls.
    expect(page.get_by_role("heading", name=re.compile("Fiches de suivi : un PDF par classe"))).to_be_visible()
    fait = page.locator("#fait")
    expect(fait).to_have_text("0 / 3")
    expect(page.locator("#etat")).to_have_text("en attente")
    sans_defilement_horizontal()
    capture("impression-01-en-attente")
    travail = TravailImpression.objects.get()
    # Every value the counter shows from now on, and a mark that a reload would wipe out.
    page.evaluate("""() => {
        window.vus = [];
        window.sansRechargement = true;
        new MutationObserver(() => window.vus.push(document.getElementById('fait').textContent))
            .observe(document.getElementById('fait'), {childList: true, characterData: true, subtree: true});
    }""")

    fil = _travailleur_en_fil()
    telecharger = page.get_by_role("link", name="Télécharger le fichier")
    expect(telecharger).to_be_visible(timeout=90_000)
    fil.join(timeout=30)
    assert not fil.is_alive()
    expect(fait).to_have_text("3 / 3")
    expect(page.locator("#avancement")).to_have_attribute("value", "3")
    expect(page.locator("#etat")).to_have_text("terminé")
    expect(page.get_by_role("button", name="Annuler")).to_be_hidden()
    assert page.evaluate("window.sansRechargement") is True  # the script, not the <noscript> refresh
    vus = page.evaluate("window.vus")
    assert vus[-1] == "3 / 3" and all(re.fullmatch(r"[0-3] / 3", v) for v in vus), vus
    capture("impression-02-terminee")

    with page.expect_download() as attente:
        telecharger.click()
    fichier = attente.value
    assert fichier.suggested_filename == "fiches-de-suivi-classe-CE1-A-Ecole-Jean-Jaures.pdf"
    contenu = Path(fichier.path()).read_bytes()
    assert contenu.startswith(b"%PDF")
    lecteur = PdfReader(BytesIO(contenu))
    pages = [" ".join((p.extract_text() or "").split()) for p in lecteur.pages]
    # The cover gives the whole document's page count; the table of contents, each pupil's first page.
    assert f"Pages {len(pages)}" in pages[0]
    lignes = re.findall(r"(DUBOIS Zoé|MARTIN Hugo|PETIT Léa) CE1 A (\d+)", pages[1])
    assert [nom for nom, _ in lignes] == ["DUBOIS Zoé", "MARTIN Hugo", "PETIT Léa"]
    for nom, numero in lignes:
        famille, prenom = nom.split()
        assert "Fiche de suivi" in pages[int(numero) - 1] and f"{prenom} {famille}" in pages[int(numero) - 1]
    assert len(pages) >= 2 + 3
    assert "BERNARD" not in " ".join(pages)
    imprimes = JournalAcces.objects.filter(action=JournalAcces.Action.IMPRESSION, utilisateur=monde["circonscription"])
    assert sorted(imprimes.values_list("eleve_id", flat=True)) == sorted([monde.eleve_a1.pk, zoe.pk, hugo.pk])
    assert all(f"impression groupée n° {travail.pk}" in e.objet for e in imprimes)
    assert erreurs_console == [], erreurs_console
