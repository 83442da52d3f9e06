"""« Trust » issue, proof 4 (server side): hostile text in every text field, read back everywhere.

The payloads of ``corpus_hostile`` go first through every form of the product that has a text
field (one POST per form, as the persona who may use it: validation and cleaning run), then
through the ORM into every text field of every row of ``eleves`` and ``aides``. Then the crawl of
tests/securite_canari/test_canaris_psy.py runs as the directeur and the psychologist, every
response examined: pages (no injected element or attribute, no raw markup, no template
evaluated), PDFs (payloads printed as text; no script, embedded file, URI or launch action, no
image) and CSVs (no cell a spreadsheet reads as a formula; parsed back to the same texts).
Each test prints its counts (run with ``-s``).
"""

import csv
import functools
import io
from collections import Counter
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.html import escape
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from aides.models import PresenceSeance
from aides.pdf.csv import DEBUTS_FORMULE, rendre_csv
from aides.pdf.rendu import RessourceRefusee, _fetcher
from aides.services import lien_agenda_creer, seance_supprimer
from eleves.models import AppareilProConnect, Utilisateur, annee_courante_debut
from tests.factories_aides import ActionProgrammeFactory
from tests.factories_parcours import observation_notee, seance_notee
from tests.securite.corpus_hostile import (
    BRUTS,
    CHARGES,
    MARQUEUR,
    champs_texte,
    examiner,
    stocker_partout,
    valeur,
)
from tests.securite.formulaires import donnees, formulaires_post
from tests.securite.matrice import ARGUMENTS, ATTENDU
from tests.securite.monde_complet import arranger
from tests.securite.outils import COLONNES, clients
from tests.securite_canari import test_canaris_psy as canaris
from tests.securite_canari.test_canaris_psy import _contenu, explorer

# Who fills each form: the first of these with a 200 in the matrix.
PREFERENCE = ["maitre_e", "directeur", "enseignant", "psychologue", "circonscription", "admin"]
# The psychologist first: the documents they print hold the most fields (each kind is printed once).
PERSONAS_CRAWL = ["psychologue", "directeur"]
PAGES_LUES = 1  # PDF pages whose text is extracted (pypdf's extraction is the slow part)
# Keys of PDF dictionaries that run something or reach outside the document.
CLES_INTERDITES = {"/JavaScript", "/JS", "/EmbeddedFiles", "/EmbeddedFile", "/URI", "/Launch",
                   "/SubmitForm", "/ImportData", "/RichMedia", "/GoToR", "/OpenAction", "/AA"}


SUPPRESSIONS_AVEC_MOTIF = {"seance_supprimer", "observation_supprimer", "reunion_supprimer", "action_equipe_supprimer"}


def _cote_a(monde):
    cote = arranger(
        ecole=monde.ecole_a, classe=monde.classe_a1, eleve=monde.eleve_a1, enseignant=monde["enseignant"],
        maitre_e=monde["maitre_e"], maitre_g=monde["maitre_g"], psy=monde["psychologue"],
    )
    # Rows of the models the stages above leave empty: an observation, an action, a session.
    jour = timezone.localdate()
    observation_notee(cote.principale, auteur=monde["maitre_e"], date=jour - timedelta(days=4),
                      contenu="Observation.")
    ActionProgrammeFactory(programme=cote.programme, acteur="eleve", description="Relire.")
    seance_notee(monde["maitre_e"], [PresenceSeance(aide=cote.aide_e, observation="Attentif.")],
                 date=jour - timedelta(days=1), duree=45, contenu="Syllabes.")
    # A deletion's reason (Suppression): the côté's session, logged twice, deleted once.
    doublon = seance_notee(monde["maitre_e"], [cote.aide_e], date=cote.seance.date)
    seance_supprimer(seance=doublon, auteur=monde["maitre_e"], motif="Notée deux fois.")
    # The member's calendar link (only its token's fingerprint is stored).
    lien_agenda_creer(utilisateur=monde["maitre_e"])
    # A « mot de passe oublié » asked (only the address's fingerprint is kept).
    Client().post(reverse("mot_de_passe_oublie"), {"email": "inconnu@example.org"})
    # A second factor proved through ProConnect, and an account linked to it.
    AppareilProConnect.objects.create(user=monde["psychologue"], name="ProConnect")
    Utilisateur.objects.filter(pk=monde["psychologue"].pk).update(proconnect_sub="sub-psychologue")
    return cote


