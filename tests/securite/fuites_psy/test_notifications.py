"""Nothing tells a non-psychologist that a psychological document was written: no notification,
no e-mail, no dashboard line when the psychologist records a bilan."""

from datetime import date

from django.urls import reverse

from aides.models import Evaluation, EvaluationObjectif, Notification, Objectif, Programme
from aides.services import evaluation_enregistrer, programme_creer, programme_valider
from tests.securite.fuites_psy.conftest import suivi, texte


def test_bilan_du_psychologue_sans_notification_ni_courriel_a_l_enseignant(client, monde, boite,
                                                                          django_capture_on_commit_callbacks):
    dossier = suivi(monde, avec_e=False)
    psy = monde["psychologue"]
    Notification.objects.all().delete()
    boite.clear()
    with django_capture_on_commit_callbacks(execute=True):
        programme = programme_creer(aide=dossier.aide_psy, auteur=psy, programme=Programme(
            modalite="individuel", date_debut=date(2026, 11, 9)))
        objectif = Objectif.objects.create(programme=programme, visee="estime", intitule="Confiance",
                                           critere="Ose lire", responsable="Psy")
        programme_valider(programme=programme, auteur=psy)
        programme.refresh_from_db()
        for type_, suite in (("intermediaire", "poursuite"), ("finale", "arret")):
            evaluation_enregistrer(
                evaluation=Evaluation(programme=programme, type=type_, date=date(2026, 11, 30), suite=suite),
                resultats=[EvaluationObjectif(objectif=objectif, atteinte="atteint")], auteur=psy,
            )
    enseignant = monde["enseignant"]
    assert not Notification.objects.filter(destinataire=enseignant).exists()
    assert not [m for m in boite if enseignant.email in m.to]
    client.force_login(enseignant)
    accueil = texte(client.get(reverse("accueil")))
    assert "bilan" not in accueil.lower()
