from django.apps import AppConfig


class AidesConfig(AppConfig):
    name = "aides"
    verbose_name = "Aides RASED"

    def ready(self):
        from aides.historique import enregistrer_modeles  # app registry: imports the models

        enregistrer_modeles()
