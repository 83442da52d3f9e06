"""The school data of ``python manage.py demo`` (aides/management/commands/demo.py): a realistic,
French and reproducible circonscription, with one account per role.

Why it is built this way:
- reproducible: every random choice comes from one ``random.Random`` with a fixed seed, so two
  empty databases receive the same people; only the dates follow the current school year;
- idempotent: the circonscription's name is the natural key of the whole data set. When it
  exists nothing is generated again; only the documented accounts are checked (present, active,
  right role and attachment, demo password) and repaired where needed;
- fast: one transaction, bulk inserts, and the password hashed once for every account (one
  PBKDF2 hash costs about 0.3 s; the accounts share the same hash of the same password).
"""

import random
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.management.base import CommandError

from eleves.enums import (
    ROLES_RASED,
    FonctionCirconscription,
    LienResponsable,
    Niveau,
    Role,
    Sexe,
    TypePlan,
    Zone,
)
from eleves.models import (
    AnneeScolaire,
    Circonscription,
    Classe,
    Ecole,
    Eleve,
    Inscription,
    Plan,
    ResponsableLegal,
    Secteur,
    Utilisateur,
)

MOT_DE_PASSE = "rased-demo-2026"
GRAINE = 20262027
NOM_CIRCONSCRIPTION = "Circonscription de Villefranche-sur-Saône"
DEPARTEMENT = "Rhône"
NOMS_SECTEURS = ("Secteur Villefranche – Anse", "Secteur Gleizé – Belleville")
DEJA_EN_PLACE = "Les données de démonstration sont déjà en place."


@dataclass(frozen=True)
class EcoleDemo:
    nom: str
    commune: str
    code_postal: str
    uai: str
    secteur: int
    # (class name, levels taught); the previous year had the same classes.
    classes: tuple[tuple[str, tuple[str, ...]], ...]
    # The maternelle whose GS pupils enter CP here (index in ECOLES).
    maternelle_de_rattachement: int | None = None
    # An ULIS école is set up in this school.
    ulis: bool = False


ECOLES = (
    EcoleDemo(
        "École élémentaire Jules Ferry", "Villefranche-sur-Saône", "69400", "0691234S", 1,
        (
            ("CP A", ("CP",)), ("CP B", ("CP",)), ("CE1", ("CE1",)), ("CE1-CE2", ("CE1", "CE2")),
            ("CE2-CM1", ("CE2", "CM1")), ("CM1-CM2", ("CM1", "CM2")), ("CM2", ("CM2",)),
        ),
        maternelle_de_rattachement=1,
        ulis=True,
    ),
    EcoleDemo(
        "École maternelle Les Tilleuls", "Villefranche-sur-Saône", "69400", "0691235T", 1,
        (
            ("Petite section", ("PS",)), ("PS-MS", ("PS", "MS")), ("MS-GS", ("MS", "GS")),
            ("Grande section", ("GS",)),
        ),
    ),
    EcoleDemo(
        "École primaire Jean de La Fontaine", "Anse", "69480", "0690871X", 1,
        (("PS-MS", ("PS", "MS")), ("GS-CP", ("GS", "CP")), ("CE1-CE2", ("CE1", "CE2")),
         ("CM1-CM2", ("CM1", "CM2"))),
    ),
    EcoleDemo(
        "École maternelle Marie Curie", "Gleizé", "69400", "0692210C", 2,
        (("PS-MS A", ("PS", "MS")), ("PS-MS B", ("PS", "MS")), ("Grande section", ("GS",))),
    ),
    EcoleDemo(
        "École élémentaire Louis Pasteur", "Gleizé", "69400", "0692211D", 2,
        (("CP", ("CP",)), ("CE1", ("CE1",)), ("CE2", ("CE2",)), ("CM1-CM2", ("CM1", "CM2"))),
        maternelle_de_rattachement=3,
    ),
    EcoleDemo(
        "École élémentaire Victor Hugo", "Belleville-en-Beaujolais", "69220", "0690312P", 2,
        (("CP-CE1", ("CP", "CE1")), ("CE1-CE2", ("CE1", "CE2")), ("CM1", ("CM1",)),
         ("CM2", ("CM2",))),
    ),
)

# The class of school 1 taught by the documented ``enseignant`` account (this year and last).
CLASSE_ENSEIGNANT = "CE2-CM1"
# Two classes of school 1 share a part-time teacher (complément de temps partiel).
CLASSES_TEMPS_PARTIEL = ("CP B", "CE1")


