"""Printing through the task queue: the fiches de suivi of the pupils shown on a page, a dossier
for the équipe éducative of one pupil, and the two long single documents — the yearly activity
report (``demander_rapport_annuel``) and the right-of-access file (``demander_droit_acces``).
The long documents are built by ``imprime_rapport_annuel`` and ``imprime_droit_acces``, which
their synchronous views call too: one content and one access-log entry, whichever way it is asked.

Asked (``demander_fiches``, ``demander_dossier_equipe``): the rights are checked first — the
pupils are looked up in the asker's scoped queryset, those outside it are left out and counted,
the administrator (who may not print a fiche de suivi) is refused — and the job keeps ids only.
Rendered (``imprimer``, queue ``documents``, run by ``manage.py travailleur``): as the asker,
through the same scoped readers as the single documents, the rights read again; one pupil after
the other, the progress written after each, the cancel flag read between two; each pupil printed
is written to the access log, as the single fiche does. Kept ``IMPRESSIONS_CONSERVATION_HEURES``
in the default storage (``STORAGES``), under a random name; downloaded by the asker alone through
``aides.views.impressions`` (``telechargeable`` checks the rights again); deleted by the purge.

A job taken up again after its worker died runs again from its start: the pupils printed twice are
logged twice, which over-reports and never hides an access.
"""

import io
import logging
import re
import unicodedata
import uuid
import zipfile
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db.models import Exists, F, OuterRef
from django.tasks import task
from django.utils import timezone

from aides.enums import EtatDemande, EtatImpression, EtatProgramme, GenreImpression
from aides.exceptions import ActionRefusee
from aides.models import DemandeAide, TravailImpression
from aides.pdf.bilan import donnees_bilan
from aides.pdf.demande import donnees_demande
from aides.pdf.droit_acces import donnees_droit_acces
from aides.pdf.programme import donnees_programme
from aides.pdf.rendu import Document, rendre_pdf
from aides.pdf.suivi import donnees_fiche_suivi, entete_eleve
from aides.rapports import entete_document, rapport_annuel
from aides.selectors.documents import (
    demandes_pour_fiche,
    directeur_de,
    evaluations_pour_bilan,
    fiche_suivi_lue,
    programmes_pour_impression,
)
from eleves.alphabetique import cle
from eleves.journal import journaliser_pour
from eleves.models import DemandeAcces, Eleve, JournalAcces, VoletDossier, annee_courante_debut
from rased.francais import quantite

journal = logging.getLogger(__name__)

PERMISSION_FICHE = "aides.imprimer_fiche_suivi"
PERMISSION_RAPPORT = "aides.view_rapport_annuel"
PERMISSION_DROIT_ACCES = "eleves.repondre_droit_acces"
SANS_CLASSE = "Sans classe cette année"


class Annulee(Exception):
    """The asker cancelled the job: the task stops between two pupils."""


# --- Names -----------------------------------------------------------------------------------


def nom_sur(*parties: str) -> str:
    """A file name part without accents, slashes or spaces: « CP A », « DUPONT », « Léo » →
    « CP-A-DUPONT-Leo »."""
    texte = "-".join(p for p in parties if p)
    texte = "".join(c for c in unicodedata.normalize("NFKD", texte) if not unicodedata.combining(c))
    texte = re.sub(r"[^A-Za-z0-9_-]+", "-", texte)
    return re.sub(r"-{2,}", "-", texte).strip("-._") or "document"


def _unique(nom: str, deja: set[str]) -> str:
    base, point, extension = nom.rpartition(".")
    candidat, n = nom, 1
    while candidat in deja:
        n += 1
        candidat = f"{base}-{n}{point}{extension}"
    deja.add(candidat)
    return candidat


# --- Asking ------------------------------------------------------------------------------------


def _expiration():
    return timezone.now() + timedelta(hours=settings.IMPRESSIONS_CONSERVATION_HEURES)


