"""A request carries its pupil's circonscription (aides/models.py): added empty, filled from the
pupils, then required and indexed with the state."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def remplir(apps, schema_editor):
    DemandeAide = apps.get_model("aides", "DemandeAide")
    Eleve = apps.get_model("eleves", "Eleve")
    DemandeAide.objects.update(
        circonscription_id=Subquery(Eleve.objects.filter(pk=OuterRef("eleve_id")).values("circonscription_id")[:1])
    )


class Migration(migrations.Migration):

    dependencies = [
        ("aides", "0002_chiffrement_statistiques_annuelles"),
        ("eleves", "0002_demandeacces"),
    ]

    operations = [
        migrations.AddField(
            model_name="demandeaide",
            name="circonscription",
            field=models.ForeignKey(
                editable=False, null=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="demandes_aide", to="eleves.circonscription",
            ),
        ),
        migrations.RunPython(remplir, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="demandeaide",
            name="circonscription",
            field=models.ForeignKey(
                editable=False, on_delete=django.db.models.deletion.PROTECT,
                related_name="demandes_aide", to="eleves.circonscription",
            ),
        ),
        migrations.AddIndex(
            model_name="demandeaide",
            index=models.Index(fields=["circonscription", "etat"], name="demande_circo_etat"),
        ),
    ]
