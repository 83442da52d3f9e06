"""The pupil's fiche de suivi: the whole path across school years, as ``user`` may read it.

Every part is read through the user's scoped querysets (``aides.selectors.documents.
fiche_suivi_lue``, in a fixed number of queries whatever the length of the pupil's history), so
each role gets the fiche its rights allow (a teacher, their own requests; circonscription staff,
no psychological follow-up at all). The psychological section (the psychologist's observations,
sessions, evaluations with self-esteem, every conclusion) is built only when the user *is* a
psychologist: the variant depends on the role alone, never on the request, and the querysets
would refuse it anyway. Non-psychologists read at most that a psychological follow-up exists,
and the conclusions shared with the team.
"""

from django.utils import timezone

from aides.enums import REPONSE_APPORTEE, EtatAide, EtatProgramme
from aides.rules import connait_les_suivis_psy

# Imported from here by aides/pdf/droit_acces.py, which still reads its own data.
from aides.selectors.documents import PRESENT  # noqa: F401
from eleves.rules import lit_le_secret_psy
from eleves.scolarite import annee_scolaire_de, libelle_annee
from rased.formats import duree_fr, nombre_fr
from rased.francais import quantite


def _date(valeur) -> str:
    if not valeur:
        return ""
    if hasattr(valeur, "hour"):
        valeur = timezone.localdate(valeur)
    return valeur.strftime("%d/%m/%Y")


def _version(programme, *, psy: bool) -> dict:
    version = {
        "version": programme.version,
        "remplacee": programme.etat == EtatProgramme.REMPLACE,
        "valide_le": _date(programme.valide_le),
        "modalite": programme.get_modalite_display(),
        "rythme": f"{quantite(programme.seances_par_semaine, 'une séance')} de {programme.duree_seance} min "
                  "par semaine",
        "debut": _date(programme.date_debut),
        "revision": _date(programme.date_revision),
        "objectifs": [
            {
                "reference": o.get_domaine_display() if o.domaine else f"Visée : {o.get_visee_display()}",
                "intitule": o.intitule,
                "critere": o.critere,
                "competence": o.competence.intitule if o.competence else "",
            }
            for o in programme.objectifs.all()
        ],
        "evaluations": [
            {
                "titre": f"{e.get_type_display()} du {_date(e.date)}",
                "suite": e.get_suite_display(),
                "synthese": e.synthese,
                "resultats": [
                    {
                        "objectif": r.objectif.intitule,
                        "atteinte": r.get_atteinte_display(),
                        "maitrise": " → ".join(
                            m for m in (r.get_maitrise_debut_display(), r.get_maitrise_actuelle_display()) if m
                        ),
                    }
                    for r in e.resultats.all()
                ],
                # Self-esteem is measured in psychological follow-ups only; this dict is built for them
                # in the psychologist's section, never in the shared part.
                "estime": _estime(e) if psy else None,
            }
            for e in programme.evaluations.all()
        ],
    }
    if psy:
        version["actions"] = [f"{a.get_acteur_display()} : {a.description}" for a in programme.actions.all()]
        version["avis_eleve"] = programme.avis_eleve
        version["avis_famille"] = programme.avis_famille
    return version


def _estime(evaluation) -> dict | None:
    if not evaluation.estime_instrument and evaluation.estime_debut is None and evaluation.estime_fin is None:
        return None
    evolution = evaluation.estime_evolution
    return {
        "instrument": evaluation.estime_instrument,
        "debut": nombre_fr(evaluation.estime_debut),
        "fin": nombre_fr(evaluation.estime_fin),
        "evolution": nombre_fr(evolution, signe=True),
    }


def _seances(aide) -> dict:
    return {
        "prevues": aide.nb_seances,
        "presents": aide.nb_presents,
        "heures": duree_fr(aide.minutes or 0),
    }


