"""PDF layout: a signature block, a visa or a reply slip never stands alone on a page, and the
fiche de suivi ends its shared part with the visas of the directeur and the IEN.

A document is rendered again and again, its last free text one line group longer each time, so
that the page boundary sweeps across the block: at every length the block's text shares its page
with the text printed just before it (static/css/impression.css: the break before the block is
avoided, so the end of what precedes goes over with it). Without those rules, the sweep finds
lengths where the block sits alone at the top of a page (checked when the rules were written).
"""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from aides.enums import TypeAide
from aides.pdf.courriers import donnees_courrier
from aides.pdf.demande import donnees_demande
from aides.pdf.programme import donnees_programme
from aides.pdf.rendu import rendre_pdf
from aides.pdf.suivi import donnees_fiche_suivi
from aides.selectors.documents import LecturesCourrier, fiche_suivi_lue
from tests.factories import ResponsableLegalFactory
from tests.factories_parcours import aide_en_cours, observation_notee, programme_valide

# Each step adds 3 lines: fewer than any block spans, so some length puts the page's end just
# before the block. 24 steps cover more than a page of lines.
PAS, ETAPES = 3, 24


def pages_pdf(contenu: bytes) -> list[str]:
    """Each page's text, white space folded."""
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(contenu)).pages]


def page_de(pages: list[str], texte: str) -> int:
    """The one page holding ``texte``."""
    trouvees = [i for i, page in enumerate(pages) if texte in page]
    assert len(trouvees) == 1, (texte, trouvees)
    return trouvees[0]


def _lignes(n: int, marque: str) -> str:
    """``n`` lines of a free text, the last one marked."""
    return "\n".join([f"Ligne {i} : une observation de la classe, assez longue pour la page." for i in range(n)]
                     + [marque])


def _balayer(rendre, verifier) -> int:
    """Render at each length, check, and return how many lengths pushed the block past page 1."""
    apres_la_premiere_page = 0
    for etape in range(ETAPES):
        marque = f"DERNIERE-LIGNE-{etape}"
        pages = pages_pdf(rendre(_lignes(etape * PAS, marque), marque))
        apres_la_premiere_page += verifier(pages, marque)
    return apres_la_premiere_page


def test_signatures_de_la_fiche_de_demande_avec_le_texte_qui_les_precede(monde, demande_envoyee):
    donnees = donnees_demande(demande_envoyee)

    def rendre(attentes, _):
        d = {**donnees, "attentes": attentes}
        return rendre_pdf("pdf/demande.html", {"d": d, "entete": d["entete"]}, titre="Fiche de demande",
                          nom_fichier="demande.pdf", imprime_par=monde["enseignant"]).contenu

    def verifier(pages, marque):
        signatures = page_de(pages, "Date, visa et signature")
        assert page_de(pages, "Date et signature") == signatures  # the boxes stay together
        assert page_de(pages, marque) == signatures, marque
        return signatures > 0

    assert _balayer(rendre, verifier) >= 3  # the sweep crossed page boundaries


def test_signatures_du_programme_avec_l_avis_qui_les_precede(monde, demande_envoyee):
    aide = aide_en_cours(demande_envoyee, TypeAide.E, monde["maitre_e"], motif="Lecture.")
    donnees = donnees_programme(programme_valide(aide))

    def rendre(avis, _):
        p = {**donnees, "avis_famille": avis}
        return rendre_pdf("pdf/programme.html", {"p": p, "entete": p["entete"]}, titre="Programme",
                          nom_fichier="programme.pdf", imprime_par=monde["maitre_e"]).contenu

    def verifier(pages, marque):
        signatures = page_de(pages, "La famille Date et signature")
        assert page_de(pages, "Le membre du RASED") == signatures
        assert page_de(pages, marque) == signatures, marque
        return signatures > 0

    assert _balayer(rendre, verifier) >= 3


@pytest.fixture
def courrier(monde, demande_envoyee):
    ResponsableLegalFactory(eleve=monde.eleve_a1, lien="mere", civilite="Mme", nom="Petit", prenom="Sophie",
                            adresse="12 rue des Lilas", code_postal="69100", commune="Villeurbanne")
    return donnees_courrier(LecturesCourrier(demande_envoyee, imprime_par=monde["enseignant"]), "information")


