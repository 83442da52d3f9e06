"""« A link the page shows must open » (issue 11): every persona of tests/securite/monde_complet.py
crawls the pages it may open, and every link of those pages answers something else than a 404 to it.

The world has, besides its three sides, two pupils who left: Paul, whose teacher filed a
request before he moved to another class (the request stays hers, his file no longer does), and
Zoé, who had a session with the maître E before she moved to a school outside his secteur (the
session stays in his list, her pages no longer open to him).
"""

from collections import deque
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from aides.enums import ActeConsentement, TypeAide
from aides.models import Aide, Consentement, DemandeAide, PresenceSeance, Seance
from aides.services import (
    aide_demarrer,
    consentement_enregistrer,
    demande_decider,
    demande_enregistrer,
    demande_envoyer,
    seance_enregistrer,
)
from eleves.models import Inscription
from tests.conftest import PERSONAS
from tests.factories import eleve_inscrit
from tests.securite.matrice import ARGUMENTS, ATTENDU
from tests.securite.monde_complet import arranger_tout
from tests.securite.outils import COLONNES
from tests.securite_canari.test_canaris_psy import _Liens, _normaliser

LIMITE_PAGES = 400


def _demande_envoyee(monde, eleve) -> DemandeAide:
    informee_le = timezone.localdate() - timedelta(days=30)
    demande = demande_enregistrer(demande=DemandeAide(
        domaines=["1.1"], difficultes="Lecture.", famille_informee_le=informee_le,
        famille_informee_par="rencontre", motif_autre_demande="Une autre difficulté."),
        auteur=monde["enseignant"], eleve=eleve)
    demande_envoyer(demande=demande, auteur=monde["enseignant"])
    return demande


def _parti_de_la_classe(monde):
    """Paul Parti, whose teacher filed (and sent) a request, then moved to classe A2."""
    eleve = eleve_inscrit(monde.classe_a1, nom="Parti", prenom="Paul")
    _demande_envoyee(monde, eleve)
    Inscription.objects.filter(eleve=eleve).update(classe=monde.classe_a2, niveau="CM1")
    return eleve


def _partie_du_secteur(monde):
    """Zoé Partie, helped by the maître E (one session), then moved to école B (secteur 2)."""
    eleve = eleve_inscrit(monde.classe_a1, nom="Partie", prenom="Zoé")
    maitre_e, jour = monde["maitre_e"], timezone.localdate()
    demande = _demande_envoyee(monde, eleve)
    demande_decider(demande=demande, auteur=maitre_e, decision="aide", motif="Décodage.",
                    intervenants={TypeAide.E: maitre_e})
    consentement_enregistrer(demande=demande, auteur=maitre_e, consentement=Consentement(
        acte=ActeConsentement.AIDE_E_G, accorde=True, date=jour - timedelta(days=25),
        titulaires="deux", forme="ecrit"))
    aide = Aide.objects.get(demande=demande)
    aide_demarrer(aide=aide, auteur=maitre_e, debut=jour - timedelta(days=20))
    seance = Seance(date=jour - timedelta(days=1), duree=45, contenu="Syllabes.")
    seance_enregistrer(intervenant=maitre_e, seance=seance, presences=[PresenceSeance(aide=aide)])
    Inscription.objects.filter(eleve=eleve).update(classe=monde.classe_b1)
    return eleve


def _graines(persona, cote) -> list[str]:
    """Home, and every page of the matrix this persona opens (on side A, the matrix's side)."""
    codes = {nom: dict(zip(COLONNES, ligne.split(), strict=True))[persona]
             for nom, ligne in ATTENDU.items()}
    return ["/", *(reverse(nom, kwargs=ARGUMENTS[nom](cote)) for nom, code in codes.items()
                   if code == "200" and not nom.startswith("admin:"))]


def liens_morts(client, graines) -> tuple[list[str], int, set[str]]:
    """Breadth-first crawl from ``graines`` as ``client``: (links answering 404 with the page that
    shows them, pages read, URLs asked). The admin (``/gestion/``) is checked, not crawled."""
    file, vus, morts, pages = deque((url, None) for url in graines), set(), [], 0
    while file and len(vus) < LIMITE_PAGES:
        url, origine = file.popleft()
        if url in vus:
            continue
        vus.add(url)
        reponse = client.get(url)
        if reponse.status_code == 404 and origine is not None:
            morts.append(f"{url} (lien de {origine})")
        if reponse.status_code in (301, 302) and (suite := _normaliser(url, reponse["Location"])):
            file.append((suite, origine))
        if (reponse.status_code != 200 or "text/html" not in reponse.get("Content-Type", "")
                or url.startswith("/gestion/")):
            continue
        pages += 1
        lecteur = _Liens()
        lecteur.feed(reponse.content.decode())
        file.extend((suite, url) for href in lecteur.liens if (suite := _normaliser(url, href)))
    assert len(vus) < LIMITE_PAGES, "crawl cut short: raise LIMITE_PAGES"
    return morts, pages, vus


@pytest.fixture
def sans_mise_en_page_pdf(monkeypatch):
    """A PDF link is checked for its answer, not its layout: WeasyPrint's part is skipped."""
    import weasyprint  # slow import: only this test needs it patched

    monkeypatch.setattr(weasyprint.HTML, "write_pdf", lambda self, *a, **k: b"%PDF-1.7\n%%EOF\n")


def test_chaque_lien_montre_s_ouvre_pour_qui_le_voit(monde, sans_mise_en_page_pdf, preuve):
    cote = arranger_tout(monde)["A"]
    parti, partie = _parti_de_la_classe(monde), _partie_du_secteur(monde)
    morts, pages, liens, vus = {}, 0, 0, {}
    for persona in PERSONAS:
        client = Client()
        client.force_login(monde[persona])
        morts[persona], lues, vus[persona] = liens_morts(client, _graines(persona, cote))
        pages, liens = pages + lues, liens + len(vus[persona])
    preuve(f"[liens] personas : {len(PERSONAS)}, pages lues : {pages}, adresses vérifiées : "
           f"{liens}, liens morts : {sum(map(len, morts.values()))}")
    assert not any(morts.values()), "\n".join(f"{p}: {m}" for p, ms in morts.items() for m in ms)
    assert pages > 100
    # The crawl read the teacher's request for the pupil who left (its link was the dead one).
    assert reverse("demande_detail", args=[parti.demandes.get().pk]) in vus["enseignant"]
    assert reverse("eleve_detail", args=[parti.pk]) not in vus["enseignant"]
    assert reverse("eleve_detail", args=[monde.eleve_a1.pk]) in vus["enseignant"]
    # And the maître E's sessions, which named the pupil who left his secteur.
    assert reverse("seance_liste") in vus["maitre_e"]
    assert reverse("eleve_seances", args=[partie.pk]) not in vus["maitre_e"]
