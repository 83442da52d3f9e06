"""What a psychologist consulted is secret: each access-log entry says whether its author held the
psychologist's role when it was written (filled here from the accounts' present role)."""

from django.db import migrations, models


def marquer(apps, schema_editor):
    # The log refuses updates through its manager (JournalAccesQuerySet): the historical model's
    # plain manager is the migration's way, once.
    apps.get_model("eleves", "JournalAcces")._base_manager.filter(utilisateur__role="psychologue").update(
        par_psychologue=True
    )


class Migration(migrations.Migration):

    dependencies = [
        ("eleves", "0002_demandeacces"),
    ]

    operations = [
        migrations.AddField(
            model_name="journalacces",
            name="par_psychologue",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(marquer, migrations.RunPython.noop),
    ]
