"""Issue « Trust »: the psychologist's text columns are encrypted at rest.

The canaries of ``test_canaris_psy`` are planted (same arrangement), then the database itself is
read: the raw values of the encrypted columns (any database), the whole SQLite database as SQL
(``iterdump``), and a ``pg_dump`` of the test database (PostgreSQL). No marker may show, while
the psychologist still reads every one of them in clear through the ORM.
"""

import io
import os
import re
import shutil
import subprocess
from datetime import date

import pytest
from django.apps import apps
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from aides.models import (
    ActionEquipe,
    ActionProgramme,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    HistoriqueDemande,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from eleves.models import DemandeAcces, LiberationVolet
from rased.chiffrement import colonnes_chiffrees
from tests.factories_aides import SeanceFactory
from tests.securite_canari.test_canaris_psy import (
    CHAMPS_TEXTE,
    ESTIME_DEBUT,
    ESTIME_FIN,
    MARQUEURS_SCORES,
    planter_canaris,
)

# Every column a psychologist may write in (aides/models.py, eleves/models.py), for all authors.
COLONNES_ATTENDUES = {
    ("DemandeAide", "decision_motif"), ("Consentement", "commentaire"), ("ActionEquipe", "apport"),
    ("Observation", "contenu"), ("Reunion", "ordre_du_jour"), ("Reunion", "compte_rendu"),
    ("Reunion", "decisions"), ("Programme", "avis_eleve"), ("Programme", "avis_famille"),
    ("Programme", "instantane"), ("Objectif", "intitule"), ("Objectif", "critere"), ("Objectif", "responsable"),
    ("ActionProgramme", "description"), ("Seance", "contenu"), ("Seance", "prochaine_fois"),
    ("PresenceSeance", "observation"),
    ("Evaluation", "synthese"), ("Evaluation", "estime_instrument"), ("Evaluation", "estime_debut"),
    ("Evaluation", "estime_fin"), ("EvaluationObjectif", "commentaire"),
    ("ConclusionPsy", "texte"), ("Reunion", "lieu"), ("ParticipantExterne", "nom"),
    ("ParticipantExterne", "qualite"), ("ActionEquipe", "public"), ("ActionEquipe", "theme"),
    ("LiberationVolet", "note"), ("HistoriqueDemande", "motif"),
    ("Suppression", "motif"),
}
# Encrypted columns added after aides/0001 (the rollback of the migration test drops them).
COLONNES_APRES_0001 = {"HistoriqueDemande.motif", "Seance.prochaine_fois"}
# The encrypted columns that hold no text of their own: the frozen copy of a validated programme
# (its texts are planted in their own columns) and the self-esteem scores (MARQUEURS_SCORES).
COLONNES_SANS_TEXTE_PROPRE = {("Programme", "instantane"), ("Evaluation", "estime_debut"), ("Evaluation", "estime_fin")}
# Encrypted, not planted yet: the reason a record was deleted (aides.models.Suppression) is shown
# by no page until the history shows it; its canary is to be planted then (a marker no legitimate
# reader can find would fail the crawl's sanity check).
COLONNES_SANS_CANARI = {("Suppression", "motif")}


def _valeurs_brutes(modele, champ) -> list:
    with connection.cursor() as curseur:
        curseur.execute(f"SELECT {connection.ops.quote_name(champ.column)} "
                        f"FROM {connection.ops.quote_name(modele._meta.db_table)}")
        return [ligne[0] for ligne in curseur.fetchall()]


def _touches(texte: str, marqueurs) -> list[str]:
    return [m for m in marqueurs if m in texte]


def _scores(texte: str) -> list[str]:
    """The self-esteem scores (87.13, 93.57 and their difference) as printed in French or English,
    as whole numbers: a timestamp such as 19:04:06.445 does not count as 6.44."""
    return [champ for champ, formes in MARQUEURS_SCORES.items()
            if any(re.search(rf"(?<![\d.:,]){re.escape(f)}(?!\d)", texte) for f in formes)]


def _lu_par_le_psychologue(monde, marqueurs: dict) -> set[str]:
    """The markers the psychologist reads back through the ORM (decrypted)."""
    psy = monde["psychologue"]
    programme = Programme.objects.visibles_par(psy).get(aide__type="psy")
    evaluation = Evaluation.objects.visibles_par(psy).get()
    assert (evaluation.estime_debut, evaluation.estime_fin) == (ESTIME_DEBUT, ESTIME_FIN)
    reunions = Reunion.objects.visibles_par(psy)
    textes = [
        *Observation.objects.visibles_par(psy).values_list("contenu", flat=True),
        *(t for s in Seance.objects.visibles_par(psy).values_list("contenu", "prochaine_fois") for t in s),
        *PresenceSeance.objects.filter(seance__in=Seance.objects.visibles_par(psy)).values_list("observation",
                                                                                                 flat=True),
        programme.avis_eleve, programme.avis_famille, str(programme.instantane),
        *Objectif.objects.filter(programme=programme).values_list("intitule", "critere", "responsable").get(),
        *ActionProgramme.objects.filter(programme=programme).values_list("description", flat=True),
        evaluation.synthese, evaluation.estime_instrument,
        *EvaluationObjectif.objects.filter(evaluation=evaluation).values_list("commentaire", flat=True),
        *ConclusionPsy.objects.visibles_par(psy).values_list("texte", flat=True),
        *DemandeAide.objects.visibles_par(psy).values_list("decision_motif", flat=True),
        *HistoriqueDemande.objects.filter(demande__in=DemandeAide.objects.visibles_par(psy)).values_list(
            "motif", flat=True),
        *Consentement.objects.visibles_par(psy).values_list("commentaire", flat=True),
        *(t for r in reunions.values_list("lieu", "ordre_du_jour", "compte_rendu", "decisions") for t in r),
        *(t for p in ParticipantExterne.objects.filter(reunion__in=reunions).values_list("nom", "qualite") for t in p),
        *(t for a in ActionEquipe.objects.visibles_par(psy).values_list("public", "theme", "apport") for t in a),
        *LiberationVolet.objects.filter(demande__in=DemandeAcces.objects.visibles_par(psy)).values_list(
            "note", flat=True),
    ]
    return {champ for champ, m in marqueurs.items() if any(m in t for t in textes)}


@pytest.fixture
def canaris(monde):
    mail.outbox = []
    return planter_canaris(monde)


def test_les_colonnes_du_psychologue_sont_chiffrees():
    assert {(m.__name__, c.name) for m, c in colonnes_chiffrees()} == COLONNES_ATTENDUES


def test_chaque_colonne_chiffree_porte_un_canari():
    """The canaries are planted in every encrypted column, and only in encrypted ones: a column
    encrypted later without its canary (or a canary in a clear column) fails here."""
    plantees = {tuple(colonne.split(".")) for colonne in CHAMPS_TEXTE.values()}
    assert plantees <= COLONNES_ATTENDUES, plantees - COLONNES_ATTENDUES
    assert COLONNES_ATTENDUES - plantees == COLONNES_SANS_TEXTE_PROPRE | COLONNES_SANS_CANARI


def test_valeurs_brutes_sans_canari_et_lisibles_par_le_psychologue(monde, canaris, preuve):
    marqueurs = canaris["marqueurs"]
    brutes, non_vides = [], 0
    for modele, champ in colonnes_chiffrees():
        for valeur in _valeurs_brutes(modele, champ):
            if valeur:
                non_vides += 1
                # A Fernet token, whatever the column held.
                assert str(valeur).startswith("gAAAAA"), (modele.__name__, champ.name, valeur[:40])
            brutes.append(str(valeur))
    touches = _touches("\n".join(brutes), marqueurs.values()) + _scores("\n".join(brutes))
    assert not touches, touches
    assert _lu_par_le_psychologue(monde, marqueurs) == set(CHAMPS_TEXTE)
    # The frozen document of the validated programme comes back as the same JSON (types kept).
    programme = canaris["programme_psy"]
    programme.refresh_from_db()
    assert isinstance(programme.instantane, dict) and marqueurs["objectif_intitule"] in str(programme.instantane)
    preuve(f"[preuve 3] colonnes chiffrées : {len(colonnes_chiffrees())} ; valeurs non vides lues brutes : "
           f"{non_vides} ; canaris plantés : {len(marqueurs)} + 2 scores ; trouvés en clair : {len(touches)}")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's iterdump; PostgreSQL: test_pg_dump")
def test_dump_sqlite_sans_canari(monde, canaris):
    connection.ensure_connection()
    dump = "\n".join(connection.connection.iterdump())
    assert len(dump) > 10_000
    assert not _touches(dump, canaris["marqueurs"].values())
    assert not _scores(dump)


def test_texte_vide_reste_vide_et_filtrable(monde, canaris):
    """Only emptiness shows: "" is stored as "", not NULL (NOT NULL columns), not as a token."""
    seance = SeanceFactory(intervenant=monde["psychologue"], date=date(2026, 11, 21), duree=30, contenu="")
    assert _valeurs_brutes(Seance, Seance._meta.get_field("contenu")).count("") == 1
    assert list(Seance.objects.filter(contenu="").values_list("pk", flat=True)) == [seance.pk]
    seance.refresh_from_db()
    assert seance.contenu == ""


def test_rotation_du_sel_et_de_la_cle_secrete(monde, canaris, settings):
    """A new salt first, or a new SECRET_KEY with the old one in SECRET_KEY_FALLBACKS: the old
    tokens are still read; re-saved, a row is written with the new key."""
    ancienne_cle, anciens_sels = settings.SECRET_KEY, list(settings.SALT_KEY)
    conclusion = ConclusionPsy.objects.get()
    texte = conclusion.texte
    avant = _valeurs_brutes(ConclusionPsy, ConclusionPsy._meta.get_field("texte"))
    with override_settings(SALT_KEY=["nouveau-sel-0123456789", *anciens_sels]):
        assert ConclusionPsy.objects.get().texte == texte
        conclusion.save()
    nouveau_sel = ["nouveau-sel-0123456789"]
    with override_settings(SALT_KEY=nouveau_sel):
        assert ConclusionPsy.objects.get().texte == texte  # re-saved with the new salt
    nouvelle_cle = "nouvelle-cle-secrete-" + "x" * 40
    with override_settings(SALT_KEY=nouveau_sel, SECRET_KEY=nouvelle_cle, SECRET_KEY_FALLBACKS=[ancienne_cle]):
        assert ConclusionPsy.objects.get().texte == texte
    with override_settings(SALT_KEY=nouveau_sel, SECRET_KEY=nouvelle_cle):
        # Without the former key, the token is unreadable: never shown as clear text.
        assert ConclusionPsy.objects.get().texte != texte
    assert _valeurs_brutes(ConclusionPsy, ConclusionPsy._meta.get_field("texte")) != avant


def _rechiffrer(*options) -> tuple[str, str | None]:
    sortie = io.StringIO()
    try:
        call_command("rechiffrer", *options, stdout=sortie)
        return sortie.getvalue(), None
    except CommandError as erreur:
        return sortie.getvalue(), str(erreur)


def test_rechiffrer_apres_rotation_puis_retirer_l_ancien_sel(monde, canaris, settings, preuve):
    """After a new salt (first) and a new SECRET_KEY (former one as fallback), ``rechiffrer``
    rewrites every value under the new key: then the former salt and key can be removed and the
    psychologist still reads everything. ``--verifier`` says when that is safe."""
    anciens_sels, ancienne_cle = list(settings.SALT_KEY), settings.SECRET_KEY
    brutes_avant = {(m, c.name): _valeurs_brutes(m, c) for m, c in colonnes_chiffrees()}
    non_vides = sum(1 for valeurs in brutes_avant.values() for v in valeurs if v not in (None, ""))
    sortie, erreur = _rechiffrer("--verifier")
    assert erreur is None and f"valeurs déjà sous la clé en vigueur : {non_vides} ; à rechiffrer : 0" in sortie

    nouvelle_cle = "nouvelle-cle-secrete-" + "y" * 40
    rotation = {"SALT_KEY": ["sel-apres-rotation-0123456789", *anciens_sels], "SECRET_KEY": nouvelle_cle,
                "SECRET_KEY_FALLBACKS": [ancienne_cle]}
    with override_settings(**rotation):
        sortie, erreur = _rechiffrer("--verifier")
        assert erreur and "ancienne clé" in erreur and f"à rechiffrer : {non_vides}" in sortie
        assert {(m, c.name): _valeurs_brutes(m, c) for m, c in colonnes_chiffrees()} == brutes_avant  # nothing written
        sortie, erreur = _rechiffrer()
        assert erreur is None and f"rechiffrées : {non_vides} (dont 0 en clair) ; illisibles avec les clés en vigueur : 0" in sortie
        sortie, erreur = _rechiffrer("--verifier")
        assert erreur is None and f"valeurs déjà sous la clé en vigueur : {non_vides}" in sortie
    changees = sum(1 for (m, nom), valeurs in brutes_avant.items()
                   for avant, apres in zip(valeurs, _valeurs_brutes(m, m._meta.get_field(nom)), strict=True)
                   if avant not in (None, "") and avant != apres)
    assert changees == non_vides
    with override_settings(SALT_KEY=["sel-apres-rotation-0123456789"], SECRET_KEY=nouvelle_cle, SECRET_KEY_FALLBACKS=[]):
        assert _lu_par_le_psychologue(monde, canaris["marqueurs"]) == set(CHAMPS_TEXTE)
        brutes = "\n".join(v for m, c in colonnes_chiffrees() for v in _valeurs_brutes(m, c) if v)
        assert not _touches(brutes, canaris["marqueurs"].values())
    # The former key alone no longer opens them: they really were rewritten.
    with override_settings(SALT_KEY=anciens_sels, SECRET_KEY=ancienne_cle, SECRET_KEY_FALLBACKS=[]):
        textes = [ConclusionPsy.objects.get().texte,
                  *Observation.objects.filter(auteur=monde["psychologue"]).values_list("contenu", flat=True)]
        assert not _touches("\n".join(textes), canaris["marqueurs"].values())
    preuve(f"[preuve 3] rotation des clés : {non_vides} valeurs dans {len(colonnes_chiffrees())} colonnes "
           f"rechiffrées ; ancien sel et ancienne clé retirés : tout reste lisible par le psychologue")


def test_rechiffrer_laisse_intact_ce_qu_aucune_cle_n_ouvre(monde, canaris):
    conclusion = ConclusionPsy.objects.get()
    texte = conclusion.texte
    with override_settings(SALT_KEY=["un-sel-perdu-0123456789"]):
        conclusion.save()  # written with a key the settings will not have
    perdu = _valeurs_brutes(ConclusionPsy, ConclusionPsy._meta.get_field("texte"))
    action = ActionProgramme.objects.filter(programme=canaris["programme_psy"]).first()
    with connection.cursor() as curseur:  # and a text stored before the encryption
        curseur.execute("UPDATE aides_actionprogramme SET description = %s WHERE id = %s",
                        ["Écrit avant le chiffrement", action.pk])
    sortie, erreur = _rechiffrer()
    assert erreur and "1 valeur chiffrée avec une clé absente des réglages, laissée telle quelle" in erreur
    assert "aides.ConclusionPsy.texte : " in sortie and "1 illisibles" in sortie
    assert "(dont 1 en clair)" in sortie
    assert _valeurs_brutes(ConclusionPsy, ConclusionPsy._meta.get_field("texte")) == perdu  # untouched
    with override_settings(SALT_KEY=["un-sel-perdu-0123456789"]):
        assert ConclusionPsy.objects.get().texte == texte  # the key that wrote it still opens it
    assert all(v.startswith("gAAAAA") for v in _valeurs_brutes(ActionProgramme, ActionProgramme._meta.get_field("description")))
    action.refresh_from_db()
    assert action.description == "Écrit avant le chiffrement"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump needs PostgreSQL (SQLite: iterdump above)")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
@pytest.mark.django_db(transaction=True)
def test_pg_dump_sans_canari(monde, canaris, preuve):
    """The rows are committed (transactional test) so that pg_dump, another connection, sees them."""
    reglages = connection.settings_dict
    env = os.environ | ({"PGPASSWORD": reglages["PASSWORD"]} if reglages.get("PASSWORD") else {})
    commande = ["pg_dump", "--no-owner", "--dbname", reglages["NAME"]]
    for option, cle in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if reglages.get(cle):
            commande += [option, str(reglages[cle])]
    dump = subprocess.run(commande, env=env, capture_output=True, text=True, check=True).stdout
    marqueurs = canaris["marqueurs"]
    touches = _touches(dump, marqueurs.values())
    scores = _scores(dump)
    preuve(f"[preuve 3] pg_dump : {len(dump)} caractères ; champs texte plantés : {len(marqueurs)} ; "
           f"canaris trouvés : {len(touches)} ; scores d'estime de soi trouvés : {len(scores)}")
    assert "COPY public.aides_observation" in dump and "gAAAAA" in dump
    assert not touches, touches
    assert not scores, scores
    assert _lu_par_le_psychologue(monde, marqueurs) == set(CHAMPS_TEXTE)


@pytest.mark.django_db(transaction=True)
def test_migration_chiffre_les_lignes_existantes_et_se_defait(monde, canaris):
    """Rolled back to 0001, the rows of the aid workflow are clear text again (the eleves app, not
    rolled back, keeps its tokens); migrated forward, the rows written before the encryption (in
    clear) become tokens, read the same by the psychologist."""
    marqueurs = canaris["marqueurs"]
    modeles_aides = apps.all_models["aides"]
    dans_aides = {m for champ, m in marqueurs.items() if CHAMPS_TEXTE[champ].split(".")[0].lower() in modeles_aides}
    assert len(dans_aides) == len(marqueurs) - 1  # all but the right-of-access note (eleves)
    # Columns added after 0001 are dropped by the rollback, with their markers.
    perdus = {champ for champ in CHAMPS_TEXTE if CHAMPS_TEXTE[champ] in COLONNES_APRES_0001}
    dans_aides -= {marqueurs[champ] for champ in perdus}
    colonnes = [(m._meta.db_table, c.column) for m, c in colonnes_chiffrees()]

    def brut() -> str:
        textes = []
        # A table created by a later migration (aides_suppression) is not there at 0001.
        tables = set(connection.introspection.table_names())
        with connection.cursor() as curseur:
            for table, colonne in [(t, c) for t, c in colonnes if t in tables]:
                existantes = {c.name for c in connection.introspection.get_table_description(curseur, table)}
                if colonne not in existantes:
                    continue
                curseur.execute(f"SELECT {connection.ops.quote_name(colonne)} FROM {connection.ops.quote_name(table)}")
                textes += [str(v) for (v,) in curseur.fetchall()]
        return "\n".join(textes)

    assert not _touches(brut(), marqueurs.values())
    executor = MigrationExecutor(connection)
    derniere = executor.loader.graph.leaf_nodes("aides")
    try:
        executor.migrate([("aides", "0001_initial")])
        assert set(_touches(brut(), marqueurs.values())) == dans_aides
        assert _scores(brut())
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(derniere)
    assert not _touches(brut(), marqueurs.values()) and not _scores(brut())
    assert _lu_par_le_psychologue(monde, marqueurs) == set(CHAMPS_TEXTE) - perdus
    programme = Programme.objects.get(pk=canaris["programme_psy"].pk)
    assert isinstance(programme.instantane, dict)
