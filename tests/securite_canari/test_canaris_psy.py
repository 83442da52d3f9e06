"""Preuve 3 de l'issue « Trust » : le secret professionnel du psychologue, vérifié par des canaris.

A unique marker is planted in EVERY field of the psychologist's space (a psychological
follow-up en cours, its validated programme, an evaluation with a self-esteem instrument and
scores, an unshared conclusion, a bilan observation recorded with the parents' agreement, a
session with its content and per-pupil observation). Then every non-psychologist persona
crawls the whole product breadth-first from ``/`` (plus the direct URL of every object and,
for the admin, every page of ``/gestion/``): HTML pages, PDFs (text extracted with pypdf),
CSVs, and every e-mail sent by the arrangement. No marker may show anywhere. As the
psychologist, the same crawl must find them (else the crawl proves nothing).
"""

import io
import uuid
from collections import Counter, deque
from datetime import date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from pypdf import PdfReader

from aides.enums import TypeAide
from aides.models import (
    ActionProgramme,
    Aide,
    ConclusionPsy,
    Consentement,
    DemandeAide,
    Evaluation,
    EvaluationObjectif,
    Objectif,
    Observation,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from aides.pdf.courriers import GENRES
from aides.services import (
    aide_demarrer,
    conclusion_enregistrer,
    consentement_enregistrer,
    demande_decider,
    demande_enregistrer,
    demande_envoyer,
    demande_prendre_en_charge,
    evaluation_enregistrer,
    evaluation_modifier,
    observation_ajouter,
    programme_creer,
    programme_valider,
    reunion_enregistrer,
    seance_enregistrer,
)
from eleves.models import (
    Classe,
    DemandeAcces,
    Ecole,
    Eleve,
    Plan,
    ResponsableLegal,
    annee_courante_debut,
)
from eleves.services import demande_acces_deposer
from rased.admin import site as admin_site
from tests.conftest import PERSONAS
from tests.factories import PlanFactory, ResponsableLegalFactory

NON_PSY = [p for p in PERSONAS if p != "psychologue"]
LIMITE_PAGES = 400
PAGE_MAX = 3

# The scores are numbers: distinctive values, looked for as printed in French and in English.
ESTIME_DEBUT, ESTIME_FIN = Decimal("87.13"), Decimal("93.57")
MARQUEURS_SCORES = {
    "evaluation_estime_debut": ("87,13", "87.13"),
    "evaluation_estime_fin": ("93,57", "93.57"),
    "evaluation_estime_evolution": ("6,44", "6.44"),
}
CHAMPS_TEXTE = (
    "observation_contenu",
    "seance_contenu",
    "presence_observation",
    "programme_avis_eleve",
    "programme_avis_famille",
    "objectif_intitule",
    "objectif_critere",
    "objectif_responsable",
    "action_description",
    "evaluation_synthese",
    "evaluation_instrument",
    "resultat_commentaire",
    "conclusion_texte",
)


def _marqueur(champ: str) -> str:
    return f"CANARI-{champ.replace('_', '')}-{uuid.uuid4().hex[:8]}"


# --- The arrangement ----------------------------------------------------------------------------


def _accord(demande, acte, auteur):
    consentement_enregistrer(demande=demande, auteur=auteur, consentement=Consentement(
        acte=acte, accorde=True, date=date(2026, 11, 5), titulaires="deux", forme="ecrit"))


def planter_canaris(monde) -> dict:
    """A request of the CE1 A teacher for Léa Petit, a psychological follow-up en cours and
    an E aid, every psychologist field holding its marker. Returns markers and objects."""
    m = {champ: _marqueur(champ) for champ in CHAMPS_TEXTE}
    ens, e, psy, dir_ = monde["enseignant"], monde["maitre_e"], monde["psychologue"], monde["directeur"]
    for nom in PERSONAS:  # every persona gets e-mails
        user = monde[nom]
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    mere = ResponsableLegalFactory(eleve=monde.eleve_a1)
    PlanFactory(eleve=monde.eleve_a1)

    demande = demande_enregistrer(auteur=ens, eleve=monde.eleve_a1, demande=DemandeAide(
        domaines=["1.1"], difficultes="Lecture très lente.", famille_informee_le=date(2026, 11, 2),
        famille_informee_par="rencontre"))
    demande_envoyer(demande=demande, auteur=ens)
    demande.refresh_from_db()
    demande_prendre_en_charge(demande=demande, auteur=psy, referent=psy)
    demande_decider(demande=demande, auteur=psy, decision="aide", motif="Anxiété et décodage.",
                    intervenants={TypeAide.E: e, TypeAide.PSY: psy})
    demande.refresh_from_db()
    for acte in ("aide_e_g", "psy"):
        _accord(demande, acte, psy)
    aide_e = Aide.objects.get(demande=demande, type=TypeAide.E)
    aide_psy = Aide.objects.get(demande=demande, type=TypeAide.PSY)
    aide_demarrer(aide=aide_e, auteur=e, debut=date(2026, 11, 9))
    aide_demarrer(aide=aide_psy, auteur=psy, debut=date(2026, 11, 9))

    # The psychologist's assessment, with the parents' agreement on record.
    observation_ajouter(demande=demande, auteur=psy, observation=Observation(
        type="bilan", date=date(2026, 11, 10), contenu=m["observation_contenu"]))

    # A validated programme of the psychological follow-up.
    programme_psy = programme_creer(aide=aide_psy, auteur=psy, programme=Programme(
        modalite="individuel", date_debut=date(2026, 11, 9), avis_eleve=m["programme_avis_eleve"],
        avis_famille=m["programme_avis_famille"]))
    objectif = Objectif.objects.create(
        programme=programme_psy, visee="estime", intitule=m["objectif_intitule"],
        critere=m["objectif_critere"], responsable=m["objectif_responsable"])
    ActionProgramme.objects.create(programme=programme_psy, acteur="eleve", description=m["action_description"])
    programme_valider(programme=programme_psy, auteur=psy)
    programme_psy.refresh_from_db()

    # An E programme too, so that the E pages (readable by the school) exist next to the psy ones.
    programme_e = programme_creer(aide=aide_e, auteur=e, programme=Programme(
        modalite="petit_groupe", date_debut=date(2026, 11, 9)))
    Objectif.objects.create(programme=programme_e, domaine="1.1", intitule="Décoder les syllabes",
                            critere="Lit 20 syllabes en une minute", responsable="Maître E")
    programme_valider(programme=programme_e, auteur=e)

    # A session of the psychologist: its content and the pupil's observation.
    seance_enregistrer(intervenant=psy, seance=Seance(date=date(2026, 11, 20), duree=45,
                                                      contenu=m["seance_contenu"]),
                       presences=[PresenceSeance(aide=aide_psy, observation=m["presence_observation"])])

    # An intermediate evaluation with the self-esteem instrument and scores: the aid stays en cours.
    evaluation = evaluation_enregistrer(
        evaluation=Evaluation(programme=programme_psy, type="intermediaire", date=date(2026, 11, 24),
                              suite="poursuite", synthese=m["evaluation_synthese"],
                              estime_instrument=m["evaluation_instrument"],
                              estime_debut=ESTIME_DEBUT, estime_fin=ESTIME_FIN),
        resultats=[EvaluationObjectif(objectif=objectif, atteinte="partiel",
                                      commentaire=m["resultat_commentaire"])],
        auteur=psy,
    )
    # A correction (one save per row, unlike the creation's bulk_create): UPDATE entries in the history.
    evaluation.refresh_from_db()
    evaluation.synthese += " (corrigée)"
    resultat = evaluation.resultats.get()
    resultat.commentaire += " (corrigé)"
    evaluation_modifier(evaluation=evaluation, resultats=[resultat], revision_lue=evaluation.revision)
    conclusion_enregistrer(aide=aide_psy, auteur=psy, conclusion=ConclusionPsy(
        date=date(2026, 11, 24), texte=m["conclusion_texte"], partagee=False))

    # A meeting about the request (its text is not the psychologist's: no marker in it).
    reunion_enregistrer(
        demande=demande, auteur=dir_,
        reunion=Reunion(type="equipe_educative", date=timezone.make_aware(datetime(2026, 11, 20, 17, 30)),
                        lieu="Salle des maîtres", ordre_du_jour="Point sur l'aide.",
                        compte_rendu="La famille soutient l'aide.", decisions="Poursuite."),
        participants=[dir_, e, psy, ens], externes=[("Mme Petit", "mère")],
    )
    # A family's right of access, its RASED and psychological parts NOT released: the directeur's
    # and the IEN's crawls print the general part only. (Once a psychologist releases the
    # psychological part, the markers rightly reach that document: tests/aides/test_droit_acces.py
    # proves both sides.)
    acces = demande_acces_deposer(eleve=monde.eleve_a1, auteur=dir_, responsable=mere, recue_le=date(2026, 11, 20))
    aide_psy.refresh_from_db()
    assert aide_psy.etat == "en_cours"
    assert Observation.objects.get(auteur=psy).confidentielle
    assert not acces.liberations.exists()
    return {"marqueurs": m, "demande": demande, "programme_psy": programme_psy, "evaluation": evaluation,
            "acces": acces}


def motifs(marqueurs: dict) -> dict[str, tuple[str, ...]]:
    """Every field → the strings whose presence betrays it."""
    return {**{k: (v,) for k, v in marqueurs.items()}, **MARQUEURS_SCORES}


def chercher(texte: str, tous_motifs: dict) -> list[str]:
    """The fields found in ``texte`` (also with white space removed: PDF text wraps lines)."""
    colle = "".join(texte.split())
    return [champ for champ, cherches in tous_motifs.items()
            if any(c in texte or c in colle for c in cherches)]


# --- The crawl ----------------------------------------------------------------------------------


class _Liens(HTMLParser):
    def __init__(self):
        super().__init__()
        self.liens = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.liens.append(a["href"])
        elif tag in ("img", "iframe", "embed") and a.get("src"):
            self.liens.append(a["src"])
        elif tag == "object" and a.get("data"):
            self.liens.append(a["data"])
        elif tag == "form" and (a.get("method") or "get").lower() == "get" and a.get("action"):
            self.liens.append(a["action"])


def _normaliser(base: str, href: str) -> str | None:
    if href.startswith(("mailto:", "tel:", "javascript:", "#", "data:")):
        return None
    url = urlsplit(urljoin("http://testserver" + base, href))
    if url.scheme not in ("http", "https") or url.netloc != "testserver":
        return None
    chemin = url.path
    if chemin.startswith(("/static/", "/media/")) or "deconnexion" in chemin or chemin.endswith("/logout/"):
        return None
    params = [(k, v) for k, v in parse_qsl(url.query, keep_blank_values=True) if k != "_changelist_filters"]
    for k, v in params:
        if k == "page" and (not v.isdigit() or int(v) > PAGE_MAX):
            return None
    return chemin + ("?" + urlencode(sorted(params)) if params else "")


def _urls_directes(monde) -> list[str]:
    """The URL of every object for every route of the app, whatever the persona."""
    objets = {
        "demandes": DemandeAide, "eleves": Eleve, "programmes": Programme, "bilans": Evaluation,
        "conclusions": ConclusionPsy, "reunions": Reunion, "aides": Aide, "ecoles": Ecole,
        "classes": Classe, "responsables": ResponsableLegal, "plans": Plan, "droit-d-acces": DemandeAcces,
    }
    urls = []

    def parcourir(motifs_url, prefixe=""):
        for p in motifs_url:
            if isinstance(p, URLResolver):
                route = str(p.pattern)
                if route.startswith("gestion"):
                    continue
                parcourir(p.url_patterns, prefixe + route)
            elif isinstance(p, URLPattern) and p.name:
                route = prefixe + str(p.pattern)
                params = set(p.pattern.converters)
                if not params:
                    urls.append(reverse(p.name))
                    continue
                modele = objets.get(route.split("/")[0])
                pks = list(modele.objects.values_list("pk", flat=True)) if modele and "pk" in params else [None]
                for pk in pks:
                    for genre in (GENRES if "genre" in params else [None]):
                        kwargs = {}
                        if "pk" in params:
                            if pk is None:
                                break
                            kwargs["pk"] = pk
                        if genre:
                            kwargs["genre"] = genre
                        if "debut" in params:
                            kwargs["debut"] = annee_courante_debut()
                        if set(kwargs) == params:
                            urls.append(reverse(p.name, kwargs=kwargs))

    parcourir(get_resolver().url_patterns)
    return urls


def _urls_gestion() -> list[str]:
    """Every page of the admin site: index, app indexes, and per registered model its
    changelist, add page, and each object's change, history and delete-confirmation pages."""
    urls = [reverse("admin:index")]
    for modele in admin_site._registry:
        info = modele._meta.app_label, modele._meta.model_name
        urls.append(reverse("admin:app_list", args=[info[0]]))
        urls += [reverse("admin:{}_{}_changelist".format(*info)), reverse("admin:{}_{}_add".format(*info))]
        for pk in modele._default_manager.values_list("pk", flat=True):
            for vue in ("change", "history", "delete"):
                urls.append(reverse(f"admin:%s_%s_{vue}" % info, args=[pk]))
    return list(dict.fromkeys(urls))


def _contenu(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _texte_pdf(contenu: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "") for p in PdfReader(io.BytesIO(contenu)).pages).split())