@dataclass(frozen=True)
class CompteDemo:
    username: str
    prenom: str
    nom: str
    role: str
    fonction: str = ""
    # 1 or 2: the secteur of a RASED member; the directeur and the teacher work in school 1.
    secteur: int = 1
    documente: bool = True


COMPTES = (
    CompteDemo("enseignant", "Sophie", "Marchand", Role.ENSEIGNANT),
    CompteDemo("directeur", "Philippe", "Roussel", Role.DIRECTEUR),
    CompteDemo("maitre-e", "Nathalie", "Girard", Role.MAITRE_E),
    CompteDemo("maitre-g", "Julien", "Perrin", Role.MAITRE_G),
    CompteDemo("psychologue", "Hélène", "Bouvier", Role.PSYCHOLOGUE),
    CompteDemo(
        "circonscription", "Marc", "Lefèvre", Role.CIRCONSCRIPTION, FonctionCirconscription.IEN
    ),
    CompteDemo("admin", "Céline", "Dumas", Role.ADMINISTRATEUR),
)
# The RASED of the other secteur: real accounts, not documented.
COMPTES_SECTEUR_2 = (
    CompteDemo("maitre-e-2", "Karima", "Benali", Role.MAITRE_E, secteur=2, documente=False),
    CompteDemo("maitre-g-2", "Olivier", "Chabert", Role.MAITRE_G, secteur=2, documente=False),
    CompteDemo(
        "psychologue-2", "Anne-Laure", "Ferrand", Role.PSYCHOLOGUE, secteur=2, documente=False
    ),
)

