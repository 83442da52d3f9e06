"""Benchmark of a batch print: the fiches de suivi of the largest school of ``seed_bench --scale 1``
(or of the whole circonscription) rendered by 1 or 2 worker processes, against the single fiche's
time × the number of pupils.

    .venv/bin/python bench/impression.py [--base rased_banc_impression] [--postgres postgres://postgres@127.0.0.1:5432]
        [--travailleurs 1|2] [--circonscription [--decoupage ecole|plafond]] [--max-taches N] [--limite S] [--garder]

Steps: (re)create the PostgreSQL database ``--base`` (dropping the previous one), migrate, load
``manage.py seed_bench --scale 1``, collect the static files into a temporary folder (the worker
runs with the production settings, DEBUG off); then, in this process, pick the school with the
most pupils the « Imprimer les fiches de suivi » button of its page would print (for the IEN's
account), time one fiche at a time (median of 5, after a warm-up), queue the batch
(``aides.impressions.demander_fiches``, one PDF per class with cover and table of contents), and
run ``manage.py travailleur --batch --queue-name documents`` as ``--travailleurs`` child processes:
the wall time (start-up included), each worker's peak resident memory (``wait4``), pages per second.
Figures printed, never asserted.

``--circonscription``: every pupil of the circonscription the IEN would print (about 1,270 at
scale 1), more than ``IMPRESSIONS_MAX_ELEVES`` (400) allows in one job: by default one job per
school, as the IEN asks them from each school's page (``--decoupage ecole``); ``--decoupage
plafond`` cuts the same pupils into jobs of 400, the largest job the application accepts (its
memory is the worst case). With ``--max-taches N`` a worker exits after N jobs and is started
again while jobs remain, as systemd does with ``--max-tasks`` (docs/deploiement.md, § 5.2).
With ``--limite S`` (a loaded, shared machine) the jobs left after S seconds are cancelled and the
figures are those of the fiches rendered until then.
"""

