"""Settings of the load test (``bench/charge.py``): the production settings, read from the
environment as in production, plus the floor page's URL and template. Never used in production."""

from rased.settings import *
from rased.settings import BASE_DIR, TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]