PRENOMS_FILLES = (
    "Emma", "Jade", "Louise", "Alice", "Chloé", "Lina", "Léa", "Rose", "Anna", "Mila", "Inès",
    "Ambre", "Julia", "Mia", "Léna", "Manon", "Juliette", "Lou", "Zoé", "Camille", "Agathe",
    "Jeanne", "Lucie", "Éva", "Nina", "Sarah", "Romane", "Inaya", "Charlotte", "Léonie", "Romy",
    "Adèle", "Iris", "Louna", "Margaux", "Victoire", "Clémence", "Héloïse", "Maëlys", "Capucine",
    "Anaïs", "Lisa", "Yasmine", "Aya", "Salomé", "Éléna", "Joséphine", "Gabrielle", "Apolline",
    "Marie-Lou", "Nour", "Maïssa", "Assia", "Fatoumata", "Elif", "Noémie", "Clara", "Océane",
    "Eloïse", "Maya", "Thaïs", "Amélia", "Lya", "Soline",
)
PRENOMS_GARCONS = (
    "Gabriel", "Léo", "Raphaël", "Arthur", "Louis", "Jules", "Adam", "Maël", "Lucas", "Hugo",
    "Noah", "Liam", "Gabin", "Sacha", "Paul", "Nathan", "Aaron", "Mohamed", "Ethan", "Tom",
    "Éden", "Léon", "Noé", "Tiago", "Théo", "Isaac", "Marius", "Victor", "Martin", "Nino",
    "Axel", "Mathis", "Timéo", "Malo", "Robin", "Clément", "Baptiste", "Célian", "Eliott",
    "Antoine", "Ibrahim", "Yanis", "Rayan", "Ayoub", "Nassim", "Mamadou", "Kylian", "Matéo",
    "Jean-Baptiste", "Côme", "Joachim", "Gaël", "Valentin", "Esteban", "Younès", "Enzo",
    "Samuel", "Titouan", "Augustin", "Loïc", "Anatole", "Émile",
)
PRENOMS_FEMMES = (
    "Nathalie", "Stéphanie", "Sandrine", "Aurélie", "Émilie", "Julie", "Céline", "Karima",
    "Fatima", "Nadia", "Sophie", "Marie-Claire", "Anne-Laure", "Élodie", "Virginie", "Laetitia",
    "Caroline", "Audrey", "Amandine", "Jessica", "Mélanie", "Sabrina", "Claire", "Hélène",
    "Pauline", "Laure", "Magali", "Delphine", "Vanessa", "Samira", "Myriam", "Marion", "Agnès",
    "Isabelle", "Christelle", "Anaïs", "Gaëlle", "Séverine", "Leïla", "Aïcha",
)
PRENOMS_HOMMES = (
    "Sébastien", "Nicolas", "Julien", "Jérôme", "Frédéric", "Mickaël", "Karim", "Mehdi",
    "Jean-Marc", "Pierre-Yves", "Grégory", "Cédric", "Guillaume", "Thomas", "Arnaud", "Romain",
    "Alexandre", "Vincent", "Fabrice", "Ludovic", "Stéphane", "Mathieu", "Olivier", "Yannick",
    "Rachid", "Samir", "David", "François", "Benoît", "Hervé", "Damien", "Loïc", "Jean-Philippe",
    "Christophe", "Anthony", "Franck", "Moussa", "Kevin", "Rémi", "Éric",
)
NOMS = (
    "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy",
    "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux",
    "Vincent", "Fournier", "Morel", "Girard", "André", "Lefebvre", "Mercier", "Dupont", "Lambert",
    "Bonnet", "François", "Martinez", "Legrand", "Garnier", "Faure", "Rousseau", "Blanc",
    "Guérin", "Muller", "Henry", "Roussel", "Nicolas", "Perrin", "Morin", "Mathieu", "Clément",
    "Gauthier", "Dumont", "Lopez", "Fontaine", "Chevalier", "Robin", "Masson", "Sanchez",
    "Gérard", "Nguyen", "Boyer", "Denis", "Lemaire", "Duval", "Joly", "Gautier", "Roger", "Roche",
    "Roy", "Noël", "Meyer", "Lucas", "Meunier", "Jean", "Pérez", "Marchand", "Dufour",
    "Blanchard", "Barbier", "Brun", "Dumas", "Brunet", "Schmitt", "Leroux", "Colin", "Fernandez",
    "Renard", "Arnaud", "Rolland", "Caron", "Aubert", "Giraud", "Leclerc", "Vidal", "Bourgeois",
    "Renaud", "Lemoine", "Picard", "Gaillard", "Philippe", "Lacroix", "Fabre", "Dupuis", "Olivier",
    "Rodriguez", "Da Silva", "Hubert", "Rivière", "Le Gall", "Guillaume", "Rey", "Moulin",
    "Gonzalez", "Berger", "Lecomte", "Ménard", "Fleury", "Deschamps", "Carpentier", "Benoît",
    "Maillard", "Aubry", "Prévost", "Poirier", "Charpentier", "Huet", "Baron", "Dupuy", "Carré",
    "Bouvier", "Chabert", "Ferrand", "Chapuis", "Desgranges", "Berthet", "Perret", "Jacquemet",
    "Benali", "Haddad", "Diallo", "Traoré", "Yilmaz", "Ben Ahmed", "Dos Santos", "Pereira",
    "N'Diaye", "Kaya", "Ferreira", "Rossi", "Besson", "Jacquet", "Bonnaud", "D'Amico",
)
VOIES = (
    "rue de la République", "rue Nationale", "avenue de l'Europe", "rue des Jardins",
    "chemin des Vignes", "impasse des Tilleuls", "boulevard Louis Blanc", "rue Paul Bert",
    "place des Arts", "rue du Beaujolais", "montée des Charmes", "allée des Cerisiers",
    "rue Victor Hugo", "rue Jean Jaurès", "rue Pasteur", "rue de la Gare", "rue des Écoles",
    "chemin de la Creuse", "rue du Moulin", "avenue Édouard Herriot", "rue Roland", "rue d'Anse",
    "quai de la Saône", "rue des Mûriers", "allée des Acacias", "rue Marcel Pagnol",
    "chemin du Martelet", "rue Émile Zola", "rue de Thizy", "avenue de la Libération",
)
# Where a parent living apart from the other may live: communes of the Rhône near the schools.
COMMUNES_VOISINES = (
    ("Villefranche-sur-Saône", "69400"), ("Gleizé", "69400"), ("Limas", "69400"),
    ("Arnas", "69400"), ("Anse", "69480"), ("Belleville-en-Beaujolais", "69220"),
    ("Saint-Georges-de-Reneins", "69830"), ("Pommiers", "69480"), ("Denicé", "69640"),
)

ORDRE_NIVEAUX = list(Niveau.values)
# Age reached during the calendar year of the rentrée: a CP pupil of 2026-2027 was born in 2020.
AGE_A_LA_RENTREE = {
    "TPS": 2, "PS": 3, "MS": 4, "GS": 5, "CP": 6, "CE1": 7, "CE2": 8, "CM1": 9, "CM2": 10,
}
NIVEAUX_MATERNELLE = frozenset({"TPS", "PS", "MS", "GS"})
EFFECTIF_MATERNELLE = (20, 25)
EFFECTIF_ELEMENTAIRE = (16, 21)
# The 23 letters of the keys of UAI codes and INE (no I, O, Q).
LETTRES_CLE = "ABCDEFGHJKLMNPRSTUVWXYZ"