def explorer(client, user, graines, tous_motifs) -> dict:
    """Breadth-first GET crawl as ``user``; returns counts and the hits (field, URL, kind)."""
    client.force_login(user)
    file, vus = deque(["/", *graines]), set()
    compte, touches = Counter(), []
    while file and compte["requetes"] < LIMITE_PAGES:
        url = file.popleft()
        if url in vus:
            continue
        vus.add(url)
        response = client.get(url)
        compte["requetes"] += 1
        if response.status_code in (301, 302, 303, 307, 308):
            suite = _normaliser(url, response["Location"])
            if suite:
                file.append(suite)
            continue
        if response.status_code != 200:
            compte[f"statut_{response.status_code}"] += 1
            continue
        corps = _contenu(response)
        type_contenu = response.get("Content-Type", "")
        entetes = " ".join(f"{k}: {v}" for k, v in response.headers.items())
        if "application/pdf" in type_contenu:
            genre, texte = "pdf", _texte_pdf(corps) + " " + entetes
        elif "text/csv" in type_contenu:
            genre, texte = "csv", corps.decode("utf-8-sig", "replace") + " " + entetes
        elif "text/html" in type_contenu:
            genre, texte = "page", corps.decode("utf-8", "replace") + " " + entetes
            analyseur = _Liens()
            analyseur.feed(texte)
            for href in analyseur.liens:
                suite = _normaliser(url, href)
                if suite and suite not in vus:
                    file.append(suite)
        else:
            genre, texte = "autre", corps.decode("utf-8", "replace") + " " + entetes
        compte[genre] += 1
        touches += [(champ, url, genre) for champ in chercher(texte, tous_motifs)]
    client.logout()
    return {"compte": compte, "touches": touches, "vus": vus}


