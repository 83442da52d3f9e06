"""``manage.py demo``: valid, plausible, reproducible, idempotent data; one account per role."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command, load_command_class
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from aides.models import (
    ActionEquipe,
    Aide,
    Consentement,
    DemandeAide,
    Evaluation,
    Observation,
    ParticipantExterne,
    PresenceSeance,
    Programme,
    Reunion,
    Seance,
)
from eleves.demo import (
    AGE_A_LA_RENTREE,
    CLASSE_ENSEIGNANT,
    ECOLES,
    MOT_DE_PASSE,
)
from eleves.enums import ROLES_RASED, FonctionCirconscription, Niveau, Role, TypePlan
from eleves.models import (
    AnneeScolaire,
    Circonscription,
    Classe,
    Ecole,
    Eleve,
    Inscription,
    PeriodeVacances,
    Plan,
    ResponsableLegal,
    Secteur,
    Utilisateur,
)

PARIS = ZoneInfo("Europe/Paris")
ROLES_ATTENDUS = {
    "enseignant": Role.ENSEIGNANT,
    "directeur": Role.DIRECTEUR,
    "maitre-e": Role.MAITRE_E,
    "maitre-g": Role.MAITRE_G,
    "psychologue": Role.PSYCHOLOGUE,
    "circonscription": Role.CIRCONSCRIPTION,
    "admin": Role.ADMINISTRATEUR,
}
ECOLE_1 = "École élémentaire Jules Ferry"
ECOLES_SECTEUR_1 = [e.nom for e in ECOLES if e.secteur == 1]
ECOLES_SECTEUR_2 = [e.nom for e in ECOLES if e.secteur == 2]


def lancer_demo() -> str:
    # Tests run with DEBUG off, as in production: the guard is lifted explicitly.
    sortie = StringIO()
    call_command("demo", force=True, stdout=sortie, stderr=StringIO())
    return sortie.getvalue()


@pytest.fixture
def demo(db) -> str:
    return lancer_demo()


def compter_tout() -> dict[str, int]:
    return {
        modele._meta.label: modele._default_manager.count()
        for modele in apps.get_models(include_auto_created=True)
    }


def test_demo_refusee_hors_mode_developpement(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DJANGO_DEBUG=1"):
        call_command("demo", stdout=StringIO())
    assert not Circonscription.objects.exists()


def test_demo_aide_en_francais():
    aide = load_command_class("aides", "demo").create_parser("manage.py", "demo").format_help()
    assert "données de démonstration" in aide
    assert "--force" in aide


def test_demo_effectifs_attendus(demo):
    annee = AnneeScolaire.objects.courante()
    assert Circonscription.objects.get().departement == "Rhône"
    assert Ecole.objects.count() == 6
    assert len(set(Ecole.objects.values_list("uai", flat=True))) == 6
    assert sorted(s.ecoles.count() for s in Secteur.objects.all()) == [3, 3]
    assert 20 <= Classe.objects.filter(annee=annee).count() <= 30
    assert 20 <= Classe.objects.filter(annee__debut=annee.debut - 1).count() <= 30
    assert 450 <= Eleve.objects.count() <= 550
    assert "Données de démonstration créées" in demo and f"{Eleve.objects.count()} élèves" in demo


def test_demo_chaque_eleve_inscrit_cette_annee_a_un_niveau_de_sa_classe(demo):
    annee = AnneeScolaire.objects.courante()
    inscriptions = list(Inscription.objects.filter(annee=annee).select_related("classe"))
    assert {i.eleve_id for i in inscriptions} == set(Eleve.objects.values_list("pk", flat=True))
    assert len(inscriptions) == Eleve.objects.count()
    for inscription in inscriptions:
        assert inscription.classe.annee_id == annee.pk
        assert inscription.niveau in inscription.classe.niveaux
    for classe in Classe.objects.filter(annee=annee):
        assert classe.enseignants.exists(), classe


def test_demo_parcours_et_ages_plausibles(demo):
    debut = AnneeScolaire.objects.courante().debut
    ordre = list(Niveau.values)
    eleves = Eleve.objects.prefetch_related("inscriptions__classe__ecole", "inscriptions__annee")
    avec_historique = 0
    for eleve in eleves:
        par_annee = {i.annee.debut: i for i in eleve.inscriptions.all()}
        courante = par_annee[debut]
        # Born the year that makes the expected age at the rentrée, or a year earlier (maintien).
        assert debut - eleve.date_naissance.year - AGE_A_LA_RENTREE[courante.niveau] in (0, 1)
        if passee := par_annee.get(debut - 1):
            avec_historique += 1
            assert ordre.index(courante.niveau) - ordre.index(passee.niveau) in (0, 1)
            assert passee.niveau in passee.classe.niveaux
            # The same school, or the maternelle of the same commune.
            assert passee.classe.ecole.commune == courante.classe.ecole.commune
        assert set(par_annee) <= {debut, debut - 1}
    assert avec_historique > 0.6 * len(eleves)


def test_demo_familles_et_plans(demo):
    nb_eleves = Eleve.objects.count()
    assert Eleve.objects.filter(responsables__isnull=False).distinct().count() >= 0.9 * nb_eleves
    assert ResponsableLegal.objects.count() <= 2 * nb_eleves
    assert Eleve.objects.exclude(ine="").count() >= 0.8 * nb_eleves
    assert Eleve.objects.filter(nom__contains="-").exists()
    assert Eleve.objects.filter(prenom__regex=r"[éèëïîçô]").exists()
    types = set(Plan.objects.values_list("type", flat=True))
    assert types == set(TypePlan.values)
    assert 20 <= Plan.objects.count() <= 150


def test_demo_donnees_valides_pour_le_modele(demo):
    """Every row passes the model's validation (UAI, INE, postcode, phone, e-mail, levels…)."""
    objets = [
        *Ecole.objects.all(),
        *Classe.objects.all(),
        *Eleve.objects.all(),
        *Inscription.objects.select_related("classe"),
        *ResponsableLegal.objects.all(),
        *Plan.objects.all(),
        *Utilisateur.objects.all(),
    ]
    for objet in objets:
        objet.full_clean()


