from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('aides', '0019_recapitulatif_quotidien'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='demandeaide',
            index=models.Index(fields=['circonscription', '-cree_le', '-id'], name='demande_circo_recentes'),
        ),
    ]
