"""``python manage.py seed_bench --scale N``: synthetic but realistic data for load tests.

``--scale 1`` is one circonscription: 40 schools, about 5,000 pupils enrolled each year, three
school years (the current one up to today), about 1,800 requests with decisions, aids,
programmes in versions, evaluations, meetings and consents, and about 30,000 sessions.
``--scale 10`` is a département: ten such circonscriptions. A scale below 1 keeps one
circonscription with fewer schools (``--scale 0.025`` is one school, for the tests); ``--ecoles``
sets the number of schools per circonscription directly.

Why it is built this way:
- fast: plain ``bulk_create`` in batches, one transaction per circonscription, the accounts'
  password hashed once; ``auto_now_add`` dates are set afterwards with one ``update`` per table;
- deterministic: every random choice comes from ``random.Random(GRAINE + number)``; only the
  dates follow the current school year (as ``manage.py demo``);
- refuses to run twice: it only loads an empty database (no school yet), so that a second run
  never doubles the figures the benchmark compares (``bench/charge.py`` recreates its database);
- guarded: one account per role and circonscription with a published password
  (``MOT_DE_PASSE``), so outside development mode (``DEBUG``) it refuses to run without
  ``--force``, like ``manage.py demo``.

The encrypted text fields (django-fernet-encrypted-fields) encrypt in ``get_db_prep_save``,
which ``bulk_create`` calls for every row as ``save()`` does: no special path is needed.
"""

import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from datetime import time as heure
from itertools import pairwise

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from aides.models import (
    ActionEquipe,
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    HistoriqueDemande,
    Notification,
    Objectif,
    Observation,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from eleves.enums import FonctionCirconscription, Role
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
    annee_courante_debut,
)

MOT_DE_PASSE = "rased-banc-2026"
GRAINE = 2026_5000
ECOLES_PAR_CIRCONSCRIPTION = 40
SECTEURS_PAR_CIRCONSCRIPTION = 4
# 16 pupils per level and school, 8 levels: 128 pupils a school, 5,120 for 40 schools.
ELEVES_PAR_NIVEAU = 16
NIVEAUX = ("PS", "MS", "GS", "CP", "CE1", "CE2", "CM1", "CM2")
CLASSES = (("PS", "MS"), ("GS", "CP"), ("CE1",), ("CE2", "CM1"), ("CM2",))
CLASSE_DU_NIVEAU = {niveau: i for i, niveaux in enumerate(CLASSES) for niveau in niveaux}
# Requests of a school in a whole school year (800 a year for 40 schools); the current year gets
# its share of the days elapsed. Most concern GS to CE1.
DEMANDES_PAR_ECOLE_ET_AN = 20
POIDS_NIVEAUX = {"PS": 1, "MS": 2, "GS": 5, "CP": 8, "CE1": 7, "CE2": 4, "CM1": 3, "CM2": 2}
# A group session gathers up to this many pupils of one member, this many times a week.
TAILLE_GROUPE = {"E": 2, "G": 2, "psy": 1}
SEANCES_PAR_SEMAINE = {"E": 4, "G": 3, "psy": 1}
# Holidays (month, day) ranges without sessions, roughly the zone A calendar.
VACANCES = (((10, 18), (11, 2)), ((12, 20), (1, 4)), ((2, 14), (3, 1)), ((4, 11), (4, 26)))
LOT = 5000  # rows per INSERT
# One account per role and circonscription, signed in by the load test (bench/charge.py).
COMPTES = ("enseignant", "directeur", "maitre-e", "maitre-g", "psychologue", "circonscription", "admin")

PRENOMS = ("Léa", "Tom", "Inès", "Nassim", "Jade", "Lucas", "Emma", "Noah", "Chloé", "Adam", "Louise", "Rayan")
NOMS = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier")
CONTENUS = ("Jeux de syllabes, lecture de mots outils.", "Résolution de problèmes avec manipulation.",
            "Production d'écrit guidée.", "Jeu de rôle et expression des émotions.",
            "Conte et échanges sur le rapport à l'école.", "Numération : dizaines et unités.")