def eleves_imprimables(user):
    """The pupils whose fiche de suivi ``user`` may print: those they see, if their role prints
    fiches at all (the same rule and scope as the single fiche, aides/views/suivi.py)."""
    if not user.has_perm(PERMISSION_FICHE):
        return Eleve.objects.none()
    return Eleve.objects.visibles_par(user)


def eleves_aides_de_l_ecole(user, ecole) -> list[int]:
    """The pupils of the school this year with a request ``user`` sees (drafts aside), whose
    fiche de suivi ``user`` may print: the school page's « Imprimer les fiches de suivi ». One query."""
    demandes = DemandeAide.objects.visibles_par(user).exclude(etat=EtatDemande.BROUILLON)
    return list(
        eleves_imprimables(user)
        .filter(inscriptions__classe__ecole=ecole, inscriptions__annee__debut=annee_courante_debut())
        .filter(Exists(demandes.filter(eleve=OuterRef("pk"))))
        .order_by("pk").values_list("pk", flat=True).distinct()
    )


def demander_fiches(*, demandeur, eleves_ids, genre: str, adresse: str | None) -> tuple[TravailImpression, int]:
    """Queue the fiches de suivi of these pupils for ``demandeur``; returns the job and how many
    asked pupils were left out (outside the asker's scope). Raises ``PermissionDenied`` for a
    role that prints no fiche, ``ActionRefusee`` when nothing is left to print."""
    if not demandeur.has_perm(PERMISSION_FICHE):
        raise PermissionDenied("Votre rôle ne permet pas d'imprimer les fiches de suivi.")
    if genre not in (GenreImpression.FICHES_PAR_CLASSE, GenreImpression.FICHES_PAR_ELEVE):
        raise ActionRefusee("Choisissez un PDF par classe ou un PDF par élève.")
    demandes = set(eleves_ids)
    retenus = sorted(eleves_imprimables(demandeur).filter(pk__in=demandes).values_list("pk", flat=True))
    if not retenus:
        raise ActionRefusee("Aucun élève à imprimer.")
    if len(retenus) > settings.IMPRESSIONS_MAX_ELEVES:
        raise ActionRefusee(
            f"Une impression groupée compte au plus {quantite(settings.IMPRESSIONS_MAX_ELEVES, 'un élève')} : "
            "choisissez une classe ou une école."
        )
    travail = TravailImpression.objects.create(
        demandeur=demandeur, genre=genre, parametres={"eleves": retenus}, total=len(retenus),
        adresse=adresse, expire_le=_expiration(),
    )
    imprimer.enqueue(travail.pk)
    return travail, len(demandes) - len(retenus)


def demander_dossier_equipe(*, demandeur, demande, adresse: str | None) -> TravailImpression:
    """Queue the dossier for the équipe éducative of one request's pupil: the request, the
    programme in force, the last bilan (``demande`` was looked up in ``demandes_pour_fiche``)."""
    travail = TravailImpression.objects.create(
        demandeur=demandeur, genre=GenreImpression.DOSSIER_EQUIPE,
        # At least the request; the task counts the programmes and the bilan it finds.
        parametres={"demande": demande.pk, "eleves": [demande.eleve_id]}, total=1,
        adresse=adresse, expire_le=_expiration(),
    )
    imprimer.enqueue(travail.pk)
    return travail


def demander_rapport_annuel(*, demandeur, debut: int, adresse: str | None) -> TravailImpression:
    """Queue the yearly report of ``demandeur``'s circonscription for the school year starting
    ``debut`` (the view checked that the year is offered). Raises ``PermissionDenied`` for anyone
    but circonscription staff."""
    if not demandeur.has_perm(PERMISSION_RAPPORT):
        raise PermissionDenied
    travail = TravailImpression.objects.create(
        demandeur=demandeur, genre=GenreImpression.RAPPORT_ANNUEL, total=1, adresse=adresse, expire_le=_expiration(),
        parametres={"debut": debut, "circonscription": demandeur.circonscription_id},
    )
    imprimer.enqueue(travail.pk)
    return travail