import argparse
import io
import itertools
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
    parser.add_argument("--travailleurs", type=int, choices=(1, 2), default=1, help="processus travailleurs (1)")
    parser.add_argument("--circonscription", action="store_true",
                        help="tous les élèves de la circonscription, pas seulement la plus grande école")
    parser.add_argument("--decoupage", choices=("ecole", "plafond"), default="ecole",
                        help="--circonscription : une impression par école (défaut) ou par 400 élèves")
    parser.add_argument("--max-taches", type=int, default=None,
                        help="le travailleur s'arrête après N tâches et un neuf est lancé (--max-tasks)")
    parser.add_argument("--limite", type=float, default=None,
                        help="après ce nombre de secondes, annuler ce qui reste et donner les chiffres partiels")
    options = parser.parse_args()

    url = f"{options.postgres}/{options.base}"
    # Kept between runs (--garder): collecting and hashing the static files takes minutes on a loaded machine.
    statiques = Path(tempfile.gettempdir()) / f"rased-banc-statiques-{options.base}"
    medias = tempfile.mkdtemp(prefix="rased-banc-medias-")
    env = {**os.environ, **CLES, "DATABASE_URL": url, "DJANGO_DEBUG": "0", "STATIC_ROOT": str(statiques),
           "MEDIA_ROOT": medias, "SECURE_SSL_REDIRECT": "0", "DOUBLE_AUTHENTIFICATION": "0",
           "TASKS_BACKEND": "django_tasks_db.DatabaseBackend"}

    if not options.garder:
        with psycopg.connect(f"{options.postgres}/postgres", autocommit=True) as connexion:
            connexion.execute(f'DROP DATABASE IF EXISTS "{options.base}"')
            connexion.execute(f'CREATE DATABASE "{options.base}"')
        print(f"migrate : {_manage(env, 'migrate', '--noinput'):.1f} s")
        print(f"seed_bench --scale 1 : {_manage(env, 'seed_bench', '--scale', '1', '--force'):.1f} s")
    if not (statiques / "staticfiles.json").exists():
        print(f"collectstatic : {_manage(env, 'collectstatic', '--noinput'):.1f} s")

    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "rased.settings"
    import django  # after the environment above (DATABASE_URL)

    django.setup()
    from django.conf import settings  # after the environment above (IMPRESSIONS_MAX_ELEVES)
    from django_tasks_db.models import DBTaskResult  # app registry: after setup()
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
    par_ecole = sorted(((eleves_aides_de_l_ecole(ien, e), e) for e in ecoles), key=lambda t: (-len(t[0]), t[1].pk))
    tous = sorted(set(itertools.chain.from_iterable(ids for ids, _ in par_ecole)))
    if options.circonscription and options.decoupage == "ecole":
        lots = [ids for ids, _ in par_ecole if ids]
        quoi = f"la circonscription : {len(tous)} élèves, une impression par école ({len(lots)})"
    elif options.circonscription:
        plafond = settings.IMPRESSIONS_MAX_ELEVES
        lots = [tous[i:i + plafond] for i in range(0, len(tous), plafond)]
        quoi = (f"la circonscription : {len(tous)} élèves, en impressions de {plafond} au plus "
                f"(IMPRESSIONS_MAX_ELEVES) : {len(lots)}")
    else:
        lots = [par_ecole[0][0]]
        quoi = (f"l'école n° {par_ecole[0][1].pk} : {len(lots[0])} élèves (la plus grande des {len(par_ecole)} "
                f"écoles ; total de la circonscription : {len(tous)})")
    nombre = sum(len(lot) for lot in lots)
    print(f"à imprimer : {quoi}")

    def une_fiche(eleve):
        donnees = donnees_fiche_suivi(ien, fiche_suivi_lue(ien, eleve))
        return rendre_pdf("pdf/suivi.html", {"f": donnees, "entete": donnees["entete"]}, titre="Fiche de suivi",
                          nom_fichier="f.pdf", imprime_par=ien).contenu

    eleves = list(Eleve.objects.filter(pk__in=lots[0][:6]))
    une_fiche(eleves[0])  # warm-up: WeasyPrint's import, fonts
    temps = []
    for eleve in eleves[1:]:
        debut = time.perf_counter()
        une_fiche(eleve)
        temps.append(time.perf_counter() - debut)
    fiche = statistics.median(temps)
    # One job runs in one process: a second worker helps only when there are several jobs.
    paralleles = min(options.travailleurs, len(lots))
    ideal = fiche * nombre / paralleles
    print(f"une fiche de suivi (processus chaud, médiane de {len(temps)}) : {fiche:.3f} s ; "
          f"× {nombre} = {fiche * nombre:.1f} s" + (f", ÷ {paralleles} travailleurs = {ideal:.1f} s"
                                                      if paralleles > 1 else ""))
    charge_avant = os.getloadavg()[0]

    TravailImpression.objects.all().delete()
    DBTaskResult.objects.all().delete()
    travaux = [demander_fiches(demandeur=ien, eleves_ids=lot, genre=GenreImpression.FICHES_PAR_CLASSE,
                               adresse=None)[0] for lot in lots]
    commande = [sys.executable, "manage.py", "travailleur", "--batch", "--no-startup-delay", "--queue-name", "documents"]
    if options.max_taches:
        commande += ["--max-tasks", str(options.max_taches)]

    erreurs = tempfile.TemporaryFile()  # noqa: SIM115 — a file, not a pipe: a long run must not fill it and block

    def lancer(numero):
        return subprocess.Popen(commande + ["--worker-id", f"banc-{numero}"], cwd=RACINE, env=env,
                                stdout=subprocess.DEVNULL, stderr=erreurs)

    debut = time.perf_counter()
    arrete = False
    en_cours = {numero: lancer(numero) for numero in range(options.travailleurs)}
    pics = {numero: [] for numero in en_cours}  # each worker's processes (one more after each --max-tasks exit)
    charges = []
    while en_cours:
        time.sleep(0.2)
        charges.append(os.getloadavg()[0])
        if options.limite and not arrete and time.perf_counter() - debut > options.limite:
            # A shared, loaded machine: stop here; a job stops between two pupils, those not begun never start.
            arrete = True
            fin_partielle = time.perf_counter()
            faites = sum(TravailImpression.objects.values_list("fait", flat=True))
            TravailImpression.objects.filter(pk__in=[t.pk for t in travaux]).update(annule=True)
        for numero, processus in list(en_cours.items()):
            pid, statut, usage = os.wait4(processus.pid, os.WNOHANG)
            if not pid:
                continue
            processus.returncode = os.waitstatus_to_exitcode(statut)
            pics[numero].append(usage.ru_maxrss / 1024)
            del en_cours[numero]
            # A worker recycled by --max-tasks while jobs are left: systemd would start a fresh one.
            if options.max_taches and DBTaskResult.objects.ready().filter(queue_name="documents").exists():
                en_cours[numero] = lancer(numero)
    duree = time.perf_counter() - debut

    pages = taille = 0
    if arrete:
        finis = [t for t in travaux if (t.refresh_from_db() or t.etat == "termine")]
        print(f"arrêt après {options.limite:.0f} s (--limite) : {faites} fiches sur {nombre} rendues en "
              f"{fin_partielle - debut:.1f} s ({faites / (fin_partielle - debut):.2f} fiches/s), "
              f"{len(finis)} impressions sur {len(travaux)} terminées")
        travaux, nombre = finis, faites
        duree = fin_partielle - debut
        ideal = fiche * nombre / paralleles
    for travail in travaux:
        travail.refresh_from_db()
        if travail.etat != "termine":
            erreurs.seek(0)
            sys.exit(f"l'impression n° {travail.pk} n'a pas abouti ({travail.etat}) :\n{erreurs.read().decode()[-3000:]}")
        with travail.fichier.open("rb") as f:
            contenu = f.read()
        taille += len(contenu)
        if contenu[:4] == b"%PDF":
            pages += len(PdfReader(io.BytesIO(contenu)).pages)
        else:
            archive = zipfile.ZipFile(io.BytesIO(contenu))
            pages += sum(len(PdfReader(io.BytesIO(archive.read(n))).pages) for n in archive.namelist())
    taches = [t for t in DBTaskResult.objects.filter(queue_name="documents") if t.started_at and t.finished_at]
    rendu = (max(t.finished_at for t in taches) - min(t.started_at for t in taches)).total_seconds()
    plus_longue = max((t.finished_at - t.started_at).total_seconds() for t in taches)
    print(f"{options.travailleurs} travailleur(s){f', --max-tasks {options.max_taches}' if options.max_taches else ''} : "
          f"{len(travaux)} impression(s), {nombre} fiches, {pages} pages, {taille / 1e6:.1f} Mo, "
          f"{duree:.1f} s de bout en bout (démarrage compris), {pages / duree:.1f} pages/s, "
          f"{duree / nombre:.3f} s par élève")
    for numero, valeurs in pics.items():
        print(f"  travailleur {numero + 1} : {len(valeurs)} processus, pic de mémoire {max(valeurs):.0f} Mo "
              f"(par processus : {', '.join(f'{v:.0f}' for v in valeurs)} Mo)")
    print(f"des tâches (première prise → dernière finie) : {rendu:.1f} s, {pages / rendu:.1f} pages/s ; "
          f"la plus longue : {plus_longue:.1f} s")
    print(f"rapport au temps d'une fiche × {nombre}" + (f" ÷ {paralleles}" if paralleles > 1 else "")
          + f" : de bout en bout {duree / ideal:.2f}, tâches {rendu / ideal:.2f}")
    print(f"machine : {platform.processor() or platform.machine()}, {os.cpu_count()} cœurs, charge (1 min) "
          f"{charge_avant:.1f} avant, {statistics.mean(charges):.1f} en moyenne pendant l'impression ; "
          f"Python {platform.python_version()}")
    for travail in travaux:
        travail.fichier.delete(save=False)
    TravailImpression.objects.filter(pk__in=[t.pk for t in travaux]).delete()


if __name__ == "__main__":
    main()
