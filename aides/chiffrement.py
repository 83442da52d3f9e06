"""Text columns encrypted at rest: what a psychologist writes (DOMAIN.md, professional secrecy).

The stored values are Fernet tokens (django-fernet-encrypted-fields): a dump of the database
shows none of the text. The key is derived from ``SECRET_KEY`` and ``SALT_KEY`` (the environment
variable ``CLE_CHIFFREMENT``), both outside the database; ``rased/settings.py`` says how to
rotate them. Such a column cannot be searched, filtered or ordered on in SQL (each token is
random): only emptiness is visible, on purpose (``""`` stays ``""``).

Departures from the library, on purpose:
- an empty text is stored as ``""``, not NULL (the library's NULL breaks the NOT NULL columns);
- the keys are derived once per process for all the fields, not once per field (100,000
  PBKDF2 rounds each), and follow ``override_settings`` in tests;
- a JSON document is encrypted whole (``JSONChiffre``): the library's ``EncryptedJSONField``
  encrypts each leaf as a string, so numbers and null would come back as text;
- a score is a ``DecimalChiffre`` (the library has no decimal field), 0 included.
A value that is not a token (a row written before the encryption) is read as it is; the
migration ``aides/0002`` re-saves those rows. After a key rotation, ``manage.py rechiffrer``
re-encrypts every column with the new key, so that the former one can be removed.
"""

import base64
import functools
import json
from decimal import Decimal

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.pbkdf2 import PBKDF2HMAC
from django.apps import apps
from django.conf import settings
from django.db import models
from encrypted_fields.fields import EncryptedCharField, EncryptedFieldMixin, EncryptedTextField


@functools.cache
def _fernet(secrets: tuple[str, ...], sels: tuple[str, ...]) -> MultiFernet:
    """The first key encrypts, all decrypt; same derivation and order as the library."""
    cles = []
    for secret in secrets:
        for sel in sels:
            kdf = PBKDF2HMAC(algorithm=hashes.SHA256(), length=32, salt=sel.encode(), iterations=100_000)
            cles.append(Fernet(base64.urlsafe_b64encode(kdf.derive(secret.encode()))))
    return MultiFernet(cles)


def cles() -> tuple[MultiFernet, MultiFernet]:
    """(the key that encrypts, every key that decrypts) under the current settings: the first
    salt with ``SECRET_KEY``, then every pair of ``SECRET_KEY`` (and fallbacks) × salt."""
    sels = settings.SALT_KEY if isinstance(settings.SALT_KEY, list) else [settings.SALT_KEY]
    secrets = (settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", []))
    return _fernet(secrets[:1], tuple(sels[:1])), _fernet(tuple(secrets), tuple(sels))


def colonnes_chiffrees() -> list[tuple[type[models.Model], models.Field]]:
    """Every encrypted column of the project, as (model, field)."""
    return [(modele, champ) for modele in apps.get_models() for champ in modele._meta.concrete_fields
            if isinstance(champ, EncryptedFieldMixin)]


class _CleCommune:
    @property
    def f(self) -> MultiFernet:
        return cles()[1]

    def get_prep_value(self, value):
        if value == "":
            return ""
        return super().get_prep_value(value)

    def clean(self, value, model_instance):
        # The library flags the field (shared by every thread) while it cleans a value, and a
        # concurrent read would then return the token undecrypted: skip that flag. A typed text
        # is not a token of our keys, so to_python leaves it as it is.
        return super(EncryptedFieldMixin, self).clean(value, model_instance)


class TexteChiffre(_CleCommune, EncryptedTextField):
    pass


class ChaineChiffree(_CleCommune, EncryptedCharField):
    """A CharField whose ``max_length`` bounds the text typed; the column is ``text`` (a token
    is longer: about 4/3 of the text's bytes plus 100)."""


class JSONChiffre(_CleCommune, EncryptedTextField):
    """A JSON document (dicts, lists, strings, numbers, null) encrypted as one token."""

    def get_prep_value(self, value):
        if value is None:
            return None
        return super().get_prep_value(json.dumps(value))

    def from_db_value(self, value, expression, connection):
        texte = super().from_db_value(value, expression, connection)
        return None if texte in (None, "") else json.loads(texte)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))


class DecimalChiffre(_CleCommune, EncryptedFieldMixin, models.DecimalField):
    """A score (a test result is secret too), stored as its text rounded to ``decimal_places``
    then encrypted; 0 is a score, not an empty value (the library would store NULL)."""

    def to_python(self, value):
        # A token (or a pre-encryption text) is decrypted first; a number becomes a Decimal,
        # which the library would leave as it is (an int fails the digits validator).
        if isinstance(value, str):
            return super().to_python(value)
        return models.DecimalField.to_python(self, value)

    def get_prep_value(self, value):
        value = models.DecimalField.to_python(self, value)
        if value is None:
            return None
        texte = str(value.quantize(Decimal(1).scaleb(-self.decimal_places)))
        return self.f.encrypt(texte.encode()).decode()
