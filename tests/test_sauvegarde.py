"""Backups (docs/deploiement.md § 8): a `pg_dump --format=custom` of a populated
database, restored with `pg_restore --no-owner` into a fresh database, holds the same rows.

Compared for every table of the schema (read from ``information_schema``, not a fixed list): the
row count and an md5 of all its rows; for every sequence, its value (rows created after a restore
must not collide); the indexes and constraints. Then a separate process runs the application on
the restored database (no migration left to apply, a psychologist reads a confidential
observation, a pupil's file is viewed and logged: a new row takes its id from a restored sequence).
When the psychologist's texts are encrypted at rest, the dump must not contain them in clear.

PostgreSQL only: the procedure it proves is PostgreSQL's (the CI runs on PostgreSQL).
"""

import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from aides.models import EnvoiFormulaire, Observation, RecapitulatifEnvoye
from aides.services import lien_agenda_creer
from eleves.models import Eleve, JournalAcces, Utilisateur, annee_courante_debut
from rased import courriels

RACINE = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="sauvegarde pg_dump/pg_restore : PostgreSQL seulement "
    "(DATABASE_URL=postgres://…, comme l'intégration continue)",
)

# Tables that may stay empty after the population below, and why. Any other empty table fails
# the test: a new model must get rows here, so that its backup is proven too.
PEUVENT_ETRE_VIDES: dict[str, str] = {}


# --- Population -----------------------------------------------------------------------------


def peupler_tout() -> None:
    """The demo (schools, about 500 pupils, families, requests at every stage, the change
    history), then a few rows in the tables the demo leaves empty: groups and permissions,
    two-factor devices, login attempts, sessions, the access log, the admin's log."""
    call_command("demo", force=True, stdout=StringIO(), stderr=StringIO())

    comptes = Utilisateur.objects.in_bulk(
        ["directeur", "psychologue", "admin"], field_name="username"
    )
    groupe = Group.objects.create(name="Secrétariat de circonscription")
    groupe.permissions.set(Permission.objects.filter(codename__in=["view_ecole", "view_classe"]))
    comptes["admin"].groups.add(groupe)
    comptes["admin"].user_permissions.add(Permission.objects.get(codename="view_secteur"))

    totp = TOTPDevice.objects.create(user=comptes["psychologue"], name="Téléphone", confirmed=True)
    secours = StaticDevice.objects.create(
        user=comptes["psychologue"], name="Codes de secours", confirmed=True
    )
    for _ in range(10):
        StaticToken.objects.create(device=secours, token=StaticToken.random_token())
    assert totp.key
    # An account linked to ProConnect, its second factor proved there (eleves/proconnect.py).
    apps.get_model("eleves", "AppareilProConnect").objects.create(user=comptes["admin"], name="ProConnect")
    Utilisateur.objects.filter(pk=comptes["admin"].pk).update(proconnect_sub="sub-administrateur")

    maintenant = timezone.now()
    commun = {"user_agent": "Mozilla/5.0", "ip_address": "192.0.2.10", "http_accept": "text/html",
              "path_info": "/connexion/"}
    tentative = AccessAttempt.objects.create(
        username="directeur", get_data="", post_data="username=directeur", failures_since_start=2,
        **commun,
    )
    AccessAttemptExpiration.objects.create(access_attempt=tentative, expires_at=maintenant)
    AccessFailureLog.objects.create(username="directeur", **commun)
    AccessLog.objects.create(username="directeur", session_hash="0" * 64, **commun)

    # A real session, and a real view of a pupil's file (which writes the access log).
    directeur = Client()
    directeur.force_login(comptes["directeur"])
    eleve = Eleve.objects.visibles_par(comptes["directeur"]).order_by("pk").first()
    assert directeur.get(reverse("eleve_detail", args=[eleve.pk])).status_code == 200
    assert JournalAcces.objects.filter(eleve=eleve).exists()

    # The right-of-access requests and the frozen yearly reports (issue « Trust »), through the
    # model and the function the purge uses; looked up so that this test does not depend on them.
    try:
        DemandeAcces = apps.get_model("eleves", "DemandeAcces")
    except LookupError:
        pass
    else:
        demande_acces = DemandeAcces.objects.create(
            eleve=eleve, demandeur="Mme Durand, mère de l'élève", recue_le=timezone.localdate(),
            deposee_par=comptes["directeur"],
        )
        # Its psychological part released with a note (encrypted), and a grant of the
        # psychologist's role as the administration records it (issue 11).
        apps.get_model("eleves", "LiberationVolet").objects.create(
            demande=demande_acces, volet="psy", libere_le=maintenant, libere_par=comptes["psychologue"],
            empreinte="0" * 64, note="Relu avec la famille.",
        )
        apps.get_model("eleves", "AttributionRole").objects.create(
            personne=comptes["psychologue"], motif="attribution", circonscription=eleve.circonscription,
            secteur=comptes["psychologue"].secteur, par=comptes["admin"],
        )
    try:
        from aides.rapports import figer  # optional: this test does not depend on it (above)
    except ImportError:
        pass
    else:  # last school year's report frozen, as the purge does before deleting
        figer(circonscriptions=[eleve.circonscription], annees=[annee_courante_debut() - 1])

    # The member's week and the queue (issues 13 and 14): a sent form's one-time key, a calendar
    # link, a daily digest sent, and an e-mail waiting in the task queue.
    EnvoiFormulaire.objects.create(cle=uuid.uuid4(), utilisateur=comptes["directeur"], url="/demandes/1/")
    lien_agenda_creer(utilisateur=comptes["psychologue"])
    Client().post(reverse("mot_de_passe_oublie"), {"email": "directeur@example.org"})
    RecapitulatifEnvoye.objects.create(destinataire=comptes["psychologue"], jour=timezone.localdate(), lignes=2)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                                              "QUEUES": ["default", "courriels", "documents"]}}):
        courriels.envoyer.enqueue("[rased] Essai", "Essai de la file.", ["directeur@example.org"])

    LogEntry.objects.create(
        user=comptes["admin"], content_type=ContentType.objects.get_for_model(Utilisateur),
        object_id=str(comptes["directeur"].pk), object_repr=str(comptes["directeur"]),
        action_flag=ADDITION, change_message="[]",
    )
    # A batch print (issue 14): the job's row (its file, kept 48 h, is not in the dump).
    apps.get_model("aides", "TravailImpression").objects.create(
        demandeur=comptes["directeur"], genre="fiches_classe", parametres={"eleves": [eleve.pk]}, total=1,
        expire_le=timezone.now(),
    )


