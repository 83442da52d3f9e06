"""The task queue with a real worker process (``manage.py travailleur`` started by the test).

E-mail never breaks an action: with the mail server down, « Envoyer au RASED » answers at once
with its success message, the request is sent once, the e-mail is tried again and delivered when
a local SMTP server (aiosmtpd, started by the test on loopback) comes up; after the last attempt
the failure is the administrator's to see, never the user's. A task left « en cours » by a worker
that died is taken up again by the next worker.
"""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from aides.enums import EtatDemande
from aides.models import DemandeAide, HistoriqueDemande
from tests.eleves.outils_pages import texte
from tests.factories_aides import DemandeAideFactory

RACINE = Path(__file__).resolve().parent.parent
FILE_EN_BASE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                            "QUEUES": ["default", "courriels", "documents"]}}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _file_en_base(settings):
    if connection.vendor != "postgresql":
        pytest.skip("le travailleur, dans son propre processus, lit la base PostgreSQL des tests")
    settings.TASKS = FILE_EN_BASE


def _port_libre() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _environnement(**reglages) -> dict:
    """The worker's environment: the tests' database (its test name), the tests' keys."""
    base = connection.settings_dict
    mot_de_passe = f":{base['PASSWORD']}" if base.get("PASSWORD") else ""
    url = f"postgres://{base['USER']}{mot_de_passe}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{base['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "TASKS_BACKEND": FILE_EN_BASE["default"]["BACKEND"],
            "DJANGO_DEBUG": "0", **reglages}


def _travailleur(env, *options, timeout=90):
    """Run the worker until nothing is ready (``--batch``), as its own process."""
    fini = subprocess.run(
        [sys.executable, "manage.py", "travailleur", "--batch", "--no-startup-delay", *options],
        cwd=RACINE, env=env, capture_output=True, text=True, timeout=timeout, check=False,
    )
    assert fini.returncode == 0, fini.stderr[-3000:]
    return fini


