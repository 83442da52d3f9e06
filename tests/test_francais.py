"""French wording (rased/francais.py): elision, agreement, durations, names carrying their noun,
states with dates; and the template filters that print them, escaping what a user typed."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.template import Context, Template
from django.utils import timezone

from rased.francais import (
    accorde,
    accorde_personnes,
    anciennete,
    avec_nom,
    de,
    depuis,
    etat_le,
    jours_depuis,
    pluriel,
    quantite,
    s_elide,
    selon_sexe,
)


@pytest.mark.parametrize(("nom", "attendu"), [
    ("Louis", "de Louis"),
    ("Enzo", "d'Enzo"),
    ("Adèle", "d'Adèle"),
    ("Élodie", "d'Élodie"),
    ("Émile", "d'Émile"),
    ("Âmbre", "d'Âmbre"),
    ("Inès", "d'Inès"),
    ("Oscar", "d'Oscar"),
    ("Ugo", "d'Ugo"),
    ("Œnone", "d'Œnone"),
    ("Hugo", "d'Hugo"),
    ("Hélène", "d'Hélène"),
    ("Héloïse", "d'Héloïse"),
    ("Hector", "d'Hector"),
    ("Henri", "d'Henri"),
    ("Hannah", "d'Hannah"),
    ("Hamza", "de Hamza"),
    ("Yves", "d'Yves"),
    ("Ylan", "d'Ylan"),
    ("Yanis", "de Yanis"),
    ("Yasmine", "de Yasmine"),
    ("Anne-Sophie", "d'Anne-Sophie"),
    ("Hugo-Louis", "d'Hugo-Louis"),
    ("  Enzo ", "d'Enzo"),
    ("Madame Isabelle MARTIN", "de Madame Isabelle MARTIN"),
    ("ARNAUD Enzo", "d'ARNAUD Enzo"),  # str(eleve): the surname first
    ("", "de "),
])
def test_de_elide_devant_une_voyelle_ou_un_h_muet(nom, attendu):
    assert de(nom) == attendu


def test_s_elide_ne_regarde_que_le_premier_mot():
    assert s_elide("Emma Durand")
    assert not s_elide("Louis Émile")
    assert not s_elide("")
    assert not s_elide("1er")


@pytest.mark.parametrize(("n", "groupe", "attendu"), [
    (0, "une séance", "aucune séance"),
    (1, "une séance", "1 séance"),
    (2, "une séance", "2 séances"),
    (0, "un élève", "aucun élève"),
    (1, "un élève", "1 élève"),
    (27, "un élève", "27 élèves"),
    (3, "une demande envoyée", "3 demandes envoyées"),
    (2, "une séance de 45 min", "2 séances de 45 min"),
    (2, "une ligne d'élève lue/lignes d'élèves lues", "2 lignes d'élèves lues"),
    (1, "une ligne d'élève lue/lignes d'élèves lues", "1 ligne d'élève lue"),
    (2, "un journal", "2 journaux"),
    (2, "un bureau", "2 bureaux"),
    (2, "un cours", "2 cours"),
    (1.5, "une heure", "1,5 heure"),
    (2.5, "une heure", "2,5 heures"),
    (None, "une séance", ""),
])
def test_quantite_accorde_le_nom_au_nombre(n, groupe, attendu):
    assert quantite(n, groupe) == attendu


def test_quantite_demande_l_article_qui_dit_le_genre():
    with pytest.raises(ValueError, match="un » ou « une"):
        quantite(2, "séance")


def test_pluriel_et_accorde():
    assert pluriel("présence") == "présences"
    assert pluriel("code de secours") == "codes de secours"
    assert accorde(0, "Enseignant") == "Enseignant"
    assert accorde(1, "Enseignant") == "Enseignant"
    assert accorde(3, "Enseignant") == "Enseignants"
    assert accorde(2, "Travail", "Travaux") == "Travaux"
    assert accorde(None, "Aide") == "Aide"


def test_selon_sexe():
    assert selon_sexe("F", "né", "née") == "née"
    assert selon_sexe("M", "né", "née") == "né"


@pytest.mark.parametrize(("jours", "attendu"), [
    (-1, "aujourd'hui"), (0, "aujourd'hui"), (1, "1 jour"), (3, "3 jours"), (13, "13 jours"),
    (14, "2 semaines"), (20, "2 semaines"), (59, "8 semaines"), (60, "2 mois"), (200, "6 mois"),
    (364, "12 mois"), (365, "1 an"), (800, "2 ans"),
])
def test_anciennete_en_jours_semaines_mois_ans(jours, attendu):
    assert anciennete(jours) == attendu
    assert depuis(jours) == f"depuis {attendu}"


def test_jours_depuis_compte_des_jours_du_calendrier():
    assert jours_depuis(date(2026, 12, 1), date(2026, 12, 4)) == 3
    assert jours_depuis(datetime(2026, 12, 3, 23, 59), date(2026, 12, 4)) == 1


@pytest.mark.parametrize(("mot", "nom", "attendu"), [
    ("secteur", "Nord", "secteur Nord"),
    ("secteur", "Secteur Nord", "Secteur Nord"),
    ("secteur", "SECTEUR 2", "SECTEUR 2"),
    ("secteur", "Secteurs réunis", "secteur Secteurs réunis"),
    ("école", "Ecole Jean Jaurès", "Ecole Jean Jaurès"),
    ("Classe", "CE1 A", "Classe CE1 A"),
    ("secteur", None, ""),
    ("secteur", "", ""),
])
def test_avec_nom_sans_mot_repete(mot, nom, attendu):
    assert avec_nom(mot, nom) == attendu


def test_etat_le():
    assert etat_le("validée", date(2026, 12, 4)) == "validée le 04/12/2026"
    assert etat_le("validée", "04/12/2026") == "validée le 04/12/2026"
    assert etat_le("brouillon", None) == "brouillon"


# --- The filters ----------------------------------------------------------------------------------


def _rendu(source: str, **contexte) -> str:
    return Template(source).render(Context(contexte))


def test_les_filtres_sont_disponibles_sans_load():
    assert _rendu('{{ n|quantite:"une séance" }}', n=2) == "2 séances"


def test_filtre_de_echappe_le_nom_et_garde_l_apostrophe():
    assert _rendu("le dossier {{ p|de }}", p="Enzo") == "le dossier d'Enzo"
    assert _rendu("le dossier {{ p|de }}", p="<b>Léo</b>") == "le dossier de &lt;b&gt;Léo&lt;/b&gt;"
    assert _rendu("{% autoescape off %}{{ p|de }}{% endautoescape %}", p="<i>") == "de <i>"


def test_filtres_quantite_accorde_selon_sexe():
    assert _rendu('{{ n|quantite:"une ligne d\'élève lue/lignes d\'élèves lues" }}', n=0) == "aucune ligne d'élève lue"
    assert _rendu('{{ n|quantite:"une demande"|capfirst }}', n=0) == "Aucune demande"
    assert _rendu('{{ n|accorde:"Enseignant" }}', n=2) == "Enseignants"
    assert _rendu('{{ s|selon_sexe:"né,née" }}', s="F") == "née"


@time_machine.travel(datetime(2026, 12, 4, 10, 0, tzinfo=timezone.get_current_timezone()), tick=False)
def test_filtres_depuis_et_anciennete():
    maintenant = timezone.now()
    assert _rendu("en attente {{ d|depuis }}", d=maintenant) == "en attente depuis aujourd'hui"
    assert _rendu("{{ d|depuis }}", d=maintenant - timedelta(days=1)) == "depuis 1 jour"
    assert _rendu("{{ d|depuis }}", d=date(2026, 11, 1)) == "depuis 4 semaines"
    assert _rendu("{{ n|depuis }}", n=3) == "depuis 3 jours"
    assert _rendu("{{ d|anciennete }}", d=date(2026, 9, 1)) == "3 mois"
    assert _rendu("[{{ d|depuis }}]", d=None) == "[]"


def test_filtres_avec_nom_et_etat_le():
    assert _rendu('{{ s|avec_nom:"secteur" }}', s="Secteur Nord") == "Secteur Nord"
    assert _rendu('{{ s|avec_nom:"secteur" }}', s="Nord & Est") == "secteur Nord &amp; Est"
    assert _rendu('{{ s|avec_nom:"secteur"|default:"secteur non renseigné" }}', s=None) == "secteur non renseigné"
    assert _rendu('{{ d|etat_le:"validée" }}', d=date(2026, 12, 4)) == "validée le 04/12/2026"


@pytest.mark.parametrize(("mot", "feminin", "plusieurs", "attendu"), [
    ("informé", False, False, "informé"), ("informé", True, False, "informée"),
    ("informé", False, True, "informés"), ("informé", True, True, "informées"),
    ("libre", True, False, "libre"), ("libre", False, True, "libres"),
])
def test_accorde_personnes(mot, feminin, plusieurs, attendu):
    assert accorde_personnes(mot, feminin=feminin, plusieurs=plusieurs) == attendu
    foyer = {"feminin": feminin, "plusieurs": plusieurs}
    assert _rendu(f'{{{{ foyer|accord:"{mot}" }}}}', foyer=foyer) == attendu
