"""Demo data of the aid workflow: requests at every stage for the demo accounts' pupils.

Called once by ``python manage.py demo`` right after the school data is created. It goes
through the same services as the pages (so every rule holds), with dates in the past on the
school days of the circonscription's zone: each request is sent, decided, agreed by the family
and started in that order, its sessions come after, so that the dashboards show waiting times,
reviews due and this week's sessions. tests/eleves/test_demo.py checks these invariants. The
demo sends no e-mail.
"""

import random
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.test.utils import override_settings
from django.utils import timezone

from aides.emploi_du_temps import jours_du_creneau
from aides.enums import ActeConsentement, EtatAide, Modalite, TypeAide
from aides.models import (
    ActionEquipe,
    ActionProgramme,
    Aide,
    Competence,
    ConclusionPsy,
    Consentement,
    Creneau,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    HistoriqueDemande,
    MotifNonTenu,
    Objectif,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
    TempsTrajet,
)
from aides.services import (
    aide_demarrer,
    consentement_enregistrer,
    creneau_enregistrer,
    creneau_non_tenu_marquer,
    demande_decider,
    demande_enregistrer,
    demande_envoyer,
    demande_prendre_en_charge,
    evaluation_enregistrer,
    groupe_ajouter_eleves,
    groupe_creer,
    observation_ajouter,
    programme_creer,
    programme_valider,
    seance_enregistrer,
    seance_supprimer,
)
from eleves.enums import CYCLE_PAR_NIVEAU, LienResponsable, Role
from eleves.models import Eleve, Utilisateur, annee_courante_debut
from eleves.selectors import calendrier_scolaire

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


# How a parent at a meeting is described (``ParticipantExterne.qualite``).
QUALITE_PARENT = {LienResponsable.MERE: "mère", LienResponsable.PERE: "père"}