# --- PostgreSQL ------------------------------------------------------------------------------


def _env_pg(reglages: dict) -> dict:
    """The environment of pg_dump and pg_restore: Django's connection settings as libpq's."""
    env = dict(os.environ)
    libpq = {"PGHOST": reglages["HOST"], "PGPORT": reglages["PORT"], "PGUSER": reglages["USER"],
             "PGPASSWORD": reglages.get("PASSWORD")}
    env.update({cle: str(valeur) for cle, valeur in libpq.items() if valeur})
    return env


def _outil(nom: str) -> str:
    chemin = shutil.which(nom)
    if chemin is None:
        pytest.fail(f"{nom} est introuvable : installez le client PostgreSQL (postgresql-client).")
    return chemin


def _executer(commande: list[str], env: dict) -> subprocess.CompletedProcess:
    resultat = subprocess.run(commande, env=env, capture_output=True, text=True, timeout=120)
    assert resultat.returncode == 0, f"{' '.join(commande)} a échoué :\n{resultat.stderr}"
    return resultat


def _ident(nom: str) -> str:
    return '"' + nom.replace('"', '""') + '"'


def empreinte(curseur) -> dict:
    """Row count and md5 of every table, every sequence's state, indexes and constraints."""
    curseur.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    tables = {}
    for (table,) in curseur.fetchall():
        curseur.execute(
            "SELECT count(*), "
            "md5(coalesce(string_agg(t::text, '|' ORDER BY t::text COLLATE \"C\"), '')) "
            f"FROM {_ident(table)} AS t"
        )
        tables[table] = curseur.fetchone()
    curseur.execute("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1")
    sequences = {}
    for (sequence,) in curseur.fetchall():
        curseur.execute(f"SELECT last_value, is_called FROM {_ident(sequence)}")
        sequences[sequence] = curseur.fetchone()
    curseur.execute(
        "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
    )
    index = sorted(curseur.fetchall())
    curseur.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
        "WHERE n.nspname = 'public'"
    )
    contraintes = sorted(curseur.fetchall())
    return {"tables": tables, "sequences": sequences, "index": index, "contraintes": contraintes}


