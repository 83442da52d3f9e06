"""Load the official school calendar (holidays by zone) from the ministry's open-data export."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from eleves.calendrier import CalendrierInvalide, lire_calendrier_officiel
from eleves.services import calendrier_scolaire_remplacer


class Command(BaseCommand):
    help = (
        "Charge les vacances scolaires depuis l'export CSV officiel du jeu de données "
        "« Calendrier scolaire » (fr-en-calendrier-scolaire, data.education.gouv.fr) : colonnes "
        "Description;Population;Date de début;Date de fin;Académies;Zones;annee_scolaire, séparées "
        "par des points-virgules. Pour chaque zone et année scolaire du fichier, les vacances "
        "enregistrées sont remplacées ; relancer la commande avec le même fichier ne change rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", type=Path, help="L'export CSV officiel (UTF-8).")

    def handle(self, *args, fichier: Path, **options):
        try:
            texte = fichier.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as erreur:
            raise CommandError(f"Lecture impossible de {fichier} : {erreur}") from erreur
        try:
            vacances = lire_calendrier_officiel(texte)
        except CalendrierInvalide as erreur:
            raise CommandError(str(erreur)) from erreur
        comptes = calendrier_scolaire_remplacer(vacances=vacances)
        zones = sorted({v.zone for v in vacances})
        self.stdout.write(self.style.SUCCESS(
            f"{comptes['ecrites']} période(s) de vacances enregistrée(s) pour les zones {', '.join(zones)} "
            f"({comptes['retirees']} remplacée(s))."
        ))