def _etat_suivi(aide) -> str:
    """« Suivi » is masculine, the states' labels agree with « aide »."""
    etats = {EtatAide.A_DEMARRER: "à démarrer", EtatAide.EN_COURS: "en cours", EtatAide.TERMINEE: "terminé"}
    return etats[aide.etat]


def _aide_commune(aide, lisible: bool) -> dict:
    """An aid in the shared part. A psychological follow-up: that it exists, its member, its
    state, and the conclusions shared with the team; nothing of its content."""
    base = {"libelle": aide.get_type_display(), "intervenant": str(aide.intervenant), "psy": aide.est_psy}
    if aide.est_psy:
        return {
            **base,
            "etat": _etat_suivi(aide),
            "conclusions": [
                {"date": _date(c.date), "texte": c.texte} for c in aide.conclusions_lues if c.partagee
            ],
        }
    if not lisible:  # cannot happen for E and G aids today; stay closed if the rules change
        return {**base, "etat": aide.get_etat_display().lower(), "contenu": False}
    return {
        **base,
        "contenu": True,
        "etat": aide.get_etat_display().lower(),
        "debut": _date(aide.debut),
        "fin": _date(aide.fin),
        "issue": aide.get_issue_display() if aide.issue else "",
        "seances": _seances(aide),
        "versions": [_version(p, psy=False) for p in aide.versions],
    }


def demande_commune(demande, *, connait_les_suivis_psy: bool) -> dict:
    """What every document of a pupil prints of a request (the fiche de suivi, the right-of-access
    file, which adds its own fields). For a reader not told of psychological follow-ups
    (``aides.rules.connait_les_suivis_psy``), the RASED's answer reads as one state, without the
    decision: as on the pages."""
    return {
        "numero": demande.pk,
        "auteur": str(demande.auteur),
        "deposee_le": _date(demande.cree_le),
        "envoyee_le": _date(demande.envoyee_le),
        "famille_informee": (
            f"le {_date(demande.famille_informee_le)} ({demande.get_famille_informee_par_display().lower()})"
            if demande.famille_informee_le else ""
        ),
        "etat": demande.get_etat_display() if connait_les_suivis_psy or not demande.a_recu_reponse
        else REPONSE_APPORTEE,
        "domaines": demande.domaines_libelles,
        "difficultes": demande.difficultes,
        "deja_essaye": demande.deja_essaye_libelles,
        "deja_essaye_precisions": demande.deja_essaye_precisions,
        "points_appui": demande.points_appui,
        "referent": str(demande.referent) if demande.referent else "",
        "decision": decision_lue(demande) if connait_les_suivis_psy else None,
    }


def decision_lue(demande) -> dict | None:
    """The RASED's decision on a request (kind, when, who, reason), for a reader told of
    psychological follow-ups (``aides.rules.connait_les_suivis_psy``)."""
    if not demande.decision:
        return None
    return {
        "libelle": demande.get_decision_display(),
        "le": _date(demande.decidee_le),
        "par": str(demande.decidee_par) if demande.decidee_par else "",
        "motif": demande.decision_motif,
    }


def consentement_lu(c) -> str:
    return (
        f"{_date(c.date)} — {c.get_acte_display()} : {'accord' if c.accorde else 'refus'} "
        f"({c.get_titulaires_display().lower()}, {c.get_forme_display().lower()})"
    )


def participants(reunion) -> list[str]:
    return [f"{p} — {p.get_role_display()}" for p in reunion.participants.all()] + [
        f"{p.nom} ({p.qualite})" for p in reunion.participants_externes.all()
    ]


def _demande(user, demande, lisibles: set[int]) -> dict:
    return {
        **demande_commune(demande, connait_les_suivis_psy=connait_les_suivis_psy(user, demande)),
        "classe": f"{demande.classe.nom} ({demande.niveau}), {demande.classe.ecole.nom}",
        "consentements": [consentement_lu(c) for c in demande.consentements_lus],
        "reunions": [
            {"titre": f"{r.get_type_display()} du {_date(r.date)}", "participants": participants(r),
             "decisions": r.decisions}
            for r in demande.reunions_lues
        ],
        "aides": [_aide_commune(a, a.pk in lisibles) for a in demande.aides_lues],
    }