def demandes_acces_imprimables(user):
    """The right-of-access requests ``user`` sees, as the document reads them (its pupil, who
    filed it, the released parts); whether ``user`` may print one is ``PERMISSION_DROIT_ACCES``
    on its pupil."""
    return (DemandeAcces.objects.visibles_par(user).select_related("eleve", "deposee_par")
            .prefetch_related("liberations__libere_par"))


def _demande_acces(user, pk) -> DemandeAcces | None:
    demande = demandes_acces_imprimables(user).filter(pk=pk).first()
    return demande if demande is not None and user.has_perm(PERMISSION_DROIT_ACCES, demande.eleve) else None


def demander_droit_acces(*, demandeur, demande: DemandeAcces, adresse: str | None) -> TravailImpression:
    """Queue the right-of-access file of ``demande`` (looked up in ``demandes_acces_imprimables``).
    Raises ``PermissionDenied`` for a reader who may not answer the family."""
    if not demandeur.has_perm(PERMISSION_DROIT_ACCES, demande.eleve):
        raise PermissionDenied
    travail = TravailImpression.objects.create(
        demandeur=demandeur, genre=GenreImpression.DROIT_ACCES, total=1, adresse=adresse, expire_le=_expiration(),
        parametres={"demande_acces": demande.pk, "eleves": [demande.eleve_id]},
    )
    imprimer.enqueue(travail.pk)
    return travail


def annuler(*, travail: TravailImpression) -> bool:
    """Ask the task to stop (it reads the flag between two pupils; a job not started yet never
    starts). A job already finished is left as it is: False."""
    if not travail.ouvert:
        return False
    TravailImpression.objects.filter(pk=travail.pk).update(annule=True)
    return True


def telechargeable(user, travail: TravailImpression) -> bool:
    """The rights again, at download: ``travail`` is the user's own (the caller looked it up among
    them), finished, not expired, and every pupil in it still within the user's scope."""
    if travail.etat != EtatImpression.TERMINE or not travail.fichier or travail.expire_le <= timezone.now():
        return False
    if travail.genre == GenreImpression.DOSSIER_EQUIPE:
        return demandes_pour_fiche(user).filter(pk=travail.parametres["demande"]).exists()
    if travail.genre == GenreImpression.RAPPORT_ANNUEL:
        return _rapport_permis(user, travail)
    if travail.genre == GenreImpression.DROIT_ACCES:
        return _demande_acces(user, travail.parametres["demande_acces"]) is not None
    imprimes = set(travail.parametres.get("imprimes", []))
    return set(eleves_imprimables(user).filter(pk__in=imprimes).values_list("pk", flat=True)) == imprimes


# --- Rendering -----------------------------------------------------------------------------------


def _assembler(parties: list[tuple[Document, str | None]]) -> bytes:
    """One PDF of several, with a bookmark at the start of each part that has a title. The page
    counts come from WeasyPrint's layout: asking pypdf (``len(reader.pages)``) parsed every
    object again, a fifth of a batch's time in the profile."""
    from pypdf import PdfWriter  # slow import: pypdf, when a batch is rendered, not at start-up

    ecrivain, debut = PdfWriter(), 0
    for document, titre in parties:
        ecrivain.append(io.BytesIO(document.contenu))
        if titre:
            ecrivain.add_outline_item(title=titre, page_number=debut)
        debut += document.pages
    sortie = io.BytesIO()
    ecrivain.write(sortie)
    return sortie.getvalue()


@dataclass
class _Fiche:
    eleve: Eleve
    classe: object  # the current class, or None
    document: Document

    @property
    def contenu(self) -> bytes:
        return self.document.contenu

    @property
    def pages(self) -> int:
        return self.document.pages

    @property
    def libelle_classe(self) -> str:
        return self.classe.nom if self.classe else SANS_CLASSE

    @property
    def titre(self) -> str:
        return f"{self.eleve.nom.upper()} {self.eleve.prenom}"


def _classe_courante(eleve):
    courantes = getattr(eleve, "inscriptions_courantes", [])
    return courantes[0].classe if courantes else None


