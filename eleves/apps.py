from django.apps import AppConfig
from django.db.backends.signals import connection_created

from eleves.alphabetique import installer_sur_sqlite


class ElevesConfig(AppConfig):
    name = "eleves"
    verbose_name = "Écoles, classes et élèves"

    def ready(self):
        from eleves.historique import enregistrer_modeles  # app registry: imports the models

        enregistrer_modeles()
        # SQLite (the demo) learns the French collation PostgreSQL has from eleves/0016.
        connection_created.connect(installer_sur_sqlite, dispatch_uid="eleves.alphabetique")
