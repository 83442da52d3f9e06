"""The bilan (one evaluation of a programme) as printed, and the charts of a pupil's bilans.

Ordinal scales are drawn as 1 to 4: objectives from « non atteint » to « dépassé », the socle's
mastery from « insuffisante » to « très bonne ». The self-esteem measures (start, end, difference)
belong to a psychological follow-up: they are shown only for such a follow-up, whose
evaluations only psychologists can reach (``Evaluation.objects.visibles_par``), and on the
pupil's page only to psychologists.
"""

from aides.enums import Atteinte, Maitrise, TypeAide
from aides.pdf.graphiques import Groupe, barres_groupees
from aides.pdf.programme import _date, entete_pour
from eleves.rules import lit_le_secret_psy
from rased.formats import nombre_fr

SCORE_ATTEINTE = {Atteinte.NON_ATTEINT: 1, Atteinte.PARTIEL: 2, Atteinte.ATTEINT: 3, Atteinte.DEPASSE: 4}
SCORE_MAITRISE = {Maitrise.INSUFFISANTE: 1, Maitrise.FRAGILE: 2, Maitrise.SATISFAISANTE: 3, Maitrise.TRES_BONNE: 4}
GRADUATIONS_ATTEINTE = ((1, "non atteint"), (2, "partiel"), (3, "atteint"), (4, "dépassé"))
GRADUATIONS_MAITRISE = ((1, "insuffisante"), (2, "fragile"), (3, "satisfaisante"), (4, "très bonne"))
ECHELLE_ATTEINTE = "Échelle : 1 = non atteint, 2 = partiellement atteint, 3 = atteint, 4 = dépassé"
ECHELLE_MAITRISE = ("Échelle : 1 = maîtrise insuffisante, 2 = maîtrise fragile, 3 = maîtrise satisfaisante, "
                    "4 = très bonne maîtrise")
AIDE_COURTE = {TypeAide.E: "aide E", TypeAide.G: "aide G", TypeAide.PSY: "suivi psy"}
# The pupil's page charts the latest bilans only: enough to see a trend, short enough to read.
BILANS_SUR_LA_PAGE = 10


def donnees_bilan(evaluation) -> dict:
    """Everything the printed bilan shows; the charts are SVG built from the same values.
    ``evaluation`` comes from ``aides.selectors.documents.evaluations_pour_bilan``."""
    programme = evaluation.programme
    aide = programme.aide
    demande = aide.demande
    eleve = demande.eleve
    resultats = []
    for numero, r in enumerate(evaluation.resultats.all(), start=1):
        objectif = r.objectif
        resultats.append({
            "numero": numero,
            "reference": objectif.get_domaine_display() if objectif.domaine
            else f"Visée : {objectif.get_visee_display()}",
            "intitule": objectif.intitule,
            "critere": objectif.critere,
            "atteinte": r.get_atteinte_display(),
            "score_atteinte": SCORE_ATTEINTE.get(r.atteinte),
            "maitrise_debut": r.get_maitrise_debut_display() if r.maitrise_debut else "",
            "score_debut": SCORE_MAITRISE.get(r.maitrise_debut),
            "maitrise_actuelle": r.get_maitrise_actuelle_display() if r.maitrise_actuelle else "",
            "score_actuel": SCORE_MAITRISE.get(r.maitrise_actuelle),
            "commentaire": r.commentaire,
        })
    estime = None
    if aide.est_psy and evaluation.estime_instrument:
        estime = {
            "instrument": evaluation.estime_instrument,
            "debut": nombre_fr(evaluation.estime_debut),
            "fin": nombre_fr(evaluation.estime_fin),
            "evolution": nombre_fr(evaluation.estime_evolution, signe=True),
        }
    return {
        "entete": entete_pour(demande),
        "eleve": {
            "nom": eleve.nom.upper(), "prenom": eleve.prenom, "naissance": _date(eleve.date_naissance),
            "sexe": eleve.sexe,
            "classe": demande.classe.nom, "niveau": demande.niveau,
        },
        "aide": aide.get_type_display(),
        "intervenant": str(aide.intervenant),
        # The psychologist's bilan stays between the psychologist and the family.
        "signe_par_l_enseignant": not aide.est_psy,
        "enseignants": [str(e) for e in demande.classe.enseignants.all()],
        "programme": {
            "version": programme.version, "modalite": programme.get_modalite_display(),
            "debut": _date(programme.date_debut), "revision": _date(programme.date_revision),
        },
        "type": evaluation.get_type_display(),
        "date": _date(evaluation.date),
        "auteur": str(evaluation.auteur),
        "synthese": evaluation.synthese,
        "suite": evaluation.get_suite_display(),
        "resultats": resultats,
        "estime": estime,
        "graphique_atteinte": _graphique_atteinte(resultats),
        "graphique_maitrise": _graphique_maitrise(resultats),
        "graphique_estime": _graphique_estime(evaluation) if estime else "",
    }


def _graphique_atteinte(resultats) -> str:
    if not resultats:
        return ""
    return barres_groupees(
        [Groupe(f"Objectif {r['numero']}", (r["score_atteinte"],), (r["atteinte"],)) for r in resultats],
        titre="Atteinte des objectifs", maximum=4, graduations=GRADUATIONS_ATTEINTE,
        legende_echelle=ECHELLE_ATTEINTE, marge_gauche=110,
    )


