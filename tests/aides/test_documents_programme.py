"""The programme personnalisé PDF: scope, content, reproducibility, safety, access log."""

import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from aides.enums import TypeAide
from aides.models import Objectif, Programme
from aides.pdf.rendu import BASE_URL, RessourceRefusee, _fetcher, typographie_francaise
from aides.services import (
    programme_nouvelle_version,
)
from eleves.models import JournalAcces
from tests.conftest import PERSONAS
from tests.factories_aides import ActionProgrammeFactory, ObjectifFactory
from tests.factories_parcours import aide_en_cours, programme_valide


def texte_pdf(contenu: bytes) -> str:
    """The PDF's text with white space folded (table cells wrap lines)."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(contenu)).pages).split())


@pytest.fixture
def programme(monde, demande_envoyee):
    aide = aide_en_cours(demande_envoyee, TypeAide.E, monde["maitre_e"], motif="x", accord_le=date(2026, 11, 5),
                         debut=date(2026, 11, 9))
    return programme_valide(aide, avis_famille="D'accord pour l'aide.", objectifs=[{
        "intitule": "Décoder les syllabes complexes", "critere": "Lit 20 syllabes en une minute",
        "responsable": "Maître E"}], actions=[{"acteur": "famille", "description": "Lecture du soir"}])


def _pdf(client, programme):
    return client.get(reverse("programme_pdf", args=[programme.pk]))


def test_programme_pdf_contenu_entete_et_signatures(client, monde, programme):
    client.force_login(monde["enseignant"])
    response = _pdf(client, programme)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'inline; filename="programme-{programme.pk}-v1.pdf"'
    texte = texte_pdf(response.content)
    for attendu in ("Lyon Nord", "École Jean Jaurès", "Léa PETIT", "Décoder les syllabes complexes",
                    "Lit 20 syllabes en une minute", "Lecture du soir", "D'accord pour l'aide.",
                    "La famille", "Le directeur", "page 1 / 1", "Imprimé le"):
        assert attendu in texte, attendu
    entree = JournalAcces.objects.get()
    assert (entree.utilisateur, entree.eleve, entree.action) == (monde["enseignant"], monde.eleve_a1, "impression")


def test_programme_pdf_identique_apres_modifications(client, monde, programme):
    client.force_login(monde["maitre_e"])
    avant = texte_pdf(_pdf(client, programme).content)
    eleve = monde.eleve_a1
    eleve.nom = "Renommé"
    eleve.save()
    Objectif.objects.filter(programme=programme).update(intitule="Changé après signature")
    monde.ecole_a.nom = "École renommée"
    monde.ecole_a.save()
    apres = texte_pdf(_pdf(client, programme).content)
    assert avant.split("Imprimé le")[0] == apres.split("Imprimé le")[0]
    assert "Changé après signature" not in apres


def test_programme_brouillon_sans_pdf(client, monde, programme):
    brouillon = programme_nouvelle_version(programme=programme, auteur=monde["maitre_e"], debut=date(2027, 1, 4))
    client.force_login(monde["maitre_e"])
    assert _pdf(client, brouillon).status_code == 404


ATTENDU = {"enseignant": 200, "directeur": 200, "maitre_e": 200, "maitre_g": 200, "psychologue": 200,
           "circonscription": 200, "admin": 404, "enseignant_autre_ecole": 404, "rased_autre_secteur": 404,
           "autre_circonscription": 404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_programme_pdf_selon_le_role(client, monde, programme, persona):
    client.force_login(monde[persona])
    assert _pdf(client, programme).status_code == ATTENDU[persona]
    assert JournalAcces.objects.exists() == (ATTENDU[persona] == 200)


def test_programme_pdf_anonyme_redirige(client, programme):
    assert _pdf(client, programme).status_code == 302


def test_texte_hostile_imprime_tel_quel(client, monde, programme):
    hostile = '<script>alert(1)</script><img src="file:///etc/passwd">'
    Programme.objects.filter(pk=programme.pk).update(instantane=None, avis_eleve=hostile)
    client.force_login(monde["maitre_e"])
    texte = texte_pdf(_pdf(client, programme).content)
    assert "<script>alert(1)</script>" in texte
    assert 'file:///etc/passwd' in texte
    assert "root:" not in texte


def test_le_fetcher_refuse_fichiers_et_reseau():
    fetcher = _fetcher()
    for url in ("file:///etc/passwd", "http://example.org/x.png", "https://rased.invalid/static/../../etc/passwd"):
        with pytest.raises(RessourceRefusee):
            fetcher.fetch(url)
    assert fetcher.fetch("https://rased.invalid/static/css/impression.css").read().startswith(b"/*")


def test_le_fetcher_lit_les_noms_hashes_de_static_root(settings, tmp_path):
    """In production the manifest storage names the stylesheet ``css/impression.<hash>.css``:
    only STATIC_ROOT holds it, and the PDFs must still get their print stylesheet."""
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "impression.0123456789ab.css").write_text("/* collectée */")
    (tmp_path.parent / "hors-static.css").write_text("secret")
    settings.STATIC_ROOT = str(tmp_path)
    fetcher = _fetcher()
    assert fetcher.fetch("https://rased.invalid/static/css/impression.0123456789ab.css").read() == b"/* collect\xc3\xa9e */"
    for url in ("https://rased.invalid/static/css/absente.css", "https://rased.invalid/static/%2e%2e/hors-static.css"):
        with pytest.raises(RessourceRefusee):
            fetcher.fetch(url)


def test_une_image_file_n_est_jamais_embarquee(tmp_path):
    from weasyprint import HTML  # slow import (0.85 s): not at collection

    secret = tmp_path / "secret.svg"
    secret.write_text('<svg xmlns="http://www.w3.org/2000/svg"><text>SECRET-7f3a</text></svg>')
    html = f'<html lang="fr"><title>x</title><img src="file://{secret}" alt="x"><img src="{secret}" alt="y"></html>'
    contenu = HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher()).write_pdf()
    assert "SECRET-7f3a" not in texte_pdf(contenu)
    assert b"SECRET" not in contenu


@pytest.mark.parametrize("avec_instantane", [True, False])
def test_programme_pdf_nombre_de_requetes_constant(client, monde, programme, avec_instantane):
    client.force_login(monde["maitre_e"])

    def mesurer():
        if not avec_instantane:
            Programme.objects.filter(pk=programme.pk).update(instantane=None)
        _pdf(client, programme)
        with CaptureQueriesContext(connection) as requetes:
            _pdf(client, programme)
        return len(requetes)

    peu = mesurer()
    for i in range(10):
        ObjectifFactory(programme=programme, domaine="1.3", intitule=f"O{i}", critere="c", responsable="r")
        ActionProgrammeFactory(programme=programme, acteur="eleve", description=f"A{i}")
    assert mesurer() == peu


def test_lien_vers_le_pdf_depuis_la_page_du_programme(client, monde, programme):
    client.force_login(monde["enseignant"])
    page = client.get(reverse("programme_detail", args=[programme.pk])).content.decode()
    assert reverse("programme_pdf", args=[programme.pk]) in page


def test_typographie_francaise_dans_le_texte_seulement():
    html = '<p title="a :b">Élève : Léa ; « oui » ! Vraiment ? 10:30</p>'
    assert typographie_francaise(html) == (
        '<p title="a :b">Élève\u00a0: Léa\u202f; «\u202foui\u202f»\u202f! Vraiment\u202f? 10:30</p>'
    )


def test_pdf_balise_accessible_langue_titre_polices_embarquees(client, monde, programme):
    client.force_login(monde["maitre_e"])
    lecteur = PdfReader(io.BytesIO(_pdf(client, programme).content))
    catalogue = lecteur.trailer["/Root"]
    assert catalogue["/Lang"] == "fr"
    assert "/StructTreeRoot" in catalogue and catalogue["/MarkInfo"]["/Marked"]
    assert lecteur.metadata.title == "Programme personnalisé — version 1"
    polices = [
        police.get_object()["/FontDescriptor"]
        for page in lecteur.pages
        for police in page["/Resources"]["/Font"].values()
        if "/FontDescriptor" in police.get_object()
    ] or [
        descendant.get_object()["/FontDescriptor"]
        for page in lecteur.pages
        for police in page["/Resources"]["/Font"].values()
        for descendant in police.get_object().get("/DescendantFonts", [])
    ]
    assert polices and all(any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in polices)
