"""The right of access: its requester is a recorded guardian (the free text of former requests is
kept as their name), and each held-back part has its own release (the psychological part's
release moves from the request's columns to a ``LiberationVolet`` row, its note encrypted)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import rased.chiffrement


def liberations_depuis_les_colonnes(apps, schema_editor):
    DemandeAcces = apps.get_model("eleves", "DemandeAcces")
    LiberationVolet = apps.get_model("eleves", "LiberationVolet")
    for demande in DemandeAcces.objects.filter(volet_libere_le__isnull=False).order_by("pk"):
        LiberationVolet.objects.create(
            demande=demande, volet="psy", libere_le=demande.volet_libere_le,
            libere_par_id=demande.volet_libere_par_id, empreinte=demande.volet_empreinte,
            note=demande.note_psychologue,
        )


def colonnes_depuis_les_liberations(apps, schema_editor):
    DemandeAcces = apps.get_model("eleves", "DemandeAcces")
    for liberation in apps.get_model("eleves", "LiberationVolet").objects.filter(volet="psy"):
        DemandeAcces.objects.filter(pk=liberation.demande_id).update(
            volet_libere_le=liberation.libere_le, volet_libere_par_id=liberation.libere_par_id,
            volet_empreinte=liberation.empreinte, note_psychologue=liberation.note[:500],
        )


class Migration(migrations.Migration):

    dependencies = [
        ("eleves", "0003_journal_par_psychologue"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="demandeacces",
            name="responsable",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="demandes_acces",
                to="eleves.responsablelegal", verbose_name="demande faite par",
            ),
        ),
        migrations.AlterField(
            model_name="demandeacces",
            name="demandeur",
            field=models.CharField(editable=False, max_length=200, verbose_name="demande faite par"),
        ),
        migrations.CreateModel(
            name="LiberationVolet",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("volet", models.CharField(
                    choices=[("rased", "volet du RASED"), ("psy", "volet psychologique")], max_length=5,
                    verbose_name="volet")),
                ("libere_le", models.DateTimeField(verbose_name="libéré le")),
                ("empreinte", models.CharField(max_length=64)),
                ("note", rased.chiffrement.ChaineChiffree(blank=True, max_length=500, verbose_name="note")),
                ("demande", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="liberations",
                    to="eleves.demandeacces")),
                ("libere_par", models.ForeignKey(
                    on_delete=django.db.models.deletion.PROTECT, related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "verbose_name": "libération d'un volet du droit d'accès",
                "verbose_name_plural": "libérations des volets du droit d'accès",
                "ordering": ["demande", "volet"],
                "constraints": [
                    models.UniqueConstraint(fields=("demande", "volet"), name="une_liberation_par_volet"),
                ],
            },
        ),
        migrations.RunPython(liberations_depuis_les_colonnes, colonnes_depuis_les_liberations),
        migrations.RemoveConstraint(
            model_name="demandeacces",
            name="demande_acces_liberation_complete",
        ),
        migrations.RemoveField(model_name="demandeacces", name="note_psychologue"),
        migrations.RemoveField(model_name="demandeacces", name="volet_empreinte"),
        migrations.RemoveField(model_name="demandeacces", name="volet_libere_le"),
        migrations.RemoveField(model_name="demandeacces", name="volet_libere_par"),
    ]
