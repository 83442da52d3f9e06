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
from django.core.management import call_command
from django.db import connection, transaction
from django.tasks import TaskResultStatus, task
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from aides.enums import EtatDemande, TypeAide
from aides.models import DemandeAide, HistoriqueDemande
from tests.aides.test_programmes import champs_du_formulaire
from tests.eleves.outils_pages import texte
from tests.factories_aides import DemandeAideFactory
from tests.factories_parcours import aides_en_cours, demande_deposee, prise_en_charge, programme_valide

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


def _demande_complete_envoyee(monde):
    return demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"],
                           famille_informee_le=timezone.localdate())


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
    assert "Consultez-la dans rased" not in detail  # the e-mail's text stays its addressee's
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


@task(queue_name="documents")
def tache_sonde() -> str:
    return "prêt"


def test_un_travailleur_deja_lance_reprend_la_tache_d_un_travailleur_mort_depuis(preuve):
    """systemd restarts a killed worker 2 s later: too early to see the task as abandoned when it
    starts. The workers already running take it up at their next pass."""
    env = _environnement(TACHES_DUREE_MAXIMALE="1", TACHES_REPRISE_INTERVALLE="1")
    travailleur = subprocess.Popen(
        [sys.executable, "manage.py", "travailleur", "--no-startup-delay", "--queue-name", "documents",
         "--interval", "0.2"],
        cwd=RACINE, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        sonde = tache_sonde.enqueue()
        for _ in range(300):
            if DBTaskResult.objects.get(pk=sonde.id).status == TaskResultStatus.SUCCESSFUL:
                break
            time.sleep(0.1)
        assert DBTaskResult.objects.get(pk=sonde.id).status == TaskResultStatus.SUCCESSFUL, "travailleur muet"

        # Claimed by a worker that died after this one had started (never visible as « prête »).
        with transaction.atomic():
            abandonnee = tache_sonde.enqueue()
            DBTaskResult.objects.filter(pk=abandonnee.id).update(
                status=TaskResultStatus.RUNNING, started_at=timezone.now(), worker_ids=["mort"]
            )
        for _ in range(150):
            if DBTaskResult.objects.get(pk=abandonnee.id).status == TaskResultStatus.SUCCESSFUL:
                break
            time.sleep(0.1)
        tache = DBTaskResult.objects.get(pk=abandonnee.id)
    finally:
        travailleur.terminate()
        sortie, _ = travailleur.communicate(timeout=30)
    assert tache.status == TaskResultStatus.SUCCESSFUL, sortie[-3000:]
    assert tache.worker_ids[0] == "mort" and len(tache.worker_ids) == 2
    assert "Tâches abandonnées remises en file d'attente : 1" in sortie
    preuve("tâche d'un travailleur mort après le démarrage des autres : reprise par un travailleur déjà lancé")


def _serveur_smtp_local(port):
    boite = _Boite()
    serveur = Controller(boite, hostname="127.0.0.1", port=port)
    serveur.start()
    return boite, serveur


@pytest.fixture
def smtp_ferme(settings):
    """The product's SMTP mailer, aimed at a loopback port where nothing listens (yet)."""
    port = _port_libre()
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5}}}
    settings.COURRIELS_DELAIS_NOUVELLE_TENTATIVE = [0, 60]
    return port


def _travailleur_ici():
    """The same worker command, in the test's process (its settings: the SMTP port above)."""
    call_command("travailleur", batch=True, queue_name="courriels", startup_delay=False, verbosity=0)


def _prouver_la_reprise(port, adresse):
    """Attempt 1 refused, attempt 2 (ready at once) refused too and rescheduled in 60 s; the
    server comes up, the retry is made due: delivered once, to ``adresse``."""
    _travailleur_ici()
    taches = DBTaskResult.objects.filter(queue_name="courriels").order_by("enqueued_at")
    assert [t.status for t in taches] == [TaskResultStatus.SUCCESSFUL] * 2 + [TaskResultStatus.READY]
    boite, serveur = _serveur_smtp_local(port)
    try:
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
        _travailleur_ici()
    finally:
        serveur.stop()
    assert [m.rcpt_tos for m in boite.messages] == [[adresse]]
    return boite.messages[0].content.decode()


def test_la_decision_repond_aussitot_et_le_courriel_suit(client, monde, smtp_ferme):
    monde["enseignant"].email = "enseignant@example.org"
    monde["enseignant"].save()
    demande = prise_en_charge(_demande_complete_envoyee(monde), referent=monde["maitre_e"])
    client.force_login(monde["maitre_e"])
    DBTaskResult.objects.all().delete()  # the e-mails of the arrangement above
    response = client.post(reverse("demande_decider", args=[demande.pk]), {
        "decision": "aide", "motif": "Décodage.", "aide_E": "on", "intervenant_E": monde["maitre_e"].pk,
    })
    assert response.status_code == 302
    assert "La décision a été enregistrée" in texte(client.get(response["Location"]))
    assert DemandeAide.objects.get(pk=demande.pk).etat == EtatDemande.AIDE_DECIDEE
    corps = _prouver_la_reprise(smtp_ferme, "enseignant@example.org")
    assert "Le RASED a répondu à votre demande" in corps and "Petit" not in corps


def test_le_bilan_final_repond_aussitot_et_le_courriel_suit(client, monde, smtp_ferme):
    monde["enseignant"].email = "enseignant@example.org"
    monde["enseignant"].save()
    demande = _demande_complete_envoyee(monde)
    aide = aides_en_cours(demande, {TypeAide.E: monde["maitre_e"]})[TypeAide.E]
    programme = programme_valide(aide)
    client.force_login(monde["maitre_e"])
    url = reverse("evaluation_creer", args=[programme.pk])
    donnees = champs_du_formulaire(client.get(url))
    donnees |= {n: "atteint" for n in donnees if n.endswith("-atteinte")}
    donnees |= {"type": "finale", "date": timezone.localdate().isoformat(), "suite": "arret"}
    DBTaskResult.objects.all().delete()  # the e-mails of the arrangement above
    response = client.post(url, donnees)
    assert response.status_code == 302, texte(response)
    assert "Le bilan est enregistré et l'enseignant en est informé." in texte(client.get(response["Location"]))
    corps = _prouver_la_reprise(smtp_ferme, "enseignant@example.org")
    assert "Petit" not in corps and "Léa" not in corps