def _volet_psychologique(volet) -> dict:
    """The psychologist's part: for psychologists only (the caller checks the role; ``volet`` was
    read through the psychologist-scoped querysets)."""
    aides, presences, observations = volet.aides, volet.presences, volet.observations
    return {
        "observations": [
            {
                "titre": f"{o.get_type_display()} du {_date(o.date)}",
                "auteur": str(o.auteur),
                "demande": o.demande_id,
                "contenu": o.contenu,
                "obstacles": o.obstacles_libelles,
            }
            for o in observations
        ],
        "suivis": [
            {
                "demande": aide.demande_id,
                "intervenant": str(aide.intervenant),
                "etat": _etat_suivi(aide),
                "debut": _date(aide.debut),
                "fin": _date(aide.fin),
                "issue": aide.get_issue_display() if aide.issue else "",
                "seances": _seances(aide),
                "detail_seances": [
                    {
                        "titre": f"{_date(p.seance.date)} — {p.seance.duree} min — "
                                 f"{p.get_presence_display().lower()}",
                        "intervenant": str(p.seance.intervenant),
                        "contenu": p.seance.contenu,
                        "prochaine_fois": p.seance.prochaine_fois,
                        "observation": p.observation,
                    }
                    for p in presences.get(aide.pk, [])
                ],
                "versions": [_version(p, psy=True) for p in aide.versions],
                "conclusions": [
                    {"date": _date(c.date), "texte": c.texte, "partagee": c.partagee}
                    for c in aide.conclusions_lues
                ],
            }
            for aide in aides
        ],
    }


def entete_eleve(inscriptions) -> dict:
    """The header of a pupil's documents: the school of the last enrolment, the current year."""
    derniere = inscriptions[-1] if inscriptions else None
    ecole = derniere.classe.ecole if derniere else None
    return {
        "circonscription": ecole.circonscription.nom if ecole else "",
        "ecole": f"{ecole.nom} ({ecole.commune}) — UAI {ecole.uai}" if ecole else "",
        "annee": libelle_annee(annee_scolaire_de(timezone.localdate())),
    }


def donnees_fiche_suivi(user, lu) -> dict:
    """Everything the fiche de suivi prints for ``user``, as plain values, newest year last.

    ``lu``: what ``aides.selectors.documents.fiche_suivi_lue(user, eleve)`` read for ``user``.
    """
    eleve, inscriptions, demandes, lisibles = lu.eleve, lu.inscriptions, lu.demandes, lu.lisibles
    annees = []
    for demande in demandes:
        libelle = demande.classe.annee.libelle
        if not annees or annees[-1]["annee"] != libelle:
            annees.append({"annee": libelle, "demandes": []})
        annees[-1]["demandes"].append(_demande(user, demande, lisibles))

    return {
        "entete": entete_eleve(inscriptions),
        "eleve": {
            "nom": eleve.nom.upper(), "prenom": eleve.prenom, "naissance": _date(eleve.date_naissance),
            "sexe": eleve.sexe,
            # Printed for those who read it on the pupil's page (the directeur, the IEN).
            "ine": eleve.ine if user.has_perm("eleves.view_ine", eleve) else "",
        },
        "scolarite": [
            {"annee": i.annee.libelle, "ecole": f"{i.classe.ecole.nom} ({i.classe.ecole.commune})",
             "classe": i.classe.nom, "niveau": i.niveau}
            for i in inscriptions
        ],
        "annees": annees,
        "volet_psychologique": _volet_psychologique(lu.volet_psy) if lit_le_secret_psy(user) else None,
    }
