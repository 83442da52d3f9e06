"""Where a page's time goes: cProfile over Django's test client, against the load test's database.

    .venv/bin/python bench/profil.py /banc/plancher-connecte/ [--compte maitre-e] [--fois 30] [--base rased_charge]
        [--sans-profil] [--lignes 25]

Run after ``bench/charge.py`` (which loads the database ``--base`` with ``seed_bench``). The page
is requested once to warm up (session, caches), then ``--fois`` times under cProfile, signed in
as ``banc-01-<compte>`` with the load test's settings (``bench.settings``: production settings,
DEBUG off). Printed: the time per request, wall and this process's CPU (steadier on a shared
machine; ``--sans-profil`` stops there), then its share spent in a few places (the database
driver, compiling querysets into SQL, template rendering — which includes the lazy querysets a
template evaluates —, the middleware around the view) and the functions with the most time of
their own. cProfile adds its own overhead to every call: read shares, not absolute times.
"""

import argparse
import cProfile
import os
import pstats
import sys
import tempfile
import time
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(RACINE))

# Where the time goes: (label, file suffix, function name); cumulative times, which may overlap
# (queries run inside template rendering count in both).
POSTES = [
    ("base de données (pilote psycopg, attente comprise)", "django/db/backends/utils.py", "_execute"),
    ("compilation des querysets en SQL", "django/db/models/sql/compiler.py", "as_sql"),
    ("construction des querysets (filter, annotate…)", "django/db/models/query.py", "_filter_or_exclude"),
    ("rendu des gabarits (requêtes paresseuses comprises)", "django/template/backends/django.py", "render"),
    ("droits (has_perm, django-rules)", "eleves/models.py", "has_perm"),
    ("journal des accès", "eleves/journal.py", "journaliser"),
    ("la vue (gabarit compris)", "django/core/handlers/base.py", "_get_response"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("chemin")
    parser.add_argument("--compte", default="maitre-e", help="banc-01-<compte> ; « aucun » : sans connexion")
    parser.add_argument("--fois", type=int, default=30)
    parser.add_argument("--base", default="rased_charge")
    parser.add_argument("--postgres", default=os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--lignes", type=int, default=25, help="fonctions affichées (25)")
    parser.add_argument("--sans-profil", action="store_true", help="seulement les temps par requête")
    options = parser.parse_args()
    os.environ.pop("DJANGO_DEBUG", None)
    os.environ |= {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{options.postgres}/{options.base}",
        "SECRET_KEY": "bench-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "CLE_CHIFFREMENT": "bench-only-encryption-salt-0123456789",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "DOUBLE_AUTHENTIFICATION": "0",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        # The production manifest storage: the static files collected once, kept between runs.
        "STATIC_ROOT": str(Path(tempfile.gettempdir()) / "rased-profil-statiques"),
    }
    import django  # after the environment above (DATABASE_URL, the settings module)

    django.setup()
    from django.conf import settings  # after django.setup(), as the imports below
    from django.core.management import call_command  # app registry: after django.setup()

    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)
    from django.test import Client  # app registry: after django.setup()

    from eleves.models import Utilisateur  # app registry: after django.setup()

    client = Client(HTTP_HOST="127.0.0.1")
    if options.compte != "aucun":
        client.force_login(Utilisateur.objects.get(username=f"banc-01-{options.compte}"))
    for _ in range(3):  # warm-up: the session's first write, template and query caches, prepared statements
        reponse = client.get(options.chemin)
    if reponse.status_code != 200:
        sys.exit(f"{options.chemin} répond {reponse.status_code}")
    debut, cpu = time.perf_counter(), time.process_time()
    for _ in range(options.fois):
        client.get(options.chemin)
    sans_profil = (time.perf_counter() - debut) / options.fois
    # This process's CPU time: steadier than the wall time on a shared machine (it leaves out the
    # wait for a core and PostgreSQL's own work, done in its server process).
    cpu = (time.process_time() - cpu) / options.fois
    if options.sans_profil:
        print(f"{options.chemin} ({options.compte}) : {sans_profil * 1000:.1f} ms par requête (client de test, "
              f"sans gunicorn), dont {cpu * 1000:.1f} ms de processeur de ce processus ; charge {os.getloadavg()[0]:.1f}")
        return
    profil = cProfile.Profile()
    profil.enable()
    for _ in range(options.fois):
        client.get(options.chemin)
    profil.disable()
    stats = pstats.Stats(profil)
    total = max(v[3] for k, v in stats.stats.items() if k[2] == "get" and k[0].endswith("django/test/client.py"))
    print(f"{options.chemin} ({options.compte}) : {sans_profil * 1000:.1f} ms par requête sans profileur "
          f"(client de test, sans gunicorn), dont {cpu * 1000:.1f} ms de processeur de ce processus ; "
          f"{total / options.fois * 1000:.1f} ms sous cProfile ; "
          f"charge {os.getloadavg()[0]:.1f}")
    for libelle, fichier, fonction in POSTES:
        cumul = max((v[3] for (f, _, nom), v in stats.stats.items() if f.endswith(fichier) and nom == fonction),
                    default=0.0)
        print(f"  {libelle:<55} {cumul / options.fois * 1000:6.1f} ms  {cumul / total:5.0%}")
        if fonction == "_get_response":
            autour = total - cumul
            print(f"  {'autour de la vue (intergiciels, session, utilisateur)':<55} "
                  f"{autour / options.fois * 1000:6.1f} ms  {autour / total:5.0%}")
    print(f"\nFonctions au plus long temps propre (tottime), sur {options.fois} requêtes :")
    stats.sort_stats("tottime").print_stats(options.lignes)


if __name__ == "__main__":
    main()