def niveau_precedent(niveau: str) -> str | None:
    """The level of the year before; none before PS (the demo has no TPS class)."""
    rang = ORDRE_NIVEAUX.index(niveau)
    return ORDRE_NIVEAUX[rang - 1] if rang > ORDRE_NIVEAUX.index("PS") else None


def _identifiant_courriel(texte: str) -> str:
    """« Anne-Laure » → anne-laure, « N'Diaye » → ndiaye, « Da Silva » → dasilva."""
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z-]", "", sans_accents.lower())


class MotDePasse:
    """The demo password, hashed at most once per run (a hash costs about 0.3 s)."""

    def __init__(self):
        self._chiffre = None
        self._verifies: dict[str, bool] = {}

    def chiffre(self) -> str:
        if self._chiffre is None:
            self._chiffre = make_password(MOT_DE_PASSE)
        return self._chiffre

    def fonctionne(self, chiffre: str) -> bool:
        if chiffre not in self._verifies:
            self._verifies[chiffre] = check_password(MOT_DE_PASSE, chiffre)
        return self._verifies[chiffre]


def creer_donnees(rng: random.Random, mot_de_passe: MotDePasse) -> Circonscription:
    annee = AnneeScolaire.objects.courante()
    annee_passee, _ = AnneeScolaire.objects.get_or_create(debut=annee.debut - 1)
    uais = [e.uai for e in ECOLES]
    if pris := sorted(Ecole.objects.filter(uai__in=uais).values_list("uai", flat=True)):
        raise CommandError(
            f"Des écoles portent déjà les codes UAI de la démonstration ({', '.join(pris)}) : "
            "chargez la démonstration dans une base vide."
        )

    # The Rhône is in the académie de Lyon: zone A of the school holidays.
    circonscription = Circonscription.objects.create(
        nom=NOM_CIRCONSCRIPTION, departement=DEPARTEMENT, zone=Zone.A
    )
    ecoles = Ecole.objects.bulk_create(
        Ecole(circonscription=circonscription, nom=e.nom, commune=e.commune, uai=e.uai)
        for e in ECOLES
    )
    for numero, nom in enumerate(NOMS_SECTEURS, start=1):
        secteur = Secteur.objects.create(circonscription=circonscription, nom=nom)
        secteur.ecoles.set(
            [ecole for ecole, e in zip(ecoles, ECOLES, strict=True) if e.secteur == numero]
        )
    enseignants = _creer_enseignants(rng, circonscription, mot_de_passe)

    classes = {
        (annee_classe.debut, index, nom): Classe(
            ecole=ecole, annee=annee_classe, nom=nom, niveaux=list(niveaux)
        )
        for annee_classe in (annee_passee, annee)
        for index, (ecole, ecole_demo) in enumerate(zip(ecoles, ECOLES, strict=True))
        for nom, niveaux in ecole_demo.classes
    }
    generateur = _GenerateurEleves(rng, circonscription, classes, annee.debut)
    generateur.generer()

    # Last year's CM2 pupils are in collège now, and are not in the demo: a class that would
    # stay empty (last year's pure CM2 classes) is not created.
    utilisees = {id(inscription.classe) for inscription in generateur.inscriptions}
    classes = {
        cle: classe
        for cle, classe in classes.items()
        if cle[0] == annee.debut or id(classe) in utilisees
    }
    Classe.objects.bulk_create(classes.values())
    lien = Classe.enseignants.through
    lien.objects.bulk_create(
        lien(classe=classe, utilisateur=enseignant)
        for (_, index, nom), classe in classes.items()
        for enseignant in enseignants.get((index, nom), [])
    )
    # Pupils first: once they have primary keys, the rows built around them can be saved.
    Eleve.objects.bulk_create(generateur.eleves)
    Inscription.objects.bulk_create(generateur.inscriptions)
    ResponsableLegal.objects.bulk_create(generateur.responsables)
    Plan.objects.bulk_create(generateur.plans)
    return circonscription