def _fiche(travail, eleve) -> _Fiche:
    user = travail.demandeur
    donnees = donnees_fiche_suivi(user, fiche_suivi_lue(user, eleve))
    volet = donnees["volet_psychologique"] is not None
    document = rendre_pdf(
        "pdf/suivi.html", {"f": donnees, "entete": donnees["entete"]},
        titre="Fiche de suivi" + (" — avec le volet psychologique" if volet else ""),
        nom_fichier=f"fiche-de-suivi-{eleve.pk}.pdf", imprime_par=user,
    )
    journaliser_pour(
        user, adresse=travail.adresse, action=JournalAcces.Action.IMPRESSION, eleve=eleve,
        objet="Fiche de suivi" + (" avec le volet psychologique" if volet else "")
              + f", PDF (impression groupée n° {travail.pk})",
    )
    return _Fiche(eleve=eleve, classe=_classe_courante(eleve), document=document)


def _avancer(travail, fait: int) -> None:
    """The progress, then the cancel flag (the one other writer of the row, ``annuler``)."""
    TravailImpression.objects.filter(pk=travail.pk).update(fait=fait)
    if TravailImpression.objects.filter(pk=travail.pk, annule=True).exists():
        raise Annulee


def _sommaire(travail, fiches: list[_Fiche], *, titre: str, entete: dict) -> bytes:
    """Cover page and table of contents (pupil, class, page), then the fiches. The front pages
    are rendered once to count them; again if the count moved the page numbers."""
    pages_avant = 2
    for _ in range(3):
        lignes, page = [], pages_avant + 1
        for fiche in fiches:
            lignes.append({"eleve": fiche.titre, "classe": fiche.libelle_classe, "page": page})
            page += fiche.pages
        devant = rendre_pdf(
            "pdf/sommaire_fiches.html",
            {"entete": entete, "lignes": lignes, "nb_eleves": quantite(len(fiches), "un élève"),
             "nb_pages": page - 1},
            titre=titre, nom_fichier="sommaire.pdf", imprime_par=travail.demandeur,
        )
        if devant.pages == pages_avant:
            break
        pages_avant = devant.pages
    return _assembler([(devant, "Sommaire")] + [(f.document, f.titre) for f in fiches])


def _zip(fichiers: list[tuple[str, bytes]]) -> bytes:
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in fichiers:
            archive.writestr(nom, contenu)
    return sortie.getvalue()


def _fiches(travail) -> tuple[bytes, str]:
    user = travail.demandeur
    # The rights once more, as the job runs: a pupil who left the asker's scope meanwhile is not printed.
    eleves = list(
        eleves_imprimables(user).filter(pk__in=travail.parametres["eleves"]).avec_inscription_courante()
    )
    if not eleves:
        raise ActionRefusee("Aucun élève à imprimer.")
    eleves.sort(key=lambda e: (_cle_classe(_classe_courante(e)), cle(e.nom), cle(e.prenom), e.pk))
    TravailImpression.objects.filter(pk=travail.pk).update(total=len(eleves))
    fiches = []
    for n, eleve in enumerate(eleves, start=1):
        fiches.append(_fiche(travail, eleve))
        _avancer(travail, n)
    travail.parametres["imprimes"] = [f.eleve.pk for f in fiches]

    deja: set[str] = set()
    if travail.genre == GenreImpression.FICHES_PAR_ELEVE:
        return _zip([
            (_unique(nom_sur(f.libelle_classe if f.classe else "sans-classe", f.eleve.nom.upper(), f.eleve.prenom)
                     + ".pdf", deja), f.contenu)
            for f in fiches
        ]), f"fiches-de-suivi-{travail.pk}.zip"

    par_classe: dict = {}
    for fiche in fiches:
        par_classe.setdefault(fiche.classe, []).append(fiche)
    documents = []
    for classe, groupe in par_classe.items():
        entete = entete_eleve(list(groupe[0].eleve.inscriptions_courantes))
        titre = f"Fiches de suivi — {groupe[0].libelle_classe}"
        nom = nom_sur("classe", classe.nom, classe.ecole.nom) if classe else "sans-classe"
        documents.append((_unique(nom + ".pdf", deja), _sommaire(travail, groupe, titre=titre, entete=entete)))
    if len(documents) == 1:
        return documents[0][1], f"fiches-de-suivi-{documents[0][0]}"
    return _zip(documents), f"fiches-de-suivi-{travail.pk}.zip"


