"""A batch print rendered by a real worker process (``manage.py travailleur``, queue ``documents``)
on the tests' PostgreSQL database, as in tests/test_taches.py: the page shows it waiting, the
worker renders it, the page then offers the file, which the asker downloads."""

import io
import subprocess
import sys

import pytest
from django.conf import settings
from django.tasks import TaskResultStatus
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from aides.enums import EtatImpression, GenreImpression
from aides.models import TravailImpression
from eleves.models import JournalAcces
from tests.eleves.outils_pages import texte
from tests.factories import eleve_inscrit
from tests.factories_parcours import demande_deposee
from tests.test_taches import RACINE, _environnement, _file_en_base  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def test_un_travailleur_imprime_les_fiches_d_une_classe(client, monde, preuve):
    classe = monde.classe_a1
    ids = [monde.eleve_a1.pk] + [eleve_inscrit(classe, nom=f"Eleve{n}", prenom="Test").pk for n in range(3)]
    demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    client.force_login(monde["directeur"])

    url = client.post(reverse("impression_fiches"),
                      {"eleves": ids, "genre": GenreImpression.FICHES_PAR_CLASSE})["Location"]
    travail = TravailImpression.objects.get()
    attente = client.get(url)
    assert "0 / 4" in texte(attente) and "en attente" in texte(attente)
    assert '<meta http-equiv="refresh" content="2">' in attente.content.decode()
    assert DBTaskResult.objects.get(queue_name="documents").status == TaskResultStatus.READY

    fini = subprocess.run(
        [sys.executable, "manage.py", "travailleur", "--batch", "--no-startup-delay", "--queue-name", "documents"],
        cwd=RACINE,
        # DEBUG: static files by their source names (no collectstatic manifest in the tests).
        env=_environnement(MEDIA_ROOT=str(settings.MEDIA_ROOT), DJANGO_DEBUG="1"), capture_output=True, text=True,
        timeout=180, check=False,
    )
    assert fini.returncode == 0, fini.stderr[-3000:]
    travail.refresh_from_db()
    assert travail.etat == EtatImpression.TERMINE, fini.stderr[-3000:]
    assert (travail.etat, travail.fait, travail.total) == (EtatImpression.TERMINE, 4, 4)
    page = client.get(url)
    assert "4 / 4" in texte(page) and 'http-equiv="refresh"' not in page.content.decode()

    fichier = client.get(reverse("impression_fichier", args=[travail.pk]))
    assert fichier.status_code == 200
    lecteur = PdfReader(io.BytesIO(fichier.content))
    sommaire = lecteur.pages[1].extract_text()
    assert "Sommaire" in sommaire and "PETIT Léa" in sommaire
    assert JournalAcces.objects.filter(utilisateur=monde["directeur"], action=JournalAcces.Action.IMPRESSION).count() == 4
    preuve(f"travailleur réel : 4 fiches d'une classe, {len(lecteur.pages)} pages, 0 / 4 puis 4 / 4, téléchargé")
