"""The administrator can give an account the psychologist's role: that is recorded, told to the
circonscription's psychologists (e-mail and a page of who holds the role since when), and what
such an account reads shows in the psychologists' own access log."""

from django.urls import reverse

from eleves.enums import Role
from eleves.models import AttributionRole
from tests.aides.test_programmes import champs_du_formulaire
from tests.factories import UtilisateurFactory
from tests.securite.fuites_psy.conftest import suivi, texte


def test_role_de_psychologue_donne_par_l_administrateur_est_vu_des_psychologues(
    client, monde, boite, django_capture_on_commit_callbacks
):
    dossier = suivi(monde, avec_e=False)
    psy = monde["psychologue"]
    psy.email = "psychologue@example.org"
    psy.save(update_fields=["email"])
    compte = UtilisateurFactory(username="compte-detourne", first_name="Paul", last_name="Intrus",
                                role=Role.ENSEIGNANT, circonscription=monde.nord)

    client.force_login(monde["admin"])
    url = reverse("admin:eleves_utilisateur_change", args=[compte.pk])
    donnees = champs_du_formulaire(client.get(url)) | {"role": Role.PSYCHOLOGUE, "secteur": str(monde.secteur_1.pk)}
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, donnees).status_code == 302
    compte.refresh_from_db()
    assert compte.role == Role.PSYCHOLOGUE

    attribution = AttributionRole.objects.get(personne=compte)
    assert (attribution.motif, attribution.par, attribution.secteur) == (
        AttributionRole.Motif.ATTRIBUTION, monde["admin"], monde.secteur_1)
    courriels = [m for m in boite if psy.email in m.to]
    assert len(courriels) == 1 and "Paul Intrus" in courriels[0].body
    assert reverse("acces_psychologues") in courriels[0].body

    # The account reads the pupil's file with its new role…
    client.force_login(compte)
    assert client.get(reverse("eleve_detail", args=[dossier.demande.eleve_id])).status_code == 200

    # … which the psychologists see: who holds the role since when, and what it consulted.
    client.force_login(psy)
    accueil = texte(client.get(reverse("accueil")))
    assert "Paul Intrus" in accueil and reverse("acces_psychologues") in accueil
    page = texte(client.get(reverse("acces_psychologues")))
    assert "Paul Intrus" in page and "rôle de psychologue attribué" in page
    assert "Paul Intrus (Psychologue de l'Éducation nationale)" in page and "Fiche de l'élève" in page


def test_page_des_acces_reservee_aux_psychologues(client, monde):
    for persona in ("enseignant", "directeur", "maitre_e", "maitre_g", "circonscription", "admin"):
        client.force_login(monde[persona])
        assert client.get(reverse("acces_psychologues")).status_code == 403, persona
