"""Reads of the reviews of a programme (bilans)."""

from aides.models import Evaluation, EvaluationObjectif


def mesures_de_depart(programme) -> tuple[dict, dict]:
    """What the first review measured, to offer again: for a psychological follow-up, the
    self-esteem instrument and starting score (``{}`` if none yet); and each objective's
    mastery at the start, ``{objectif_id: maitrise}``: as the earliest review measured it, or
    before any review, as recorded when the programme was written (``maitrise_initiale``)."""
    estime = {}
    if programme.aide.est_psy:
        premiere = (
            Evaluation.objects.filter(programme__aide_id=programme.aide_id)
            # The instrument is encrypted: only its emptiness can be filtered on (aides/chiffrement.py).
            .exclude(estime_instrument="")
            .order_by("date", "pk")
            .only("estime_instrument", "estime_debut")
            .first()
        )
        if premiere:
            estime = {"estime_instrument": premiere.estime_instrument, "estime_debut": premiere.estime_debut}
    maitrises = dict(
        programme.objectifs.exclude(maitrise_initiale="").values_list("pk", "maitrise_initiale")
    )
    for objectif_id, maitrise in (
        EvaluationObjectif.objects.filter(objectif__programme=programme)
        .exclude(maitrise_debut="")
        .order_by("-evaluation__date", "-pk")
        .values_list("objectif_id", "maitrise_debut")
    ):
        maitrises[objectif_id] = maitrise  # the earliest wins, as the list runs latest first
    return estime, maitrises


def resultats_du_bilan(evaluation) -> list[EvaluationObjectif]:
    """The review's results, each with its objective, in the objectives' order."""
    return list(evaluation.resultats.select_related("objectif__competence"))


def objectifs_a_evaluer(programme):
    """The programme's objectives, each with its skill, in their order (a new review's rows)."""
    return programme.objectifs.select_related("competence")
