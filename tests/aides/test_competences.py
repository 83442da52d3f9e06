"""The skills of the programme's objectives, through the pages: the shipped reference list and its
reload command, the search offered to RASED members, an objective naming a skill with the
pupil's starting mastery, which the programme page, its PDF and the first bilan show."""

import csv
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from aides import competences
from aides.enums import TypeAide
from aides.models import Competence, Objectif, Programme
from tests.aides.test_documents_programme import texte_pdf
from tests.aides.test_programmes import _ligne, champs_du_formulaire, trois_aides_en_cours
from tests.eleves.outils_pages import texte
from tests.factories_parcours import bilan, programme_valide

# The pupil of the request (Léa Petit) is in CE1: cycle 2.
LECTURE_C2 = "C2-FR-LE-01"  # Identifier des mots rapidement : décoder aisément…
NOMBRES_C3 = "C3-MA-NC-01"


@pytest.fixture
def aides(monde, demande_envoyee):
    return trois_aides_en_cours(monde, demande_envoyee)


def _competence(code) -> Competence:
    return Competence.objects.get(code=code)


def _recherche(client, q, cycle="2"):
    return client.get(reverse("competences_recherche"), {"q": q, "cycle": cycle})


# --- The shipped list and its reload ------------------------------------------------------------


def test_competences_chargees_par_la_migration_depuis_le_fichier(db):
    lignes = competences.lire()
    assert Competence.objects.filter(active=True).count() == len(lignes) > 150
    assert set(Competence.objects.values_list("code", flat=True)) == {ligne["code"] for ligne in lignes}
    socle = _competence("S1.3")
    assert (socle.cycle, socle.domaine) == (None, "1.3")
    assert socle.intitule == "Comprendre, s'exprimer en utilisant les langages mathématiques, scientifiques et informatiques"
    lecture = _competence(LECTURE_C2)
    assert (lecture.cycle, lecture.domaine, lecture.discipline, lecture.composante) == (
        2, "1.1", "Français", "Lecture et compréhension de l'écrit")
    # Every cycle and every socle domain has its rows.
    assert set(Competence.objects.values_list("cycle", flat=True)) == {None, 1, 2, 3}
    assert set(Competence.objects.values_list("domaine", flat=True)) == {"1.1", "1.2", "1.3", "1.4", "2", "3", "4", "5"}


def test_charger_competences_met_a_jour_retire_sans_supprimer_et_se_repete_sans_effet(tmp_path, capsys, aides):
    objectif = programme_valide(aides[TypeAide.E], objectifs=[{
        "domaine": "1.1", "competence": _competence(LECTURE_C2)}]).objectifs.get()
    lignes = [ligne for ligne in competences.lire() if ligne["code"] != LECTURE_C2]
    lignes[0] = lignes[0] | {"intitule": "Intitulé revu d'après le BO"}
    lignes.append({"code": "C2-NOUVELLE", "cycle": "2", "domaine": "2", "discipline": "Méthodes",
                   "composante": "", "intitule": "Planifier son travail"})
    fichier = tmp_path / "competences.csv"
    with open(fichier, "w", encoding="utf-8", newline="") as sortie:
        ecrivain = csv.DictWriter(sortie, fieldnames=competences.COLONNES)
        ecrivain.writeheader()
        ecrivain.writerows({**ligne, "cycle": ligne["cycle"] or ""} for ligne in lignes)

    call_command("charger_competences", fichier=fichier)
    assert "1 ajoutée(s), 1 modifiée(s), 1 retirée(s)" in capsys.readouterr().out
    assert _competence(lignes[0]["code"]).intitule == "Intitulé revu d'après le BO"
    assert _competence("C2-NOUVELLE").active
    retiree = _competence(LECTURE_C2)
    assert not retiree.active  # no longer offered, still there for the objective that named it
    objectif.refresh_from_db()
    assert objectif.competence == retiree

    call_command("charger_competences", fichier=fichier)
    assert "0 ajoutée(s), 0 modifiée(s), 0 retirée(s)" in capsys.readouterr().out
    # Back to the shipped file: the skill is offered again.
    call_command("charger_competences")
    assert _competence(LECTURE_C2).active


def test_charger_competences_fichier_errone_ne_change_rien(db, tmp_path):
    fichier = tmp_path / "competences.csv"
    fichier.write_text(
        "code,cycle,domaine,discipline,composante,intitule\n"
        "S9,,9,Socle,,Un domaine qui n'existe pas\n", encoding="utf-8")
    avant = Competence.objects.count()
    with pytest.raises(CommandError, match="ligne 2 : domaine « 9 » inconnu"):
        call_command("charger_competences", fichier=fichier)
    assert Competence.objects.count() == avant


# --- The search ---------------------------------------------------------------------------------


