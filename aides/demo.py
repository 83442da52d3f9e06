"""Demo data of the aid workflow: requests at every stage for the demo accounts' pupils.

Called once by ``python manage.py demo`` right after the school data is created. It goes
through the same services as the pages (so every rule holds), then moves the dates back so
that the dashboards show waiting times, reviews due and this week's sessions. The demo sends
no e-mail.
"""

import random
from datetime import timedelta

from django.test.utils import override_settings
from django.utils import timezone

from aides.enums import ActeConsentement, TypeAide
from aides.models import (
    Competence,
    ActionEquipe,
    ActionProgramme,
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    HistoriqueDemande,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from aides.services import (
    aide_demarrer,
    consentement_enregistrer,
    demande_decider,
    demande_enregistrer,
    demande_envoyer,
    demande_prendre_en_charge,
    evaluation_enregistrer,
    observation_ajouter,
    programme_creer,
    programme_valider,
)
from eleves.enums import CYCLE_PAR_NIVEAU, Role
from eleves.models import Eleve, Utilisateur, annee_courante_debut

DIFFICULTES = [
    (["1.1"], "Déchiffrage lent et coûteux, confusions de sons proches (f/v, ch/j).",
     "Inversions de lettres en dictée ; mots-outils mal orthographiés."),
    (["1.3"], "Numération fragile au-delà de 20 ; le sens des opérations n'est pas construit.",
     "Compte un à un sur ses doigts ; erreurs de retenue systématiques."),
    (["1.1", "2"], "Compréhension de consignes écrites difficile ; se décourage vite.",
     "Réponses hors sujet aux questions de compréhension."),
    (["3"], "Difficulté à entrer dans les activités, repli, pleurs fréquents au moment du travail écrit.",
     "Ne commence pas les exercices seul."),
]


def sans_courriel():
    """The demo's notifications stay in the app: e-mails (sent after the commit) go nowhere.

    Wrap the whole transaction with it, since the e-mails leave when it commits.
    """
    return override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}})


def peupler(circonscription, rng: random.Random) -> int:
    """Create the demo's requests; returns how many."""
    return _Peuplement(circonscription, rng).executer()


