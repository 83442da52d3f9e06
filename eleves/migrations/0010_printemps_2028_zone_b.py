"""Corrects the spring holidays 2028 of zone B loaded by 0007 from the shipped file: classes
resume on Tuesday 18 April 2028, not on Easter Monday 17 April (a public holiday; the arrêtés
put the reprise on the Tuesday then, as zone B's « mardi 22 avril 2025 »). The file
(eleves/data/calendrier_scolaire.csv) is corrected too, for new databases.

Only the row exactly as 0007 wrote it is changed: a calendar loaded since from the official
export (``manage.py calendrier_scolaire``) is left as it is. Running it again changes nothing.
"""

from datetime import date

from django.db import migrations

ANCIENNE = {"zone": "B", "annee_scolaire": "2027-2028", "description": "Vacances de Printemps",
            "debut": date(2028, 4, 1), "fin": date(2028, 4, 17)}


def corriger(apps, schema_editor):
    apps.get_model("eleves", "PeriodeVacances").objects.filter(**ANCIENNE).update(fin=date(2028, 4, 18))


def revenir(apps, schema_editor):
    apps.get_model("eleves", "PeriodeVacances").objects.filter(**(ANCIENNE | {"fin": date(2028, 4, 18)})).update(
        fin=ANCIENNE["fin"])


class Migration(migrations.Migration):
    dependencies = [("eleves", "0008_revision_eleve_responsable")]

    operations = [migrations.RunPython(corriger, revenir)]
