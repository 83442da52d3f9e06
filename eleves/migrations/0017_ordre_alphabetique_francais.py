import django.db.models.functions.comparison
from django.contrib.postgres.operations import CreateCollation
from django.db import migrations, models

import eleves.models


class Migration(migrations.Migration):

    dependencies = [
        ('eleves', '0014_double_authentification_choisie'),
    ]

    operations = [
        # Names in French order (eleves/alphabetique.py); PostgreSQL only: SQLite is given the
        # same collation as a Python function on each connection (CreateCollation skips it).
        CreateCollation("francais", provider="icu", locale="fr"),
        migrations.AlterModelOptions(
            name='circonscription',
            options={'ordering': [models.OrderBy(django.db.models.functions.comparison.Collate(models.F('nom'), 'francais'))], 'verbose_name': 'circonscription'},
        ),
        migrations.AlterModelOptions(
            name='classe',
            options={'ordering': [models.OrderBy(django.db.models.functions.comparison.Collate(models.F('ecole__nom'), 'francais')), models.OrderBy(django.db.models.functions.comparison.Collate(models.F('nom'), 'francais'))], 'verbose_name': 'classe'},
        ),
        migrations.AlterModelOptions(
            name='ecole',
            options={'ordering': [models.OrderBy(django.db.models.functions.comparison.Collate(models.F('commune'), 'francais')), models.OrderBy(django.db.models.functions.comparison.Collate(models.F('nom'), 'francais'))], 'verbose_name': 'école'},
        ),
        migrations.AlterModelOptions(
            name='eleve',
            options={'ordering': [models.OrderBy(django.db.models.functions.comparison.Collate(models.F('nom'), 'francais')), models.OrderBy(django.db.models.functions.comparison.Collate(models.F('prenom'), 'francais'))], 'verbose_name': 'élève'},
        ),
        migrations.AlterModelOptions(
            name='secteur',
            options={'ordering': [models.OrderBy(django.db.models.functions.comparison.Collate(models.F('nom'), 'francais'))], 'verbose_name': 'secteur RASED', 'verbose_name_plural': 'secteurs RASED'},
        ),
        migrations.AlterModelOptions(
            name='utilisateur',
            options={'ordering': [models.OrderBy(django.db.models.functions.comparison.Collate(models.F('last_name'), 'francais')), models.OrderBy(django.db.models.functions.comparison.Collate(models.F('first_name'), 'francais'))], 'verbose_name': 'personne', 'verbose_name_plural': 'personnes'},
        ),
        migrations.AlterModelManagers(
            name='utilisateur',
            managers=[
                ('objects', eleves.models.UtilisateurManager()),
            ],
        ),
    ]