def _creer_enseignants(
    rng, circonscription, mot_de_passe
) -> dict[tuple[int, str], list[Utilisateur]]:
    """One teacher per class (the same both years), saved; {(school index, class name): teachers}.

    The class of the documented ``enseignant`` account is left to ``assurer_comptes``.
    """
    noms_pris = {(c.prenom, c.nom) for c in COMPTES + COMPTES_SECTEUR_2}
    nouveaux = []

    def nouvel_enseignant() -> Utilisateur:
        # Four teachers out of five are women in French primary schools.
        prenom = rng.choice(PRENOMS_FEMMES if rng.random() < 0.8 else PRENOMS_HOMMES)
        nom = rng.choice(NOMS)
        while (prenom, nom) in noms_pris:
            nom = rng.choice(NOMS)
        noms_pris.add((prenom, nom))
        enseignant = Utilisateur(
            username=f"enseignant-{len(nouveaux) + 2}",
            first_name=prenom,
            last_name=nom,
            email=f"{_identifiant_courriel(prenom)}.{_identifiant_courriel(nom)}@example.org",
            role=Role.ENSEIGNANT,
            circonscription=circonscription,
            password=mot_de_passe.chiffre(),
        )
        nouveaux.append(enseignant)
        return enseignant

    enseignants = {
        (index, nom): [nouvel_enseignant()]
        for index, ecole in enumerate(ECOLES)
        for nom, _ in ecole.classes
        if (index, nom) != (0, CLASSE_ENSEIGNANT)
    }
    temps_partiel = nouvel_enseignant()
    for nom in CLASSES_TEMPS_PARTIEL:
        enseignants[0, nom].append(temps_partiel)

    if pris := sorted(
        Utilisateur.objects.filter(username__in=[u.username for u in nouveaux]).values_list(
            "username", flat=True
        )
    ):
        raise CommandError(
            f"Des comptes portent déjà les identifiants de la démonstration ({', '.join(pris)}) : "
            "chargez la démonstration dans une base vide."
        )
    Utilisateur.objects.bulk_create(nouveaux)
    return enseignants


@dataclass
class _Famille:
    nom_pere: str
    nom_mere: str
    composition: str  # "parents", "mere", "pere", "tuteur"


class _GenerateurEleves:
    """Builds the pupils of this year's classes, their path, families and plans (unsaved)."""

    def __init__(self, rng, circonscription, classes, debut):
        self.rng = rng
        self.circonscription = circonscription
        self.classes = classes
        self.debut = debut
        # The global unique constraint on INE spans every circonscription of the database.
        self.ines_pris = set(Eleve.objects.exclude(ine="").values_list("ine", flat=True))
        self.effectifs_passes = dict.fromkeys((cle for cle in classes if cle[0] == debut - 1), 0)
        self.eleves, self.inscriptions, self.responsables, self.plans = [], [], [], []

    def generer(self):
        rng = self.rng
        for index, ecole in enumerate(ECOLES):
            maternelle = all(n in NIVEAUX_MATERNELLE for _, nv in ecole.classes for n in nv)
            bornes = EFFECTIF_MATERNELLE if maternelle else EFFECTIF_ELEMENTAIRE
            for nom_classe, niveaux in ecole.classes:
                effectif = rng.randint(*bornes)
                repartition = [effectif]
                if len(niveaux) == 2:
                    premier = round(effectif * rng.uniform(0.4, 0.6))
                    repartition = [premier, effectif - premier]
                for niveau, nombre in zip(niveaux, repartition, strict=True):
                    for _ in range(nombre):
                        self._eleve(index, nom_classe, niveau)

    def _eleve(self, index_ecole, nom_classe, niveau):
        rng, debut, ecole = self.rng, self.debut, ECOLES[index_ecole]
        sexe = rng.choice((Sexe.FILLE, Sexe.GARCON))
        prenom = rng.choice(PRENOMS_FILLES if sexe == Sexe.FILLE else PRENOMS_GARCONS)
        famille = _famille(rng)
        elementaire = niveau not in NIVEAUX_MATERNELLE
        maintien = elementaire and rng.random() < 0.015
        nouveau = rng.random() < 0.07
        annee_naissance = debut - AGE_A_LA_RENTREE[niveau] - (1 if maintien else 0)
        eleve = Eleve(
            circonscription=self.circonscription,
            nom=_nom_enfant(rng, famille),
            prenom=prenom,
            date_naissance=date(annee_naissance, 1, 1) + timedelta(days=rng.randrange(365)),
            sexe=sexe,
            ine=self._ine() if rng.random() < 0.93 else "",
        )
        self.eleves.append(eleve)
        classe = self.classes[debut, index_ecole, nom_classe]
        self.inscriptions.append(
            Inscription(eleve=eleve, annee=classe.annee, classe=classe, niveau=niveau)
        )
        passee = None if nouveau else self._classe_passee(index_ecole, niveau, maintien)
        if passee is not None:
            classe_avant, niveau_avant = passee
            self.inscriptions.append(
                Inscription(
                    eleve=eleve, annee=classe_avant.annee, classe=classe_avant, niveau=niveau_avant
                )
            )
        self.responsables.extend(_responsables(rng, eleve, famille, ecole))
        arrive = passee is None and elementaire
        self.plans.extend(_plans(rng, eleve, debut, niveau, ulis=ecole.ulis, arrive=arrive))

    def _ine(self) -> str:
        """10 digits and a letter, unique in the database."""
        ine = ""
        while not ine or ine in self.ines_pris:
            ine = f"{self.rng.randrange(10**9, 10**10)}{self.rng.choice(LETTRES_CLE)}"
        self.ines_pris.add(ine)
        return ine

    def _classe_passee(self, index_ecole, niveau, maintien):
        """Last year's class and level: one level below, in the same school or its maternelle.

        Among last year's classes teaching that level, the least filled one, so that last
        year's classes have plausible sizes.
        """
        niveau_passe = niveau if maintien else niveau_precedent(niveau)
        if niveau_passe is None:
            return None
        ecole = ECOLES[index_ecole]
        if not any(niveau_passe in niveaux for _, niveaux in ecole.classes):
            if ecole.maternelle_de_rattachement is None:
                return None
            index_ecole = ecole.maternelle_de_rattachement
        candidates = [
            (self.debut - 1, index_ecole, nom)
            for nom, niveaux in ECOLES[index_ecole].classes
            if niveau_passe in niveaux
        ]
        cle = min(candidates, key=self.effectifs_passes.__getitem__)
        self.effectifs_passes[cle] += 1
        return self.classes[cle], niveau_passe


