"""Filing a request: draft, resume, send (only once the family is informed), notify the RASED."""

from datetime import date

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.enums import EtatDemande
from aides.models import DemandeAide, HistoriqueDemande, Notification
from eleves.models import Inscription
from tests.aides.test_programmes import champs_du_formulaire
from tests.conftest import PERSONAS
from tests.eleves.outils_pages import texte, urls
from tests.factories_aides import DemandeAideFactory

COMPLET = {
    "domaines": ["1.1", "1.3"],
    "difficultes": "Confond b et d, lecture très lente.",
    "erreurs": "Inversions de lettres en dictée.",
    "deja_essaye": ["differenciation", "apc"],
    "deja_essaye_precisions": "APC lecture deux fois par semaine depuis octobre.",
    "points_appui": "Très bon à l'oral, curieux.",
    "attentes": "Un regard sur la conscience phonologique.",
    "famille_informee_le": "2026-11-20",
    "famille_informee_par": "rencontre",
}


@pytest.fixture
def enseignant(client, monde):
    monde["maitre_e"].email = "maitre-e@example.org"
    monde["maitre_e"].save()
    client.force_login(monde["enseignant"])
    return monde["enseignant"]


# A draft as the form leaves it when nothing is typed: the tests fill what they need.
VIDE = {"domaines": [], "difficultes": "", "famille_informee_le": None, "famille_informee_par": ""}


def _brouillon(monde, **champs):
    """Léa's request by the CE1 A teacher (a row), a draft unless ``champs`` say, only ``champs`` filled."""
    return DemandeAideFactory(eleve=monde.eleve_a1, auteur=monde["enseignant"], **(VIDE | champs))


def test_brouillon_enregistre_puis_repris_puis_envoye(client, monde, enseignant):
    url = reverse("demande_creer", args=[monde.eleve_a1.pk])
    response = client.post(url, {"domaines": ["1.1"], "difficultes": "Lecture hésitante.", "brouillon": "1"})
    demande = DemandeAide.objects.get()
    assert response["Location"] == reverse("demande_detail", args=[demande.pk])
    assert demande.etat == EtatDemande.BROUILLON
    assert (demande.classe, demande.niveau, demande.auteur) == (monde.classe_a1, "CE1", enseignant)
    assert not Notification.objects.exists()

    page = client.get(reverse("demande_modifier", args=[demande.pk])).content.decode()
    assert "Lecture hésitante." in page
    client.post(reverse("demande_modifier", args=[demande.pk]), COMPLET | {"envoyer": "1", "revision_lue": "0"})

    demande.refresh_from_db()
    assert demande.etat == EtatDemande.ENVOYEE
    assert demande.envoyee_le is not None
    historique = HistoriqueDemande.objects.get(demande=demande)
    assert (historique.de, historique.vers, historique.auteur) == ("brouillon", "envoyee", enseignant)


def test_envoi_refuse_tant_que_la_famille_n_est_pas_informee(client, monde, enseignant):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.")
    response = client.post(reverse("demande_envoyer", args=[demande.pk]), follow=True)
    assert "La famille doit être informée avant l&#x27;envoi" in response.content.decode()
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.BROUILLON
    assert not HistoriqueDemande.objects.exists()
    assert mail.outbox == []


ERREURS_D_ENVOI = (
    "Cochez au moins un domaine du socle commun avant l&#x27;envoi.",
    "Décrivez les difficultés observées avant l&#x27;envoi.",
    "La famille doit être informée avant l&#x27;envoi : indiquez la date.",
    "La famille doit être informée avant l&#x27;envoi : indiquez comment.",
)


