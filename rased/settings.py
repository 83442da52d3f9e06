"""Settings of rased, read from the environment (see README.md, « Production »).

Nothing here is a secret: production values come from environment variables,
read by the strict helpers of ``rased.env`` that refuse malformed values.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from rased.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY est obligatoire hors mode développement (DJANGO_DEBUG=1)."
        )
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"
# Former keys, still accepted (signatures, sessions, encrypted columns) while rotating SECRET_KEY.
SECRET_KEY_FALLBACKS = env_list("SECRET_KEY_FALLBACKS", [])

# The psychologist's text columns are encrypted (rased/chiffrement.py) with keys derived from
# SECRET_KEY (and its fallbacks) and these salts, kept outside the database. The first salt
# encrypts, the others still decrypt: to rotate, put a new one first, run
# `manage.py rechiffrer`, then drop the old one (`manage.py rechiffrer --verifier` says when).
SALT_KEY = env_list("CLE_CHIFFREMENT", [])
if not SALT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "CLE_CHIFFREMENT est obligatoire hors mode développement (DJANGO_DEBUG=1) : "
            "elle chiffre les écrits du psychologue dans la base."
        )
    SALT_KEY = ["dev-only-encryption-salt-never-use-in-production"]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks_db",
    "eleves",
    "aides",
]

MIDDLEWARE = [
    "rased.middleware.adresse_du_client",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise on purpose: static files stay cacheable, every page is not.
    "rased.middleware.no_store",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "rased.middleware.session_absolute_limit",
    # The drafts kept in the browser that a save confirmed (static/js/brouillons.js).
    "rased.middleware.brouillons_enregistres",
    # After the absolute limit: an expired session signs out rather than asking for a code.
    "eleves.double_authentification.double_authentification",
    "auditlog.middleware.AuditlogMiddleware",
    # The policy's « not now » (aides.rules.verifier) as a message on the object's page.
    "aides.middleware.EtatRefuseMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rased.urls"
WSGI_APPLICATION = "rased.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # French wording (elision, agreement, durations) in every template, pages and PDFs.
            "builtins": ["rased.templatetags.francais"],
        },
    },
]

# SQLite file by default (the demo needs no server); PostgreSQL from DATABASE_URL.
# Persistent connections: a new PostgreSQL connection costs about 11 ms of CPU.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        conn_health_checks=True,
    )
}
# Parameters bound by the server let psycopg prepare a query run 5 times on a connection:
# PostgreSQL then reuses its plan. Planning the pages' scoped queries (visibility subqueries,
# up to 8 joins) cost more than running them: 59 → 46 ms for a request's page (docs/
# performance.md). A pooler in transaction mode (PgBouncer < 1.21) needs
# DATABASE_REQUETES_PREPAREES=0.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_REQUETES_PREPAREES", True
):
    DATABASES["default"]["OPTIONS"] = {"server_side_binding": True, "prepare_threshold": 5}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "eleves.Utilisateur"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# « Mot de passe oublié »: the link is valid 30 minutes; at most 5 requests an hour per address typed
# (20 per client address).
PASSWORD_RESET_TIMEOUT = 30 * 60
REINITIALISATION_PAR_HEURE = 5
LOGIN_URL = "connexion"
LOGIN_REDIRECT_URL = "accueil"
LOGOUT_REDIRECT_URL = "connexion"

# Five failures lock the pair (username, address) for 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/verrouille.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Only password sign-ins count (ProConnect's return carries no password to guess).
AXES_WHITELIST_CALLABLE = "eleves.proconnect.tentative_sans_mot_de_passe"

# Two-factor authentication (django-otp: an authenticator application, or single-use backup
# codes) for the RASED, the circonscription, administrators and superusers; see
# eleves/double_authentification.py.
# On unless set to 0: only the demo (`make run`) turns it off.
DOUBLE_AUTHENTIFICATION = env_bool("DOUBLE_AUTHENTIFICATION", True)
# Directeurs choose a second factor on « Mon compte »; 1 imposes it on every directeur.
DOUBLE_AUTHENTIFICATION_DIRECTEURS = env_bool("DOUBLE_AUTHENTIFICATION_DIRECTEURS", False)
DOUBLE_AUTHENTIFICATION_NB_CODES_SECOURS = 10
OTP_TOTP_ISSUER = "rased"
# After n failed codes a device waits 2^(n-1) seconds before it checks another one.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
# Django's admin must not list the TOTP secrets should those models ever be registered.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Sessions: 30 minutes idle (the cookie is renewed at each request), 10 hours in all.
SESSION_COOKIE_AGE = 30 * 60
# Idle limit: renewed by activity, the session being written at most once a minute
# (rased.middleware.session_absolute_limit) rather than at every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_EVERY = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_ABSOLUTE_LIMIT = timedelta(hours=10)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    # Bootstrap draws its form arrows and toggler icons as data: SVG images.
    "img-src": [CSP.SELF, "data:"],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}

# ProConnect, the State's OpenID Connect federation (académies are its identity providers), as a
# second way to sign in; off unless PROCONNECT_CLIENT_ID is set (docs/deploiement.md « ProConnect »).
# eleves/proconnect.py gives mozilla-django-oidc its settings from these.
PROCONNECT_CLIENT_ID = env_str("PROCONNECT_CLIENT_ID", "")
PROCONNECT_CLIENT_SECRET = env_str("PROCONNECT_CLIENT_SECRET", "")
# The provider's address, its endpoints' common prefix (https://auth.proconnect.gouv.fr/api/v2).
PROCONNECT_URL = env_str("PROCONNECT_URL", "").rstrip("/")
# Who may come in: the identity providers (ProConnect's ``idp_id``) and the e-mail domains accepted;
# when both are set, both must match.
PROCONNECT_FOURNISSEURS_IDENTITE = env_list("PROCONNECT_FOURNISSEURS_IDENTITE", [])
PROCONNECT_DOMAINES = [domaine.lower() for domaine in env_list("PROCONNECT_DOMAINES", [])]
# ProConnect sends no ``email_verified``: its identity providers vouch for the addresses. With this
# on, an address without the claim links an account at its first ProConnect sign-in (an explicit
# ``false`` never does); off, only an administrator's ``proconnect_sub`` links it.
PROCONNECT_ADRESSES_GARANTIES = env_bool("PROCONNECT_ADRESSES_GARANTIES", True)
PROCONNECT_ACTIF = bool(PROCONNECT_CLIENT_ID)
if PROCONNECT_ACTIF:
    # The tokens and the keys come over HTTPS (plain HTTP only for a test provider in development).
    _schemas = ("https://", "http://") if DEBUG else ("https://",)
    if not PROCONNECT_CLIENT_SECRET or not PROCONNECT_URL.startswith(_schemas):
        raise ImproperlyConfigured(
            "PROCONNECT_CLIENT_ID demande aussi PROCONNECT_CLIENT_SECRET et PROCONNECT_URL en https "
            "(https://auth.proconnect.gouv.fr/api/v2 par exemple)."
        )
    if not PROCONNECT_FOURNISSEURS_IDENTITE and not PROCONNECT_DOMAINES:
        raise ImproperlyConfigured(
            "PROCONNECT_CLIENT_ID demande PROCONNECT_FOURNISSEURS_IDENTITE ou PROCONNECT_DOMAINES : "
            "les agents de quels fournisseurs d'identité ou de quels domaines peuvent se connecter."
        )
    AUTHENTICATION_BACKENDS.append("eleves.proconnect.ProConnectBackend")

LANGUAGE_CODE = "fr-fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files made by the application (batch prints, aides/impressions.py) go through the storage API:
# the file system under MEDIA_ROOT by default, never served as /media/ (a view checks the rights);
# for several hosts, a volume all of them mount there, or an S3 bucket (docs/deploiement.md).
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Several hosts: the files in an S3-compatible bucket, private, read back by the download view
# (needs `pip install "django-storages[s3]"`, not a dependency of the project; docs/deploiement.md § 13).
if STOCKAGE_S3_BUCKET := env_str("STOCKAGE_S3_BUCKET", ""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": STOCKAGE_S3_BUCKET,
            "endpoint_url": env_str("STOCKAGE_S3_ENDPOINT", None),
            "region_name": env_str("STOCKAGE_S3_REGION", None),
            "access_key": env_str("STOCKAGE_S3_ACCESS_KEY", None),
            "secret_key": env_str("STOCKAGE_S3_SECRET_KEY", None),
            "location": "rased",
            "default_acl": "private",
            "file_overwrite": False,
        },
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail (Django 6.1 mailers): SMTP configured from the environment, console in development.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
        if DEBUG
        else "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {}
        if DEBUG
        else {
            "host": env_str("EMAIL_HOST", "localhost"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER", ""),
            "password": env_str("EMAIL_HOST_PASSWORD", ""),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        },
    }
}
# Long or fallible work (e-mail, documents) runs on a task queue kept in the database (django-tasks-db:
# PostgreSQL in production, SQLite in the demo, no other server); `manage.py travailleur` runs it.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default", "courriels", "documents"],
    }
}
# A failed e-mail is tried again after each of these delays in turn (seconds): 1 min, 5 min, 30 min,
# 2 h, 6 h; then it is marked failed for the administrator (rased/courriels.py).
COURRIELS_DELAIS_NOUVELLE_TENTATIVE = [
    int(d) for d in env_list("COURRIELS_DELAIS_NOUVELLE_TENTATIVE", ["60", "300", "1800", "7200", "21600"])
]
# A task « en cours » for longer than this was abandoned by a dead worker (rased/taches.py).
TACHES_DUREE_MAXIMALE = env_int("TACHES_DUREE_MAXIMALE", 15 * 60)
# How often a running worker looks for tasks abandoned by a dead one (seconds).
TACHES_REPRISE_INTERVALLE = env_int("TACHES_REPRISE_INTERVALLE", 60)
# A batch print's file is kept this many hours, then deleted by `manage.py purge`.
IMPRESSIONS_CONSERVATION_HEURES = env_int("IMPRESSIONS_CONSERVATION_HEURES", 48)
# At most this many pupils in one batch print.
IMPRESSIONS_MAX_ELEVES = env_int("IMPRESSIONS_MAX_ELEVES", 400)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "rased@localhost")
# The address of the site, for the links in e-mails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# CSV class lists: larger files are refused before being read.
IMPORT_CSV_MAX_BYTES = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024

PAGINATION_ELEVES = 25

# « Ma semaine »: travel time between two schools when neither the member nor the admin set one.
TEMPS_TRAJET_PAR_DEFAUT_MINUTES = env_int("TEMPS_TRAJET_PAR_DEFAUT_MINUTES", 20)

RETENTION_ANNEES_SCOLAIRES = env_int("RETENTION_ANNEES_SCOLAIRES", 1)  # pupil files kept after the last aid / leaving
RETENTION_JOURNAL_MOIS = 12  # access-log entries older than this are purged

# Change history (django-auditlog): a masked field keeps no trace of its value, not even half
# of it (the library's default mask leaves the second half readable).
AUDITLOG_MASK_CALLABLE = "rased.historique.masquer"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