class _Boite:
    """What the local SMTP server received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


def _demande_complete(monde):
    return DemandeAideFactory(
        eleve=monde.eleve_a1, auteur=monde["enseignant"], domaines=["1.1"], difficultes="Lecture très lente.",
        famille_informee_le="2026-11-20", famille_informee_par="rencontre",
    )


def test_envoyer_au_rased_serveur_de_courriel_en_panne_puis_revenu(client, monde, preuve):
    monde["maitre_e"].email = "maitre-e@example.org"
    monde["maitre_e"].save()
    demande = _demande_complete(monde)
    client.force_login(monde["enseignant"])
    port = _port_libre()  # nothing listens there: the mail server is down

    response = client.post(reverse("demande_envoyer", args=[demande.pk]))
    assert response.status_code == 302
    assert "La demande a été envoyée au RASED du secteur." in texte(client.get(response["Location"]))
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.ENVOYEE
    assert HistoriqueDemande.objects.filter(demande=demande).count() == 1
    assert DBTaskResult.objects.filter(queue_name="courriels", status=TaskResultStatus.READY).count() == 1

    env = _environnement(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(port), COURRIELS_DELAIS_NOUVELLE_TENTATIVE="2,2,2")
    _travailleur(env, "--queue-name", "courriels")
    premiere, seconde = DBTaskResult.objects.filter(queue_name="courriels").order_by("enqueued_at")
    assert premiere.status == TaskResultStatus.SUCCESSFUL
    assert premiere.return_value.startswith("tentative 1 en échec (ConnectionRefusedError)")
    assert seconde.status == TaskResultStatus.READY  # tried again in 2 s, not before

    boite = _Boite()
    serveur = Controller(boite, hostname="127.0.0.1", port=port)
    serveur.start()
    try:
        time.sleep(2.2)
        _travailleur(env, "--queue-name", "courriels")
    finally:
        serveur.stop()
    seconde.refresh_from_db()
    assert (seconde.status, seconde.return_value) == (TaskResultStatus.SUCCESSFUL, "envoyé (tentative 2)")
    assert len(boite.messages) == 1
    courriel = boite.messages[0]
    assert courriel.rcpt_tos == ["maitre-e@example.org"]
    corps = courriel.content.decode()
    assert "Nouvelle demande d" in corps
    assert monde.eleve_a1.nom not in corps and monde.eleve_a1.prenom not in corps
    # Sent once: one history row, one notification per member, whatever the mail server did.
    assert HistoriqueDemande.objects.filter(demande=demande).count() == 1
    assert DemandeAide.objects.get(pk=demande.pk).etat == EtatDemande.ENVOYEE
    preuve("serveur SMTP fermé : réponse 302 et message de succès ; tentative 1 en échec, "
           "tentative 2 livrée quand le serveur revient ; demande envoyée une fois")


def test_apres_la_derniere_tentative_l_echec_est_visible_de_l_administrateur(client, monde):
    monde["maitre_e"].email = "maitre-e@example.org"
    monde["maitre_e"].save()
    demande = _demande_complete(monde)
    client.force_login(monde["enseignant"])
    assert client.post(reverse("demande_envoyer", args=[demande.pk])).status_code == 302

    # Two delays of 0 s: three attempts in the same run of the worker, all refused.
    env = _environnement(EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(_port_libre()),
                         COURRIELS_DELAIS_NOUVELLE_TENTATIVE="0,0")
    _travailleur(env, "--queue-name", "courriels")
    taches = list(DBTaskResult.objects.filter(queue_name="courriels").order_by("enqueued_at"))
    assert [t.status for t in taches] == [TaskResultStatus.SUCCESSFUL] * 2 + [TaskResultStatus.FAILED]
    assert taches[-1].exception_class_path == "rased.courriels.CourrielNonEnvoye"

    # The teacher saw a success; the administrator sees the failure, with its reason.
    client.force_login(monde["admin"])
    page = texte(client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist") + "?status__exact=FAILED"))
    assert "envoyer" in page
    detail = texte(client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[taches[-1].pk])))
    assert "non envoyé après 3 tentatives" in detail
    for personne in ("enseignant", "maitre_e", "directeur", "circonscription"):
        client.force_login(monde[personne])
        refus = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"))
        assert refus.status_code in (302, 403), personne


@task(queue_name="documents")
def tache_longue(marqueur: str) -> str:
    """The first run waits (its worker is killed meanwhile); a run taken up again finishes."""
    fichier = Path(marqueur)
    if not fichier.exists():
        fichier.write_text("commencée")
        time.sleep(120)
    return "reprise et terminée"


def test_une_tache_abandonnee_par_un_travailleur_mort_est_reprise(tmp_path, preuve):
    marqueur = tmp_path / "commencee"
    resultat = tache_longue.enqueue(str(marqueur))
    env = _environnement(TACHES_DUREE_MAXIMALE="1")
    travailleur = subprocess.Popen(
        [sys.executable, "manage.py", "travailleur", "--no-startup-delay", "--queue-name", "documents"],
        cwd=RACINE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):
            if marqueur.exists():
                break
            time.sleep(0.1)
        assert marqueur.exists(), "le travailleur n'a pas pris la tâche"
        assert DBTaskResult.objects.get(pk=resultat.id).status == TaskResultStatus.RUNNING
    finally:
        travailleur.kill()  # SIGKILL: no chance to clean up, as an out-of-memory kill
        travailleur.wait(timeout=30)
    assert DBTaskResult.objects.get(pk=resultat.id).status == TaskResultStatus.RUNNING

    time.sleep(1.1)  # longer than TACHES_DUREE_MAXIMALE: its worker is gone
    sortie = _travailleur(env, "--queue-name", "documents")
    tache = DBTaskResult.objects.get(pk=resultat.id)
    assert (tache.status, tache.return_value) == (TaskResultStatus.SUCCESSFUL, "reprise et terminée")
    assert len(tache.worker_ids) == 2
    assert "Tâches abandonnées remises en file d'attente : 1" in sortie.stderr + sortie.stdout
    preuve("travailleur tué (SIGKILL) pendant une tâche : la tâche est reprise par le suivant et se termine")