def test_envoyer_une_demande_incomplete_dit_chaque_champ_manquant_sans_rien_enregistrer(
    client, monde, enseignant
):
    """« Envoyer au RASED » on an empty form: each missing field gets its message, next to it and
    in the summary at the top; nothing is saved, nothing is sent."""
    url = reverse("demande_creer", args=[monde.eleve_a1.pk])
    response = client.post(url, {"points_appui": "Très bon à l'oral.", "envoyer": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    for message in ERREURS_D_ENVOI:
        assert page.count(message) == 2, message  # beside the field and in the summary
    assert 'id="erreurs"' in page and "Très bon à l&#x27;oral." in page  # what was typed stays
    assert not DemandeAide.objects.exists()
    assert mail.outbox == [] and not Notification.objects.exists()


def test_envoyer_un_brouillon_incomplet_le_laisse_intact(client, monde, enseignant):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.")
    response = client.post(reverse("demande_modifier", args=[demande.pk]),
                           {"domaines": ["1.1"], "difficultes": "Lecture et écriture.", "envoyer": "1",
                            "revision_lue": "0"})
    assert response.status_code == 200
    page = response.content.decode()
    assert ERREURS_D_ENVOI[2] in page and ERREURS_D_ENVOI[3] in page
    assert ERREURS_D_ENVOI[0] not in page and ERREURS_D_ENVOI[1] not in page
    demande.refresh_from_db()
    assert (demande.etat, demande.difficultes) == (EtatDemande.BROUILLON, "Lecture.")  # not even saved
    assert not HistoriqueDemande.objects.exists() and mail.outbox == []
    # The same form as a draft (« Enregistrer le brouillon ») is saved: only sending needs them.
    client.post(reverse("demande_modifier", args=[demande.pk]),
                {"domaines": ["1.1"], "difficultes": "Lecture et écriture.", "brouillon": "1", "revision_lue": "0"})
    demande.refresh_from_db()
    assert (demande.etat, demande.difficultes) == (EtatDemande.BROUILLON, "Lecture et écriture.")


BROUILLON_VIDE = "Remplissez au moins un champ de la demande avant d&#x27;enregistrer le brouillon."


@pytest.mark.parametrize(
    "donnees",
    [
        {},
        {"brouillon": "1"},
        {"inconnu": "x", "eleve": "1", "etat": "envoyee", "brouillon": "1"},
        # Every field sent, all empty or blank (what the browser sends for an untouched form).
        {**{champ: "" for champ in COMPLET if champ not in ("domaines", "deja_essaye")},
         "difficultes": "   \r\n ", "brouillon": "1"},
    ],
    ids=["rien", "bouton-seul", "champs-inconnus", "champs-vides"],
)
def test_brouillon_vide_refuse_en_francais_sans_rien_enregistrer(client, monde, enseignant, donnees):
    url = reverse("demande_creer", args=[monde.eleve_a1.pk])

    response = client.post(url, donnees)

    assert response.status_code == 200
    page = response.content.decode()
    # In the summary at the top of the page, and again at the top of the form (crispy).
    assert page.count(BROUILLON_VIDE) == 2
    assert page.index('id="erreurs"') < page.index(BROUILLON_VIDE) < page.index("<form method=\"post\" novalidate")
    assert not DemandeAide.objects.exists()


@pytest.mark.parametrize(
    "champ",
    ["domaines", "difficultes", "erreurs", "deja_essaye", "deja_essaye_precisions", "points_appui",
     "attentes", "famille_informee"],
)
def test_brouillon_d_un_seul_champ_enregistre(client, monde, enseignant, champ):
    url = reverse("demande_creer", args=[monde.eleve_a1.pk])
    donnees = (
        {"famille_informee_le": COMPLET["famille_informee_le"], "famille_informee_par": "rencontre"}
        if champ == "famille_informee" else {champ: COMPLET[champ]}
    )

    response = client.post(url, donnees | {"brouillon": "1"})

    demande = DemandeAide.objects.get()
    assert response["Location"] == reverse("demande_detail", args=[demande.pk])
    assert demande.etat == EtatDemande.BROUILLON


def test_brouillon_vide_de_tout_refuse_a_la_modification(client, monde, enseignant):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.")
    url = reverse("demande_modifier", args=[demande.pk])

    response = client.post(url, {"difficultes": "", "brouillon": "1", "revision_lue": "0"})
    rien = client.post(url, {"revision_lue": "0"})  # nothing of the request itself

    for reponse in (response, rien):
        assert reponse.status_code == 200
        assert BROUILLON_VIDE in reponse.content.decode()
    demande.refresh_from_db()
    assert (demande.domaines, demande.difficultes) == (["1.1"], "Lecture.")


def test_date_sans_maniere_d_informer_la_famille_refusee(client, monde, enseignant):
    url = reverse("demande_creer", args=[monde.eleve_a1.pk])
    response = client.post(url, COMPLET | {"famille_informee_par": "", "envoyer": "1"})
    assert "Indiquez à la fois la date et la manière" in response.content.decode()
    assert not DemandeAide.objects.exists()


def test_envoi_previent_le_rased_du_secteur_seulement(
    client, monde, enseignant, django_capture_on_commit_callbacks
):
    demande = _brouillon(monde, **{k: v for k, v in COMPLET.items() if k not in ("famille_informee_le",)},
                         famille_informee_le=date(2026, 11, 20))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("demande_envoyer", args=[demande.pk]))
    notifies = set(Notification.objects.values_list("destinataire__username", flat=True))
    assert notifies == {"maitre-e", "maitre-g", "psychologue"}
    assert len(mail.outbox) == 1
    courriel = mail.outbox[0]
    assert courriel.to == ["maitre-e@example.org"]
    assert f"/demandes/{demande.pk}/" in courriel.body
    # The e-mail and the notice name no pupil.
    assert "Petit" not in courriel.body and "Léa" not in courriel.body
    assert all("Petit" not in n.message for n in Notification.objects.all())


def test_double_envoi_ne_fait_qu_un_envoi(client, monde, enseignant):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.",
                         famille_informee_le=date(2026, 11, 20), famille_informee_par="courrier")
    url = reverse("demande_envoyer", args=[demande.pk])
    client.post(url)
    second = client.post(url, follow=True)
    assert "Cette demande a déjà été envoyée." in second.content.decode()
    assert HistoriqueDemande.objects.filter(demande=demande).count() == 1
    assert Notification.objects.count() == 3


