"""The access policy is one thing (issue 11, « The policy, once »).

- Each rule has one statement, and its two forms agree: the stand-in rule as a predicate
  (``agit_pour_l_aide``) and as a queryset (``Aide.objects.menees_par``); who is told of a
  psychological follow-up as a predicate (``connait_les_suivis_psy``) and as the aids' scope.
- The policy answers for every account, the installation's superuser included.
- Templates decide nothing themselves: no role or state string is compared in a template.
- Every permission of the policy's table is refused to someone (no action open to all).
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from aides.models import Aide, DemandeAide
from aides.rules import ACTIONS, agit_pour_l_aide, connait_les_suivis_psy
from eleves.enums import Role
from tests.conftest import PERSONAS
from tests.factories import UtilisateurFactory
from tests.securite.monde_complet import arranger_tout

GABARITS = Path(__file__).resolve().parent.parent.parent / "templates"
# « {% if user.role == "admin" %} », « programme.etat != "valide" », « a.type == "E" »…
COMPARAISON = re.compile(
    r"""\b(?:role|etat|etat_\w+|type|acte|fonction|action|statut|volet)\s*(?:==|!=)\s*["']""", re.IGNORECASE
)


def comparaisons_dans(racine: Path) -> list[str]:
    return [
        f"{chemin.relative_to(racine)}:{numero}: {ligne.strip()[:120]}"
        for chemin in sorted(racine.rglob("*.html"))
        for numero, ligne in enumerate(chemin.read_text(encoding="utf-8").splitlines(), 1)
        if COMPARAISON.search(ligne)
    ]


def test_la_recherche_des_comparaisons_les_trouve(tmp_path):
    (tmp_path / "a.html").write_text('{% if user.role == "admin" %}x{% endif %}\n{% if p.est_valide %}y{% endif %}')
    (tmp_path / "b.html").write_text("{% if d.etat_volet != 'libere' %}z{% endif %}")
    assert [c.split(":")[0] for c in comparaisons_dans(tmp_path)] == ["a.html", "b.html"]


def test_aucun_gabarit_ne_compare_un_role_ou_un_etat():
    assert comparaisons_dans(GABARITS) == []


@pytest.fixture
def cotes(monde):
    return arranger_tout(monde)


def test_la_regle_du_remplacant_dite_une_fois_deux_formes_d_accord(monde, cotes):
    remplacant = UtilisateurFactory(username="maitre-e-remplacant", role=Role.MAITRE_E,
                                    circonscription=monde.nord, secteur=monde.secteur_1)
    personnes = [monde[p] for p in PERSONAS] + [remplacant]
    aides = list(Aide.objects.select_related("demande"))
    assert len(aides) >= 9
    cas = 0
    for personne in personnes:
        menees = set(Aide.objects.menees_par(personne).values_list("pk", flat=True))
        for aide in aides:
            assert agit_pour_l_aide(personne, aide) == (aide.pk in menees), (personne.username, aide.pk)
            cas += 1
    # Not vacuous: the intervenant and the stand-in act on the E aid of école A, nobody else.
    aide_e = cotes["A"].aide_e
    assert {p.username for p in personnes if agit_pour_l_aide(p, aide_e)} == {"maitre-e", "maitre-e-remplacant"}
    assert cas == len(personnes) * len(aides)


def test_qui_sait_qu_un_suivi_psy_existe_deux_formes_d_accord(monde, cotes):
    for nom in PERSONAS:
        personne = monde[nom]
        demandes = list(DemandeAide.objects.visibles_par(personne))
        aides_psy_vues = set(Aide.objects.visibles_par(personne).secret_psy().values_list("demande_id", flat=True))
        for demande in demandes:
            if demande.aides.secret_psy().exists() and not demande.aides.filter(conclusions__partagee=True).exists():
                assert connait_les_suivis_psy(personne, demande) == (demande.pk in aides_psy_vues), (nom, demande.pk)


@pytest.mark.parametrize("url", ["rapport_annuel", "acces_psychologues", "demandes_acces_a_relire", "seance_liste"])
def test_le_superutilisateur_de_l_installation_n_a_pas_les_droits_de_la_politique(client, db, url):
    """Django would let an active superuser through every permission: the policy does not."""
    racine = UtilisateurFactory(username="racine", role=Role.ADMINISTRATEUR, circonscription=None, is_superuser=True)
    for permission in ACTIONS:
        assert not racine.has_perm(permission), permission
    client.force_login(racine)
    assert client.get(reverse(url)).status_code == 403


def test_chaque_action_de_la_politique_est_refusee_a_quelqu_un(monde):
    """No permission of the table is open to every persona (a rule that lets all through is a
    missing rule); each is checked on the objects of école A."""
    cote = arranger_tout(monde)["A"]
    objets = {
        "demande": cote.principale, "eleve": cote.eleve, "aide": cote.aide_e, "programme": cote.programme,
        "evaluation": cote.evaluation, "conclusion": cote.conclusion, "ecole": cote.ecole,
    }
    for permission in ACTIONS:
        refuses = [p for p in PERSONAS for objet in objets.values()
                   if not _essayer(monde[p], permission, objet)]
        assert refuses, permission


def _essayer(user, permission, objet) -> bool:
    try:
        return user.has_perm(permission, objet)
    except AttributeError:  # the permission is about another kind of object
        return False
