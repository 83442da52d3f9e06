"""Loads the official school calendar shipped in eleves/data/calendrier_scolaire.csv (2025-2028).

Later years or corrections are loaded with ``manage.py calendrier_scolaire <export.csv>``.
"""

from pathlib import Path

from django.db import migrations

from eleves.calendrier import lire_calendrier_officiel

FICHIER = Path(__file__).resolve().parent.parent / "data" / "calendrier_scolaire.csv"


def charger(apps, schema_editor):
    PeriodeVacances = apps.get_model("eleves", "PeriodeVacances")
    vacances = lire_calendrier_officiel(FICHIER.read_text(encoding="utf-8"))
    PeriodeVacances.objects.bulk_create(
        [PeriodeVacances(description=v.description, zone=v.zone, debut=v.debut, fin=v.fin,
                         annee_scolaire=v.annee_scolaire) for v in vacances],
        ignore_conflicts=True,
    )


def vider(apps, schema_editor):
    apps.get_model("eleves", "PeriodeVacances").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("eleves", "0006_zone_et_vacances_scolaires")]

    operations = [migrations.RunPython(charger, vider)]