def _famille(rng) -> _Famille:
    nom_pere = rng.choice(NOMS)
    nom_mere = rng.choice([n for n in NOMS if n != nom_pere])
    tirage = rng.random()
    if tirage < 0.78:
        composition = "parents"
    elif tirage < 0.90:
        composition = "mere"
    elif tirage < 0.96:
        composition = "pere"
    else:
        composition = "tuteur"
    return _Famille(nom_pere, nom_mere, composition)


def _nom_enfant(rng, famille: _Famille) -> str:
    if famille.composition == "mere" and rng.random() < 0.5:
        return famille.nom_mere
    if famille.composition == "parents" and rng.random() < 0.08:
        return f"{famille.nom_pere}-{famille.nom_mere}"
    return famille.nom_pere


def _adresse(rng, commune: str, code_postal: str) -> dict:
    numero = rng.randint(1, 140)
    complement = rng.choice(("", "", "", "", " bis", " ter")) if numero < 60 else ""
    adresse = f"{numero}{complement} {rng.choice(VOIES)}"
    if rng.random() < 0.12:
        adresse = f"Résidence Les Platanes, bât. {rng.choice('ABCD')}, {adresse}"
    return {"adresse": adresse, "code_postal": code_postal, "commune": commune}


def _telephone(rng) -> str:
    indicatif = "04 74" if rng.random() < 0.08 else f"0{rng.choice('67')} {rng.randrange(10, 100)}"
    return f"{indicatif} " + " ".join(f"{rng.randrange(100):02d}" for _ in range(3))


def _responsable(rng, eleve, lien, civilite, prenom, nom, adresse) -> ResponsableLegal:
    courriel = ""
    if rng.random() < 0.85:
        suffixe = rng.choice(("", "", "", str(rng.randint(1, 99))))
        identifiant = f"{_identifiant_courriel(prenom)}.{_identifiant_courriel(nom)}"
        courriel = f"{identifiant}{suffixe}@example.org"
    return ResponsableLegal(
        eleve=eleve, lien=lien, civilite=civilite, nom=nom, prenom=prenom,
        telephone=_telephone(rng), email=courriel, **adresse,
    )