def test_demo_relancee_ne_change_rien(db):
    lancer_demo()
    comptes_avant = compter_tout()
    mots_de_passe = dict(Utilisateur.objects.values_list("username", "password"))
    modifies = dict(Eleve.objects.values_list("pk", "modifie_le"))

    with CaptureQueriesContext(connection) as requetes:
        sortie = lancer_demo()

    assert "Les données de démonstration sont déjà en place." in sortie
    ecritures = [
        q["sql"] for q in requetes if q["sql"].split()[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    ]
    assert ecritures == []
    assert compter_tout() == comptes_avant
    assert dict(Utilisateur.objects.values_list("username", "password")) == mots_de_passe
    assert dict(Eleve.objects.values_list("pk", "modifie_le")) == modifies


def _instantane():
    return (
        sorted(
            Inscription.objects.values_list(
                "annee__debut", "classe__ecole__uai", "classe__nom", "niveau",
                "eleve__nom", "eleve__prenom", "eleve__date_naissance", "eleve__sexe", "eleve__ine",
            )
        ),
        sorted(
            ResponsableLegal.objects.values_list(
                "eleve__ine", "nom", "prenom", "adresse", "telephone", "email"
            )
        ),
        sorted(Plan.objects.values_list("eleve__ine", "type", "date_debut", "date_fin")),
        sorted(
            Utilisateur.objects.values_list("username", "first_name", "last_name", "classes__nom")
        ),
    )


def test_demo_reproductible(db):
    with transaction.atomic():
        lancer_demo()
        premiere = _instantane()
        transaction.set_rollback(True)
    assert not Eleve.objects.exists()

    lancer_demo()

    assert _instantane() == premiere


def test_demo_repare_les_comptes_documentes(demo):
    Utilisateur.objects.filter(username="directeur").update(is_active=False)
    psychologue = Utilisateur.objects.get(username="psychologue")
    psychologue.set_password("autre-mot-de-passe")
    psychologue.save()
    # Accounts are never deleted once they signed requests (PROTECT): unlink and deactivate instead.
    ancien = Utilisateur.objects.get(username="enseignant")
    ancien.classes.clear()
    Utilisateur.objects.filter(pk=ancien.pk).update(is_active=False)
    nb_eleves = Eleve.objects.count()

    sortie = lancer_demo()

    assert "Les données de démonstration sont déjà en place." in sortie
    assert Utilisateur.objects.get(username="directeur").is_active
    assert Utilisateur.objects.get(username="psychologue").check_password(MOT_DE_PASSE)
    enseignant = Utilisateur.objects.get(username="enseignant")
    assert enseignant.is_active and enseignant.check_password(MOT_DE_PASSE)
    annee = AnneeScolaire.objects.courante()
    assert enseignant.classes.filter(annee=annee, nom=CLASSE_ENSEIGNANT).exists()
    assert Eleve.objects.count() == nb_eleves


def test_demo_laisse_un_compte_existant_hors_demonstration(db):
    """A superuser named ``admin`` made before the demo keeps its password and role."""
    Utilisateur.objects.create_superuser("admin", "admin@example.org", "mot-de-passe-a-moi-2026")

    lancer_demo()

    admin = Utilisateur.objects.get(username="admin")
    assert admin.check_password("mot-de-passe-a-moi-2026")
    assert admin.circonscription is None
    assert Utilisateur.objects.get(username="directeur").check_password(MOT_DE_PASSE)


def test_demo_comptes_par_role(demo):
    comptes = {u.username: u for u in Utilisateur.objects.filter(username__in=ROLES_ATTENDUS)}
    circonscription = Circonscription.objects.get()
    ecole_1 = Ecole.objects.get(nom=ECOLE_1)
    assert {nom: u.role for nom, u in comptes.items()} == ROLES_ATTENDUS
    for user in comptes.values():
        assert user.check_password(MOT_DE_PASSE)
        assert user.is_active
        assert user.circonscription == circonscription
        assert user.email.endswith("@example.org")
        assert user.first_name and user.last_name
    assert comptes["directeur"].ecole == ecole_1
    for nom in ("maitre-e", "maitre-g", "psychologue"):
        assert comptes[nom].secteur.ecoles.filter(pk=ecole_1.pk).exists()
    assert comptes["circonscription"].fonction == FonctionCirconscription.IEN
    annee = AnneeScolaire.objects.courante()
    classes = Classe.objects.filter(enseignants=comptes["enseignant"], annee=annee)
    assert [(c.ecole, c.nom) for c in classes] == [(ecole_1, CLASSE_ENSEIGNANT)]


def test_demo_perimetres_des_comptes(demo):
    comptes = {u.username: u for u in Utilisateur.objects.filter(username__in=ROLES_ATTENDUS)}
    classe = Classe.objects.get(
        annee=AnneeScolaire.objects.courante(), ecole__nom=ECOLE_1, nom=CLASSE_ENSEIGNANT
    )
    eleves_de_la_classe = {i.eleve for i in classe.inscriptions.all()}
    assert set(Eleve.objects.visibles_par(comptes["enseignant"])) == eleves_de_la_classe
    for nom in ("maitre-e", "maitre-g", "psychologue"):
        ecoles = Ecole.objects.visibles_par(comptes[nom]).values_list("nom", flat=True)
        assert set(ecoles) == set(ECOLES_SECTEUR_1)
    assert 0 < Eleve.objects.visibles_par(comptes["directeur"]).count() < Eleve.objects.count()
    assert Eleve.objects.visibles_par(comptes["circonscription"]).count() == Eleve.objects.count()


def _attendus_accueil(username):
    match username:
        case "enseignant":
            return [f"{CLASSE_ENSEIGNANT} — {ECOLE_1}"], ["Aucune classe ne vous est attribuée"]
        case "directeur":
            return [ECOLE_1, "7 classes cette année"], ECOLES_SECTEUR_2
        case "maitre-e" | "maitre-g" | "psychologue":
            return ECOLES_SECTEUR_1, ECOLES_SECTEUR_2
    nb_classes = Classe.objects.filter(annee=AnneeScolaire.objects.courante()).count()
    chiffres = [f">{Eleve.objects.count()}<", f">{nb_classes}<", ">6<"]
    if username == "admin":
        return [*chiffres, f'href="{reverse("admin:index")}"'], []
    return chiffres, [f'href="{reverse("admin:index")}"']


@pytest.mark.parametrize("username", list(ROLES_ATTENDUS))
def test_demo_accueil_propre_a_chaque_role(client, demo, username):
    user = Utilisateur.objects.get(username=username)
    client.force_login(user)

    response = client.get("/")

    assert response.status_code == 200
    page = response.content.decode()
    assert f"Bonjour {user.first_name}" in page
    presents, absents = _attendus_accueil(username)
    for texte in presents:
        assert texte in page, texte
    for texte in absents:
        assert texte not in page, texte


def test_demo_administrateur_entre_dans_l_administration(client, demo):
    client.force_login(Utilisateur.objects.get(username="admin"))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "Administration rased" in response.content.decode()


def test_demo_relancee_une_autre_annee_previent(db):
    lancer_demo()
    annee_suivante = AnneeScolaire.objects.courante().debut + 1
    erreurs = StringIO()

    with time_machine.travel(date(annee_suivante, 10, 1), tick=False):
        call_command("demo", force=True, stdout=StringIO(), stderr=erreurs)

    assert "année scolaire passée" in erreurs.getvalue()
    assert Utilisateur.objects.get(username="enseignant").check_password(MOT_DE_PASSE)


def test_demo_connexion_par_le_formulaire_avec_le_mot_de_passe_publie(client, demo):
    for username in ROLES_ATTENDUS:
        response = client.post(
            reverse("connexion"), {"username": username, "password": MOT_DE_PASSE}
        )
        assert response.status_code == 302, username
        assert response["Location"] == reverse("accueil")
        client.logout()


def test_demo_donne_des_demandes_a_chaque_etape(demo):
    etats = set(DemandeAide.objects.values_list("etat", flat=True))
    assert etats == {"brouillon", "envoyee", "en_analyse", "aide_decidee", "autre_reponse", "cloturee"}
    assert set(Aide.objects.values_list("type", flat=True)) == {"E", "G", "psy"}
    assert Programme.objects.filter(etat="valide").count() >= 4
    assert Seance.objects.count() >= 20 and Evaluation.objects.exists()


def test_demo_raconte_une_annee_scolaire_vraisemblable(demo):
    verifier_une_annee_vraisemblable()


@pytest.mark.parametrize("maintenant", [
    "2026-09-03T10:00",  # three days after the rentrée: everything squeezed into a few days
    "2026-10-28T10:00",  # during the Toussaint holidays
    "2027-07-20T10:00",  # during the summer
])
def test_demo_vraisemblable_quel_que_soit_le_jour(db, maintenant):
    with time_machine.travel(datetime.fromisoformat(maintenant).replace(tzinfo=PARIS), tick=False):
        lancer_demo()
        verifier_une_annee_vraisemblable()


def verifier_une_annee_vraisemblable():
    """The demo's invariants: one request per pupil; decided after it was sent; the family agreed
    after the decision and before the aid started; programmes and sessions after the start, on
    school days of the circonscription's zone, within the family's agreement; meetings between
    the request and the decision, with those who would attend."""
    circonscription = Circonscription.objects.get()
    assert circonscription.zone == "A"
    calendrier = PeriodeVacances.objects.calendrier(circonscription.zone)
    aujourd_hui = timezone.localdate()

    demandes = list(DemandeAide.objects.select_related("classe__ecole"))
    assert len({d.eleve_id for d in demandes}) == len(demandes)
    for demande in demandes:
        if demande.envoyee_le:
            assert demande.famille_informee_le <= timezone.localdate(demande.envoyee_le)
            assert calendrier.est_jour_d_ecole(timezone.localdate(demande.envoyee_le))
        if demande.decidee_le:
            assert demande.envoyee_le <= demande.decidee_le <= timezone.now(), demande.pk
            assert calendrier.est_jour_d_ecole(timezone.localdate(demande.decidee_le))
        for observation in Observation.objects.filter(demande=demande):
            assert timezone.localdate(demande.envoyee_le) <= observation.date <= aujourd_hui

    for aide in Aide.objects.select_related("demande").exclude(debut=None):
        decision = timezone.localdate(aide.demande.decidee_le)
        acte = "psy" if aide.type == "psy" else "aide_e_g"
        accord = Consentement.objects.filter(demande=aide.demande, acte=acte, accorde=True).earliest("date")
        assert decision <= accord.date <= aide.debut <= aujourd_hui, aide.pk
        for programme in aide.programmes.all():
            assert aide.debut <= programme.date_debut < programme.date_revision
            assert timezone.localdate(programme.valide_le) >= decision
        for evaluation in Evaluation.objects.filter(programme__aide=aide):
            assert aide.debut <= evaluation.date <= aujourd_hui
            assert aide.fin is None or evaluation.date <= aide.fin

    presences = PresenceSeance.objects.select_related("seance", "aide__demande")
    assert presences.exists()
    for presence in presences:
        jour, aide = presence.seance.date, presence.aide
        assert calendrier.est_jour_d_ecole(jour), jour
        assert aide.debut <= jour <= (aide.fin or aujourd_hui), (aide.pk, jour)
        acte = "psy" if aide.type == "psy" else "aide_e_g"
        en_vigueur = Consentement.objects.filter(demande=aide.demande, acte=acte, date__lte=jour).first()
        assert en_vigueur is not None and en_vigueur.accorde, (aide.pk, jour)
        assert presence.presence == "present" or not presence.observation

    reunions = list(Reunion.objects.select_related("demande__classe__ecole"))
    assert reunions
    for reunion in reunions:
        demande = reunion.demande
        jour = timezone.localdate(reunion.date)
        assert calendrier.est_jour_d_ecole(jour)
        assert timezone.localdate(demande.envoyee_le) <= jour <= timezone.localdate(demande.decidee_le)
        participants = list(reunion.participants.all())
        # The school's directeur chairs the équipe éducative; the pupil's teacher attends.
        assert any(p.role == Role.DIRECTEUR and p.ecole_id == demande.classe.ecole_id for p in participants)
        assert any(p.pk in demande.classe.enseignants.values_list("pk", flat=True) for p in participants)
        # RASED members of the school's secteur only, nobody from elsewhere.
        for personne in participants:
            assert personne.circonscription_id == circonscription.pk
            if personne.role in ROLES_RASED:
                assert personne.secteur.ecoles.filter(pk=demande.classe.ecole_id).exists()
        # Its parents (the names are encrypted: compared here, not in SQL).
        externes = {(p.nom, p.qualite) for p in ParticipantExterne.objects.filter(reunion=reunion)}
        parents = {(f"{r.civilite} {r.nom}".strip(), {"mere": "mère", "pere": "père"}[r.lien])
                   for r in demande.eleve.responsables.filter(lien__in=["mere", "pere"])}
        assert parents and externes & parents

    for action in ActionEquipe.objects.all():
        assert calendrier.est_jour_d_ecole(action.date)