def _courriels_de(user) -> list:
    return [m for m in mail.outbox if user.email in (*m.to, *m.cc, *m.bcc)]


def _texte_courriel(message) -> str:
    parties = [message.subject, message.body, *(str(a) for a in message.attachments)]
    parties += [c for c, _ in getattr(message, "alternatives", [])]
    return "\n".join(parties)


# --- The proof ----------------------------------------------------------------------------------


@pytest.fixture
def canaris(monde, django_capture_on_commit_callbacks):
    mail.outbox = []
    with django_capture_on_commit_callbacks(execute=True):
        dossier = planter_canaris(monde)
    return dossier


def test_aucun_canari_du_psychologue_hors_de_son_espace(client, monde, canaris, preuve):
    tous_motifs = motifs(canaris["marqueurs"])
    graines = _urls_directes(monde)
    gestion = _urls_gestion()
    assert mail.outbox, "the arrangement must have sent e-mails"
    bilan, fuites = {}, []
    for nom in [*NON_PSY, "psychologue"]:
        user = monde[nom]
        # Every persona also tries the admin site: only the admin gets in.
        resultat = explorer(client, user, [*graines, *gestion], tous_motifs)
        courriels = _courriels_de(user)
        touches = list(resultat["touches"])
        for message in courriels:
            touches += [(champ, f"e-mail « {message.subject} »", "courriel")
                        for champ in chercher(_texte_courriel(message), tous_motifs)]
        bilan[nom] = (resultat, courriels, touches)
        if nom != "psychologue":
            fuites += [(nom, *t) for t in touches]

    for nom, (resultat, courriels, touches) in bilan.items():
        c = resultat["compte"]
        preuve(f"[preuve 3] canaris vus par {nom} : {c['requetes']} requêtes, {c['page']} pages, "
               f"{c['pdf']} PDF, {c['csv']} CSV, {c['autre']} autres, {len(courriels)} e-mails, "
               f"{len(touches)} marqueur(s) trouvé(s)")

    assert not fuites, "Fuites du secret du psychologue :\n" + "\n".join(
        f"  {nom}: {champ} dans {genre} {url}" for nom, champ, url, genre in sorted(set(fuites)))

    # The crawl covered the documents and the admin site.
    for nom in NON_PSY:
        compte = bilan[nom][0]["compte"]
        assert compte["requetes"] < LIMITE_PAGES or nom == "admin", (nom, compte)
    admin_vus = bilan["admin"][0]["vus"]
    assert set(gestion) <= admin_vus, set(gestion) - admin_vus
    assert any(bilan[nom][0]["compte"]["pdf"] for nom in NON_PSY)
    # The family's right of access was printed by those who print it, its psychological part pending.
    pdf_acces = reverse("demande_acces_pdf", args=[canaris["acces"].pk])
    assert pdf_acces in bilan["directeur"][0]["vus"] and pdf_acces in bilan["circonscription"][0]["vus"]
    assert any(bilan[nom][0]["compte"]["csv"] for nom in NON_PSY)

    # Sanity: as the psychologist, the same crawl does find the psychologist's markers.
    trouves_psy = {champ for champ, _, _ in bilan["psychologue"][2]}
    assert trouves_psy >= set(tous_motifs), f"markers the psychologist's crawl never saw: {set(tous_motifs) - trouves_psy}"
    genres_psy = {genre for _, _, genre in bilan["psychologue"][2]}
    assert {"page", "pdf"} <= genres_psy, genres_psy