def test_recherche_competences_du_cycle_sans_accents_pour_un_membre_rased(client, monde):
    client.force_login(monde["maitre_e"])
    response = _recherche(client, "ECRITURE")
    assert response["Content-Type"] == "application/json"
    resultats = response.json()["resultats"]
    codes = [r["code"] for r in resultats]
    assert "C2-FR-EC-01" in codes and codes  # « Écriture », accents and case ignored
    assert all(code.startswith(("C2-", "S")) for code in codes)  # cycle 2 and the socle only
    premiere = next(r for r in resultats if r["code"] == "C2-FR-EC-01")
    assert premiere["origine"] == "Cycle 2 — Français, Écriture"
    assert premiere["domaine"] == "1.1"

    # Every word must match, in any order; another cycle answers its own expectations.
    codes = [r["code"] for r in _recherche(client, "decimaux nombres", cycle="3").json()["resultats"]]
    assert NOMBRES_C3 in codes and not any(code.startswith("C2-") for code in codes)
    assert _recherche(client, "").json() == {"resultats": []}
    assert _recherche(client, "xylophone quantique").json() == {"resultats": []}


def test_recherche_competences_refusee_hors_rased(client, monde):
    url = reverse("competences_recherche")
    assert client.get(url, {"q": "lire"})["Location"].startswith(reverse("connexion"))
    for persona in ("enseignant", "directeur", "circonscription"):
        client.force_login(monde[persona])
        assert client.get(url, {"q": "lire", "cycle": "2"}).status_code == 403, persona
    client.force_login(monde["psychologue"])
    assert client.get(url, {"q": "lire", "cycle": "2"}).json()["resultats"]


# --- An objective naming a skill, with the pupil's starting mastery -----------------------------


def test_objectif_avec_competence_et_maitrise_initiale_enregistre_et_affiche(client, monde, aides):
    aide = aides[TypeAide.E]
    client.force_login(monde["maitre_e"])
    url = reverse("programme_creer", args=[aide.pk])
    page = client.get(url)
    contenu = page.content.decode()
    # The list offers the pupil's cycle and the socle, not the other cycles.
    assert f'value="{_competence(LECTURE_C2).pk}"' in contenu
    assert f'value="{_competence("S2.1").pk}"' in contenu
    assert f'value="{_competence(NOMBRES_C3).pk}"' not in contenu
    assert f'data-recherche="{reverse("competences_recherche")}" data-cycle="2"' in contenu

    lecture = _competence(LECTURE_C2)
    donnees = champs_du_formulaire(page) | {"modalite": "petit_groupe"}
    # The skill chosen, its wording left empty: the skill's fills it, and its domain is taken.
    donnees |= _ligne("objectifs", 0, {"competence": lecture.pk, "domaine": "", "intitule": "",
                                       "critere": "Lit 20 mots en une minute", "responsable": "Maître E",
                                       "maitrise_initiale": "fragile"})
    # Free wording, no skill: still allowed.
    donnees |= _ligne("objectifs", 1, {"domaine": "1.3", "intitule": "Compter jusqu'à 100",
                                       "critere": "Sans erreur", "responsable": "Enseignant"})
    response = client.post(url, donnees)
    programme = Programme.objects.get(aide=aide)
    assert response["Location"] == reverse("programme_detail", args=[programme.pk])
    premier, second = programme.objectifs.all()
    assert (premier.competence, premier.domaine, premier.intitule, premier.maitrise_initiale) == (
        lecture, "1.1", lecture.intitule, "fragile")
    assert (second.competence, second.maitrise_initiale) == (None, "")

    page = texte(client.get(reverse("programme_detail", args=[programme.pk])))
    assert "Maîtrise au départ" in page
    assert f"{lecture.intitule} Cycle 2 — Français, Lecture et compréhension de l'écrit" in page
    assert "Maîtrise fragile" in page


def test_objectif_aide_g_visee_transversale_avec_competence_du_socle(client, monde, aides):
    aide = aides[TypeAide.G]
    cooperation = _competence("S2.2")
    client.force_login(monde["maitre_g"])
    url = reverse("programme_creer", args=[aide.pk])
    donnees = champs_du_formulaire(client.get(url)) | {"modalite": "individuel"}
    donnees |= _ligne("objectifs", 0, {"competence": cooperation.pk, "visee": "attitudes", "intitule": "",
                                       "critere": "Propose une idée au groupe", "responsable": "Maître G",
                                       "maitrise_initiale": "insuffisante"})
    assert client.post(url, donnees).status_code == 302
    objectif = Objectif.objects.get(programme__aide=aide)
    # The aim stays the objective's anchor (no domain): the skill names what is worked on.
    assert (objectif.visee, objectif.domaine, objectif.competence, objectif.intitule) == (
        "attitudes", "", cooperation, "Coopération et réalisation de projets")


def test_objectif_competence_d_un_autre_cycle_refusee(client, monde, aides):
    aide = aides[TypeAide.E]
    client.force_login(monde["maitre_e"])
    url = reverse("programme_creer", args=[aide.pk])
    donnees = champs_du_formulaire(client.get(url)) | {"modalite": "petit_groupe"}
    donnees |= _ligne("objectifs", 0, {"competence": _competence(NOMBRES_C3).pk, "intitule": "Les décimaux",
                                       "critere": "x", "responsable": "Maître E"})
    response = client.post(url, donnees)
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in texte(response)
    assert not Programme.objects.filter(aide=aide).exists()