def moment(jour: date, h: int = 10) -> datetime:
    return datetime.combine(jour, heure(h), timezone.get_current_timezone())


def en_vacances(jour: date) -> bool:
    for (m1, j1), (m2, j2) in VACANCES:
        debut, fin = (m1, j1), (m2, j2)
        cle = (jour.month, jour.day)
        if (debut <= cle <= fin) if debut <= fin else (cle >= debut or cle <= fin):
            return True
    return False


@dataclass
class CirconscriptionGeneree:
    circonscription: Circonscription
    comptes: dict  # account name (COMPTES) -> Utilisateur
    comptes_lignes: dict = field(default_factory=dict)  # model name -> rows created
    annee_pleine: int = 0  # the last complete school year (the yearly report's)


def generer_circonscription(numero: int = 1, *, nb_ecoles: int = ECOLES_PAR_CIRCONSCRIPTION,
                            mot_de_passe: str = "!", annees: int = 3) -> CirconscriptionGeneree:
    """One circonscription with ``annees`` school years of activity (the last one is the current
    year, up to yesterday). ``mot_de_passe`` is the hash given to the accounts of ``COMPTES``
    (``"!"``: unusable). Everything is inserted in bulk, in one transaction."""
    rng = random.Random(GRAINE + numero)
    aujourd_hui = timezone.localdate()
    hier = aujourd_hui - timedelta(days=1)
    y = annee_courante_debut()
    debuts = list(range(y - annees + 1, y + 1))
    n = {}

    def inserer(modele, objets, nom=None):
        objets = modele.objects.bulk_create(objets, batch_size=LOT)
        cle = str(nom or modele._meta.verbose_name_plural)
        n[cle] = n.get(cle, 0) + len(objets)
        return objets

    with transaction.atomic():
        circo = Circonscription.objects.create(nom=f"Circonscription du banc d'essai n° {numero:02d}",
                                               departement="Banc d'essai")
        annee_de = {d: AnneeScolaire.objects.get_or_create(debut=d)[0] for d in debuts}
        ecoles = inserer(Ecole, [
            Ecole(circonscription=circo, nom=f"École {'maternelle' if i % 5 == 4 else 'primaire'} n° {i + 1:02d}",
                  commune=f"Commune {numero:02d}-{i % 12 + 1}", uai=f"9{numero:03d}{i:03d}B")
            for i in range(nb_ecoles)
        ])
        nb_secteurs = min(SECTEURS_PAR_CIRCONSCRIPTION, nb_ecoles)
        secteurs = inserer(Secteur, [Secteur(circonscription=circo, nom=f"Secteur {i + 1}")
                                     for i in range(nb_secteurs)])
        secteur_de = {e.pk: i % nb_secteurs for i, e in enumerate(ecoles)}
        Secteur.ecoles.through.objects.bulk_create(
            Secteur.ecoles.through(secteur=secteurs[secteur_de[e.pk]], ecole=e) for e in ecoles
        )

        # People: a teacher per class (the same class every year), a directeur per school, an E,
        # a G and a psychologist per secteur, the IEN and an administrator. The first of each is
        # the benchmark's account of that role.
        def personne(nom, role, compte=None, **kwargs):
            username = f"banc-{numero:02d}-{compte}" if compte else f"banc-{numero:02d}-{nom}"
            return Utilisateur(username=username, first_name=rng.choice(PRENOMS), last_name=rng.choice(NOMS),
                               role=role, circonscription=circo, password=mot_de_passe if compte else "!",
                               **kwargs)

        enseignants = [personne(f"ens-{i + 1:02d}-{k + 1}", Role.ENSEIGNANT,
                                "enseignant" if (i, k) == (0, 1) else None)
                       for i in range(nb_ecoles) for k in range(len(CLASSES))]
        directeurs = [personne(f"dir-{i + 1:02d}", Role.DIRECTEUR, "directeur" if i == 0 else None, ecole=e)
                      for i, e in enumerate(ecoles)]
        rased = {}
        for type_aide, role, compte in (("E", Role.MAITRE_E, "maitre-e"), ("G", Role.MAITRE_G, "maitre-g"),
                                        ("psy", Role.PSYCHOLOGUE, "psychologue")):
            rased[type_aide] = [personne(f"{type_aide.lower()}-{s + 1}", role, compte if s == 0 else None,
                                         secteur=secteur) for s, secteur in enumerate(secteurs)]
        ien = personne("ien", Role.CIRCONSCRIPTION, "circonscription", fonction=FonctionCirconscription.IEN)
        admin = personne("admin", Role.ADMINISTRATEUR, "admin", is_staff=True)
        inserer(Utilisateur, [*enseignants, *directeurs, *rased["E"], *rased["G"], *rased["psy"], ien, admin],
                "personnes")
        directeur_de = {d.ecole_id: d for d in directeurs}

        classes = {}  # (school index, year, class index) -> Classe
        for d in debuts:
            for i, e in enumerate(ecoles):
                for k, niveaux in enumerate(CLASSES):
                    classes[i, d, k] = Classe(ecole=e, annee=annee_de[d], nom=f"{'-'.join(niveaux)} {i + 1:02d}",
                                              niveaux=list(niveaux))
        inserer(Classe, list(classes.values()))
        Classe.enseignants.through.objects.bulk_create(
            (Classe.enseignants.through(classe=c, utilisateur=enseignants[i * len(CLASSES) + k])
             for (i, _, k), c in classes.items()), batch_size=LOT,
        )

        # Pupils by cohort: cohort c is at level c - (y - d) in year d; cohorts 0 and 1 entered
        # recently, cohorts 8 and 9 have left for the collège.
        nb_cohortes = len(NIVEAUX) + annees - 1
        eleves, parcours = [], []
        for i in range(nb_ecoles):
            for c in range(nb_cohortes):
                naissance = date(y - 3 - (c - (annees - 1)), 1, 1)
                for _ in range(ELEVES_PAR_NIVEAU):
                    eleves.append(Eleve(circonscription=circo, nom=f"{rng.choice(NOMS)}-{len(eleves):05d}",
                                        prenom=rng.choice(PRENOMS), sexe=rng.choice("FM"),
                                        date_naissance=naissance + timedelta(days=rng.randrange(365))))
                    parcours.append((i, c))
        eleves = inserer(Eleve, eleves)
        inscriptions = []
        inscrits = {d: [] for d in debuts}  # year -> [(eleve, school index, level)]
        for eleve, (i, c) in zip(eleves, parcours, strict=True):
            for d in debuts:
                rang = c - (y - d)
                if 0 <= rang < len(NIVEAUX):
                    niveau = NIVEAUX[rang]
                    inscriptions.append(Inscription(eleve=eleve, annee=annee_de[d], niveau=niveau,
                                                    classe=classes[i, d, CLASSE_DU_NIVEAU[niveau]]))
                    inscrits[d].append((eleve, i, niveau))
        inserer(Inscription, inscriptions)
        responsables = []
        for eleve in eleves:
            for lien, civilite in (("mere", "Mme"), ("pere", "M."))[: rng.choice((1, 2, 2))]:
                responsables.append(ResponsableLegal(
                    eleve=eleve, lien=lien, civilite=civilite, nom=eleve.nom.split("-")[0], prenom=rng.choice(PRENOMS),
                    adresse=f"{rng.randrange(1, 80)} rue des Écoles", code_postal="69400", commune="Commune"))
        inserer(ResponsableLegal, responsables)
        inserer(Plan, [Plan(eleve=e, type=rng.choice(["PPRE", "PAP", "PAI", "PPS"]), date_debut=date(y - 1, 10, 1))
                       for e in eleves if rng.random() < 0.05])

        # Requests: each year, a share of the schools' pupils, mostly GS to CE1; a pupil helped
        # last year often gets a request again (three-year histories exist).
        demandes, deja_aides = [], set()
        for d in debuts:
            rentree, fin_annee = date(d, 9, 1), min(date(d + 1, 7, 3), hier)
            jours = (fin_annee - rentree).days
            part = 1.0 if d < y else max(0.0, jours / 305)
            par_ecole = {}
            for eleve, i, niveau in inscrits[d]:
                par_ecole.setdefault(i, []).append((eleve, niveau))
            for i, candidats in par_ecole.items():
                nombre = round(DEMANDES_PAR_ECOLE_ET_AN * part)
                revus = [cand for cand in candidats if cand[0].pk in deja_aides]
                choisis = {cand[0].pk: cand for cand in rng.sample(revus, min(len(revus), nombre // 4))}
                while len(choisis) < min(nombre, len(candidats)):
                    cand = rng.choices(candidats, weights=[POIDS_NIVEAUX[nv] for _, nv in candidats])[0]
                    choisis.setdefault(cand[0].pk, cand)
                for eleve, niveau in choisis.values():
                    deja_aides.add(eleve.pk)
                    classe = classes[i, d, CLASSE_DU_NIVEAU[niveau]]
                    envoi = rentree + timedelta(days=10 + rng.randrange(max(1, jours - 40)))
                    envoi = min(envoi, fin_annee)
                    s = secteur_de[ecoles[i].pk]
                    tirage = rng.random()
                    if d < y:
                        etat = ("autre_reponse" if tirage < 0.15 else "cloturee" if tirage < 0.6 else "aide_decidee")
                    else:
                        etat = ("brouillon" if tirage < 0.08 else "envoyee" if tirage < 0.3 else
                                "en_analyse" if tirage < 0.5 else "autre_reponse" if tirage < 0.6 else "aide_decidee")
                    decidee = min(envoi + timedelta(days=rng.randrange(7, 45)), fin_annee)
                    if etat in ("aide_decidee", "cloturee"):
                        decision = "aide"
                    elif etat == "autre_reponse":
                        decision = rng.choice(["conseil", "orientation", "non_retenue"])
                    else:
                        decision = ""
                    referent = rased[rng.choice(["E", "E", "G"])][s] if etat != "brouillon" and etat != "envoyee" else None
                    demande = DemandeAide(
                        eleve=eleve, circonscription=circo, classe=classe, niveau=niveau, etat=etat,
                        auteur=rng.choice([enseignants[i * len(CLASSES) + CLASSE_DU_NIVEAU[niveau]]] * 3
                                          + [directeur_de[ecoles[i].pk]]),
                        domaines=rng.sample(["1.1", "1.3", "2", "3"], rng.choice((1, 2))),
                        difficultes="Lecture hésitante, erreurs de segmentation ; peu d'autonomie en classe.",
                        erreurs="Confusions de sons proches, oublis de mots.", deja_essaye=["differenciation", "apc"],
                        points_appui="À l'aise à l'oral.", attentes="Comprendre ce qui bloque.",
                        famille_informee_le=envoi - timedelta(days=3), famille_informee_par="rencontre",
                        envoyee_le=moment(envoi) if etat != "brouillon" else None,
                        referent=referent, decision=decision, decision_motif="Motif de la décision." if decision else "",
                        decidee_le=moment(decidee) if decision else None, decidee_par=referent if decision else None,
                    )
                    demande.secteur = s
                    demandes.append(demande)
        demandes = inserer(DemandeAide, demandes)
        # auto_now_add / auto_now cannot be given to bulk_create: set them from the request's own dates.
        DemandeAide.objects.filter(circonscription=circo).update(
            cree_le=Coalesce(F("envoyee_le") - timedelta(days=3), Now()),
            modifie_le=Coalesce(F("decidee_le"), F("envoyee_le"), Now()),
        )
        historique, notifications, consentements, observations = [], [], [], []
        for dm in demandes:
            if dm.etat == "brouillon":
                continue
            etapes = ["brouillon", "envoyee", "en_analyse", "aide_decidee", "cloturee"]
            if dm.etat == "autre_reponse":
                etapes = ["brouillon", "envoyee", "en_analyse", "autre_reponse"]
            for de, vers in pairwise(etapes):
                historique.append(HistoriqueDemande(demande=dm, auteur=dm.referent or dm.auteur, de=de, vers=vers))
                if vers == dm.etat:
                    break
            if dm.envoyee_le:
                for type_aide in ("E", "G"):
                    ancienne = dm.envoyee_le.date() < hier - timedelta(days=10)
                    notifications.append(Notification(
                        destinataire=rased[type_aide][dm.secteur], demande=dm, message="Nouvelle demande d'aide.",
                        lue_le=dm.envoyee_le + timedelta(days=1) if ancienne else None))
                consentements.append(Consentement(
                    demande=dm, acte="information", accorde=True, date=dm.famille_informee_le, titulaires="deux",
                    forme="oral", enregistre_par=dm.auteur))
            if dm.referent:
                for _ in range(rng.choice((1, 2))):
                    observations.append(Observation(
                        demande=dm, auteur=dm.referent, type=rng.choice(["observation_classe", "dialogue", "analyse_erreurs"]),
                        date=min(dm.envoyee_le.date() + timedelta(days=rng.randrange(2, 10)), hier),
                        contenu="Observation en classe pendant une séance de lecture ; l'élève décroche vite.",
                        obstacles=["didactique"]))
        inserer(HistoriqueDemande, historique, "étapes des demandes")
        inserer(Notification, notifications, "notifications")

        # Aids, programmes (v1, then v2 after a renewal), evaluations.
        aides = []
        for dm in demandes:
            if dm.decision != "aide":
                continue
            tirage = rng.random()
            types = ["E"] if tirage < 0.55 else ["G"] if tirage < 0.8 else ["psy"] if tirage < 0.92 else ["E", "psy"]
            d = dm.classe.annee.debut
            fin_annee = min(date(d + 1, 7, 3), hier)
            for type_aide in types:
                intervenant = rased[type_aide][dm.secteur]
                debut = dm.decidee_le.date() + timedelta(days=rng.randrange(7, 30))
                acte = "psy" if type_aide == "psy" else "aide_e_g"
                if debut > fin_annee - timedelta(days=7):
                    aides.append(Aide(demande=dm, eleve=dm.eleve, type=type_aide, intervenant=intervenant))
                    continue
                consentements.append(Consentement(demande=dm, acte=acte, accorde=True, date=debut - timedelta(days=3),
                                                  titulaires="deux", forme="ecrit", enregistre_par=intervenant))
                termine = d < y or rng.random() < 0.1
                fin = min(fin_annee, debut + timedelta(days=rng.randrange(56, 200))) if termine else None
                aides.append(Aide(demande=dm, eleve=dm.eleve, type=type_aide, intervenant=intervenant, debut=debut,
                                  fin=fin, etat="terminee" if termine else "en_cours",
                                  issue=rng.choice(["arret", "arret", "orientation", "changement"]) if termine else ""))
        inserer(Consentement, consentements, "consentements")
        inserer(Observation, observations, "observations")
        aides = inserer(Aide, aides)
        commencees = [a for a in aides if a.debut]
        programmes, suites = [], []  # suites: (programme, evaluation date, kind, next step)
        for a in commencees:
            dernier = a.fin or hier
            v_debut, version = a.debut, 1
            while True:
                revision = v_debut + timedelta(days=56)
                renouvele = version < 3 and revision + timedelta(days=28) < dernier
                p = Programme(aide=a, version=version, modalite="individuel" if a.type == "psy" else rng.choice(
                    ["en_classe", "petit_groupe", "petit_groupe"]), etat="remplace" if renouvele else "valide",
                    date_debut=v_debut, date_revision=revision, redige_par=a.intervenant, valide_par=a.intervenant,
                    valide_le=moment(v_debut), avis_eleve="Content de venir.", avis_famille="La famille soutient l'aide.")
                programmes.append(p)
                if renouvele:
                    suites.append((p, revision, "intermediaire", "renouvellement"))
                    v_debut, version = revision, version + 1
                    continue
                if a.fin:
                    suites.append((p, a.fin, "finale", a.issue))
                elif revision <= hier:
                    suites.append((p, revision, "intermediaire", "poursuite"))
                break
        programmes = inserer(Programme, programmes, "programmes personnalisés")
        objectifs = inserer(Objectif, [
            Objectif(programme=p, ordre=k, intitule=f"Objectif {k} : lire des mots réguliers", critere="Lit 20 mots",
                     responsable="Maître E", **({"visee": "estime"} if p.aide.type != "E" else {"domaine": "1.1"}))
            for p in programmes for k in (1, 2, 3)
        ])
        objectifs_de = {}
        for o in objectifs:
            objectifs_de.setdefault(o.programme_id, []).append(o)
        evaluations = inserer(Evaluation, [
            Evaluation(programme=p, type=genre, date=jour, auteur=p.redige_par, suite=suite,
                       synthese="Progrès nets en décodage ; la compréhension reste fragile.")
            for p, jour, genre, suite in suites
        ])
        inserer(EvaluationObjectif, [
            EvaluationObjectif(evaluation=ev, objectif=o, atteinte=rng.choice(["partiel", "atteint", "non_atteint"]),
                               maitrise_debut="fragile", maitrise_actuelle=rng.choice(["fragile", "satisfaisante"]))
            for ev in evaluations for o in objectifs_de[ev.programme_id]
        ], "résultats des évaluations")
        inserer(ConclusionPsy, [
            ConclusionPsy(aide=a, auteur=a.intervenant, date=a.fin, texte="Conclusion du suivi psychologique.",
                          partagee=rng.random() < 0.5)
            for a in commencees if a.type == "psy" and a.fin
        ], "conclusions du psychologue")
        reunions = inserer(Reunion, [
            Reunion(demande=dm, type=rng.choice(["synthese", "equipe_educative", "famille", "concertation"]),
                    date=dm.envoyee_le + timedelta(days=20), lieu="École", auteur=dm.referent or dm.auteur,
                    ordre_du_jour="Point sur les difficultés et l'aide proposée.",
                    compte_rendu="Échanges avec l'équipe et la famille. " * 4)
            for dm in demandes if dm.envoyee_le and dm.envoyee_le.date() + timedelta(days=20) <= hier and rng.random() < 0.6
        ])
        Reunion.participants.through.objects.bulk_create(
            (Reunion.participants.through(reunion=r, utilisateur=r.demande.referent) for r in reunions
             if r.demande.referent), batch_size=LOT)

        # Sessions: each member, each school week, gathers the pupils of their aids in progress
        # into groups (by school), SEANCES_PAR_SEMAINE times a week.
        seances, groupes = [], []
        par_intervenant = {}
        for a in commencees:
            par_intervenant.setdefault(a.intervenant_id, []).append(a)
        for liste in par_intervenant.values():
            type_aide = liste[0].type
            premier = min(a.debut for a in liste)
            lundi = premier - timedelta(days=premier.weekday())
            while lundi <= hier:
                if not en_vacances(lundi) and not (lundi.month in (7, 8) and (lundi.month, lundi.day) > (7, 5)):
                    actives = sorted((a for a in liste if a.debut <= lundi + timedelta(days=4)
                                      and (a.fin or hier) >= lundi), key=lambda a: (a.demande.classe.ecole_id, a.pk))
                    taille = TAILLE_GROUPE[type_aide]
                    for g in range(0, len(actives), taille):
                        for fois in range(SEANCES_PAR_SEMAINE[type_aide]):
                            jour = lundi + timedelta(days=(0, 1, 3, 4)[(g // taille + 2 * fois) % 4])
                            if jour > hier:
                                continue
                            seances.append(Seance(intervenant=actives[0].intervenant, date=jour,
                                                  duree=rng.choice([30, 45, 45, 60]), contenu=rng.choice(CONTENUS)))
                            groupes.append(actives[g:g + taille])
                lundi += timedelta(days=7)
        seances = inserer(Seance, seances)
        inserer(PresenceSeance, [
            PresenceSeance(seance=s, aide=a, presence="present" if rng.random() < 0.9 else rng.choice(["absent", "excuse"]),
                           observation="Participe volontiers." if rng.random() < 0.3 else "")
            for s, groupe in zip(seances, groupes, strict=True) for a in groupe
        ], "présences")
        inserer(ActionEquipe, [
            ActionEquipe(ecole=e, auteur=rased["E"][secteur_de[e.pk]], date=date(d, 10, 1) + timedelta(days=60 * k),
                         public="Équipe de cycle 2", theme="Outils pour la lecture", duree=rng.choice([60, 90, 120]))
            for d in debuts for e in ecoles for k in range(3) if date(d, 10, 1) + timedelta(days=60 * k) <= hier
        ])

    comptes = {
        "enseignant": enseignants[1], "directeur": directeurs[0], "maitre-e": rased["E"][0],
        "maitre-g": rased["G"][0], "psychologue": rased["psy"][0], "circonscription": ien, "admin": admin,
    }
    return CirconscriptionGeneree(circonscription=circo, comptes=comptes, comptes_lignes=n, annee_pleine=y - 1)


def nombre_circonscriptions_et_ecoles(scale: float, ecoles: int | None) -> tuple[int, int]:
    """``--scale 10`` → 10 circonscriptions of 40 schools; ``--scale 0.25`` → one of 10 schools."""
    if scale <= 0:
        raise CommandError("--scale doit être positif.")
    if scale < 1:
        return 1, ecoles or max(1, round(ECOLES_PAR_CIRCONSCRIPTION * scale))
    return round(scale), ecoles or ECOLES_PAR_CIRCONSCRIPTION


class Command(BaseCommand):
    help = (
        "Charge des données synthétiques pour les tests de charge : --scale 1 = une circonscription "
        "(40 écoles, 5 000 élèves, 3 années scolaires), --scale 10 = un département. Base vide "
        "uniquement ; un compte par rôle et par circonscription (banc-NN-<rôle>, mot de passe "
        f"« {MOT_DE_PASSE} ») : réservée au mode développement (DJANGO_DEBUG=1), sauf --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0,
                            help="nombre de circonscriptions (1 par défaut) ; moins de 1 : une seule, avec moins d'écoles")
        parser.add_argument("--ecoles", type=int, default=None, help="écoles par circonscription (40 par défaut)")
        parser.add_argument("--force", action="store_true",
                            help="lancer la commande hors mode développement (mots de passe publics : jamais sur "
                                 "une instance réelle)")

    def handle(self, *args, scale=1.0, ecoles=None, force=False, verbosity=1, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Les comptes du banc d'essai ont un mot de passe public : cette commande ne s'exécute "
                "qu'en mode développement (DJANGO_DEBUG=1), ou avec --force."
            )
        if Ecole.objects.exists():
            raise CommandError("La base contient déjà des écoles : seed_bench ne charge qu'une base vide "
                               "(recréez-la, comme le fait bench/charge.py).")
        nb_circonscriptions, nb_ecoles = nombre_circonscriptions_et_ecoles(scale, ecoles)
        debut = time.monotonic()
        hache = make_password(MOT_DE_PASSE)
        totaux: dict[str, int] = {}
        for numero in range(1, nb_circonscriptions + 1):
            t0 = time.monotonic()
            generee = generer_circonscription(numero, nb_ecoles=nb_ecoles, mot_de_passe=hache)
            for cle, valeur in generee.comptes_lignes.items():
                totaux[cle] = totaux.get(cle, 0) + valeur
            if verbosity >= 2:
                self.stdout.write(f"{generee.circonscription} : {time.monotonic() - t0:.1f} s")
        duree = time.monotonic() - debut
        if verbosity:
            self.stdout.write(f"{nb_circonscriptions} circonscription(s) de {nb_ecoles} école(s) en {duree:.1f} s :")
            for cle, valeur in totaux.items():
                self.stdout.write(f"  {cle:<28} {valeur:>9,}".replace(",", " "))
            self.stdout.write(f"Comptes (mot de passe « {MOT_DE_PASSE} ») : "
                              + ", ".join(f"banc-NN-{c}" for c in COMPTES)
                              + f", NN de 01 à {nb_circonscriptions:02d}.")