def sequences_en_avance(curseur) -> list[str]:
    """Tables whose ``id`` sequence would hand out an id already taken."""
    curseur.execute(
        "SELECT table_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND column_name = 'id' ORDER BY table_name"
    )
    en_retard = []
    for (table,) in curseur.fetchall():
        curseur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [_ident(table)])
        (sequence,) = curseur.fetchone()
        if sequence is None:
            continue
        curseur.execute(f"SELECT max(id) FROM {_ident(table)}")
        (plus_grand,) = curseur.fetchone()
        curseur.execute(f"SELECT last_value, is_called FROM {sequence}")
        valeur, appelee = curseur.fetchone()
        prochaine = valeur + 1 if appelee else valeur
        if plus_grand is not None and prochaine <= plus_grand:
            en_retard.append(f"{table}: prochain id {prochaine}, id maximal {plus_grand}")
    return en_retard


def empreinte_de(nom_base: str, reglages: dict) -> tuple[dict, list[str]]:
    with psycopg.connect(
        dbname=nom_base, host=reglages["HOST"] or None, port=reglages["PORT"] or None,
        user=reglages["USER"] or None, password=reglages.get("PASSWORD") or None, autocommit=True,
    ) as autre, autre.cursor() as curseur:
        return empreinte(curseur), sequences_en_avance(curseur)


def url_de(nom_base: str, reglages: dict) -> str:
    utilisateur = quote(reglages["USER"] or "", safe="")
    mot_de_passe = f":{quote(reglages['PASSWORD'], safe='')}" if reglages.get("PASSWORD") else ""
    hote = reglages["HOST"] or "localhost"
    port = f":{reglages['PORT']}" if reglages["PORT"] else ""
    return f"postgres://{utilisateur}{mot_de_passe}@{hote}{port}/{quote(nom_base, safe='')}"


# --- The application on the restored database ------------------------------------------------

# Run in a separate process whose DATABASE_URL is the restored database, with the same keys.
SCRIPT_APPLICATION = """
import html, json, sys
import django
django.setup()
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse
from eleves.models import JournalAcces, Utilisateur

# No collectstatic here: static files by their plain names, as in the other tests.
override_settings(STORAGES={
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}).enable()
p = json.loads(sys.argv[1])
executor = MigrationExecutor(connection)
a_appliquer = executor.migration_plan(executor.loader.graph.leaf_nodes())
client = Client()
client.force_login(Utilisateur.objects.get(username="psychologue"))
demande = client.get(reverse("demande_detail", args=[p["demande"]]))
avant = JournalAcces.objects.count()
fiche = client.get(reverse("eleve_detail", args=[p["eleve"]]))
print(json.dumps({
    "base": connection.settings_dict["NAME"],
    "migrations_a_appliquer": [str(m) for m, _ in a_appliquer],
    "demande": demande.status_code,
    "texte_lu": html.escape(p["texte"]) in demande.content.decode(),
    "fiche": fiche.status_code,
    "journal_ajoute": JournalAcces.objects.count() - avant,
}))
"""