def test_envoi_par_get_ne_change_rien(client, monde, enseignant):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.",
                         famille_informee_le=date(2026, 11, 20), famille_informee_par="courrier")
    assert client.get(reverse("demande_envoyer", args=[demande.pk])).status_code == 405
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.BROUILLON


def test_demande_envoyee_n_est_plus_modifiable(client, monde, enseignant):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.", etat=EtatDemande.ENVOYEE,
                         famille_informee_le=date(2026, 11, 20), famille_informee_par="courrier")
    # Its author is sent back to the request with why (not an error page).
    response = client.get(reverse("demande_modifier", args=[demande.pk]), follow=True)
    assert response.redirect_chain == [(reverse("demande_detail", args=[demande.pk]), 302)]
    assert "Une demande envoyée ne peut plus être modifiée." in response.content.decode()
    client.post(reverse("demande_modifier", args=[demande.pk]),
                COMPLET | {"difficultes": "Changé", "revision_lue": "0"})
    demande.refresh_from_db()
    assert demande.difficultes == "Lecture."


def test_brouillon_second_enregistrement_concurrent_refuse_sans_perte(monde):
    """The teacher has her draft open in two tabs (or on two devices): the older one's save is
    refused, keeps what she typed there, and the first save stands."""
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.")
    url = reverse("demande_modifier", args=[demande.pk])
    onglet_1, onglet_2 = Client(), Client()
    for onglet in (onglet_1, onglet_2):
        onglet.force_login(monde["enseignant"])
    premier = champs_du_formulaire(onglet_1.get(url))
    second = champs_du_formulaire(onglet_2.get(url))
    assert premier["revision_lue"] == second["revision_lue"] == "0"

    assert onglet_1.post(url, premier | {"difficultes": "Lecture et calcul.", "brouillon": "1"}).status_code == 302
    response = onglet_2.post(url, second | {"attentes": "Attentes du second onglet 6612", "brouillon": "1"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce brouillon a été modifié par quelqu&#x27;un d&#x27;autre pendant que vous le complétiez" in page
    assert "Attentes du second onglet 6612" in page
    demande.refresh_from_db()
    assert (demande.difficultes, demande.attentes, demande.revision) == ("Lecture et calcul.", "", 1)
    # Sending from the older tab is refused the same way: nothing is sent.
    onglet_2.post(url, second | {"envoyer": "1"} | {k: v for k, v in COMPLET.items()})
    demande.refresh_from_db()
    assert (demande.etat, demande.revision) == (EtatDemande.BROUILLON, 1)


# Who may file a request for eleve_a1 (class CE1 A, école A, secteur 1).
DEPOT_ATTENDU = {
    "enseignant": 200, "directeur": 200,
    "maitre_e": 403, "maitre_g": 403, "psychologue": 403, "circonscription": 403, "admin": 403,
    "enseignant_autre_ecole": 404, "rased_autre_secteur": 404, "autre_circonscription": 404,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_depot_d_une_demande_selon_le_role(client, monde, persona):
    client.force_login(monde[persona])
    url = reverse("demande_creer", args=[monde.eleve_a1.pk])
    assert client.get(url).status_code == DEPOT_ATTENDU[persona]
    client.post(url, COMPLET | {"brouillon": "1"})
    assert DemandeAide.objects.exists() == (DEPOT_ATTENDU[persona] == 200)


# Who sees a request sent by the teacher of CE1 A; a draft is its author's alone.
VOIT_ENVOYEE = {"enseignant", "directeur", "maitre_e", "maitre_g", "psychologue", "circonscription"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_visibilite_des_demandes_selon_le_role(client, monde, persona):
    envoyee = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.", etat=EtatDemande.ENVOYEE,
                         famille_informee_le=date(2026, 11, 20), famille_informee_par="courrier")
    brouillon = _brouillon(monde, difficultes="Brouillon secret")
    client.force_login(monde[persona])
    attendu_envoyee = 200 if persona in VOIT_ENVOYEE else 404
    attendu_brouillon = 200 if persona == "enseignant" else 404
    assert client.get(reverse("demande_detail", args=[envoyee.pk])).status_code == attendu_envoyee
    assert client.get(reverse("demande_detail", args=[brouillon.pk])).status_code == attendu_brouillon
    liste = client.get(reverse("demande_liste")).content.decode()
    assert (f'href="/demandes/{envoyee.pk}/"' in liste) == (persona in VOIT_ENVOYEE)
    assert (f'href="/demandes/{brouillon.pk}/"' in liste) == (persona == "enseignant")


def test_envoi_refuse_a_un_autre_que_l_auteur(client, monde):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.",
                         famille_informee_le=date(2026, 11, 20), famille_informee_par="courrier")
    client.force_login(monde["directeur"])
    assert client.post(reverse("demande_envoyer", args=[demande.pk])).status_code == 404
    demande.refresh_from_db()
    assert demande.etat == EtatDemande.BROUILLON


def test_liste_des_demandes_nombre_de_requetes_constant(client, monde, enseignant):
    _brouillon(monde, difficultes="1")
    client.get(reverse("demande_liste"))
    with CaptureQueriesContext(connection) as une:
        client.get(reverse("demande_liste"))
    for i in range(15):
        _brouillon(monde, difficultes=str(i))
    with CaptureQueriesContext(connection) as plusieurs:
        client.get(reverse("demande_liste"))
    assert len(une) == len(plusieurs)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite cannot alter a table inside the test's transaction")
def test_la_demande_porte_la_circonscription_de_l_eleve_et_la_migration_la_remplit(monde):
    """A request carries its pupil's circonscription (the rights scope reads it by index): set
    when saved, and filled from the pupils by aides/0003 for the rows that existed before."""
    nord = _brouillon(monde, domaines=["1.1"])
    sud = DemandeAideFactory(eleve=monde.eleve_c1, auteur=monde["autre_circonscription"], **VIDE)
    assert (nord.circonscription, sud.circonscription) == (monde.nord, monde.sud)
    with connection.cursor() as curseur:  # the rows' foreign keys checked now, before ALTER TABLE
        curseur.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    derniere = executor.loader.graph.leaf_nodes("aides")
    try:
        executor.migrate([("aides", "0002_chiffrement_statistiques_annuelles")])
        with connection.cursor() as curseur:
            colonnes = [c.name for c in connection.introspection.get_table_description(curseur, "aides_demandeaide")]
        assert "circonscription_id" not in colonnes
    finally:
        MigrationExecutor(connection).migrate(derniere)
    assert dict(DemandeAide.objects.values_list("pk", "circonscription")) == {
        nord.pk: monde.nord.pk, sud.pk: monde.sud.pk}
    assert list(DemandeAide.objects.visibles_par(monde["autre_circonscription"])) == [sud]


# --- A link the page shows must open (issue 11) ---------------------------------------------------

def _quitter_la_classe(monde, eleve, depart):
    """The pupil leaves the teacher's class: to classe A2 (same school), or enrolled nowhere."""
    inscription = Inscription.objects.get(eleve=eleve, annee=monde.classe_a1.annee)
    if depart == "autre-classe":
        inscription.classe, inscription.niveau = monde.classe_a2, "CM1"
        inscription.save()
    else:
        inscription.delete()


def _demande(monde, etat):
    return _brouillon(monde, domaines=["1.1"], difficultes="Lecture.", etat=etat,
                      famille_informee_le=date(2026, 11, 20), famille_informee_par="courrier")


def _pages_de_l_enseignante(client, demande):
    return {
        "demande": client.get(reverse("demande_detail", args=[demande.pk])),
        "accueil": client.get(reverse("accueil")),
        "liste": client.get(reverse("demande_liste")),
        **({"modifier": client.get(reverse("demande_modifier", args=[demande.pk]))}
           if demande.etat == EtatDemande.BROUILLON else {}),
    }


@pytest.mark.parametrize("depart", ["autre-classe", "parti"])
@pytest.mark.parametrize("etat", [EtatDemande.BROUILLON, EtatDemande.ENVOYEE])
def test_eleve_parti_de_la_classe_nomme_sans_lien(client, monde, enseignant, depart, etat):
    eleve = monde.eleve_a1
    demande = _demande(monde, etat)
    _quitter_la_classe(monde, eleve, depart)
    fiche = reverse("eleve_detail", args=[eleve.pk])
    assert client.get(fiche).status_code == 404  # the page the link would open

    pages = _pages_de_l_enseignante(client, demande)

    for nom, page in pages.items():
        assert page.status_code == 200, nom
        assert fiche not in urls(page), nom
    assert "Léa PETIT" in texte(pages["demande"])
    assert "Léa PETIT" in texte(pages["accueil"]) and "Léa PETIT" in texte(pages["liste"])
    if etat == EtatDemande.BROUILLON:
        assert "Léa PETIT" in texte(pages["modifier"])


def test_eleve_de_la_classe_nomme_avec_un_lien_qui_s_ouvre(client, monde, enseignant):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.")
    fiche = reverse("eleve_detail", args=[monde.eleve_a1.pk])

    pages = _pages_de_l_enseignante(client, demande)

    assert fiche in urls(pages["demande"]) and fiche in urls(pages["modifier"])
    assert client.get(fiche).status_code == 200


@pytest.mark.parametrize("persona", ["directeur", "maitre_e", "circonscription"])
def test_eleve_change_de_classe_lien_garde_pour_qui_voit_l_ecole(client, monde, persona):
    demande = _demande(monde, EtatDemande.ENVOYEE)
    _quitter_la_classe(monde, monde.eleve_a1, "autre-classe")
    fiche = reverse("eleve_detail", args=[monde.eleve_a1.pk])
    client.force_login(monde[persona])

    page = client.get(reverse("demande_detail", args=[demande.pk]))

    assert fiche in urls(page)
    assert client.get(fiche).status_code == 200


# --- Deleting one's own draft -------------------------------------------------------------------


def test_l_auteur_supprime_son_brouillon_apres_confirmation(client, monde, enseignant):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Brouillon à jeter 3391")
    pk = demande.pk
    url = reverse("demande_supprimer", args=[pk])
    # The button is on the request's page and on her list of requests.
    assert url in urls(client.get(reverse("demande_detail", args=[pk])))
    assert url in urls(client.get(reverse("demande_liste")))

    confirmation = client.get(url)
    contenu = texte(confirmation)
    assert "Supprimer le brouillon de demande d'aide n° " in contenu
    assert "Léa PETIT" in contenu and "Brouillon à jeter 3391" in contenu
    assert DemandeAide.objects.filter(pk=pk).exists()  # a GET deletes nothing

    response = client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("demande_liste"), 302)]
    assert "Le brouillon de demande d'aide pour Léa PETIT a été supprimé." in texte(response)
    assert not DemandeAide.objects.filter(pk=pk).exists()
    # The change history keeps the deletion, with its author.
    trace = LogEntry.objects.get(content_type__model="demandeaide", object_pk=str(pk),
                                 action=LogEntry.Action.DELETE)
    assert trace.actor == enseignant