def _texte_entree(entree) -> str:
    champs = ("changes", "changes_text", "object_repr", "additional_data", "serialized_data")
    return " ".join(str(getattr(entree, c, "") or "") for c in champs)


def fuites_historique(marqueurs) -> list[tuple[str, str, int, str]]:
    tous_motifs = motifs(marqueurs)
    return sorted({
        (entree.content_type.model, champ, entree.object_pk, entree.get_action_display())
        for entree in LogEntry.objects.select_related("content_type")
        for champ in chercher(_texte_entree(entree), tous_motifs)
    })


# Known leak, reported and not fixed here (aides/historique.py): ``Objectif`` and ``ActionProgramme``
# are registered without masks (their CREATE entries hold intitule, critere, responsable and
# description, and their object_repr is the intitule / description), and ``Programme.instantane``
# (the JSON frozen at validation) is not masked, so the UPDATE entry of ``programme_valider``
# holds avis_eleve, avis_famille and every objective and action of a psychological follow-up.
MODELES_MASQUES = {"observation", "seance", "presenceseance", "evaluation", "evaluationobjectif", "conclusionpsy"}


def test_historique_des_modeles_masques_sans_canari(monde, canaris):
    """What is masked today stays masked: notes, sessions, evaluations, scores, conclusions."""
    assert LogEntry.objects.filter(content_type__model__in=MODELES_MASQUES).count() >= len(MODELES_MASQUES)
    fuites = [f for f in fuites_historique(canaris["marqueurs"]) if f[0] in MODELES_MASQUES]
    assert not fuites, fuites


def test_canaris_absents_de_l_historique_des_modifications(monde, canaris):
    """The change history (django-auditlog) keeps no value of any psychologist field."""
    assert LogEntry.objects.count() > 10  # the arrangement's writes were logged
    fuites = fuites_historique(canaris["marqueurs"])
    assert not fuites, "Valeurs du psychologue dans l'historique (modèle, champ, pk, action) :\n" + "\n".join(
        f"  {f}" for f in fuites)