def _responsables(rng, eleve, famille: _Famille, ecole: EcoleDemo) -> list[ResponsableLegal]:
    adresse = _adresse(rng, ecole.commune, ecole.code_postal)
    nom_mere = famille.nom_pere if rng.random() < 0.55 else famille.nom_mere
    mere = (LienResponsable.MERE, "Mme", rng.choice(PRENOMS_FEMMES), nom_mere)
    pere = (LienResponsable.PERE, "M.", rng.choice(PRENOMS_HOMMES), famille.nom_pere)
    match famille.composition:
        case "parents":
            # Parents living apart: the second one elsewhere in the Rhône.
            autre_adresse = adresse
            if rng.random() < 0.15:
                commune, code_postal = rng.choice(COMMUNES_VOISINES)
                autre_adresse = _adresse(rng, commune, code_postal)
            return [
                _responsable(rng, eleve, *mere, adresse),
                _responsable(rng, eleve, *pere, autre_adresse),
            ]
        case "mere":
            return [_responsable(rng, eleve, *mere, adresse)]
        case "pere":
            return [_responsable(rng, eleve, *pere, adresse)]
    femme = rng.random() < 0.7
    tuteur = (
        LienResponsable.TUTEUR,
        "Mme" if femme else "M.",
        rng.choice(PRENOMS_FEMMES if femme else PRENOMS_HOMMES),
        rng.choice(NOMS),
    )
    return [_responsable(rng, eleve, *tuteur, adresse)]


def _jour(rng, debut: date, fin: date) -> date:
    return debut + timedelta(days=rng.randrange((fin - debut).days + 1))


def _plans(rng, eleve, debut, niveau, *, ulis, arrive) -> list[Plan]:
    """Plans in place: frequent PPRE, fewer PAP/PAI/PPS, ULIS and UPE2A where they exist."""
    plans = []
    rentree = date(debut, 9, 1)
    fin_annee = date(debut + 1, 7, 4)
    elementaire = niveau not in NIVEAUX_MATERNELLE

    def plan(type_, date_debut, date_fin=None):
        plans.append(Plan(eleve=eleve, type=type_, date_debut=date_debut, date_fin=date_fin))

    if elementaire and rng.random() < 0.07:
        date_debut = _jour(rng, date(debut, 9, 21), date(debut, 10, 16))
        # Half of them already have their end date, one période later.
        date_fin = date_debut + timedelta(weeks=8) if rng.random() < 0.5 else None
        plan(TypePlan.PPRE, date_debut, date_fin)
    if niveau not in NIVEAUX_MATERNELLE | {"CP"} and rng.random() < 0.03:
        # Last year's PPRE, closed in the spring.
        plan(TypePlan.PPRE, _jour(rng, date(debut - 1, 10, 1), date(debut - 1, 11, 30)),
             _jour(rng, date(debut, 3, 1), date(debut, 4, 15)))
    if niveau in {"CE1", "CE2", "CM1", "CM2"} and rng.random() < 0.025:
        plan(TypePlan.PAP, _jour(rng, date(debut - 2, 10, 1), date(debut - 1, 12, 15)))
    if rng.random() < 0.03:
        plan(TypePlan.PAI, _jour(rng, rentree, date(debut, 9, 30)), fin_annee)
    # The pupils of an ULIS école are enrolled in its school: PPS are more frequent there.
    if niveau != "PS" and rng.random() < (0.08 if ulis and elementaire else 0.015):
        date_debut = _jour(rng, date(debut - (3 if elementaire else 1), 9, 1), date(debut, 6, 30))
        plan(TypePlan.PPS, date_debut)
        if ulis and elementaire and rng.random() < 0.7:
            plan(TypePlan.ULIS, max(date_debut, date(debut - 1, 9, 1)))
    if arrive and rng.random() < 0.25:
        plan(TypePlan.UPE2A, _jour(rng, rentree, date(debut, 10, 15)), fin_annee)
    return plans