def test_une_demande_envoyee_ne_se_supprime_pas(client, monde, enseignant):
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.", etat=EtatDemande.ENVOYEE,
                         famille_informee_le=date(2026, 11, 20), famille_informee_par="courrier")
    url = reverse("demande_supprimer", args=[demande.pk])
    assert url not in urls(client.get(reverse("demande_detail", args=[demande.pk])))
    assert url not in urls(client.get(reverse("demande_liste")))
    raison = "Une demande envoyée au RASED ne peut plus être supprimée : elle fait partie du dossier de l'élève."
    # Its author is sent back to the request with why, by a GET and by a POST alike.
    for envoi in (client.get, client.post):
        response = envoi(url, follow=True)
        assert response.redirect_chain == [(reverse("demande_detail", args=[demande.pk]), 302)]
        assert raison in texte(response)
    assert DemandeAide.objects.filter(pk=demande.pk).exists()


def test_brouillon_envoye_depuis_un_autre_onglet_puis_suppression_refusee(client, monde, enseignant):
    """The confirmation page was open while the draft was sent from another tab."""
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.",
                         famille_informee_le=date(2026, 11, 20), famille_informee_par="courrier")
    url = reverse("demande_supprimer", args=[demande.pk])
    assert client.get(url).status_code == 200
    client.post(reverse("demande_envoyer", args=[demande.pk]))
    response = client.post(url, follow=True)
    assert "ne peut plus être supprimée" in texte(response)
    assert DemandeAide.objects.get(pk=demande.pk).etat == EtatDemande.ENVOYEE


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "enseignant"])
def test_nul_autre_que_l_auteur_ne_supprime_son_brouillon(client, monde, persona):
    demande = _brouillon(monde, difficultes="Brouillon de l'enseignante")
    client.force_login(monde[persona])
    url = reverse("demande_supprimer", args=[demande.pk])
    # A draft is its author's alone: the others do not even see it.
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert DemandeAide.objects.filter(pk=demande.pk).exists()


def test_le_directeur_qui_voit_la_demande_ne_la_supprime_pas(client, monde):
    """A request the directeur sees (sent by a teacher of her school) is not hers to delete: 403,
    and no button."""
    demande = _brouillon(monde, domaines=["1.1"], difficultes="Lecture.", etat=EtatDemande.ENVOYEE,
                         famille_informee_le=date(2026, 11, 20), famille_informee_par="courrier")
    client.force_login(monde["directeur"])
    url = reverse("demande_supprimer", args=[demande.pk])
    assert url not in urls(client.get(reverse("demande_detail", args=[demande.pk])))
    assert client.get(url).status_code == 403
    assert client.post(url).status_code == 403
    assert DemandeAide.objects.filter(pk=demande.pk).exists()
