"""Production settings for the access-log run (tests/navigateur/test_journal_serveur.py), with one
change: static files are served from the sources (no collectstatic: it costs about 40 s)."""

from rased.settings import *  # noqa: F403
from rased.settings import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
WHITENOISE_USE_FINDERS = True
