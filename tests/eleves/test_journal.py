"""Every view of a pupil's file is written to the access log (who, when, what, from where)."""

from django.urls import reverse

from eleves.models import JournalAcces
from tests.factories_aides import DemandeAideFactory


def test_consultation_de_la_fiche_journalisee(client, monde):
    client.force_login(monde["directeur"])
    client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk]), REMOTE_ADDR="10.1.2.3")
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.eleve, entree.action, entree.adresse) == (
        monde["directeur"], monde.eleve_a1, "consultation", "10.1.2.3")


def test_refus_non_journalise_comme_consultation(client, monde):
    client.force_login(monde["enseignant_autre_ecole"])
    assert client.get(reverse("eleve_detail", args=[monde.eleve_a1.pk])).status_code == 404
    assert not JournalAcces.objects.exists()


def test_consultation_d_une_demande_journalisee(client, monde):
    demande = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    client.force_login(monde["maitre_e"])
    client.get(reverse("demande_detail", args=[demande.pk]))
    assert JournalAcces.objects.get().objet == f"Demande d'aide n° {demande.pk}"
