import django.db.models.functions.comparison
from django.contrib.postgres.operations import CreateCollation
from django.db import migrations, models

import eleves.models


class Migration(migrations.Migration):

    dependencies = [
        ('eleves', '0015_proconnect'),
    ]

    operations = [
        # Names in French order (eleves/alphabetique.py); PostgreSQL only: SQLite is given the
        # same collation as a Python function on each connection (CreateCollation skips it).
        CreateCollation("francais", provider="icu", locale="fr"),
        migrations.RemoveIndex(
            model_name='eleve',
            name='eleves_elev_circons_a597af_idx',
        ),
        migrations.AddIndex(
            model_name='eleve',
            index=models.Index(models.F('circonscription'), django.db.models.functions.comparison.Collate('nom', 'francais'), django.db.models.functions.comparison.Collate('prenom', 'francais'), name='eleve_circ_nom_francais'),
        ),
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
            name='responsablelegal',
            options={'ordering': ['lien', models.OrderBy(django.db.models.functions.comparison.Collate(models.F('nom'), 'francais'))], 'verbose_name': 'responsable légal', 'verbose_name_plural': 'responsables légaux'},
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