def _personne_pour(nom):
    codes = dict(zip(COLONNES, ATTENDU[nom].split(), strict=True))
    return next((p for p in PREFERENCE if codes[p] == "200"), None)


def formulaires_de_la_matrice(cote, les_clients):
    """Each form with a text field on the matrix's HTML pages, as (URL name, persona, client, URL,
    rank on its page, form): what the hostile and the malformed input proofs both send."""
    for nom in ATTENDU:
        personne = _personne_pour(nom)
        # A deletion's confirmation (its one text field is the reason): any text is a valid reason
        # and deletes the record the later forms and the crawl read back; the reason's checks are
        # tests/aides/test_corrections_*.py's.
        if (personne is None or nom in ("connexion", "import_classes") or nom.startswith("otp")
                or nom.endswith(("_pdf", "_csv")) or nom in SUPPRESSIONS_AVEC_MOTIF):
            continue
        client, url = les_clients[personne], reverse(nom, kwargs=ARGUMENTS[nom](cote))
        page = client.get(url)
        if page.status_code != 200 or "text/html" not in page["Content-Type"]:
            continue
        for rang, formulaire in enumerate(formulaires_post(page.content.decode(), url=url)):
            if formulaire.textes:
                yield nom, personne, client, url, rang, formulaire


def envoyer_les_formulaires(monde, cote, les_clients) -> dict:
    """One POST of hostile text per form of the matrix's pages; a form refused for a field the
    payload cannot fill (a date, a postcode) is sent again with a plausible value there."""
    bilan = {"formulaires": 0, "posts": 0, "enregistres": [], "refuses": [], "500": [], "injections": []}
    for nom, personne, client, url, rang, formulaire in formulaires_de_la_matrice(cote, les_clients):
        bilan["formulaires"] += 1
        corriger = set()
        for _essai in range(3):
            data = donnees(formulaire, lambda c: valeur(rang + len(c.nom), c.max_length)[0],
                           corriger=corriger)
            reponse = client.post(url, data)
            bilan["posts"] += 1
            if reponse.status_code >= 500:
                bilan["500"].append(f"{nom} ({personne})")
                break
            if reponse.status_code in (301, 302):
                bilan["enregistres"].append(nom)
                break
            bilan["injections"] += [f"{nom}: {i}" for i in examiner(reponse.content.decode()).injections]
            relus = formulaires_post(reponse.content.decode(), url=url)
            invalides = {c.nom for f in relus for c in f.champs if c.invalide}
            if not invalides - corriger:
                bilan["refuses"].append(nom)
                break
            corriger |= invalides
    return bilan


def _route(chemin: str) -> str | None:
    try:
        return resolve(urlsplit(chemin).path).url_name
    except Resolver404:
        return None


class _ClientExamine(Client):
    """The crawl's client: every answer is examined before the crawl reads it."""

    def __init__(self, documents_vus: set[str]):
        super().__init__()
        self.compte = Counter()
        self.defauts: list[str] = []
        self.textes_pdf: list[str] = []
        self.documents_vus = documents_vus

    def get(self, path, *args, **kwargs):
        route = _route(path)
        if route in self.documents_vus:
            # One document of each kind: rendering every pupil's PDF again proves nothing more.
            return HttpResponse(status=204)
        reponse = super().get(path, *args, **kwargs)
        if reponse.status_code >= 500:
            self.compte["500"] += 1
            self.defauts.append(f"{path}: {reponse.status_code}")
        if reponse.status_code != 200:
            return reponse
        corps = _contenu(reponse)
        if getattr(reponse, "streaming", False):
            reponse.streaming_content = [corps]
        genre = reponse.get("Content-Type", "")
        if "text/html" in genre:
            examen = examiner(corps.decode())
            self.compte["pages"] += 1
            self.compte["pages avec charge"] += MARQUEUR in examen.texte
            self.defauts += [f"page {path}: {i}" for i in examen.injections]
        elif "application/pdf" in genre:
            self.documents_vus.add(route)
            self.compte["pdf"] += 1
            self.defauts += [f"PDF {path}: {d}" for d in defauts_pdf(corps)]
            self.textes_pdf.append(canaris._texte_pdf(corps))
        elif "text/csv" in genre:
            self.documents_vus.add(route)
            self.compte["csv"] += 1
            self.defauts += [f"CSV {path}: {d}" for d in defauts_csv(corps)]
        return reponse