def sans_courriel():
    """The demo's notifications stay in the app: e-mails (sent after the commit) go nowhere.

    Wrap the whole transaction with it, since the e-mails leave when it commits.
    """
    return override_settings(MAILERS={"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}})


def peupler(circonscription, rng: random.Random) -> int:
    """Create the demo's requests; returns how many."""
    return _Peuplement(circonscription, rng).executer()


class _Peuplement:
    """One believable school year: each request has one pupil; it is sent after the family was
    told, observed, decided (on a school day, after it was sent), agreed by the family, started,
    given its programme, then its sessions, all on school days of the circonscription's zone."""

    def __init__(self, circonscription, rng):
        self.rng = rng
        self.aujourd_hui = timezone.localdate()
        self.calendrier = calendrier_scolaire(circonscription.pk)
        comptes = Utilisateur.objects.in_bulk(
            ["enseignant", "directeur", "maitre-e", "maitre-g", "psychologue"], field_name="username"
        )
        self.enseignant = comptes["enseignant"]
        self.directeur = comptes["directeur"]
        self.maitre_e, self.maitre_g, self.psy = comptes["maitre-e"], comptes["maitre-g"], comptes["psychologue"]
        # One filter() per question, so that the class taught and the secteur are this year's
        # enrolment's (a separate filter() would join any enrolment, last year's included, and
        # return a pupil twice).
        annee = annee_courante_debut()
        eleves = Eleve.objects.filter(circonscription=circonscription)
        self.eleves_classe = list(
            eleves.filter(inscriptions__annee__debut=annee, inscriptions__classe__enseignants=self.enseignant)
            .distinct().order_by("nom", "prenom")
        )
        autres = eleves.filter(
            inscriptions__annee__debut=annee, inscriptions__classe__ecole__secteurs=self.maitre_e.secteur_id,
        ).exclude(pk__in=[e.pk for e in self.eleves_classe]).distinct().order_by("nom", "prenom")
        self.autres_eleves = list(autres[:40])
        self.enseignants_secteur = {
            e.pk: e for e in Utilisateur.objects.filter(
                role=Role.ENSEIGNANT, classes__ecole__secteurs=self.maitre_e.secteur_id,
                classes__annee__debut=annee_courante_debut(),
            )
        }
        # The day each request was sent, and the day its aid was decided (by request pk).
        self.envois: dict[int, date] = {}
        self.decisions: dict[int, date] = {}

    # --- School days --------------------------------------------------------------------------

    def jour(self, il_y_a: int) -> date:
        """The last school day ``il_y_a`` days ago or before."""
        jour = self.aujourd_hui - timedelta(days=il_y_a)
        while not self.calendrier.est_jour_d_ecole(jour):
            jour -= timedelta(days=1)
        return jour

    def apres(self, jour: date, jours_d_ecole: int) -> date:
        """``jours_d_ecole`` school days after ``jour``, never after the last school day so far."""
        dernier = self.jour(0)
        for _ in range(jours_d_ecole):
            jour += timedelta(days=1)
            while not self.calendrier.est_jour_d_ecole(jour):
                jour += timedelta(days=1)
        return min(jour, dernier)

    def jours_d_ecole(self, du: date, au: date) -> list[date]:
        jours = [du + timedelta(days=n) for n in range((au - du).days + 1)]
        return [j for j in jours if self.calendrier.est_jour_d_ecole(j)]

    # --- The year ------------------------------------------------------------------------------

    def executer(self) -> int:
        classe = iter(self.eleves_classe)
        autres = iter(self.autres_eleves)
        self.demande(next(classe), self.enseignant, etape="brouillon")
        self.demande(next(classe), self.enseignant, etape="envoyee", il_y_a=4)
        self.demande(next(autres), None, etape="envoyee", il_y_a=23)
        self.demande(next(autres), None, etape="analyse", il_y_a=12)
        self.demande(next(autres), None, etape="conseil", il_y_a=30)
        groupe_e = [
            self.demande(next(classe), self.enseignant, etape="aide", il_y_a=56, types=[TypeAide.E]),
            self.demande(next(autres), None, etape="aide", il_y_a=54, types=[TypeAide.E]),
            self.demande(next(autres), None, etape="aide", il_y_a=53, types=[TypeAide.E]),
        ]
        aide_g = self.demande(next(classe), self.enseignant, etape="aide", il_y_a=50, types=[TypeAide.G])
        aide_psy = self.demande(next(autres), None, etape="aide", il_y_a=45, types=[TypeAide.PSY])
        self.demande(next(autres), None, etape="a_demarrer", il_y_a=15, types=[TypeAide.E])
        terminee = self.demande(next(autres), None, etape="aide", il_y_a=95, types=[TypeAide.E])

        # The E group starts together once the last of the three families has agreed.
        self.reunion(groupe_e[0])
        debut_groupe = self.apres(max(self.decisions[d.pk] for d in groupe_e), 4)
        aides_e = [self.aide_en_cours(d, TypeAide.E, self.maitre_e, debut=debut_groupe) for d in groupe_e]
        self.programme(aides_e[0], revision_dans=14)
        self.programme(aides_e[1], revision_dans=-3)
        self.programme(aides_e[2], revision_dans=14)
        self.seances(self.maitre_e, aides_e, nombre=8)
        self.seance_notee_deux_fois(aides_e)
        g = self.aide_en_cours(aide_g, TypeAide.G, self.maitre_g)
        self.programme(g, revision_dans=20, visee="estime")
        self.seances(self.maitre_g, [g], nombre=5, duree=45)
        psy = self.aide_en_cours(aide_psy, TypeAide.PSY, self.psy)
        self.seances(self.psy, [psy], nombre=3, duree=60, confidentiel=True)
        self.suivi_psy(aide_psy, psy)
        fin = self.aide_en_cours(terminee, TypeAide.E, self.maitre_e)
        # A short aid, reviewed and ended after some twenty school days.
        bilan = max(self.jour(40), self.apres(fin.debut, 20))
        programme = self.programme(fin, revision=bilan)
        self.seances(self.maitre_e, [fin], nombre=10, jusqu_au=bilan)
        evaluation_enregistrer(
            evaluation=Evaluation(programme=programme, type="finale", date=bilan, suite="arret",
                                  synthese="Objectifs atteints : la lecture est devenue fluide."),
            resultats=[EvaluationObjectif(objectif=o, atteinte="atteint", maitrise_debut="fragile",
                                          maitrise_actuelle="satisfaisante") for o in programme.objectifs.all()],
            auteur=self.maitre_e,
        )
        self.actions_equipes()
        self.emploi_du_temps()
        return DemandeAide.objects.filter(circonscription=self.maitre_e.circonscription_id).count()

    def auteur_pour(self, eleve):
        inscription = eleve.inscription_courante
        enseignants = [e for e in inscription.classe.enseignants.all() if e.pk in self.enseignants_secteur]
        return enseignants[0] if enseignants else self.directeur

    def demande(self, eleve, auteur, *, etape, il_y_a=0, types=()):
        auteur = auteur or self.auteur_pour(eleve)
        domaines, difficultes, erreurs = self.rng.choice(DIFFICULTES)
        envoi = self.jour(il_y_a)
        demande = demande_enregistrer(
            demande=DemandeAide(
                domaines=domaines, difficultes=difficultes, erreurs=erreurs,
                deja_essaye=["differenciation", "apc"],
                deja_essaye_precisions="APC deux fois par semaine depuis la rentrée.",
                points_appui="À l'aise à l'oral, bonne mémoire, envie de bien faire.",
                attentes="Comprendre ce qui bloque et adapter le travail en classe.",
                famille_informee_le=None if etape == "brouillon" else self.jour(il_y_a + 3),
                famille_informee_par="" if etape == "brouillon" else "rencontre",
            ),
            auteur=auteur, eleve=eleve,
        )
        if etape == "brouillon":
            return demande
        demande_envoyer(demande=demande, auteur=auteur)
        self.dater(demande, envoi)
        if etape == "envoyee":
            return demande
        demande_prendre_en_charge(demande=demande, auteur=self.maitre_e, referent=self.maitre_e)
        demande.refresh_from_db()
        observation_ajouter(demande=demande, auteur=self.maitre_e, observation=Observation(
            type="observation_classe", date=self.apres(envoi, 3), obstacles=["didactique"],
            contenu="Observé en atelier de lecture : stratégie d'évitement, s'appuie sur l'image."))
        if etape == "analyse":
            return demande
        # The RASED decides in its meeting, a couple of weeks of school after the request arrived.
        decision = self.apres(envoi, 8)
        if etape == "conseil":
            demande_decider(demande=demande, auteur=self.maitre_g, decision="conseil", intervenants={},
                            motif="Difficultés passagères : pistes de différenciation proposées à l'enseignante.",
                            le=decision)
            return demande
        intervenants = {t: {TypeAide.E: self.maitre_e, TypeAide.G: self.maitre_g, TypeAide.PSY: self.psy}[t]
                        for t in types}
        demande_decider(demande=demande, auteur=self.maitre_e, decision="aide", intervenants=intervenants,
                        motif="Besoin d'une aide spécialisée au-delà de la différenciation en classe.",
                        le=decision)
        self.decisions[demande.pk] = decision
        demande.refresh_from_db()
        return demande

    def dater(self, demande, envoi: date):
        """The request was sent on ``envoi`` (and written two days before): it has just been sent,
        so its only history row is that one."""
        moment = timezone.make_aware(datetime.combine(envoi, time(17, 0)))
        DemandeAide.objects.filter(pk=demande.pk).update(envoyee_le=moment, cree_le=moment - timedelta(days=2))
        HistoriqueDemande.objects.filter(demande=demande).update(le=moment)
        self.envois[demande.pk] = envoi

    def aide_en_cours(self, demande, type_aide, membre, *, debut=None):
        """The family agrees a few school days after the decision; the aid starts two school days
        later (or on ``debut``, for a group that starts together)."""
        acte = ActeConsentement.PSY if type_aide == TypeAide.PSY else ActeConsentement.AIDE_E_G
        accord = self.apres(self.decisions[demande.pk], 2)
        consentement_enregistrer(demande=demande, auteur=membre, consentement=Consentement(
            acte=acte, accorde=True, date=accord, titulaires="deux", forme="ecrit"))
        aide = Aide.objects.get(demande=demande, type=type_aide)
        aide_demarrer(aide=aide, auteur=membre, debut=max(debut or self.apres(accord, 2), accord))
        aide.refresh_from_db()
        return aide

    def programme(self, aide, *, revision_dans=None, revision=None, visee=""):
        """The programme signed when the aid starts. Its review date is a période of school weeks
        (the service's default) unless the dashboards need one due soon or past."""
        debut = aide.debut
        if revision is None and revision_dans is not None:
            revision = self.aujourd_hui + timedelta(days=revision_dans)
        programme = programme_creer(aide=aide, auteur=aide.intervenant, programme=Programme(
            modalite="petit_groupe" if aide.type == TypeAide.E else "individuel",
            seances_par_semaine=2, duree_seance=45, date_debut=debut,
            # Run early in the school year, a review « already due » would precede the start.
            date_revision=revision if revision and revision > debut else None,
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
        signe = timezone.make_aware(datetime.combine(debut, time(16, 45)))
        Programme.objects.filter(pk=programme.pk).update(valide_le=signe)
        programme.refresh_from_db()
        return programme

    def seances(self, membre, aides, *, nombre, duree=45, jusqu_au=None, confidentiel=False):
        """``nombre`` sessions spread over the school days since the aids started (all of them
        started by then), the last on the latest school day, through the same service as the page."""
        debut = max(aide.debut for aide in aides)
        jours = self.jours_d_ecole(debut, jusqu_au or self.jour(0))
        pas = max(1, len(jours) // nombre)
        choisis = sorted({jours[-1 - i * pas] for i in range(nombre) if i * pas < len(jours)})
        for jour in choisis:
            presences = []
            for aide in aides:
                presence = self.rng.choices(["present", "absent", "excuse"], [90, 5, 5])[0]
                observation = "" if confidentiel or presence != "present" else "Participe volontiers."
                presences.append(PresenceSeance(aide=aide, presence=presence, observation=observation))
            seance_enregistrer(intervenant=membre, presences=presences, seance=Seance(
                date=jour, duree=duree,
                contenu="Entretien individuel." if confidentiel else "Jeux de syllabes, lecture de mots outils.",
            ))

    def seance_notee_deux_fois(self, aides):
        """A session logged twice by mistake, then deleted with its reason (a Suppression row)."""
        for _ in range(2):
            doublon = seance_enregistrer(
                intervenant=self.maitre_e,
                # Two days ago, or the aid's first day if it started since.
                seance=Seance(date=max(self.jour(2), aides[0].debut), duree=45, contenu="Lecture de syllabes."),
                presences=[PresenceSeance(aide=aides[0])],
            )
        seance_supprimer(seance=doublon, auteur=self.maitre_e, motif="Séance notée deux fois.")

    def reunion(self, demande):
        """The équipe éducative, chaired by the directeur, between the request and the decision:
        the pupil's teacher, the RASED référent, the parents and the médecin scolaire."""
        jour = self.apres(self.envois[demande.pk], 5)
        reunion = Reunion.objects.create(
            demande=demande, type="equipe_educative", date=timezone.make_aware(datetime.combine(jour, time(16, 30))),
            lieu="Salle des maîtres", auteur=self.directeur,
            ordre_du_jour="Difficultés en lecture ; aide du maître E ; rôle de la famille.",
            compte_rendu="La famille est d'accord pour l'aide. Point d'étape à la fin de la période.",
            decisions="Aide E en petit groupe, deux séances par semaine.",
        )
        reunion.participants.set([self.directeur, demande.auteur, self.maitre_e])
        # The pupil's own parents, as the school knows them.
        for parent in demande.eleve.responsables.filter(lien__in=QUALITE_PARENT).order_by("pk")[:2]:
            ParticipantExterne.objects.create(
                reunion=reunion, nom=f"{parent.civilite} {parent.nom}".strip(), qualite=QUALITE_PARENT[parent.lien])
        ParticipantExterne.objects.create(reunion=reunion, nom="Dr Roux", qualite="médecin scolaire")

    def suivi_psy(self, demande, aide):
        bilan = self.apres(aide.debut, 3)
        observation_ajouter(demande=demande, auteur=self.psy, observation=Observation(
            type="bilan", date=bilan, obstacles=["affectif"],
            contenu="Bilan : efficience dans la norme, anxiété de performance marquée."))
        transmission = self.apres(bilan, 3)
        consentement_enregistrer(demande=demande, auteur=self.psy, consentement=Consentement(
            acte=ActeConsentement.TRANSMISSION, accorde=True, date=transmission, titulaires="deux",
            forme="ecrit"))
        ConclusionPsy.objects.create(aide=aide, auteur=self.psy, date=self.apres(transmission, 1), partagee=True,
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

    def emploi_du_temps(self):
        """Maître E's week for the current période: a group in each of two schools of his secteur
        (a second school's pair of pupils is decided and started if his aids are all in one), an
        individual slot, a Monday where the travel between the two schools does not fit, and one
        past day not held (a school outing)."""
        par_ecole = defaultdict(list)
        for aide in Aide.objects.filter(intervenant=self.maitre_e, etat=EtatAide.EN_COURS).select_related(
                "demande__classe__ecole").order_by("pk"):
            par_ecole[aide.demande.classe.ecole].append(aide)
        ecoles = sorted(par_ecole, key=lambda e: (-len(par_ecole[e]), e.pk))
        if len(ecoles) < 2:
            ecoles.append(self._deux_eleves_d_une_autre_ecole(ecoles, par_ecole))
        premiere, seconde = ecoles[:2]
        du, au = self.calendrier.periode_autour(self.aujourd_hui)
        trajet = {"ecole_a_id": min(premiere.pk, seconde.pk), "ecole_b_id": max(premiere.pk, seconde.pk)}
        TempsTrajet.objects.create(**trajet, intervenant=self.maitre_e, minutes=25)
        creneaux = []
        for ecole, nom, horaires in (
            (premiere, "Lecture cycle 2", [(0, time(9, 0)), (3, time(9, 0))]),
            (seconde, "Lecture CE1", [(0, time(10, 0)), (1, time(14, 0)), (4, time(10, 30))]),
        ):
            groupe = groupe_creer(intervenant=self.maitre_e, ecole=ecole, nom=nom)
            groupe_ajouter_eleves(groupe=groupe, aides=par_ecole[ecole])
            for jour, heure in horaires:
                creneaux.append(creneau_enregistrer(creneau=Creneau(
                    ecole=ecole, groupe=groupe, jour=jour, heure=heure, duree=45, du=du, au=au,
                    modalite=Modalite.PETIT_GROUPE), intervenant=self.maitre_e))
        creneau_enregistrer(creneau=Creneau(
            ecole=premiere, aide=par_ecole[premiere][0], jour=2, heure=time(9, 30), duree=30, du=du, au=au,
            modalite=Modalite.INDIVIDUEL), intervenant=self.maitre_e)
        passes = jours_du_creneau(creneaux[0], du, self.aujourd_hui - timedelta(days=1), self.calendrier)
        if passes:
            creneau_non_tenu_marquer(creneau=creneaux[0], jour=passes[-1], motif=MotifNonTenu.SORTIE,
                                     precision="Sortie de l'école à la médiathèque.", auteur=self.maitre_e)

    def _deux_eleves_d_une_autre_ecole(self, ecoles, par_ecole):
        """Two pupils of another school of the secteur, with a teacher there, helped together."""
        deja = set(DemandeAide.objects.values_list("eleve_id", flat=True))
        candidats = [
            e for e in self.autres_eleves
            if e.pk not in deja and e.inscription_courante.classe.ecole not in ecoles
            and any(t.pk in self.enseignants_secteur for t in e.inscription_courante.classe.enseignants.all())
        ]
        ecole = candidats[0].inscription_courante.classe.ecole
        eleves = [e for e in candidats if e.inscription_courante.classe.ecole == ecole][:2]
        demandes = [self.demande(e, None, etape="aide", il_y_a=40, types=[TypeAide.E]) for e in eleves]
        debut = self.apres(max(self.decisions[d.pk] for d in demandes), 4)
        par_ecole[ecole] = [self.aide_en_cours(d, TypeAide.E, self.maitre_e, debut=debut) for d in demandes]
        return ecole