def _graphique_maitrise(resultats) -> str:
    mesures = [r for r in resultats if r["score_debut"] or r["score_actuel"]]
    if not mesures:
        return ""
    return barres_groupees(
        [
            Groupe(f"Objectif {r['numero']}", (r["score_debut"], r["score_actuel"]),
                   (r["maitrise_debut"] or "non renseignée", r["maitrise_actuelle"] or "non renseignée"))
            for r in mesures
        ],
        titre="Maîtrise des compétences : au début et maintenant", series=("Au début", "Maintenant"),
        maximum=4, graduations=GRADUATIONS_MAITRISE, legende_echelle=ECHELLE_MAITRISE, marge_gauche=110,
    )


def _graphique_estime(evaluation) -> str:
    debut, fin = evaluation.estime_debut, evaluation.estime_fin
    groupes = [Groupe("Au début du suivi", (_flottant(debut),), (nombre_fr(debut) or "non mesuré",)),
               Groupe("À la fin", (_flottant(fin),), (nombre_fr(fin) or "non mesuré",))]
    evolution = evaluation.estime_evolution
    titre = "Estime de soi" + (f" : évolution {nombre_fr(evolution, signe=True)}" if evolution is not None else "")
    return barres_groupees(groupes, titre=titre, legende_echelle=f"Instrument : {evaluation.estime_instrument}",
                           marge_gauche=130)


def _flottant(valeur):
    return None if valeur is None else float(valeur)


# --- The pupil's page: the bilans ``user`` may read, in a few charts ---------------------------


def graphiques_parcours(user, evaluations) -> dict:
    """Charts of the pupil's latest bilans that ``user`` may read.

    ``evaluations``: the pupil's bilans ``user`` may read, oldest first, with their results
    (``aides.selectors.evaluations_de_l_eleve``).

    Per bilan: the mean attainment of its objectives, and the mean mastery at the start and now;
    for psychologists, the self-esteem at the start and at the end of a psychological follow-up.
    ``lignes`` carries the same values for a table shown beside the charts.
    """
    tronque = len(evaluations) > BILANS_SUR_LA_PAGE
    evaluations = evaluations[-BILANS_SUR_LA_PAGE:]
    if not evaluations:
        return {}
    lignes, atteintes, maitrises, estimes = [], [], [], []
    instruments = {}  # in order of first use
    for evaluation in evaluations:
        aide = evaluation.programme.aide
        libelle = f"{evaluation.date:%d/%m/%Y} — {AIDE_COURTE.get(aide.type, aide.type)}"
        resultats = list(evaluation.resultats.all())
        atteinte = _moyenne(SCORE_ATTEINTE.get(r.atteinte) for r in resultats)
        debut = _moyenne(SCORE_MAITRISE.get(r.maitrise_debut) for r in resultats)
        actuelle = _moyenne(SCORE_MAITRISE.get(r.maitrise_actuelle) for r in resultats)
        ligne = {
            "libelle": libelle, "type": evaluation.get_type_display(), "nb_objectifs": len(resultats),
            "atteinte": _sur_4(atteinte), "maitrise_debut": _sur_4(debut), "maitrise_actuelle": _sur_4(actuelle),
            "estime": None,
        }
        if atteinte is not None:
            atteintes.append(Groupe(libelle, (atteinte,), (_sur_4(atteinte),)))
        if debut is not None or actuelle is not None:
            maitrises.append(Groupe(libelle, (debut, actuelle), (_sur_4(debut), _sur_4(actuelle))))
        if lit_le_secret_psy(user) and aide.est_psy and evaluation.estime_instrument:
            ligne["estime"] = {
                "instrument": evaluation.estime_instrument, "debut": nombre_fr(evaluation.estime_debut),
                "fin": nombre_fr(evaluation.estime_fin),
                "evolution": nombre_fr(evaluation.estime_evolution, signe=True),
            }
            fin = nombre_fr(evaluation.estime_fin)
            if evaluation.estime_evolution is not None:
                fin = f"{fin} ({nombre_fr(evaluation.estime_evolution, signe=True)})"
            instruments.setdefault(evaluation.estime_instrument)
            estimes.append(Groupe(
                libelle,
                (_flottant(evaluation.estime_debut), _flottant(evaluation.estime_fin)),
                (nombre_fr(evaluation.estime_debut) or "non mesuré", fin or "non mesuré"),
            ))
        lignes.append(ligne)
    return {
        "lignes": lignes,
        "tronque": BILANS_SUR_LA_PAGE if tronque else 0,
        "atteinte": barres_groupees(
            atteintes, titre="Atteinte moyenne des objectifs, bilan par bilan", maximum=4,
            graduations=GRADUATIONS_ATTEINTE, legende_echelle=ECHELLE_ATTEINTE,
        ) if atteintes else "",
        "maitrise": barres_groupees(
            maitrises, titre="Maîtrise moyenne des compétences : au début et au bilan",
            series=("Au début", "Au bilan"), maximum=4, graduations=GRADUATIONS_MAITRISE,
            legende_echelle=ECHELLE_MAITRISE,
        ) if maitrises else "",
        "estime": barres_groupees(
            estimes, titre="Estime de soi : au début et à la fin du suivi", series=("Au début", "À la fin"),
            legende_echelle="Mesurée avec : " + ", ".join(instruments),
        ) if estimes else "",
    }


def _moyenne(scores) -> float | None:
    valeurs = [s for s in scores if s is not None]
    return sum(valeurs) / len(valeurs) if valeurs else None


def _sur_4(valeur) -> str:
    return "" if valeur is None else f"{nombre_fr(valeur, 1)} / 4"