class _Peuplement:
    def __init__(self, circonscription, rng):
        self.rng = rng
        self.aujourd_hui = timezone.localdate()
        comptes = Utilisateur.objects.in_bulk(
            ["enseignant", "directeur", "maitre-e", "maitre-g", "psychologue"], field_name="username"
        )
        self.enseignant = comptes["enseignant"]
        self.directeur = comptes["directeur"]
        self.maitre_e, self.maitre_g, self.psy = comptes["maitre-e"], comptes["maitre-g"], comptes["psychologue"]
        courants = Eleve.objects.filter(
            circonscription=circonscription, inscriptions__annee__debut=annee_courante_debut()
        )
        self.eleves_classe = list(
            courants.filter(inscriptions__classe__enseignants=self.enseignant).order_by("nom", "prenom")
        )
        autres = courants.filter(inscriptions__classe__ecole__secteurs=self.maitre_e.secteur_id).exclude(
            pk__in=[e.pk for e in self.eleves_classe]
        ).order_by("nom", "prenom")
        self.autres_eleves = list(autres[:40])
        self.enseignants_secteur = {
            e.pk: e for e in Utilisateur.objects.filter(
                role=Role.ENSEIGNANT, classes__ecole__secteurs=self.maitre_e.secteur_id,
                classes__annee__debut=annee_courante_debut(),
            )
        }

    def jour(self, il_y_a: int):
        return self.aujourd_hui - timedelta(days=il_y_a)

    def executer(self) -> int:
        classe = iter(self.eleves_classe)
        autres = iter(self.autres_eleves)
        self.demande(next(classe), self.enseignant, etape="brouillon")
        self.demande(next(classe), self.enseignant, etape="envoyee", il_y_a=4)
        self.demande(next(autres), None, etape="envoyee", il_y_a=23)
        self.demande(next(autres), None, etape="analyse", il_y_a=12)
        self.demande(next(autres), None, etape="conseil", il_y_a=30)
        groupe_e = [
            self.demande(next(classe), self.enseignant, etape="aide", il_y_a=50, types=[TypeAide.E]),
            self.demande(next(autres), None, etape="aide", il_y_a=48, types=[TypeAide.E]),
            self.demande(next(autres), None, etape="aide", il_y_a=47, types=[TypeAide.E]),
        ]
        aide_g = self.demande(next(classe), self.enseignant, etape="aide", il_y_a=45, types=[TypeAide.G])
        aide_psy = self.demande(next(autres), None, etape="aide", il_y_a=40, types=[TypeAide.PSY])
        self.demande(next(autres), None, etape="a_demarrer", il_y_a=15, types=[TypeAide.E])
        terminee = self.demande(next(autres), None, etape="aide", il_y_a=120, types=[TypeAide.E])

        aides_e = [self.aide_en_cours(d, TypeAide.E, self.maitre_e, il_y_a=35) for d in groupe_e]
        self.programme(aides_e[0], il_y_a=35, revision_dans=14)
        self.programme(aides_e[1], il_y_a=35, revision_dans=-3)
        self.programme(aides_e[2], il_y_a=35, revision_dans=14)
        self.seances(self.maitre_e, aides_e, nombre=8)
        self.reunion(groupe_e[0])
        g = self.aide_en_cours(aide_g, TypeAide.G, self.maitre_g, il_y_a=30)
        self.programme(g, il_y_a=30, revision_dans=20, visee="estime")
        self.seances(self.maitre_g, [g], nombre=5, duree=45)
        psy = self.aide_en_cours(aide_psy, TypeAide.PSY, self.psy, il_y_a=28)
        self.seances(self.psy, [psy], nombre=3, duree=60, confidentiel=True)
        self.suivi_psy(aide_psy, psy)
        fin = self.aide_en_cours(terminee, TypeAide.E, self.maitre_e, il_y_a=110)
        programme = self.programme(fin, il_y_a=110, revision_dans=-60)
        self.seances(self.maitre_e, [fin], nombre=10, depuis=110)
        evaluation_enregistrer(
            evaluation=Evaluation(programme=programme, type="finale", date=self.jour(60), suite="arret",
                                  synthese="Objectifs atteints : la lecture est devenue fluide."),
            resultats=[EvaluationObjectif(objectif=o, atteinte="atteint", maitrise_debut="fragile",
                                          maitrise_actuelle="satisfaisante") for o in programme.objectifs.all()],
            auteur=self.maitre_e,
        )
        self.actions_equipes()
        return DemandeAide.objects.filter(circonscription=self.maitre_e.circonscription_id).count()

    def auteur_pour(self, eleve):
        inscription = eleve.inscription_courante
        enseignants = [e for e in inscription.classe.enseignants.all() if e.pk in self.enseignants_secteur]
        return enseignants[0] if enseignants else self.directeur

    def demande(self, eleve, auteur, *, etape, il_y_a=0, types=()):
        auteur = auteur or self.auteur_pour(eleve)
        domaines, difficultes, erreurs = self.rng.choice(DIFFICULTES)
        demande = demande_enregistrer(
            demande=DemandeAide(
                domaines=domaines, difficultes=difficultes, erreurs=erreurs,
                deja_essaye=["differenciation", "apc"],
                deja_essaye_precisions="APC deux fois par semaine depuis la rentrée.",
                points_appui="À l'aise à l'oral, bonne mémoire, envie de bien faire.",
                attentes="Comprendre ce qui bloque et adapter le travail en classe.",
                famille_informee_le=None if etape == "brouillon" else self.jour(il_y_a + 3),
                famille_informee_par="" if etape == "brouillon" else "rencontre",
                # A second open request for a pupil says why (asked before it is sent).
                motif_autre_demande="Une autre difficulté, apparue depuis la première demande." if
                DemandeAide.objects.autres_en_cours(eleve_id=eleve.pk, auteur_id=auteur.pk).exists() else "",
            ),
            auteur=auteur, eleve=eleve,
        )
        if etape == "brouillon":
            return demande
        demande_envoyer(demande=demande, auteur=auteur)
        self.dater(demande, il_y_a)
        if etape == "envoyee":
            return demande
        demande_prendre_en_charge(demande=demande, auteur=self.maitre_e, referent=self.maitre_e)
        demande.refresh_from_db()
        observation_ajouter(demande=demande, auteur=self.maitre_e, observation=Observation(
            type="observation_classe", date=self.jour(il_y_a - 5), obstacles=["didactique"],
            contenu="Observé en atelier de lecture : stratégie d'évitement, s'appuie sur l'image."))
        if etape == "analyse":
            return demande
        if etape == "conseil":
            demande_decider(demande=demande, auteur=self.maitre_g, decision="conseil", intervenants={},
                            motif="Difficultés passagères : pistes de différenciation proposées à l'enseignante.")
            return demande
        intervenants = {t: {TypeAide.E: self.maitre_e, TypeAide.G: self.maitre_g, TypeAide.PSY: self.psy}[t]
                        for t in types}
        demande_decider(demande=demande, auteur=self.maitre_e, decision="aide", intervenants=intervenants,
                        motif="Besoin d'une aide spécialisée au-delà de la différenciation en classe.")
        demande.refresh_from_db()
        return demande

    def dater(self, demande, il_y_a):
        moment = timezone.now() - timedelta(days=il_y_a)
        DemandeAide.objects.filter(pk=demande.pk).update(envoyee_le=moment, cree_le=moment - timedelta(days=2))
        HistoriqueDemande.objects.filter(demande=demande).update(le=moment)

    def aide_en_cours(self, demande, type_aide, membre, *, il_y_a):
        acte = ActeConsentement.PSY if type_aide == TypeAide.PSY else ActeConsentement.AIDE_E_G
        consentement_enregistrer(demande=demande, auteur=membre, consentement=Consentement(
            acte=acte, accorde=True, date=self.jour(il_y_a + 2), titulaires="deux", forme="ecrit"))
        aide = Aide.objects.get(demande=demande, type=type_aide)
        aide_demarrer(aide=aide, auteur=membre, debut=self.jour(il_y_a))
        aide.refresh_from_db()
        return aide

    def programme(self, aide, *, il_y_a, revision_dans, visee=""):
        debut = self.jour(il_y_a)
        programme = programme_creer(aide=aide, auteur=aide.intervenant, programme=Programme(
            modalite="petit_groupe" if aide.type == TypeAide.E else "individuel",
            seances_par_semaine=2, duree_seance=45, date_debut=debut,
            date_revision=self.aujourd_hui + timedelta(days=revision_dans),
            avis_eleve="Content de venir travailler en petit groupe.",
            avis_famille="La famille soutient l'aide et fera lire chaque soir.",
        ))
        # Skills of the reference list, by the pupil's cycle (none if the list was not loaded).
        cycle = CYCLE_PAR_NIVEAU.get(aide.demande.niveau, 2)
        codes = {"decoder": {1: "C1-LO-07", 2: "C2-FR-LE-01", 3: "C3-FR-LE-01"}[cycle],
                 "comprendre": {1: "C1-LO-05", 2: "C2-FR-LE-02", 3: "C3-FR-LE-01"}[cycle]}
        competences = {c.code: c for c in Competence.objects.filter(code__in=[*codes.values(), "S3.1"])}
        decoder, comprendre = competences.get(codes["decoder"]), competences.get(codes["comprendre"])
        if visee:
            Objectif.objects.create(programme=programme, visee=visee, intitule="Oser prendre la parole en groupe",
                                    critere="Intervient au moins une fois par séance", responsable="Maître G",
                                    competence=competences.get("S3.1"), maitrise_initiale="insuffisante")
        else:
            Objectif.objects.create(programme=programme, domaine="1.1", ordre=1,
                                    intitule="Décoder les syllabes complexes",
                                    critere="Lit une liste de 20 syllabes en moins d'une minute",
                                    responsable="Maître E", competence=decoder, maitrise_initiale="fragile")
            Objectif.objects.create(programme=programme, domaine="1.1", ordre=2,
                                    intitule="Comprendre un texte court lu seul",
                                    critere="Répond juste à 4 questions sur 5", responsable="Enseignante",
                                    competence=comprendre, maitrise_initiale="fragile")
        ActionProgramme.objects.create(programme=programme, acteur="enseignant",
                                       description="Lecture quotidienne de 5 minutes avec l'enseignante.")
        ActionProgramme.objects.create(programme=programme, acteur="famille",
                                       description="Lecture partagée le soir.")
        programme_valider(programme=programme, auteur=aide.intervenant)
        Programme.objects.filter(pk=programme.pk).update(valide_le=timezone.now() - timedelta(days=il_y_a))
        programme.refresh_from_db()
        return programme

    def seances(self, membre, aides, *, nombre, duree=45, depuis=35, confidentiel=False):
        for i in range(nombre):
            jour = self.jour(max(0, depuis - i * 4 - (0 if i < nombre - 1 else 0)))
            if i == nombre - 1:
                jour = self.aujourd_hui - timedelta(days=self.aujourd_hui.weekday())
            seance = Seance.objects.create(
                intervenant=membre, date=jour, duree=duree,
                contenu="Entretien individuel." if confidentiel else "Jeux de syllabes, lecture de mots outils.",
            )
            PresenceSeance.objects.bulk_create(
                PresenceSeance(seance=seance, aide=aide,
                               presence=self.rng.choices(["present", "absent", "excuse"], [90, 5, 5])[0],
                               observation="" if confidentiel else "Participe volontiers.")
                for aide in aides
            )

    def reunion(self, demande):
        reunion = Reunion.objects.create(
            demande=demande, type="equipe_educative", date=timezone.now() - timedelta(days=40),
            lieu="Salle des maîtres", auteur=self.directeur,
            ordre_du_jour="Difficultés en lecture ; aide du maître E ; rôle de la famille.",
            compte_rendu="La famille est d'accord pour l'aide. Point d'étape à la fin de la période.",
            decisions="Aide E en petit groupe, deux séances par semaine.",
        )
        reunion.participants.set([self.directeur, self.maitre_e, self.enseignant])
        ParticipantExterne.objects.create(reunion=reunion, nom="Mme Martin", qualite="mère")
        ParticipantExterne.objects.create(reunion=reunion, nom="Dr Roux", qualite="médecin scolaire")

    def suivi_psy(self, demande, aide):
        observation_ajouter(demande=demande, auteur=self.psy, observation=Observation(
            type="bilan", date=self.jour(25), obstacles=["affectif"],
            contenu="Bilan : efficience dans la norme, anxiété de performance marquée."))
        consentement_enregistrer(demande=demande, auteur=self.psy, consentement=Consentement(
            acte=ActeConsentement.TRANSMISSION, accorde=True, date=self.jour(20), titulaires="deux",
            forme="ecrit"))
        ConclusionPsy.objects.create(aide=aide, auteur=self.psy, date=self.jour(18), partagee=True,
                                     texte="Valoriser les réussites, éviter la mise en concurrence.")

    def actions_equipes(self):
        ecole = self.directeur.ecole
        ActionEquipe.objects.create(
            ecole=ecole, auteur=self.maitre_e, date=self.jour(21), public="Équipe du cycle 2",
            theme="Outils pour la fluence en lecture", duree=90,
            apport="Présentation d'un protocole de fluence et prêt de jeux de lecture.")
        ActionEquipe.objects.create(
            ecole=ecole, auteur=self.psy, date=self.jour(9), public="Enseignante de CE1 et AESH",
            theme="Accueil d'un élève à besoins éducatifs particuliers", duree=60,
            apport="Aménagements de la classe et des temps de travail.")



