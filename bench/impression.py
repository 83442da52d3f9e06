"""Benchmark of a batch print: the fiches de suivi of the largest school of ``seed_bench --scale 1``
rendered by one worker process, against the single fiche's time × the number of pupils.

    .venv/bin/python bench/impression.py [--base rased_banc_impression] [--postgres postgres://postgres@127.0.0.1:5432]

Steps: (re)create the PostgreSQL database ``--base`` (dropping the previous one), migrate, load
``manage.py seed_bench --scale 1``, collect the static files into a temporary folder (the worker
runs with the production settings, DEBUG off); then, in this process, pick the school with the
most pupils the « Imprimer les fiches de suivi » button of its page would print (for the IEN's
account), time one fiche at a time (median of 5, after a warm-up), queue the batch
(``aides.impressions.demander_fiches``, one PDF per class with cover and table of contents), and
run ``manage.py travailleur --batch --queue-name documents`` as a child process: its wall time
(start-up included), its peak resident memory (``wait4``), pages per second. Figures printed,
never asserted.
"""

import argparse
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import psycopg

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

CLES = {
    "SECRET_KEY": "banc-seulement-pas-un-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "CLE_CHIFFREMENT": "banc-seulement-sel-0123456789",
}


def _manage(env, *args):
    debut = time.perf_counter()
    fini = subprocess.run([sys.executable, "manage.py", *args], cwd=RACINE, env=env, capture_output=True,
                          text=True, check=False)
    if fini.returncode:
        sys.exit(f"manage.py {' '.join(args)} a échoué :\n{fini.stderr[-3000:]}")
    return time.perf_counter() - debut


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="rased_banc_impression")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--garder", action="store_true", help="réutiliser la base si elle est déjà peuplée")
    options = parser.parse_args()

    url = f"{options.postgres}/{options.base}"
    statiques = tempfile.mkdtemp(prefix="rased-banc-statiques-")
    medias = tempfile.mkdtemp(prefix="rased-banc-medias-")
    env = {**os.environ, **CLES, "DATABASE_URL": url, "DJANGO_DEBUG": "0", "STATIC_ROOT": statiques,
           "MEDIA_ROOT": medias, "SECURE_SSL_REDIRECT": "0", "DOUBLE_AUTHENTIFICATION": "0",
           "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}

    if not options.garder:
        with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as connexion:
            connexion.execute(f'DROP DATABASE IF EXISTS "{options.base}"')
            connexion.execute(f'CREATE DATABASE "{options.base}"')
        print(f"migrate : {_manage(env, 'migrate', '--noinput'):.1f} s")
        print(f"seed_bench --scale 1 : {_manage(env, 'seed_bench', '--scale', '1', '--force'):.1f} s")
    print(f"collectstatic : {_manage(env, 'collectstatic', '--noinput'):.1f} s")

    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rased.settings"
    import django  # after the environment above (DATABASE_URL)

    django.setup()
    from pypdf import PdfReader  # slow import: pypdf, for the result only

    from aides.enums import GenreImpression  # app registry: after setup()
    from aides.impressions import (  # app registry: after setup()
        demander_fiches,
        eleves_aides_de_l_ecole,
    )
    from aides.models import TravailImpression  # app registry: after setup()
    from aides.pdf.rendu import rendre_pdf  # app registry: after setup()
    from aides.pdf.suivi import donnees_fiche_suivi  # app registry: after setup()
    from aides.selectors.documents import fiche_suivi_lue  # app registry: after setup()
    from eleves.enums import Role  # app registry: after setup()
    from eleves.models import Ecole, Eleve, Utilisateur  # app registry: after setup()

    ien = Utilisateur.objects.filter(role=Role.CIRCONSCRIPTION).order_by("pk").first()
    ecoles = Ecole.objects.visibles_par(ien).order_by("pk")
    par_ecole = sorted(((len(eleves_aides_de_l_ecole(ien, e)), e) for e in ecoles), key=lambda t: (-t[0], t[1].pk))
    nombre, ecole = par_ecole[0]
    ids = eleves_aides_de_l_ecole(ien, ecole)
    print(f"école : n° {ecole.pk}, {nombre} élèves à imprimer (la plus grande des {len(par_ecole)} écoles ; "
          f"total de la circonscription : {sum(n for n, _ in par_ecole)})")

    def une_fiche(eleve):
        donnees = donnees_fiche_suivi(ien, fiche_suivi_lue(ien, eleve))
        return rendre_pdf("pdf/suivi.html", {"f": donnees, "entete": donnees["entete"]}, titre="Fiche de suivi",
                          nom_fichier="f.pdf", imprime_par=ien).contenu

    eleves = list(Eleve.objects.filter(pk__in=ids[:6]))
    une_fiche(eleves[0])  # warm-up: WeasyPrint's import, fonts
    temps = []
    for eleve in eleves[1:]:
        debut = time.perf_counter()
        une_fiche(eleve)
        temps.append(time.perf_counter() - debut)
    fiche = statistics.median(temps)
    print(f"une fiche de suivi (processus chaud, médiane de {len(temps)}) : {fiche:.3f} s ; "
          f"× {nombre} = {fiche * nombre:.1f} s")

    travail, _ = demander_fiches(demandeur=ien, eleves_ids=ids, genre=GenreImpression.FICHES_PAR_CLASSE,
                                 adresse=None)
    debut = time.perf_counter()
    processus = subprocess.Popen(
        [sys.executable, "manage.py", "travailleur", "--batch", "--no-startup-delay", "--queue-name", "documents"],
        cwd=RACINE, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    _, statut, usage = os.wait4(processus.pid, 0)
    duree = time.perf_counter() - debut
    processus.returncode = os.waitstatus_to_exitcode(statut)
    erreurs = processus.stderr.read().decode()
    travail.refresh_from_db()
    if travail.etat != "termine":
        sys.exit(f"l'impression n'a pas abouti ({travail.etat}) :\n{erreurs[-3000:]}")
    with travail.fichier.open("rb") as f:
        contenu = f.read()
    if contenu[:4] == b"%PDF":
        pages = len(PdfReader(io.BytesIO(contenu)).pages)
    else:
        archive = zipfile.ZipFile(io.BytesIO(contenu))
        pages = sum(len(PdfReader(io.BytesIO(archive.read(n))).pages) for n in archive.namelist())
    print(f"1 travailleur : {travail.total} fiches, {pages} pages, {len(contenu) / 1e6:.1f} Mo, "
          f"{duree:.1f} s de bout en bout (démarrage compris), {pages / duree:.1f} pages/s, "
          f"{duree / travail.total:.2f} s par élève ; pic de mémoire du travailleur : {usage.ru_maxrss / 1024:.0f} Mo")
    from django_tasks_db.models import DBTaskResult  # app registry: after setup()

    tache = DBTaskResult.objects.filter(queue_name="documents").order_by("-enqueued_at").first()
    rendu = (tache.finished_at - tache.started_at).total_seconds()
    print(f"dont la tâche elle-même (sans le démarrage du processus) : {rendu:.1f} s, {pages / rendu:.1f} pages/s")
    print(f"rapport au temps d'une fiche × {nombre} : de bout en bout {duree / (fiche * nombre):.2f}, "
          f"tâche seule {rendu / (fiche * nombre):.2f}")
    print(f"machine : {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, "
          f"charge {os.getloadavg()[0]:.1f} ; Python {platform.python_version()}")
    TravailImpression.objects.filter(pk=travail.pk).delete()


if __name__ == "__main__":
    main()
