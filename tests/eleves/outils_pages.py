"""Small helpers to read the pages the test client returns (text, links, query counts)."""

import re
from html.parser import HTMLParser

from django.db import connection
from django.test.utils import CaptureQueriesContext

ATTRIBUTS_URL = {"href", "src", "action", "formaction"}


class _Lecteur(HTMLParser):
    def __init__(self):
        super().__init__()
        self.morceaux: list[str] = []
        self.urls: list[str] = []
        self._ignore = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self._ignore += 1
        self.urls.extend(v for k, v in attrs if k in ATTRIBUTS_URL and v is not None)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self._ignore -= 1

    def handle_data(self, data):
        if not self._ignore:
            self.morceaux.append(data)


def _lire(response) -> _Lecteur:
    lecteur = _Lecteur()
    lecteur.feed(response.content.decode())
    lecteur.close()
    return lecteur


def texte(response) -> str:
    """The visible text of the page, spaces collapsed: ``"2 écoles 3 classes cette année"``."""
    return " ".join(" ".join(_lire(response).morceaux).split())


def urls(response) -> list[str]:
    """Every URL the page links to or posts to (href, src, action)."""
    return _lire(response).urls


def liens_eleves(response) -> list[str]:
    """Links to pupils' files (``/eleves/<id>/``) in the page."""
    return [u for u in urls(response) if re.fullmatch(r"/eleves/\d+/", u)]


def sans_jeton_csrf(response) -> str:
    """The body without the CSRF token, which is masked differently at every rendering."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def nb_requetes(client, url) -> int:
    with CaptureQueriesContext(connection) as requetes:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(requetes.captured_queries)
