from django.apps import AppConfig


class AidesConfig(AppConfig):
    name = "aides"
    verbose_name = "Aides RASED"

    def ready(self):
        from rased.historique import enregistrer_modeles

        enregistrer_modeles()