def assurer_comptes(circonscription, mot_de_passe: MotDePasse):
    """The ten RASED, school and circonscription accounts: created, or repaired if changed.

    Only what makes an account work as documented is repaired (active, role, attachment,
    password); an account of the same name outside the demo circonscription is left alone.
    Returns [(spec, user or None, "créé" | "réparé" | "inchangé" | "ignoré")].
    """
    ecole_1 = Ecole.objects.filter(circonscription=circonscription, uai=ECOLES[0].uai).first()
    secteurs = {
        numero: Secteur.objects.filter(circonscription=circonscription, nom=nom).first()
        for numero, nom in enumerate(NOMS_SECTEURS, start=1)
    }
    if ecole_1 is None or None in secteurs.values():
        raise CommandError(
            "La circonscription de démonstration existe mais il lui manque une école ou un "
            "secteur : supprimez-la (ou repartez d'une base vide) pour recréer la démonstration."
        )
    debut = AnneeScolaire.objects.courante().debut
    specs = COMPTES + COMPTES_SECTEUR_2
    existants = Utilisateur.objects.in_bulk([s.username for s in specs], field_name="username")
    resultat = []
    for spec in specs:
        attendu = {
            "role": spec.role,
            "fonction": spec.fonction,
            "circonscription_id": circonscription.pk,
            "ecole_id": ecole_1.pk if spec.role == Role.DIRECTEUR else None,
            "secteur_id": secteurs[spec.secteur].pk if spec.role in ROLES_RASED else None,
            "is_active": True,
            # Lets the demo administrator sign in through the admin's own login page too.
            "is_staff": spec.role == Role.ADMINISTRATEUR,
        }
        user = existants.get(spec.username)
        if user is None:
            user = Utilisateur(
                username=spec.username,
                first_name=spec.prenom,
                last_name=spec.nom,
                email=f"{_identifiant_courriel(spec.prenom)}.{_identifiant_courriel(spec.nom)}@example.org",
                password=mot_de_passe.chiffre(),
                **attendu,
            )
            user.full_clean()
            user.save()
            etat = "créé"
        elif user.circonscription_id != circonscription.pk:
            resultat.append((spec, None, "ignoré"))
            continue
        else:
            modifies = [champ for champ, val in attendu.items() if getattr(user, champ) != val]
            for champ in modifies:
                setattr(user, champ, attendu[champ])
            if not mot_de_passe.fonctionne(user.password):
                user.password = mot_de_passe.chiffre()
                modifies.append("password")
            if modifies:
                user.save(update_fields=[c.removesuffix("_id") for c in modifies])
            etat = "réparé" if modifies else "inchangé"
        if spec.role == Role.ENSEIGNANT:
            # Only the missing links: ``add`` alone would run an INSERT OR IGNORE on SQLite,
            # which moves the table's sequence even when it inserts nothing.
            for classe in Classe.objects.filter(
                ecole=ecole_1, nom=CLASSE_ENSEIGNANT, annee__debut__in=[debut - 1, debut]
            ).exclude(enseignants=user):
                classe.enseignants.add(user)
        resultat.append((spec, user, etat))
    return resultat


def resume(circonscription) -> str:
    classes = Classe.objects.filter(ecole__circonscription=circonscription)
    annees = AnneeScolaire.objects.filter(classes__in=classes).distinct()
    courante = AnneeScolaire.objects.courante()
    eleves = Eleve.objects.filter(circonscription=circonscription)
    enseignants = Utilisateur.objects.filter(
        circonscription=circonscription, role=Role.ENSEIGNANT
    )
    responsables = ResponsableLegal.objects.filter(eleve__circonscription=circonscription)
    plans = Plan.objects.filter(eleve__circonscription=circonscription)
    lignes = [
        f"  {circonscription.nom} ({circonscription.departement}), années "
        + " et ".join(a.libelle for a in sorted(annees, key=lambda a: a.debut)),
        f"  {Ecole.objects.filter(circonscription=circonscription).count()} écoles, "
        f"{Secteur.objects.filter(circonscription=circonscription).count()} secteurs RASED, "
        f"{classes.filter(annee=courante).count()} classes cette année "
        f"({classes.exclude(annee=courante).count()} l'an dernier), "
        f"{enseignants.count()} enseignants",
        f"  {eleves.count()} élèves, {responsables.count()} responsables légaux, "
        f"{plans.count()} plans ou dispositifs",
    ]
    return "\n".join(lignes)


def resume_comptes(comptes) -> str:
    lignes = [
        f"Comptes de démonstration, à saisir sur /connexion/ (mot de passe « {MOT_DE_PASSE} ») :"
    ]
    for spec, user, etat in comptes:
        if not spec.documente or user is None:
            continue
        match user.role:
            case Role.ENSEIGNANT:
                poste = f"enseignante en {CLASSE_ENSEIGNANT}, {ECOLES[0].nom}"
            case Role.DIRECTEUR:
                poste = f"directeur, {user.ecole.nom}"
            case Role.CIRCONSCRIPTION:
                poste = user.get_fonction_display()
            case Role.ADMINISTRATEUR:
                poste = "administratrice de l'instance"
            case _:
                poste = f"{user.get_role_display()}, {user.secteur}"
        precision = "" if etat == "inchangé" else f" ({etat})"
        lignes.append(f"  {spec.username:<16} {user.get_full_name()} — {poste}{precision}")
    return "\n".join(lignes)