def _cle_classe(classe) -> tuple:
    return (1, "", "", 0) if classe is None else (0, classe.ecole.nom, classe.nom, classe.pk)


def _dossier_equipe(travail) -> tuple[bytes, str]:
    """The request, the programme(s) in force, the last bilan: each as its own document prints."""
    user = travail.demandeur
    demande = demandes_pour_fiche(user).filter(pk=travail.parametres["demande"]).first()
    if demande is None:
        raise ActionRefusee("Cette demande n'est plus dans votre périmètre.")
    programmes = list(
        programmes_pour_impression(user).filter(aide__demande=demande, etat=EtatProgramme.VALIDE)
        .order_by("aide__type", "version")
    )
    bilan = (evaluations_pour_bilan(user).filter(programme__aide__demande=demande)
             .order_by("-date", "-pk").first())
    TravailImpression.objects.filter(pk=travail.pk).update(total=1 + len(programmes) + (bilan is not None))
    parties = []

    def ajouter(gabarit, contexte, *, titre, objet, signet):
        document = rendre_pdf(gabarit, contexte, titre=titre, nom_fichier="document.pdf", imprime_par=user)
        journaliser_pour(user, adresse=travail.adresse, action=JournalAcces.Action.IMPRESSION,
                         eleve=demande.eleve, objet=f"{objet}, PDF (dossier pour l'équipe éducative n° {travail.pk})")
        parties.append((document, signet))
        _avancer(travail, len(parties))

    donnees = donnees_demande(demande, directeur=directeur_de(demande.classe.ecole))
    ajouter("pdf/demande.html", {"d": donnees, "entete": donnees["entete"]},
            titre=f"Demande d'aide au RASED n° {demande.pk}", objet=f"Demande d'aide n° {demande.pk}",
            signet="Demande d'aide")
    for programme in programmes:
        donnees = programme.instantane or donnees_programme(programme)
        ajouter("pdf/programme.html", {"p": donnees, "entete": donnees["entete"]},
                titre=f"Programme personnalisé — version {programme.version}",
                objet=f"Programme personnalisé n° {programme.pk} (version {programme.version})",
                signet="Programme personnalisé")
    if bilan is not None:
        donnees = donnees_bilan(bilan)
        ajouter("pdf/bilan.html", {"b": donnees, "entete": donnees["entete"]},
                titre=f"{donnees['type']} du {donnees['date']}", objet=f"Bilan n° {bilan.pk}",
                signet=f"{donnees['type']} du {donnees['date']}")
    travail.parametres["imprimes"] = [demande.eleve_id]
    return _assembler(parties), f"dossier-equipe-educative-demande-{demande.pk}.pdf"


# --- The long single documents -------------------------------------------------------------------


@dataclass(frozen=True)
class Imprime:
    """A document and the access-log entry its printing writes (once it exists)."""

    document: Document
    objet_journal: str
    eleve: Eleve | None = None


def imprime_rapport_annuel(user, debut: int) -> Imprime:
    """The yearly report of ``user``'s circonscription (aggregates only, no pupil named)."""
    rapport = rapport_annuel(circonscription=user.circonscription, debut=debut)
    document = rendre_pdf(
        "pdf/rapport_annuel.html",
        {"rapport": rapport, "graphiques": rapport.graphiques(), "entete": entete_document(user, rapport.debut)},
        titre=f"Bilan d'activité du RASED — {rapport.annee}",
        nom_fichier=f"bilan-activite-rased-{rapport.annee}.pdf", imprime_par=user,
    )
    return Imprime(document, f"Bilan d'activité {rapport.annee}, PDF")


