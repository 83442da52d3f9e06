"""The administrator sets up a new school in a real browser, at tablet width (768 px).

Signed in at /connexion/ like everyone (two-factor authentication is off in tests), the
administrator adds a school, a teacher and the teacher's class in the administration
(/gestion/), then imports the class list from a CSV file in the application: the file is
uploaded, checked row by row in a preview, confirmed, and the pupils appear in the class list.
"""

import re

from playwright.sync_api import expect

from eleves.models import Classe, Ecole, Eleve, Utilisateur, annee_courante_debut
from eleves.scolarite import libelle_annee
from tests.navigateur.conftest import BUREAU, MOT_DE_PASSE, TABLETTE

LISTE_CSV = (
    "Nom;Prénom;Date de naissance;Sexe;Niveau;Classe\n"
    "Bernard;Jade;14/03/2018;F;CE2;CE2 Curie\n"
    "Nguyen;Malo;02/11/2018;M;CE2;CE2 Curie\n"
)


def test_administrateur_ajoute_ecole_classe_enseignant_et_importe_une_liste(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal,
    axe_sans_violation_grave,
):
    annee = libelle_annee(annee_courante_debut())
    page.set_viewport_size(TABLETTE)
    se_connecter("admin")
    page.get_by_role("link", name="Administration", exact=True).first.click()
    expect(page.get_by_role("heading", name="Organisation de l'instance")).to_be_visible()
    sans_defilement_horizontal()
    axe_sans_violation_grave("admin · administration")
    capture("admin-01-tablette-gestion")

    # 1. The school.
    page.get_by_role("row", name=re.compile("^Écoles")).get_by_role("link", name="Ajouter").click()
    # The administration's labels end in « : », its fields are found by their ids.
    page.locator("#id_circonscription").select_option(label="Lyon Nord")
    page.locator("#id_nom").fill("École Marie Curie")
    page.locator("#id_commune").fill("Vaulx-en-Velin")
    page.locator("#id_uai").fill("0691234B")
    capture("admin-02-tablette-nouvelle-ecole")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(re.compile("a été ajouté avec succès"))).to_be_visible()
    ecole = Ecole.objects.get(uai="0691234B")
    assert ecole.circonscription == monde.nord

    # 2. The teacher: an account in the circonscription, with the teacher's role.
    page.get_by_role("link", name="Administration rased").click()
    page.get_by_role("row", name=re.compile("^Personnes")).get_by_role("link", name="Ajouter").click()
    page.locator("#id_username").fill("enseignante-curie")
    page.locator("#id_password1").fill(MOT_DE_PASSE)
    page.locator("#id_password2").fill(MOT_DE_PASSE)
    page.locator("#id_first_name").fill("Claire")
    page.locator("#id_last_name").fill("Fontaine")
    page.locator("#id_role").select_option(label="Enseignant")
    page.locator("#id_circonscription").select_option(label="Lyon Nord")
    sans_defilement_horizontal()
    axe_sans_violation_grave("admin · nouvelle personne")
    capture("admin-03-tablette-nouvel-enseignant")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(re.compile("a été ajouté avec succès"))).to_be_visible()
    enseignante = Utilisateur.objects.get(username="enseignante-curie")

    # 3. The class of this school year, taught by her.
    page.get_by_role("link", name="Administration rased").click()
    page.get_by_role("row", name=re.compile("^Classes")).get_by_role("link", name="Ajouter").click()
    page.locator("#id_ecole").select_option(label=str(ecole))
    page.locator("#id_annee").select_option(label=annee)
    page.locator("#id_nom").fill("CE2 Curie")
    page.get_by_label("CE2", exact=True).check()
    page.locator("#id_enseignants_from").select_option(label=str(enseignante))
    page.locator("#id_enseignants_add").click()
    expect(page.locator("#id_enseignants_to option")).to_have_text([str(enseignante)])
    # Django's own two-list widget (admin/js/SelectFilter2.js) puts an aria-label on a role-less
    # icon: Django's code, not the project's, left out here.
    axe_sans_violation_grave("admin · nouvelle classe", sauf=[".search-label-icon"])
    capture("admin-04-tablette-nouvelle-classe")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_text(re.compile("a été ajouté avec succès"))).to_be_visible()
    classe = Classe.objects.get(ecole=ecole, nom="CE2 Curie")
    assert list(classe.enseignants.all()) == [enseignante]

    # 4. Back in the application: import the class list from the school's page.
    page.goto(f"{site}/")
    page.get_by_role("link", name="Écoles et classes").click()
    page.get_by_role("link", name="École Marie Curie").click()
    expect(page.get_by_role("row", name=re.compile("CE2 Curie .*Claire Fontaine"))).to_be_visible()
    page.get_by_role("link", name="Importer une liste d'élèves (CSV)").click()
    expect(page.get_by_role("heading", name=re.compile("Importer une liste d'élèves"))).to_be_visible()
    page.get_by_label("Fichier CSV").set_input_files(
        files=[{"name": "liste-ce2.csv", "mimeType": "text/csv", "buffer": LISTE_CSV.encode()}]
    )
    sans_defilement_horizontal()
    axe_sans_violation_grave("admin · import d'une liste")
    page.get_by_role("button", name="Vérifier le fichier").click()

    expect(page.get_by_role("heading", name=re.compile("Aperçu de l'import"))).to_be_visible()
    expect(page.get_by_role("row", name="Bernard Jade 14/03/2018")).to_be_visible()
    expect(page.get_by_role("row", name="Nguyen Malo 02/11/2018")).to_be_visible()
    assert not Eleve.objects.filter(nom__in=["Bernard", "Nguyen"]).exists()
    sans_defilement_horizontal()
    axe_sans_violation_grave("admin · aperçu de l'import")
    capture("admin-05-tablette-apercu-import")
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.get_by_text(re.compile("2 élèves"))).to_be_visible()

    page.get_by_role("link", name="CE2 Curie").click()
    expect(page.get_by_role("heading", name=re.compile("Classe CE2 Curie"))).to_be_visible()
    eleves = page.get_by_role("table")
    expect(eleves.get_by_role("row", name="BERNARD Jade 14/03/2018 CE2")).to_be_visible()
    expect(eleves.get_by_role("row", name="NGUYEN Malo 02/11/2018 CE2")).to_be_visible()
    sans_defilement_horizontal()
    axe_sans_violation_grave("admin · liste de la classe")
    capture("admin-06-tablette-classe-importee")
    page.set_viewport_size(BUREAU)
    capture("admin-07-bureau-classe-importee")
    assert erreurs_console == [], erreurs_console