def test_objectif_sans_competence_ni_intitule_refuse(client, monde, aides):
    aide = aides[TypeAide.E]
    client.force_login(monde["maitre_e"])
    url = reverse("programme_creer", args=[aide.pk])
    donnees = champs_du_formulaire(client.get(url)) | {"modalite": "petit_groupe"}
    donnees |= _ligne("objectifs", 0, {"domaine": "1.1", "critere": "x", "responsable": "Maître E"})
    response = client.post(url, donnees)
    assert "Ce champ est obligatoire." in texte(response)
    assert not Programme.objects.filter(aide=aide).exists()


def test_objectif_competence_retiree_de_la_liste_reste_modifiable(client, monde, aides):
    retiree = _competence(LECTURE_C2)
    Competence.objects.filter(pk=retiree.pk).update(active=False)
    programme = programme_valide(aides[TypeAide.E], valider=False, objectifs=[{
        "domaine": "1.1", "competence": retiree, "intitule": "Décoder"}])
    client.force_login(monde["maitre_e"])
    url = reverse("programme_modifier", args=[programme.pk])
    donnees = champs_du_formulaire(client.get(url))
    assert donnees["objectifs-0-competence"] == str(retiree.pk)
    donnees["objectifs-0-critere"] = "Lit 30 mots"
    assert client.post(url, donnees).status_code == 302
    assert Objectif.objects.get(programme=programme).competence == retiree


# --- The starting mastery, from the programme to the bilans and the next version ---------------


def test_premier_bilan_part_de_la_maitrise_initiale_puis_du_premier_bilan(client, monde, aides):
    programme = programme_valide(aides[TypeAide.E], objectifs=[
        {"domaine": "1.1", "competence": _competence(LECTURE_C2), "intitule": "Décoder",
         "maitrise_initiale": "insuffisante"},
        {"domaine": "1.3", "intitule": "Compter"},
    ])
    decoder, compter = programme.objectifs.all()
    client.force_login(monde["maitre_e"])
    url = reverse("evaluation_creer", args=[programme.pk])
    page = client.get(url)
    assert "Compétence : Identifier des mots rapidement" in texte(page)
    donnees = champs_du_formulaire(page)
    assert donnees[f"objectif-{decoder.pk}-maitrise_debut"] == "insuffisante"
    assert donnees[f"objectif-{compter.pk}-maitrise_debut"] == ""  # nothing recorded, nothing guessed

    # The first bilan corrected the start: the next one starts from the correction.
    bilan(programme, date=date(2026, 12, 14), resultat=lambda o: {
        "atteinte": "partiel", "maitrise_debut": "fragile" if o == decoder else "", "maitrise_actuelle": ""})
    donnees = champs_du_formulaire(client.get(url))
    assert donnees[f"objectif-{decoder.pk}-maitrise_debut"] == "fragile"


def test_nouvelle_version_garde_la_competence_et_part_de_la_derniere_maitrise(client, monde, aides):
    lecture = _competence(LECTURE_C2)
    programme = programme_valide(aides[TypeAide.E], objectifs=[
        {"domaine": "1.1", "competence": lecture, "intitule": "Décoder", "maitrise_initiale": "insuffisante"},
        {"domaine": "1.3", "intitule": "Compter", "maitrise_initiale": "fragile"},
    ])
    bilan(programme, date=date(2026, 12, 14), resultat=lambda o: {
        "atteinte": "partiel", "maitrise_actuelle": "fragile" if o.intitule == "Décoder" else ""})
    client.force_login(monde["maitre_e"])
    client.post(reverse("programme_nouvelle_version", args=[programme.pk]), {"debut": "2027-01-04"})
    v2 = Programme.objects.get(aide=programme.aide, version=2)
    assert list(v2.objectifs.values_list("intitule", "competence", "maitrise_initiale")) == [
        ("Décoder", lecture.pk, "fragile"),  # where the last bilan left it
        ("Compter", None, "fragile"),  # not measured since: as the previous version started it
    ]


# --- The printed programme ------------------------------------------------------------------------


def test_programme_pdf_montre_la_competence_et_la_maitrise_au_depart(client, monde, aides):
    lecture = _competence(LECTURE_C2)
    programme = programme_valide(aides[TypeAide.E], objectifs=[{
        "domaine": "1.1", "competence": lecture, "intitule": "Décoder les mots réguliers",
        "maitrise_initiale": "fragile"}])
    client.force_login(monde["enseignant"])
    contenu = texte_pdf(client.get(reverse("programme_pdf", args=[programme.pk])).content)
    assert "Maîtrise au départ" in contenu
    assert "Identifier des mots rapidement" in contenu
    assert "Cycle 2 — Français, Lecture et compréhension de l'écrit" in contenu
    assert "Maîtrise fragile" in contenu
    # The signed document is frozen: withdrawing the skill from the list later changes nothing.
    Competence.objects.filter(pk=lecture.pk).update(intitule="Intitulé changé après signature")
    contenu = texte_pdf(client.get(reverse("programme_pdf", args=[programme.pk])).content)
    assert "Identifier des mots rapidement" in contenu
