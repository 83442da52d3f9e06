"""Nothing tells a non-psychologist that a psychological document was written: no notification,
no e-mail, no dashboard line when the psychologist records a bilan."""


from django.urls import reverse

from aides.models import Notification
from tests.securite.fuites_psy.conftest import programme_psy_et_bilans, suivi, texte


def test_bilan_du_psychologue_sans_notification_ni_courriel_a_l_enseignant(client, monde, boite,
                                                                          django_capture_on_commit_callbacks):
    dossier = suivi(monde, avec_e=False)
    psy = monde["psychologue"]
    Notification.objects.all().delete()
    boite.clear()
    with django_capture_on_commit_callbacks(execute=True):
        programme_psy_et_bilans(dossier.aide_psy, psy, suites=(("intermediaire", "poursuite"), ("finale", "arret")))
    enseignant = monde["enseignant"]
    assert not Notification.objects.filter(destinataire=enseignant).exists()
    assert not [m for m in boite if enseignant.email in m.to]
    client.force_login(enseignant)
    accueil = texte(client.get(reverse("accueil")))
    assert "bilan" not in accueil.lower()
