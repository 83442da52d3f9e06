"""The fixed cast of personas and the small world they live in.

Circonscription « Nord »: école A (secteur 1) and école B (secteur 2).
- classe A1 (école A, this year) taught by ``enseignant``; classe A2 (école A) by another teacher;
- classe B1 (école B) taught by ``enseignant_autre_ecole``;
- last year's class of école A, where ``eleve_ancien`` was and is no longer enrolled anywhere.
Circonscription « Sud »: école C, its directeur ``autre_circonscription`` and a pupil.
"""

from dataclasses import dataclass
from pathlib import Path

import pytest
from auditlog.context import disable_auditlog

from aides import competences
from aides.models import Competence
from eleves.calendrier import lire_calendrier_officiel
from eleves.enums import Role
from eleves.models import Eleve, PeriodeVacances
from eleves.services import calendrier_scolaire_remplacer
from tests.factories import (
    AnneeScolaireFactory,
    CirconscriptionFactory,
    ClasseFactory,
    EcoleFactory,
    SecteurFactory,
    UtilisateurFactory,
    eleve_inscrit,
)


@pytest.fixture(autouse=True)
def _reglages_de_test(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.MEDIA_ROOT = tmp_path / "media"
    # Two-factor authentication is on by default; tests/test_double_authentification.py turns it
    # back on to test it, the other tests sign in their personas with force_login alone.
    settings.DOUBLE_AUTHENTIFICATION = False
    # Tasks (e-mail, documents) run at once in the test's own thread; the tests of the queue itself
    # (tests/test_taches.py) use the database backend and a real worker process.
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
                                  "QUEUES": ["default", "courriels", "documents"]}}


FICHIER_CALENDRIER = Path(__file__).resolve().parent.parent / "eleves" / "data" / "calendrier_scolaire.csv"


@pytest.fixture(autouse=True)
def _donnees_de_reference(request):
    """The reference data the migrations load (the skills of the socle, the school calendar),
    back after a browser or transactional test's flush emptied their tables: a test that uses
    the database finds them as a fresh install has them, whatever ran before it on its worker."""
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames \
            and request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db" if "transactional_db" in request.fixturenames else "db")
    with disable_auditlog():
        if not Competence.objects.exists():
            competences.charger(Competence, competences.lire(competences.FICHIER))
        if not PeriodeVacances.objects.exists():
            calendrier_scolaire_remplacer(vacances=lire_calendrier_officiel(
                FICHIER_CALENDRIER.read_text(encoding="utf-8-sig")))


@dataclass
class Monde:
    nord: object
    sud: object
    ecole_a: object
    ecole_b: object
    ecole_c: object
    secteur_1: object
    secteur_2: object
    classe_a1: object
    classe_a2: object
    classe_b1: object
    classe_c1: object
    classe_a_annee_passee: object
    eleve_a1: Eleve
    eleve_a2: Eleve
    eleve_b1: Eleve
    eleve_c1: Eleve
    eleve_ancien: Eleve
    personas: dict

    def __getitem__(self, nom):
        return self.personas[nom]


PERSONAS = [
    "enseignant",
    "directeur",
    "maitre_e",
    "maitre_g",
    "psychologue",
    "circonscription",
    "admin",
    "enseignant_autre_ecole",
    "rased_autre_secteur",
    "autre_circonscription",
]


@pytest.fixture
def monde(db) -> Monde:
    # The world is the tests' starting point, not an action of anyone: no audit entries for it
    # (they were a third of its queries).
    with disable_auditlog():
        return _construire_monde()


