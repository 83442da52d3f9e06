"""The family's answer: « réponse donnée par » instead of « titulaire(s) de l'autorité parentale »
(a label, no data change); and the skills list reloaded from aides/data/competences.csv, whose
cycle 2 français wording was corrected (the same load as ``manage.py charger_competences``:
idempotent, codes never deleted)."""

from django.db import migrations, models

from aides import competences


def recharger_les_competences(apps, schema_editor):
    competences.charger(apps.get_model("aides", "Competence"), competences.lire())


class Migration(migrations.Migration):

    dependencies = [
        ("aides", "0012_envois_formulaires"),
    ]

    operations = [
        migrations.AlterField(
            model_name="consentement",
            name="titulaires",
            field=models.CharField(
                choices=[("deux", "Les deux parents"), ("mere", "La mère"), ("pere", "Le père"),
                         ("tuteur", "Le tuteur ou la tutrice")],
                help_text="Qui, parmi les titulaires de l'autorité parentale, a donné cette réponse.",
                max_length=6, verbose_name="réponse donnée par",
            ),
        ),
        migrations.RunPython(recharger_les_competences, migrations.RunPython.noop),
    ]
