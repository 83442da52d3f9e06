"""``manage.py envoyer_rappels``: the daily digest of each person (aides/rappels.py), queued for
the worker. Scheduled once a day (docs/deploiement.md § 5.3); run twice, it sends once."""

from django.core.management.base import BaseCommand

from aides.rappels import envoyer_les_recapitulatifs


class Command(BaseCommand):
    help = "Met en file d'attente le récapitulatif quotidien de chaque personne qui a quelque chose à faire."

    def handle(self, *args, **options):
        envoyes = envoyer_les_recapitulatifs()
        self.stdout.write(f"Récapitulatifs mis en file d'attente : {envoyes}")