def _debut_pdf(contenu: bytes) -> str:
    pages = PdfReader(io.BytesIO(contenu)).pages[:PAGES_LUES]
    return " ".join(" ".join((p.extract_text() or "") for p in pages).split())


def _objets(valeur_pdf, vus):
    """Every dictionary reachable from ``valeur_pdf`` (indirect objects followed once)."""
    pile = [valeur_pdf]
    while pile:
        v = pile.pop()
        if isinstance(v, IndirectObject):
            if (v.idnum, v.generation) in vus:
                continue
            vus.add((v.idnum, v.generation))
            v = v.get_object()
        if isinstance(v, DictionaryObject):
            yield v
            pile += list(v.values())
        elif isinstance(v, ArrayObject):
            pile += list(v)


def defauts_pdf(contenu: bytes) -> list[str]:
    lecteur = PdfReader(io.BytesIO(contenu))
    defauts = []
    for d in _objets(lecteur.trailer, set()):
        defauts += [f"clé {k}" for k in d.keys() if k in CLES_INTERDITES]
        if d.get("/Subtype") == "/Image":
            defauts.append("image")
        if d.get("/S") in ("/JavaScript", "/Launch", "/URI", "/GoToR"):
            defauts.append(f"action {d['/S']}")
    return sorted(set(defauts))


def defauts_csv(contenu: bytes) -> list[str]:
    texte = contenu.decode("utf-8")
    assert texte.startswith("\ufeff")
    lignes = list(csv.reader(io.StringIO(texte[1:], newline=""), delimiter=";"))
    # Quotes and separators inside a cell are escaped: every row parses to its header's width. A
    # file in blocks (the yearly report: blank lines between blocks, each a title line, a header,
    # rows) has one header per block, its second line.
    defauts, bloc = [], []
    if not any(not ligne for ligne in lignes):
        defauts = [f"ligne de {len(ligne)} cellules" for ligne in lignes if len(ligne) != len(lignes[0])]
        lignes_par_bloc = []
    else:
        lignes_par_bloc = [*lignes, []]
    for ligne in lignes_par_bloc:
        if ligne:
            bloc.append(ligne)
            continue
        defauts += [f"ligne de {len(rangee)} cellules" for rangee in bloc[2:] if len(rangee) != len(bloc[1])]
        defauts += [f"titre de {len(bloc[0])} cellules"] if bloc and len(bloc[0]) > 2 else []
        bloc = []
    return defauts + [f"cellule {c[:20]!r}" for ligne in lignes for c in ligne if c.startswith(DEBUTS_FORMULE)]