def test_coupon_reponse_entier_et_jamais_seul_sur_sa_page(monde, courrier):
    def rendre(lignes, _):
        # The free text of this letter is the list of domains: one long item per line.
        c = {**courrier, "domaines": lignes.split("\n"),
             "signataire": {"nom": "SIGNATAIRE-DU-COURRIER", "fonction": "Enseignante"}}
        return rendre_pdf("pdf/courrier_information.html", {"c": c, "entete": c["entete"]},
                          titre="Information", nom_fichier="courrier.pdf", imprime_par=monde["enseignant"]).contenu

    def verifier(pages, marque):
        coupon = page_de(pages, "Coupon-réponse à retourner à l'école")
        # The slip is whole on its page: from its title to the last signature box.
        for texte in ("Responsable légal : Madame Sophie PETIT", "J'accepte que le RASED examine",
                      "Date : ____ / ____ / ________", "Signature de Madame Sophie PETIT",
                      "titulaire de l'autorité parentale"):
            assert page_de(pages, texte) == coupon, (marque, texte)
        # The letter's signature stays with its closing sentence, and both with the slip.
        assert page_de(pages, "SIGNATAIRE-DU-COURRIER") == coupon, marque
        assert page_de(pages, "l'expression de nos salutations distinguées") == coupon, marque
        return coupon > 0

    assert _balayer(rendre, verifier) >= 3


def _fiche(user, eleve):
    return donnees_fiche_suivi(user, fiche_suivi_lue(user, eleve))


def test_visas_de_la_fiche_de_suivi_avec_le_texte_qui_les_precede(monde, demande_envoyee):
    donnees = _fiche(monde["maitre_g"], monde.eleve_a1)

    def rendre(difficultes, _):
        demande = {**donnees["annees"][-1]["demandes"][-1], "difficultes": difficultes}
        f = {**donnees, "annees": [{**donnees["annees"][-1], "demandes": [demande]}]}
        return rendre_pdf("pdf/suivi.html", {"f": f, "entete": f["entete"]}, titre="Fiche de suivi",
                          nom_fichier="suivi.pdf", imprime_par=monde["maitre_g"]).contenu

    def verifier(pages, marque):
        visa = page_de(pages, "Visa de l'inspecteur de l'Éducation nationale (IEN)")
        for texte in ("Visas Fiche de suivi de Léa PETIT, vue par", "Visa du directeur de l'école"):
            assert page_de(pages, texte) == visa, (marque, texte)
        assert page_de(pages, marque) == visa, marque
        return visa > 0

    assert _balayer(rendre, verifier) >= 3


def test_fiche_de_suivi_porte_les_visas_du_directeur_et_de_l_ien(client, monde, demande_envoyee):
    client.force_login(monde["maitre_g"])
    response = client.get(reverse("fiche_suivi_pdf", args=[monde.eleve_a1.pk]))
    assert response["Content-Type"] == "application/pdf"
    pages = pages_pdf(response.content)
    derniere = pages[-1]
    assert ("Visas Fiche de suivi de Léa PETIT, vue par : Visa du directeur de l'école "
            "Date : ____ / ____ / ________ Signature "
            "Visa de l'inspecteur de l'Éducation nationale (IEN) Date : ____ / ____ / ________ Signature") in derniere
    assert "Volet psychologique" not in " ".join(pages)


def test_fiche_du_psychologue_volet_detachable_apres_les_visas(client, monde, demande_envoyee):
    """The psychologist's part follows the visas on a page of its own: it is taken off before
    the fiche is passed on, and the visas stay with the shared part."""
    observation_notee(demande_envoyee, auteur=monde["psychologue"], type="dialogue", contenu="Entretien.")
    client.force_login(monde["psychologue"])
    pages = pages_pdf(client.get(reverse("fiche_suivi_pdf", args=[monde.eleve_a1.pk])).content)
    visa = page_de(pages, "Visa de l'inspecteur de l'Éducation nationale (IEN)")
    volet = page_de(pages, "Volet psychologique — réservé aux psychologues")
    assert volet == visa + 1
    assert "Demande d'aide n°" not in pages[volet] and "Visa" not in pages[volet]
    assert "Volet psychologique" not in pages[visa]
