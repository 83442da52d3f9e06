"""The daily digest by e-mail (issue 14): reviews due, families' agreements awaited, requests left
unanswered past the IEN's delay; one e-mail a day per person, none for whoever opted out, no
pupil's name; « Mon compte » and the circonscription's settings."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from aides.enums import TypeAide
from aides.models import DemandeAide, Programme, RecapitulatifEnvoye
from tests.conftest import PERSONAS
from tests.factories_aides import DemandeAideFactory
from tests.factories_parcours import aides_decidees, demande_aidee, demande_deposee, programme_valide

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_rappeler(monde):
    """Léa's E aid whose programme is to be reviewed in 3 days; Nassim's G aid decided 20 days
    ago, the family not yet asked; a request sent 30 days ago, still unanswered."""
    for nom in ("maitre_e", "maitre_g", "psychologue", "circonscription", "enseignant"):
        monde[nom].email = f"{nom}@example.org"
        monde[nom].save()
    aujourd_hui = timezone.localdate()
    aidee = demande_aidee(eleve=monde.eleve_a1, auteur=monde["enseignant"], intervenants={TypeAide.E: monde["maitre_e"]})
    programme = programme_valide(aidee.aides.get())
    Programme.objects.filter(pk=programme.pk).update(date_revision=aujourd_hui + timedelta(days=3))
    decidee = demande_deposee(eleve=monde.eleve_a2, auteur=monde["enseignant"], famille_informee_le=aujourd_hui)
    aides_decidees(decidee, {TypeAide.G: monde["maitre_g"]})
    DemandeAide.objects.filter(pk=decidee.pk).update(decidee_le=timezone.now() - timedelta(days=20))
    oubliee = DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], envoyee=True)
    DemandeAide.objects.filter(pk=oubliee.pk).update(envoyee_le=timezone.now() - timedelta(days=30))
    return {"programme": programme, "decidee": decidee, "oubliee": oubliee}


def _courriels_par_destinataire():
    return {m.to[0]: m for m in mail.outbox}


def test_chacun_recoit_ce_qui_l_attend_sans_nom_d_eleve(monde, a_rappeler, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("envoyer_rappels", stdout=StringIO())
    recus = _courriels_par_destinataire()
    assert set(recus) == {"maitre_e@example.org", "maitre_g@example.org", "psychologue@example.org",
                          "circonscription@example.org"}
    e = recus["maitre_e@example.org"].body
    assert "Programme personnalisé de L. P." in e and "révision prévue le" in e
    assert reverse("programme_detail", args=[a_rappeler["programme"].pk]) in e
    # Without a référent, every RASED member of the school's secteur is reminded of the request.
    assert f"Demande n° {a_rappeler['oubliee'].pk}" in e
    g = recus["maitre_g@example.org"].body
    assert "Accord de la famille attendu depuis le" in g and "N. M." in g
    assert f"Demande n° {a_rappeler['oubliee'].pk}" in recus["circonscription@example.org"].body
    assert "Programme" not in recus["circonscription@example.org"].body
    for message in mail.outbox:
        for nom in ("Petit", "Léa", "Moreau", "Nassim"):
            assert nom not in message.body and nom not in message.subject
    assert recus["maitre_e@example.org"].subject.startswith("[rased] 2 rappels au ")


def test_une_seule_fois_par_jour(monde, a_rappeler, django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("envoyer_rappels", stdout=StringIO())
    assert len(mail.outbox) == 4
    assert RecapitulatifEnvoye.objects.count() == 4


def test_rien_a_faire_rien_envoye(monde, django_capture_on_commit_callbacks):
    monde["maitre_e"].email = "maitre_e@example.org"
    monde["maitre_e"].save()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("envoyer_rappels", stdout=StringIO())
    assert mail.outbox == []


def test_une_revision_en_retard_le_dit(monde, a_rappeler, django_capture_on_commit_callbacks):
    il_y_a_2_mois = timezone.localdate() - timedelta(days=60)
    Programme.objects.filter(pk=a_rappeler["programme"].pk).update(
        date_debut=il_y_a_2_mois, date_revision=timezone.localdate() - timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("envoyer_rappels", stdout=StringIO())
    assert "révision en retard depuis le" in _courriels_par_destinataire()["maitre_e@example.org"].body


def test_le_delai_de_l_ien_decide_quelles_demandes_sont_relancees(client, monde, a_rappeler,
                                                                  django_capture_on_commit_callbacks):
    client.force_login(monde["circonscription"])
    page = client.get(reverse("reglages_circonscription"))
    assert "relancer une demande sans réponse après (jours)" in page.content.decode().lower()
    response = client.post(reverse("reglages_circonscription"), {"relance_attente_jours": "45"}, follow=True)
    assert "Les réglages de la circonscription ont été enregistrés." in response.content.decode()
    monde.nord.refresh_from_db()
    assert monde.nord.relance_attente_jours == 45
    with django_capture_on_commit_callbacks(execute=True):
        call_command("envoyer_rappels", stdout=StringIO())
    assert "circonscription@example.org" not in _courriels_par_destinataire()  # 30 days < 45
    refus = client.post(reverse("reglages_circonscription"), {"relance_attente_jours": "0"})
    assert "Assurez-vous que cette valeur est supérieure ou égale à 1." in refus.content.decode()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "circonscription"])
def test_seul_l_ien_regle_la_circonscription(client, monde, persona):
    client.force_login(monde[persona])
    assert client.get(reverse("reglages_circonscription")).status_code == 403
    assert client.post(reverse("reglages_circonscription"), {"relance_attente_jours": "3"}).status_code == 403
    monde.nord.refresh_from_db()
    assert monde.nord.relance_attente_jours == 21


def test_un_conseiller_pedagogique_ne_regle_pas_la_circonscription(client, monde):
    monde["circonscription"].fonction = "cpc"
    monde["circonscription"].save()
    client.force_login(monde["circonscription"])
    assert client.get(reverse("reglages_circonscription")).status_code == 403


def test_se_desabonner_sur_mon_compte(client, monde, a_rappeler, django_capture_on_commit_callbacks):
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("mon_compte")).content.decode()
    assert "recevoir le récapitulatif quotidien par courriel" in page.lower()
    response = client.post(reverse("mon_compte"), {}, follow=True)  # the box unticked
    assert "Vos choix ont été enregistrés." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("envoyer_rappels", stdout=StringIO())
    assert "maitre_e@example.org" not in _courriels_par_destinataire()
    assert "maitre_g@example.org" in _courriels_par_destinataire()


def test_mon_compte_demande_une_connexion(client):
    assert client.get(reverse("mon_compte")).status_code == 302


