"""Names in French alphabetical order (issue 15): accents and case ignored at first (« GUÉRIN »
before « GUILLAUME », « Émery » among the E's), names filed word by word (« de la Fontaine »
before « Delacroix »): PostgreSQL's collation ``francais`` (eleves/0016) in the pages, a PDF and
a filter's choices; SQLite's fallback (eleves/alphabetique.py) orders as PostgreSQL does.

The test database sorts plain text by bytes (C.UTF-8): without the collation « Émery » would
come after « Zola » and « de la Fontaine » after every capital, so each order below can fail.
"""

import random
import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler
from django.urls import reverse

from eleves.alphabetique import COLLATION, cle, installer_sur_sqlite
from eleves.models import Eleve
from tests.aides.test_documents_programme import texte_pdf
from tests.eleves.outils_pages import texte
from tests.factories import ClasseFactory, UtilisateurFactory, eleve_inscrit
from tests.factories_aides import AideFactory, DemandeAideFactory

pytestmark = pytest.mark.django_db

# Family names in the order a French reader expects them.
NOMS = ["de la Fontaine", "Delacroix", "Dupont", "Émery", "Eric", "Guérin", "GUILLAUME", "Le Gall",
        "Leblanc", "Œillet", "Ozanne", "Zola"]

# Awkward spellings: accents, case, ligatures, spaces, hyphens, apostrophes, digits.
DIFFICILES = [
    "GUILLAUME", "Guérin", "guerin", "GUÉRIN", "Guerin", "Émile", "Eric", "Éric", "eric", "Emile",
    "de la Fontaine", "Delacroix", "De La Fontaine", "Le Gall", "Leblanc", "LE GALL", "Jean-Pierre",
    "Jeanne", "Jean Pierre", "N’Diaye", "N'Diaye", "Ndiaye", "Zoé", "zoe", "Zoë", "Œuvre", "Oeuvre",
    "oeuvre", "Lætitia", "Laetitia", "Çelik", "Celik", "Cédric", "Cedric", "Müller", "Muller", "Łukasz",
    "Lukas", "cote", "coté", "côte", "côté", "COTE", "Straße", "Strasse", "CE1 A", "CE1-CE2", "CE1", "CM1 B",
    "CP", "École Jean Jaurès", "Ecole Jean Jaures", "école maternelle", "Saint-Exupéry", "Sainte-Anne",
    "O'Brien", "Obrien", "a10", "a2", "",
]


def _melanges(noms):
    melanges = list(noms)
    random.Random(15).shuffle(melanges)
    return melanges


def _ordre_dans(texte_lu: str, noms) -> list[str]:
    """``noms`` in the order they first appear in ``texte_lu`` (compared without case)."""
    bas = texte_lu.casefold()
    positions = {nom: bas.find(nom.casefold()) for nom in noms}
    absents = [nom for nom, position in positions.items() if position < 0]
    assert not absents, absents
    return sorted(noms, key=positions.get)


def _ordre_postgresql(noms) -> list[str]:
    with connection.cursor() as curseur:
        curseur.execute(f'SELECT x FROM unnest(%s::text[]) AS x ORDER BY x COLLATE "{COLLATION}"', [noms])
        return [ligne[0] for ligne in curseur.fetchall()]


def test_la_collation_de_postgresql_ignore_accents_et_casse():
    assert _ordre_postgresql(_melanges(NOMS)) == NOMS
    # Without it, the database's own order (bytes here) puts « Émery » after « Zola ».
    with connection.cursor() as curseur:
        curseur.execute("SELECT x FROM unnest(%s::text[]) AS x ORDER BY x", [_melanges(NOMS)])
        assert [ligne[0] for ligne in curseur.fetchall()] != NOMS


def test_la_cle_python_ordonne_comme_postgresql():
    assert sorted(_melanges(DIFFICILES), key=cle) == _ordre_postgresql(_melanges(DIFFICILES))
    # A few thousand random words of French letters, signs and capitals.
    lettres = "abcdeéèêëàâîïôöùûüçœæ -'’AÉEÈOÔŒÆZ.,019"
    hasard = random.Random(2026)
    mots = ["".join(hasard.choice(lettres) for _ in range(hasard.randint(1, 6))) for _ in range(3000)]
    assert sorted(mots, key=cle) == _ordre_postgresql(mots)


