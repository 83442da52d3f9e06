"""The request list at scale (issue 15): the IEN's list (the whole circonscription) and maître E's
(his secteur) show one page of rows (25) and read the same number of queries, at most 15, with one
matching request and with more than a page of them, without a filter and with each filter (and all
of them at once).

As in tests/test_requetes_par_page.py, the counts come from the run, not from a figure written
here; each request added brings its own pupil and author, so that a query per row would show.
The filters are those a user sends (POSTed, kept in the session), and every request added must be
counted by the page (« N demandes pour ce filtre »): a count of an empty page proves nothing.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aides.enums import TypeAide
from aides.models import DemandeAide
from eleves.models import annee_courante_debut
from tests.eleves.outils_pages import texte
from tests.factories import UtilisateurFactory, eleve_inscrit
from tests.factories_aides import AideFactory, DemandeAideFactory

pytestmark = pytest.mark.django_db

MAX_REQUETES = 15  # the budget of a list page (docs/performance.md)
EN_PLUS = settings.PAGINATION_ELEVES + 4  # more than a page of each kind


def _ajouter(monde, n):
    """``n`` requests waiting for 40 days and ``n`` answered by an E aid, in CE1 A (école A,
    maître E's secteur), each for a new pupil and from a new teacher, maître E their référent."""
    for _ in range(n):
        classe = monde.classe_a1
        auteur = UtilisateurFactory(circonscription=monde.nord, role="enseignant")
        attente = DemandeAideFactory(eleve=eleve_inscrit(classe), auteur=auteur, envoyee=True,
                                     referent=monde["maitre_e"])
        DemandeAide.objects.filter(pk=attente.pk).update(envoyee_le=timezone.now() - timedelta(days=40))
        aidee = DemandeAideFactory(eleve=eleve_inscrit(classe), auteur=auteur, aide_decidee=True,
                                   referent=monde["maitre_e"])
        AideFactory(demande=aidee, type=TypeAide.E, intervenant=monde["maitre_e"], en_cours=True)


def _filtres(monde, etat_repondu):
    """Each filter, then all of them; with how many of the requests added each one keeps (``n``
    of each kind)."""
    annee = annee_courante_debut()
    return {
        "sans filtre": ({}, 2),
        "état « envoyée »": ({"etat": "envoyee"}, 1),
        "état répondu": ({"etat": etat_repondu}, 1),
        "école": ({"ecole": monde.ecole_a.pk}, 2),
        "classe": ({"classe": monde.classe_a1.pk}, 2),
        "aide E": ({"type_aide": "E"}, 1),
        "référent": ({"referent": monde["maitre_e"].pk}, 2),
        "année": ({"annee": annee}, 2),
        "en attente depuis 30 jours": ({"attente": 30}, 1),
        "tous les filtres": ({"etat": etat_repondu, "ecole": monde.ecole_a.pk, "classe": monde.classe_a1.pk,
                              "type_aide": "E", "referent": monde["maitre_e"].pk, "annee": annee}, 1),
    }


def _lire(client):
    with CaptureQueriesContext(connection) as requetes:
        page = client.get(reverse("demande_liste"))
    assert page.status_code == 200
    return len(requetes.captured_queries), page


@pytest.mark.parametrize(("persona", "etat_repondu"), [("circonscription", "repondue"),
                                                       ("maitre_e", "aide_decidee")])
def test_liste_des_demandes_une_page_et_autant_de_requetes_a_toute_echelle(monde, persona, etat_repondu):
    _ajouter(monde, 1)
    filtres = _filtres(monde, etat_repondu)
    clients, avant = {}, {}
    for nom, (criteres, _) in filtres.items():
        client = clients[nom] = Client()
        client.force_login(monde[persona])
        if criteres:
            client.post(reverse("demande_liste"), criteres)
        _lire(client)  # the session's first read, caches
        avant[nom], page = _lire(client)
        assert len(page.context["page"].object_list) >= 1, nom

    _ajouter(monde, EN_PLUS)

    for nom, (criteres, par_sorte) in filtres.items():
        apres, page = _lire(clients[nom])
        assert apres == avant[nom] <= MAX_REQUETES, (nom, avant[nom], apres)
        total = par_sorte * (1 + EN_PLUS)
        assert page.context["page"].paginator.count == total, nom
        assert len(page.context["page"].object_list) == settings.PAGINATION_ELEVES, nom
        assert f"{total} demandes" + (" pour ce filtre" if criteres else "") in texte(page), nom
