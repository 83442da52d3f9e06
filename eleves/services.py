"""Writes on pupils: one function per action, each in a transaction."""

from django.db import transaction

from eleves.models import AnneeScolaire, Classe, Eleve, Inscription


@transaction.atomic
def eleve_enregistrer(*, eleve: Eleve, classe: Classe, niveau: str) -> Eleve:
    """Create or update a pupil and their enrolment for the current school year.

    The pupil belongs to the circonscription of the class's school; past years'
    enrolments are left as they are, so the pupil's path is kept.
    """
    annee = AnneeScolaire.objects.courante()
    if eleve.pk is None:
        eleve.circonscription_id = classe.ecole.circonscription_id
    eleve.full_clean()
    eleve.save()
    inscription = Inscription.objects.filter(eleve=eleve, annee=annee).first() or Inscription(
        eleve=eleve, annee=annee
    )
    inscription.classe = classe
    inscription.niveau = niveau
    inscription.full_clean()
    inscription.save()
    return eleve