def imprime_droit_acces(user, demande: DemandeAcces) -> Imprime:
    """The whole file for the family; each held-back part only once released and unchanged since."""
    donnees = donnees_droit_acces(demande)
    etats = ", ".join(
        f"{VoletDossier(volet).label} {'joint' if donnees[volet]['joint'] else 'en attente de relecture'}"
        for volet in VoletDossier
    )
    document = rendre_pdf(
        "pdf/droit_acces.html", {"d": donnees, "entete": donnees["dossier"]["entete"]},
        titre="Droit d'accès — dossier de l'élève", nom_fichier=f"droit-d-acces-{demande.pk}.pdf", imprime_par=user,
    )
    return Imprime(document, f"Droit d'accès n° {demande.pk} : dossier complet ({etats}), PDF", eleve=demande.eleve)


def _rapport_permis(user, travail) -> bool:
    """Circonscription staff, of the circonscription the report was asked for."""
    return user.has_perm(PERMISSION_RAPPORT) and user.circonscription_id == travail.parametres["circonscription"]


def _document_seul(travail) -> tuple[bytes, str]:
    """One long document, the rights read again as the job runs; written to the access log as
    its synchronous view writes it, once it exists and unless the job was cancelled meanwhile."""
    user = travail.demandeur
    if travail.genre == GenreImpression.RAPPORT_ANNUEL:
        if not _rapport_permis(user, travail):
            raise ActionRefusee("Votre rôle ne permet plus d'imprimer ce bilan d'activité.")
        imprime = imprime_rapport_annuel(user, travail.parametres["debut"])
    else:
        demande = _demande_acces(user, travail.parametres["demande_acces"])
        if demande is None:
            raise ActionRefusee("Cette demande d'accès n'est plus dans votre périmètre.")
        imprime = imprime_droit_acces(user, demande)
    _avancer(travail, 1)
    journaliser_pour(user, adresse=travail.adresse, action=JournalAcces.Action.IMPRESSION,
                     objet=imprime.objet_journal, eleve=imprime.eleve)
    return imprime.document.contenu, imprime.document.nom_fichier


def _finir(travail, **champs) -> None:
    TravailImpression.objects.filter(pk=travail.pk).update(termine_le=timezone.now(), **champs)


@task(queue_name="documents")
def imprimer(travail_id: int) -> str:
    """Render one batch print job (see the module's docstring)."""
    travail = TravailImpression.objects.select_related("demandeur").filter(pk=travail_id).first()
    if travail is None:
        return "impression supprimée"
    if not travail.ouvert:
        return "déjà terminée"
    if travail.annule:
        _finir(travail, etat=EtatImpression.ANNULE)
        return "annulée avant de commencer"
    TravailImpression.objects.filter(pk=travail.pk).update(etat=EtatImpression.EN_COURS, fait=0)
    try:
        if travail.genre == GenreImpression.DOSSIER_EQUIPE:
            contenu, nom = _dossier_equipe(travail)
        elif travail.genre in (GenreImpression.RAPPORT_ANNUEL, GenreImpression.DROIT_ACCES):
            contenu, nom = _document_seul(travail)
        else:
            contenu, nom = _fiches(travail)
    except Annulee:
        _finir(travail, etat=EtatImpression.ANNULE)
        return "annulée"
    except ActionRefusee as erreur:
        _finir(travail, etat=EtatImpression.ECHEC, erreur=str(erreur)[:200])
        return str(erreur)
    except Exception:
        journal.exception("Impression groupée n° %s en échec", travail.pk)
        _finir(travail, etat=EtatImpression.ECHEC, erreur="Une erreur est survenue pendant l'impression.")
        raise
    extension = nom.rpartition(".")[2]
    travail.fichier.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(contenu), save=False)
    # A cancel that came while the file was written still wins: the file goes at once.
    if TravailImpression.objects.filter(pk=travail.pk, annule=True).exists():
        travail.fichier.delete(save=False)
        _finir(travail, etat=EtatImpression.ANNULE)
        return "annulée"
    _finir(travail, etat=EtatImpression.TERMINE, fait=F("total"), fichier=travail.fichier.name, nom_fichier=nom,
           parametres=travail.parametres)
    return f"terminée : {nom}"
