"""Who was given access to the psychologist's work, and when: the psychologists watch it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("eleves", "0004_droit_acces_responsable_volets"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AttributionRole",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("motif", models.CharField(
                    choices=[
                        ("attribution", "rôle de psychologue attribué"), ("secteur", "changement de secteur"),
                        ("circonscription", "changement de circonscription"), ("reactivation", "compte réactivé"),
                    ],
                    max_length=15, verbose_name="motif")),
                ("le", models.DateTimeField(auto_now_add=True, verbose_name="le")),
                ("circonscription", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="+", to="eleves.circonscription")),
                ("par", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to=settings.AUTH_USER_MODEL, verbose_name="par")),
                ("personne", models.ForeignKey(
                    on_delete=django.db.models.deletion.CASCADE, related_name="attributions_role",
                    to=settings.AUTH_USER_MODEL)),
                ("secteur", models.ForeignKey(
                    blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
                    to="eleves.secteur")),
            ],
            options={
                "verbose_name": "accès ouvert au travail du psychologue",
                "verbose_name_plural": "accès ouverts au travail du psychologue",
                "ordering": ["-le", "-pk"],
            },
        ),
    ]
