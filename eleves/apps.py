from django.apps import AppConfig


class ElevesConfig(AppConfig):
    name = "eleves"
    verbose_name = "Écoles, classes et élèves"

    def ready(self):
        from eleves.historique import enregistrer_modeles  # app registry: imports the models

        enregistrer_modeles()