def test_sqlite_recoit_la_collation_et_ordonne_comme_postgresql():
    """A real Django SQLite connection: the receiver registered at start-up (eleves/apps.py) gives
    it the collation, and the SQL of ``par_ordre_alphabetique`` runs there."""
    sqlite = ConnectionHandler({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})["default"]
    try:
        with sqlite.cursor() as curseur:
            curseur.execute("CREATE TABLE eleves_eleve (id integer PRIMARY KEY, nom text, prenom text)")
            curseur.executemany("INSERT INTO eleves_eleve (nom, prenom) VALUES (%s, %s)",
                                [(nom, "Léa") for nom in _melanges(DIFFICILES)])
            sql, parametres = (Eleve.objects.par_ordre_alphabetique().values_list("nom", flat=True)
                               .query.get_compiler(connection=sqlite).as_sql())
            assert f'COLLATE "{COLLATION}"' in sql
            curseur.execute(sql, parametres)
            assert [ligne[0] for ligne in curseur.fetchall()] == _ordre_postgresql(DIFFICILES)
    finally:
        sqlite.close()


def test_le_recepteur_ne_touche_pas_postgresql():
    installer_sur_sqlite(None, SimpleNamespace(vendor="postgresql", connection=None))  # no AttributeError


@pytest.fixture
def eleves_de_la_classe(monde):
    classe = ClasseFactory(ecole=monde.ecole_a, annee=monde.classe_a1.annee, nom="CE2 Z",
                           enseignants=[monde["enseignant"]])
    return [eleve_inscrit(classe, nom=nom, prenom="Prénom") for nom in _melanges(NOMS)], classe


def test_liste_des_eleves_de_l_ien(client, monde, eleves_de_la_classe):
    client.force_login(monde["circonscription"])
    page = client.get(reverse("eleve_liste"))
    lus = [e.nom for e in page.context["page"].object_list if e.nom in NOMS]
    assert lus == NOMS
    assert _ordre_dans(texte(page), NOMS) == NOMS


def test_page_de_la_classe(client, monde, eleves_de_la_classe):
    _, classe = eleves_de_la_classe
    client.force_login(monde["directeur"])
    page = client.get(reverse("classe_detail", args=[classe.pk]))
    assert page.status_code == 200
    assert _ordre_dans(texte(page), NOMS) == NOMS


def test_choix_des_referents_et_des_ecoles_du_filtre_des_demandes(client, monde):
    for nom in _melanges(NOMS):
        UtilisateurFactory(circonscription=monde.nord, role="maitre_e", last_name=nom, first_name="Prénom",
                           secteur=monde.secteur_1)
    client.force_login(monde["circonscription"])
    html = client.get(reverse("demande_liste")).content.decode()
    referents = re.search(r'<select name="referent".*?</select>', html, re.S)[0]
    assert _ordre_dans(referents, NOMS) == NOMS
    ecoles = re.search(r'<select name="ecole".*?</select>', html, re.S)[0]
    assert _ordre_dans(ecoles, ["École Jean Jaurès", "École Louise Michel"]) == ["École Jean Jaurès",
                                                                                 "École Louise Michel"]


def test_pdf_des_eleves_aides_par_periode(client, monde, eleves_de_la_classe):
    eleves, classe = eleves_de_la_classe
    for eleve in eleves:
        demande = DemandeAideFactory(eleve=eleve, classe=classe, auteur=monde["enseignant"], aide_decidee=True)
        AideFactory(demande=demande, type="E", intervenant=monde["maitre_e"], en_cours=True)
    client.force_login(monde["directeur"])
    reponse = client.get(reverse("eleves_aides_periode_pdf", args=[monde.ecole_a.pk]))
    assert reponse["Content-Type"] == "application/pdf"
    assert _ordre_dans(" ".join(texte_pdf(reponse.content).split()), NOMS) == NOMS