def application_sur(url_base: str, parametres: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    env |= {
        "DATABASE_URL": url_base,
        "DJANGO_SETTINGS_MODULE": "rased.settings",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "DOUBLE_AUTHENTIFICATION": "0",
    }
    resultat = subprocess.run(
        [sys.executable, "-c", SCRIPT_APPLICATION, json.dumps(parametres)],
        cwd=RACINE, env=env, capture_output=True, text=True, timeout=120,
    )
    assert resultat.returncode == 0, resultat.stderr
    return json.loads(resultat.stdout.strip().splitlines()[-1])


# --- Encryption at rest ----------------------------------------------------------------------


def textes_chiffres() -> list[tuple[str, str]]:
    """(model.field, a value in clear) for every encrypted field holding a value, if any."""
    try:
        from encrypted_fields.fields import EncryptedFieldMixin  # optional: encryption at rest
    except ImportError:
        return []
    trouves = []
    for modele in apps.get_models():
        for champ in modele._meta.concrete_fields:
            if not isinstance(champ, EncryptedFieldMixin):
                continue
            # An encrypted column cannot be filtered on in SQL: the first rows, sorted out here.
            valeurs = modele._base_manager.order_by("pk").values_list(champ.name, flat=True)
            for valeur in valeurs[:50]:
                if valeur in (None, ""):
                    continue
                texte = str(valeur).split("\n")[0].replace("\\", "").replace("\t", "")[:40]
                if len(texte) >= 12:
                    trouves.append((f"{modele._meta.label}.{champ.name}", texte))
    return trouves


# --- The test --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sauvegarde_pg_dump_restauree_dans_une_base_neuve_a_les_memes_donnees(tmp_path, request):
    """The procedure of docs/deploiement.md § 8: dump, restore into a fresh database, compare."""
    reglages = connection.settings_dict
    env = _env_pg(reglages)
    pg_dump, pg_restore = _outil("pg_dump"), _outil("pg_restore")
    debut = time.monotonic()

    peupler_tout()
    confidentielle = Observation.objects.filter(
        confidentielle=True, auteur__username="psychologue"
    ).first()
    assert confidentielle is not None, "la démonstration a une observation de la psychologue"
    parametres = {
        "demande": confidentielle.demande_id,
        "eleve": confidentielle.demande.eleve_id,
        # Its first line, as the page shows it (the template breaks lines).
        "texte": confidentielle.contenu.splitlines()[0][:80],
    }
    chiffres = textes_chiffres()
    with connection.cursor() as curseur:
        source = empreinte(curseur)
    vides = sorted(
        t for t, (n, _) in source["tables"].items() if n == 0 and t not in PEUVENT_ETRE_VIDES
    )
    assert not vides, f"tables vides, leur sauvegarde ne serait pas prouvée : {vides}"
    peuplee = time.monotonic()

    # 1. The nightly dump, as in docs/deploiement.md.
    sauvegarde = tmp_path / "rased.dump"
    _executer([pg_dump, "--format=custom", f"--file={sauvegarde}", reglages["NAME"]], env)
    sauvegardee = time.monotonic()

    # 2. A fresh database, the restore, the comparison; the fresh database is always dropped.
    neuve = f"{reglages['NAME']}_restauree"[:63]
    with connection.cursor() as curseur:
        curseur.execute(f"DROP DATABASE IF EXISTS {_ident(neuve)} WITH (FORCE)")
        curseur.execute(f"CREATE DATABASE {_ident(neuve)} TEMPLATE template0 ENCODING 'UTF8'")
    try:
        _executer(
            [pg_restore, "--no-owner", "--exit-on-error", f"--dbname={neuve}", str(sauvegarde)], env
        )
        restauree = time.monotonic()
        restaure, en_retard = empreinte_de(neuve, reglages)
        comparee = time.monotonic()
        application = application_sur(url_de(neuve, reglages), parametres)
        servie = time.monotonic()
        en_clair = []
        if chiffres:
            sql = _executer([pg_restore, "--data-only", "--file=-", str(sauvegarde)], env).stdout
            en_clair = sorted({champ for champ, texte in chiffres if texte in sql})
    finally:
        with connection.cursor() as curseur:
            curseur.execute(f"DROP DATABASE IF EXISTS {_ident(neuve)} WITH (FORCE)")

    differentes = sorted(
        f"{t}: {source['tables'][t]} → {restaure['tables'].get(t)}"
        for t in source["tables"].keys() | restaure["tables"].keys()
        if source["tables"].get(t) != restaure["tables"].get(t)
    )
    lignes = sum(n for n, _ in source["tables"].values())
    taille = sauvegarde.stat().st_size
    rapport = (
        f"[sauvegarde] tables comparées : {len(source['tables'])}, lignes : {lignes}, "
        f"séquences : {len(source['sequences'])}, index : {len(source['index'])}, "
        f"contraintes : {len(source['contraintes'])}, écarts : {len(differentes)} ; "
        f"sauvegarde {taille / 1024:.0f} Kio ; peuplement {peuplee - debut:.1f} s, "
        f"pg_dump {sauvegardee - peuplee:.1f} s, pg_restore {restauree - sauvegardee:.1f} s, "
        f"comparaison {comparee - restauree:.1f} s, application {servie - comparee:.1f} s ; "
        f"champs chiffrés vérifiés dans la sauvegarde : {len({c for c, _ in chiffres})}"
    )
    try:
        request.getfixturevalue("preuve")(rapport)
    except pytest.FixtureLookupError:
        print(rapport)

    assert not differentes, "\n".join(differentes)
    assert source["sequences"] == restaure["sequences"]
    assert not en_retard, "\n".join(en_retard)
    assert source["index"] == restaure["index"]
    assert source["contraintes"] == restaure["contraintes"]
    assert lignes > 3000 and len(source["tables"]) >= 40

    assert application["base"] == neuve
    assert application["migrations_a_appliquer"] == []
    assert application["demande"] == 200
    assert application["texte_lu"], "la psychologue relit son observation sur la base restaurée"
    assert application["fiche"] == 200 and application["journal_ajoute"] == 1
    assert not en_clair, f"textes chiffrés lisibles en clair dans la sauvegarde : {en_clair}"
