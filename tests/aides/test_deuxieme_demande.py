"""A second request for a pupil who already has one open is shown the existing one before
sending, with a link when the teacher may open it, and is sent only with a reason and an explicit
confirmation (issue 12)."""

import pytest
from django.urls import reverse

from aides.enums import EtatDemande, TypeAide
from aides.models import DemandeAide
from tests.aides.test_demandes import COMPLET
from tests.factories_parcours import aides_en_cours, demande_deposee


@pytest.fixture
def premiere(monde):
    """Léa's first request, by her teacher, with an E aid under way."""
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    aides_en_cours(demande, {TypeAide.E: monde["maitre_e"]})
    return demande


def test_la_nouvelle_demande_montre_la_premiere_avec_un_lien(client, monde, premiere):
    client.force_login(monde["enseignant"])
    page = client.get(reverse("demande_creer", args=[monde.eleve_a1.pk])).content.decode()
    assert "Cet élève a déjà une demande d'aide en cours" in page
    assert f'href="{reverse("demande_detail", args=[premiere.pk])}"' in page
    assert "aide en cours : aide pédagogique" in page.lower() or "aide en cours : " in page
    assert 'name="motif_autre_demande"' in page and 'name="confirmation_autre_demande"' in page


def test_envoyer_sans_motif_ni_confirmation_est_refuse_sans_rien_perdre(client, monde, premiere):
    client.force_login(monde["enseignant"])
    url = reverse("demande_creer", args=[monde.eleve_a1.pk])
    response = client.post(url, COMPLET | {"envoyer": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez pourquoi une nouvelle demande est nécessaire." in page
    assert "Confirmez qu&#x27;une nouvelle demande est nécessaire." in page
    assert COMPLET["difficultes"] in page  # what was typed is still there
    assert DemandeAide.objects.filter(eleve=monde.eleve_a1).count() == 1

    response = client.post(url, COMPLET | {"envoyer": "1", "motif_autre_demande": "Difficultés nouvelles en calcul."})
    assert "Confirmez qu&#x27;une nouvelle demande est nécessaire." in response.content.decode()
    assert DemandeAide.objects.filter(eleve=monde.eleve_a1).count() == 1


def test_envoyer_avec_motif_et_confirmation(client, monde, premiere):
    client.force_login(monde["enseignant"])
    client.post(reverse("demande_creer", args=[monde.eleve_a1.pk]), COMPLET | {
        "envoyer": "1", "motif_autre_demande": "Difficultés nouvelles en calcul.", "confirmation_autre_demande": "on",
    })
    seconde = DemandeAide.objects.exclude(pk=premiere.pk).get(eleve=monde.eleve_a1)
    assert seconde.etat == EtatDemande.ENVOYEE
    assert seconde.motif_autre_demande == "Difficultés nouvelles en calcul."
    client.force_login(monde["maitre_e"])
    assert "Difficultés nouvelles en calcul." in client.get(
        reverse("demande_detail", args=[seconde.pk])).content.decode()


def test_un_brouillon_sans_motif_ne_s_envoie_pas_depuis_sa_page(client, monde, premiere):
    """The draft's own page shows the first request, and its « Envoyer » is disabled with the
    reason; a forged POST is refused with the same reason."""
    brouillon = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyer=False)
    client.force_login(monde["enseignant"])
    page = client.get(reverse("demande_detail", args=[brouillon.pk])).content.decode()
    assert f"demande n° {premiere.pk}" in page
    assert "avant d&#x27;en envoyer une autre, indiquez dans le formulaire pourquoi elle est nécessaire" in page
    assert 'disabled aria-describedby="raison-envoyer">Envoyer au RASED' in page
    response = client.post(reverse("demande_envoyer", args=[brouillon.pk]), follow=True)
    assert "avant d&#x27;en envoyer une autre" in response.content.decode()
    brouillon.refresh_from_db()
    assert brouillon.etat == EtatDemande.BROUILLON


def test_une_demande_d_une_autre_classe_est_dite_sans_lien_ni_contenu(client, monde):
    """Another teacher's request for the same pupil: the number, its date and « en cours », no
    link (she may not open it) and nothing of its aids."""
    autre = demande_deposee(eleve=monde.eleve_a1, auteur=monde["directeur"])
    aides_en_cours(autre, {TypeAide.PSY: monde["psychologue"]})
    client.force_login(monde["enseignant"])
    page = client.get(reverse("demande_creer", args=[monde.eleve_a1.pk])).content.decode()
    assert f"demande n° {autre.pk}" in page and "en cours" in page
    assert reverse("demande_detail", args=[autre.pk]) not in page
    assert "psycholog" not in page.lower().split("cet élève a déjà")[1].split("</div>")[0]


def test_sans_autre_demande_rien_n_est_demande(client, monde):
    client.force_login(monde["enseignant"])
    page = client.get(reverse("demande_creer", args=[monde.eleve_a1.pk])).content.decode()
    assert "Cet élève a déjà" not in page and 'name="motif_autre_demande"' not in page
    client.post(reverse("demande_creer", args=[monde.eleve_a1.pk]), COMPLET | {"envoyer": "1"})
    assert DemandeAide.objects.get(eleve=monde.eleve_a1).etat == EtatDemande.ENVOYEE
