from django.apps import AppConfig


class ElevesConfig(AppConfig):
    name = "eleves"
    verbose_name = "Écoles, classes et élèves"