def _construire_monde() -> Monde:
    nord = CirconscriptionFactory(nom="Lyon Nord")
    sud = CirconscriptionFactory(nom="Lyon Sud")
    ecole_a = EcoleFactory(circonscription=nord, nom="École Jean Jaurès")
    ecole_b = EcoleFactory(circonscription=nord, nom="École Louise Michel")
    ecole_c = EcoleFactory(circonscription=sud, nom="École Victor Hugo")
    secteur_1 = SecteurFactory(circonscription=nord, nom="Secteur 1", ecoles=[ecole_a])
    secteur_2 = SecteurFactory(circonscription=nord, nom="Secteur 2", ecoles=[ecole_b])

    def personne(username, role, circonscription=nord, **kwargs):
        return UtilisateurFactory(username=username, role=role, circonscription=circonscription, **kwargs)

    personas = {
        "enseignant": personne("enseignant", Role.ENSEIGNANT),
        "directeur": personne("directeur", Role.DIRECTEUR, ecole=ecole_a),
        "maitre_e": personne("maitre-e", Role.MAITRE_E, secteur=secteur_1),
        "maitre_g": personne("maitre-g", Role.MAITRE_G, secteur=secteur_1),
        "psychologue": personne("psychologue", Role.PSYCHOLOGUE, secteur=secteur_1),
        "circonscription": personne("circonscription", Role.CIRCONSCRIPTION, fonction="ien"),
        "admin": personne("admin", Role.ADMINISTRATEUR),
        "enseignant_autre_ecole": personne("enseignant-b", Role.ENSEIGNANT),
        "rased_autre_secteur": personne("maitre-e-2", Role.MAITRE_E, secteur=secteur_2),
        "autre_circonscription": personne("directeur-sud", Role.DIRECTEUR, sud, ecole=ecole_c),
    }
    annee = AnneeScolaireFactory()
    annee_passee = AnneeScolaireFactory(debut=annee.debut - 1)
    classe_a1 = ClasseFactory(ecole=ecole_a, annee=annee, nom="CE1 A", enseignants=[personas["enseignant"]])
    classe_a2 = ClasseFactory(ecole=ecole_a, annee=annee, nom="CM1 A", niveaux=["CM1", "CM2"])
    classe_b1 = ClasseFactory(
        ecole=ecole_b, annee=annee, nom="CE1 B", enseignants=[personas["enseignant_autre_ecole"]]
    )
    classe_c1 = ClasseFactory(ecole=ecole_c, annee=annee, nom="CP C", niveaux=["CP"])
    classe_passee = ClasseFactory(
        ecole=ecole_a, annee=annee_passee, nom="CP A", niveaux=["CP"], enseignants=[personas["enseignant"]]
    )
    eleve_ancien = eleve_inscrit(classe_passee, nom="Ancien", prenom="Hugo")
    return Monde(
        nord=nord, sud=sud, ecole_a=ecole_a, ecole_b=ecole_b, ecole_c=ecole_c,
        secteur_1=secteur_1, secteur_2=secteur_2,
        classe_a1=classe_a1, classe_a2=classe_a2, classe_b1=classe_b1, classe_c1=classe_c1,
        classe_a_annee_passee=classe_passee,
        eleve_a1=eleve_inscrit(classe_a1, nom="Petit", prenom="Léa"),
        eleve_a2=eleve_inscrit(classe_a2, nom="Moreau", prenom="Nassim"),
        eleve_b1=eleve_inscrit(classe_b1, nom="Garcia", prenom="Inès"),
        eleve_c1=eleve_inscrit(classe_c1, nom="Lambert", prenom="Tom"),
        eleve_ancien=eleve_ancien,
        personas=personas,
    )


# --- The proofs' figures -----------------------------------------------------------------------
# Each proof test reports its counts through the `preuve` fixture: the lines are printed in the
# terminal summary of every run (also under pytest-xdist, where a test's own prints are lost).

@pytest.fixture
def preuve(record_property):
    def rapporter(ligne: str) -> None:
        print(ligne)
        record_property("preuve", ligne.strip())

    return rapporter


def pytest_runtest_logreport(report):
    if report.when == "call":
        for cle, ligne in report.user_properties:
            if cle == "preuve":
                _PREUVES.append(f"{ligne}  — {report.nodeid.rsplit('::', 1)[-1]}")


_PREUVES: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if _PREUVES:
        terminalreporter.section("preuves (issue Trust)")
        for ligne in sorted(_PREUVES):
            terminalreporter.write_line(ligne)