@pytest.fixture
def monde_hostile(monde, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cote = _cote_a(monde)
        envois = envoyer_les_formulaires(monde, cote, clients(monde))
    stockage = stocker_partout()
    return cote, envois, stockage


def test_charges_hostiles_stockees_partout_et_relues_sans_effet(monde, monde_hostile, preuve, monkeypatch):
    cote, envois, stockage = monde_hostile
    # The crawl and the examination read the text of each PDF's first pages, once.
    monkeypatch.setattr(canaris, "_texte_pdf", functools.cache(_debut_pdf))
    graines = [reverse(n, kwargs=ARGUMENTS[n](cote)) for n in ARGUMENTS if not n.startswith("admin:")]
    defauts, compte, textes_pdf, documents_vus = [], Counter(), [], set()
    for nom in PERSONAS_CRAWL:
        client = _ClientExamine(documents_vus)
        explorer(client, monde[nom], graines, {})
        compte.update(client.compte)
        defauts += [f"{nom}: {d}" for d in client.defauts]
        textes_pdf += client.textes_pdf
    # The yearly report (CSV and PDF) is the circonscription's: asked for directly.
    client = _ClientExamine(set())
    client.force_login(monde["circonscription"])
    for nom in ("rapport_annuel_csv", "rapport_annuel_pdf"):
        client.get(reverse(nom, kwargs={"debut": annee_courante_debut()}))
    compte.update(client.compte)
    defauts += [f"circonscription: {d}" for d in client.defauts]
    textes_pdf += client.textes_pdf
    # Printed as text: the markup of a payload, whitespace aside (PDF text wraps lines).
    litteral = "<script>alert('pwned-1')</script>"
    pdf_litteraux = sum(litteral in "".join(t.split()) for t in textes_pdf)
    erreurs_500 = compte["500"] + len(envois["500"])
    defauts += envois["injections"]

    preuve(f"[preuve 4] charges : {len(CHARGES)}, champs texte : {len(stockage.champs)}, lignes écrites : "
           f"{stockage.lignes}, charges × champs stockées : {stockage.charges_x_champs}, champs refusés par "
           f"une contrainte de la base : {sorted(stockage.refus_base)}")
    preuve(f"[preuve 4] formulaires envoyés : {envois['formulaires']} ({envois['posts']} POST), enregistrés : "
           f"{len(envois['enregistres'])}, refusés par la validation : {sorted(envois['refuses'])}")
    preuve(f"[preuve 4] pages vérifiées : {compte['pages']} (avec charges : {compte['pages avec charge']}), "
           f"PDF : {compte['pdf']} (charge imprimée en texte : {pdf_litteraux}), CSV : {compte['csv']}, "
           f"erreurs 500 : {erreurs_500}, injections : {len(defauts)}")
    assert not stockage.sans_ligne, f"champs sans ligne à remplir (ajouter une ligne à _cote_a) : {stockage.sans_ligne}"
    assert erreurs_500 == 0, envois["500"] + [d for d in defauts if ": 5" in d]
    assert not defauts, "\n".join(defauts)
    assert len(envois["enregistres"]) >= 15, envois
    assert compte["pages avec charge"] >= 50 and compte["pdf"] >= 10 and compte["csv"] >= 2, compte
    assert pdf_litteraux >= 5, "PDFs must print the payloads as text"


def test_csv_neutralise_les_formules_et_relit_les_memes_textes(preuve):
    document = rendre_csv(["En-tête", "=HYPERLINK(1)"], [[c, c] for c in CHARGES], nom_fichier="essai.csv")
    relu = list(csv.reader(io.StringIO(document.contenu.decode("utf-8")[1:], newline=""), delimiter=";"))
    attendus = [c if not c.startswith(DEBUTS_FORMULE) else "'" + c for c in CHARGES]
    neutralisees = sum(c.startswith(DEBUTS_FORMULE) for c in CHARGES)
    preuve(f"[preuve 4] CSV : {len(CHARGES)} charges relues, {neutralisees} formules neutralisées")
    assert relu[0] == ["En-tête", "'=HYPERLINK(1)"]
    assert [ligne[0] for ligne in relu[1:]] == attendus
    assert not defauts_csv(document.contenu)
    assert neutralisees == 6


def test_champs_texte_couvrent_les_deux_applications(preuve):
    libelles = {c.libelle for c in champs_texte()}
    preuve(f"[preuve 4] champs texte énumérés : {len(libelles)}")
    assert {"eleves.eleve.nom", "aides.demandeaide.difficultes", "aides.conclusionpsy.texte",
            "eleves.responsablelegal.adresse", "aides.actionequipe.theme"} <= libelles
    assert "eleves.utilisateur.password" not in libelles


def test_examen_reconnait_une_charge_non_echappee():
    """The examination is not blind: each markup payload, pasted raw into a page, is caught."""
    page = "<html><body><p>{}</p><textarea>{}</textarea><input value=\"{}\"></body></html>"
    non_vues = [b for b in BRUTS if not examiner(page.format(b, b, b)).injections]
    echappees = [b for b in CHARGES if examiner(page.format(*[escape(b)] * 3)).injections]
    assert not non_vues, non_vues
    assert not echappees, echappees
    assert examiner("<p>tpl-49-tpl</p>").injections


@pytest.mark.parametrize("adresse", ["https://pwned.invalid/x.png", "file:///etc/passwd", "http://127.0.0.1/",
                                     "https://rased.invalid/static/../../etc/passwd"])
def test_le_rendu_pdf_ne_charge_que_les_fichiers_statiques(adresse):
    """Images and styles of a PDF come from ``data:`` URLs and the project's static files only."""
    with pytest.raises(RessourceRefusee):
        _fetcher().fetch(adresse)
