"""Correcting and deleting a session (issue 12): a wrong « Absent » is fixed through the pages and
every figure counting it follows; a session logged twice is deleted with its reason kept; two
people correcting at once, the second is refused with what they typed kept; strangers refused."""

import re
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aides.enums import TypeAide
from aides.models import PresenceSeance, Seance, Suppression
from aides.selectors.historique import historique_lisible_de_la_seance
from aides.services import ActionRefusee, seance_modifier, seance_supprimer
from eleves.enums import Role
from tests.aides.test_seances import AUJOURD_HUI, HIER, _aides_en_cours, _formulaire, _noter
from tests.eleves.outils_pages import texte
from tests.factories import SecteurFactory, UtilisateurFactory, eleve_inscrit
from tests.factories_parcours import aide_en_cours, demande_deposee, seance_notee

AVANT_HIER = AUJOURD_HUI - timedelta(days=2)


def _correction(seance, lignes, **champs):
    """The correction form as posted: the session's fields, its revision, one row per pupil kept."""
    return _formulaire(lignes, **({"revision_lue": str(seance.revision)} | champs))


def _taux(page: str) -> str:
    return re.search(r"Taux de présence (\S+ %|—)", page).group(1)


@pytest.fixture
def groupe(monde):
    """Three pupils of école A with an E aid en cours led by maitre_e: Léa, Nassim and Jade
    (as tests/aides/test_seances.py)."""
    jade = eleve_inscrit(monde.classe_a1, nom="Roux", prenom="Jade")
    return [
        _aides_en_cours(monde, monde.eleve_a1, {TypeAide.E: "maitre_e"})[TypeAide.E],
        _aides_en_cours(monde, monde.eleve_a2, {TypeAide.E: "maitre_e"}, auteur="directeur")[TypeAide.E],
        _aides_en_cours(monde, jade, {TypeAide.E: "maitre_e"})[TypeAide.E],
    ]


@pytest.fixture
def remplacant(monde):
    """A maître E of the same secteur: the policy's stand-in for maitre_e's aids."""
    return UtilisateurFactory(username="maitre-e-remplacant", role=Role.MAITRE_E,
                              circonscription=monde.nord, secteur=monde.secteur_1)


def test_absent_corrige_en_present_et_les_taux_suivent(client, monde, groupe):
    lea, nassim, _ = groupe
    client.force_login(monde["maitre_e"])
    client.post(reverse("seance_creer"), _formulaire([(lea, "present", ""), (nassim, "absent", "")]))
    seance = Seance.objects.get()
    assert "Taux de présence 50 % (1 présence sur 2)" in texte(client.get(reverse("seance_liste")))
    fiche_nassim = reverse("eleve_seances", args=[nassim.eleve.pk])
    assert _taux(texte(client.get(fiche_nassim))) == "0 %"

    # The list offers the correction; the form shows what was recorded.
    liste = client.get(reverse("seance_liste")).content.decode()
    assert reverse("seance_corriger", args=[seance.pk]) in liste
    formulaire = client.get(reverse("seance_corriger", args=[seance.pk]))
    html = formulaire.content.decode()
    assert f"Corriger la séance du {HIER:%d/%m/%Y}" in texte(formulaire)
    assert re.search(rf'name="participe_{nassim.pk}"[^>]*checked', html)
    assert '<option value="absent" selected>' in html
    assert 'name="revision_lue" value="0"' in html

    reponse = client.post(reverse("seance_corriger", args=[seance.pk]), _correction(
        seance, [(lea, "present", ""), (nassim, "present", "Arrivé en retard, a tout suivi.")],
    ), follow=True)

    assert reponse.redirect_chain[-1][0] == reverse("seance_liste")
    page = texte(reponse)
    assert f"La séance du {HIER:%d/%m/%Y} a été corrigée." in page
    assert "Taux de présence 100 % (2 présences sur 2)" in page
    assert _taux(texte(client.get(fiche_nassim))) == "100 %"
    seance.refresh_from_db()
    assert (Seance.objects.count(), seance.revision) == (1, 1)
    assert dict(seance.presences.values_list("aide_id", "presence")) == {lea.pk: "present", nassim.pk: "present"}
    assert seance.presences.get(aide=nassim).observation == "Arrivé en retard, a tout suivi."


def test_corriger_date_duree_contenu_et_les_eleves(client, monde, groupe):
    lea, nassim, jade = groupe
    seance = _noter(monde["maitre_e"], HIER, 45, [(lea, "present", "Bien."), (nassim, "absent", "")])
    client.force_login(monde["maitre_e"])
    client.post(reverse("seance_corriger", args=[seance.pk]), _correction(
        seance, [(lea, "excuse", "Bien."), (jade, "present", "Nouvelle venue.")],
        date=AVANT_HIER.isoformat(), duree="30", contenu="Lecture de syllabes.",
    ))
    seance.refresh_from_db()
    assert (seance.date, seance.duree, seance.contenu, seance.intervenant) == (
        AVANT_HIER, 30, "Lecture de syllabes.", monde["maitre_e"])
    # Nassim taken off the session, Jade added, Léa's attendance corrected (her row kept).
    lignes = {p.aide_id: (p.presence, p.observation) for p in seance.presences.all()}
    assert lignes == {lea.pk: ("excuse", "Bien."), jade.pk: ("present", "Nouvelle venue.")}
    assert "Heures 0 h 30" in texte(client.get(reverse("seance_liste")))


@pytest.mark.parametrize("champs, message", [
    ({"duree": "500"}, "Une séance dure entre"),
    ({"date": (AUJOURD_HUI + timedelta(days=3)).isoformat()}, "ne peut pas être dans le futur"),
])
def test_correction_refusee_garde_les_saisies_et_n_ecrit_rien(client, monde, groupe, champs, message):
    lea, nassim, _ = groupe
    seance = _noter(monde["maitre_e"], HIER, 45, [(lea, "present", ""), (nassim, "absent", "")])
    client.force_login(monde["maitre_e"])
    reponse = client.post(reverse("seance_corriger", args=[seance.pk]), _correction(
        seance, [(lea, "present", ""), (nassim, "present", "")], contenu="Texte tapé 8841", **champs))
    assert reponse.status_code == 200
    assert message in texte(reponse) and "Texte tapé 8841" in reponse.content.decode()
    seance.refresh_from_db()
    assert (seance.revision, seance.duree, seance.date) == (0, 45, HIER)
    assert seance.presences.get(aide=nassim).presence == "absent"


def test_sans_eleve_la_correction_est_refusee(client, monde, groupe):
    seance = _noter(monde["maitre_e"], HIER, 45, [(groupe[0], "absent", "")])
    client.force_login(monde["maitre_e"])
    reponse = client.post(reverse("seance_corriger", args=[seance.pk]), _correction(seance, []))
    assert "Cochez au moins un élève" in texte(reponse)
    assert PresenceSeance.objects.get().presence == "absent"


def test_deux_corrections_en_meme_temps_la_seconde_est_refusee_avec_ses_saisies(client, monde, groupe, remplacant):
    """The maître E and her stand-in open the same session; both save: the second is told, her
    typed values are still on the page, and the first correction stands."""
    lea, nassim, _ = groupe
    seance = _noter(monde["maitre_e"], HIER, 45, [(lea, "present", ""), (nassim, "absent", "")])
    url = reverse("seance_corriger", args=[seance.pk])
    for personne in (monde["maitre_e"], remplacant):
        client.force_login(personne)
        assert 'name="revision_lue" value="0"' in client.get(url).content.decode()
    lue = Seance.objects.get()  # both read revision 0

    client.force_login(monde["maitre_e"])
    client.post(url, _correction(lue, [(lea, "present", ""), (nassim, "present", "")], contenu="Correction 1"))
    client.force_login(remplacant)
    reponse = client.post(url, _correction(
        lue, [(lea, "present", ""), (nassim, "excuse", "Saisie du remplaçant 5523")], contenu="Correction 2 tapée"))

    assert reponse.status_code == 200
    page = texte(reponse)
    assert "Cette séance a été modifiée par quelqu'un d'autre pendant que vous la corrigiez." in page
    assert "Vos saisies sont conservées ci-dessous" in page
    html = reponse.content.decode()
    assert "Correction 2 tapée" in html and "Saisie du remplaçant 5523" in html
    seance.refresh_from_db()
    assert (seance.contenu, seance.revision) == ("Correction 1", 1)
    assert seance.presences.get(aide=nassim).presence == "present"


def test_supprimer_une_seance_notee_deux_fois_garde_le_motif(client, monde, groupe):
    lea, nassim, _ = groupe
    gardee = _noter(monde["maitre_e"], HIER, 45, [(lea, "present", ""), (nassim, "absent", "")])
    doublon = _noter(monde["maitre_e"], HIER, 45, [(lea, "present", ""), (nassim, "absent", "")])
    client.force_login(monde["maitre_e"])
    assert "Séances 2" in texte(client.get(reverse("seance_liste")))
    url = reverse("seance_supprimer", args=[doublon.pk])
    assert url in client.get(reverse("seance_liste")).content.decode()

    confirmation = texte(client.get(url))
    assert f"Supprimer la séance du {HIER:%d/%m/%Y}" in confirmation
    assert "Nassim MOREAU : Absent" in confirmation
    # No reason, no deletion.
    sans_motif = client.post(url, {"motif": "  "})
    assert "Indiquez le motif de la suppression." in texte(sans_motif)
    assert Seance.objects.count() == 2

    reponse = client.post(url, {"motif": "Séance notée deux fois."}, follow=True)

    assert reponse.redirect_chain[-1][0] == reverse("seance_liste")
    page = texte(reponse)
    assert f"La séance du {HIER:%d/%m/%Y} a été supprimée." in page
    assert "Séances 1 " in page and "Taux de présence 50 % (1 présence sur 2)" in page
    assert list(Seance.objects.all()) == [gardee]
    assert not PresenceSeance.objects.filter(seance_id=doublon.pk).exists()
    # The reason outlives the session, and the history's delete entry points to it.
    suppression = Suppression.objects.get()
    assert (suppression.motif, suppression.auteur, suppression.objet_id, suppression.confidentielle) == (
        "Séance notée deux fois.", monde["maitre_e"], doublon.pk, False)
    assert suppression.type == ContentType.objects.get_for_model(Seance)
    entree = LogEntry.objects.get(content_type=suppression.type, object_pk=str(doublon.pk),
                                  action=LogEntry.Action.DELETE)
    assert entree.additional_data == {"suppression": suppression.pk, "par_psychologue": False}
    # Reposting the confirmation: the session is gone (404), nothing else is deleted.
    assert client.post(url, {"motif": "encore"}).status_code == 404
    assert Seance.objects.count() == 1


def test_le_rapport_annuel_ne_compte_plus_la_seance_supprimee(client, monde, groupe):
    doublon = _noter(monde["maitre_e"], HIER, 45, [(groupe[0], "present", "")])
    _noter(monde["maitre_e"], HIER, 45, [(groupe[0], "present", "")])
    client.force_login(monde["circonscription"])
    assert "Élèves aidés 2 Séances 1 h 30 Heures de séances" in texte(client.get(reverse("rapport_annuel")))
    client.force_login(monde["maitre_e"])
    client.post(reverse("seance_supprimer", args=[doublon.pk]), {"motif": "Doublon."})
    client.force_login(monde["circonscription"])
    assert "Élèves aidés 1 Séances 0 h 45 Heures de séances" in texte(client.get(reverse("rapport_annuel")))


@pytest.mark.parametrize("persona, code", [
    ("maitre_g", 403), ("psychologue", 403),  # RASED colleagues read the session, may not change it
    ("enseignant", 404), ("directeur", 404), ("circonscription", 404), ("admin", 404),
    ("rased_autre_secteur", 404),
])
def test_autres_personnes_refusees(client, monde, groupe, persona, code):
    seance = _noter(monde["maitre_e"], HIER, 45, [(groupe[0], "absent", "")])
    client.force_login(monde[persona])
    for nom in ("seance_corriger", "seance_supprimer"):
        assert client.get(reverse(nom, args=[seance.pk])).status_code == code
    assert client.post(reverse("seance_corriger", args=[seance.pk]),
                       _correction(seance, [(groupe[0], "present", "")])).status_code == code
    assert client.post(reverse("seance_supprimer", args=[seance.pk]), {"motif": "x"}).status_code == code
    seance.refresh_from_db()
    assert seance.revision == 0 and PresenceSeance.objects.get().presence == "absent"


def test_seance_du_psychologue_reste_aux_psychologues(client, monde):
    aides = _aides_en_cours(monde, monde.eleve_a1, {TypeAide.PSY: "psychologue"})
    seance = _noter(monde["psychologue"], HIER, 50, [(aides[TypeAide.PSY], "present", "Secret 7431")])
    for persona in ("maitre_e", "maitre_g"):
        client.force_login(monde[persona])
        assert client.get(reverse("seance_corriger", args=[seance.pk])).status_code == 404
        assert client.post(reverse("seance_supprimer", args=[seance.pk]), {"motif": "x"}).status_code == 404
    # Another psychologist of the secteur acts for the aid: she may correct it; its deletion's
    # reason is the psychologist's (confidentielle).
    collegue = UtilisateurFactory(username="psy-2", role=Role.PSYCHOLOGUE, circonscription=monde.nord,
                                  secteur=monde.secteur_1)
    client.force_login(collegue)
    assert client.get(reverse("seance_corriger", args=[seance.pk])).status_code == 200
    client.post(reverse("seance_supprimer", args=[seance.pk]), {"motif": "Mauvais élève 6620."})
    assert not Seance.objects.exists() and Suppression.objects.get().confidentielle is True
    # The reason is encrypted in its table and absent from the history (which only points to it).
    with connection.cursor() as curseur:
        curseur.execute("SELECT motif FROM aides_suppression")
        assert "6620" not in curseur.fetchone()[0]
    assert not [e for e in LogEntry.objects.all() if "6620" in f"{e.changes} {e.additional_data} {e.object_repr}"]


def test_formulaire_de_correction_nombre_de_requetes_constant(client, monde, groupe):
    """The correction form reads the session's pupils in a number of queries that does not grow
    with them."""
    client.force_login(monde["maitre_e"])
    une = _noter(monde["maitre_e"], HIER, 45, [(groupe[0], "present", "")])
    trois = _noter(monde["maitre_e"], HIER, 45, [(a, "absent", "obs") for a in groupe])
    comptes = []
    for seance in (une, trois):
        url = reverse("seance_corriger", args=[seance.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as requetes:
            assert client.get(url).status_code == 200
        comptes.append(len(requetes))
    assert comptes[0] == comptes[1], comptes


def test_correction_d_une_seance_supprimee_entre_temps_refusee_sans_erreur(monde, groupe):
    """The page was read, then someone deleted the session: the save is refused in French."""
    seance = _noter(monde["maitre_e"], HIER, 45, [(groupe[0], "absent", "")])
    lue = Seance.objects.get(pk=seance.pk)
    seance_supprimer(seance=seance, auteur=monde["maitre_e"], motif="Doublon.")
    lue.duree = 30
    with pytest.raises(ActionRefusee, match="Cette séance a été supprimée entre-temps."):
        seance_modifier(seance=lue, auteur=monde["maitre_e"], presences=[PresenceSeance(aide=groupe[0])],
                        revision_lue=0)


def test_l_historique_lit_le_motif_d_une_suppression_a_qui_peut_le_lire(monde):
    """The history's delete line reads « Suppression (motif : …) » from the encrypted reason its
    entry points to; a psychologist's reason, for psychologists only."""
    aides = _aides_en_cours(monde, monde.eleve_a1, {TypeAide.E: "maitre_e", TypeAide.PSY: "psychologue"})
    seance_e = _noter(monde["maitre_e"], HIER, 45, [(aides[TypeAide.E], "present", "")])
    seance_psy = _noter(monde["psychologue"], HIER, 50, [(aides[TypeAide.PSY], "present", "")])
    seance_supprimer(seance=seance_e, auteur=monde["maitre_e"], motif="Notée deux fois.")
    seance_supprimer(seance=seance_psy, auteur=monde["psychologue"], motif="Secret 3307.")

    def lignes(persona, seance):
        return " | ".join(str(l) for l in historique_lisible_de_la_seance(monde[persona], seance))

    assert "Suppression (motif : Notée deux fois.)" in lignes("maitre_e", seance_e)
    assert "Suppression (motif : Secret 3307.)" in lignes("psychologue", seance_psy)
    autre = lignes("maitre_e", seance_psy)
    assert "Suppression" in autre and "3307" not in autre


def test_la_page_de_correction_montre_l_historique_de_la_seance(client, monde):
    """After a correction, the session's page shows who changed which pupil's attendance."""
    demande = demande_deposee(eleve=monde.eleve_a1, auteur=monde["enseignant"])
    aide = aide_en_cours(demande, "E", monde["maitre_e"])
    seance = seance_notee(monde["maitre_e"], [aide])
    presence = seance.presences.get()
    presence.presence = "absent"
    presence.save()
    client.force_login(monde["maitre_e"])
    page = client.get(reverse("seance_corriger", args=[seance.pk])).content.decode()
    historique = page.split('id="historique"')[1]
    assert "Présence" in historique and "Absent" in historique


# --- The stand-in's way to a colleague's sessions (« Mes séances ») ----------------------------


def test_le_remplacant_trouve_les_seances_de_sa_collegue_et_peut_les_corriger(client, monde, groupe, remplacant):
    seance = _noter(monde["maitre_e"], HIER, 45, [(groupe[0], "absent", "")])
    client.force_login(remplacant)
    page = client.get(reverse("seance_liste")).content.decode()
    assert "Séances de mes collègues que je peux corriger" in page
    assert reverse("seance_corriger", args=[seance.pk]) in page
    assert reverse("seance_supprimer", args=[seance.pk]) in page
    assert client.get(reverse("seance_corriger", args=[seance.pk])).status_code == 200
    # The author's own list does not repeat her sessions as a colleague's.
    client.force_login(monde["maitre_e"])
    assert "Séances de mes collègues" not in client.get(reverse("seance_liste")).content.decode()


@pytest.mark.parametrize("persona", ["maitre_g", "psychologue", "rased_autre_secteur"])
def test_les_seances_des_collegues_ne_sont_pas_offertes_a_qui_ne_peut_les_corriger(client, monde, groupe, persona):
    seance = _noter(monde["maitre_e"], HIER, 45, [(groupe[0], "absent", "")])
    client.force_login(monde[persona])
    page = client.get(reverse("seance_liste")).content.decode()
    assert "Séances de mes collègues" not in page
    assert reverse("seance_corriger", args=[seance.pk]) not in page


def test_une_seance_melant_une_aide_que_le_remplacant_ne_mene_pas_n_est_pas_offerte(client, monde, groupe):
    """A session with one pupil of a school outside the stand-in's secteur stays the author's."""
    monde.secteur_1.ecoles.add(monde.ecole_b)
    ailleurs = eleve_inscrit(monde.classe_b1, nom="Loin", prenom="Paul")
    aide_ailleurs = _aides_en_cours(monde, ailleurs, {TypeAide.E: "maitre_e"})[TypeAide.E]
    mixte = _noter(monde["maitre_e"], HIER, 45, [(groupe[0], "present", ""), (aide_ailleurs, "present", "")])
    remplacante_de_l_ecole_a = UtilisateurFactory(
        username="maitre-e-ecole-a", role=Role.MAITRE_E, circonscription=monde.nord,
        secteur=SecteurFactory(circonscription=monde.nord, nom="Secteur A seule", ecoles=[monde.ecole_a]))
    client.force_login(remplacante_de_l_ecole_a)
    page = client.get(reverse("seance_liste")).content.decode()
    assert "Séances de mes collègues" not in page
    assert client.get(reverse("seance_corriger", args=[mixte.pk])).status_code in (403, 404)


def test_seances_des_collegues_nombre_de_requetes_constant(client, monde, groupe, remplacant):
    """The stand-in's section reads its sessions and the right to correct each in a number of
    queries that does not grow with them (no query per row)."""
    client.force_login(remplacant)
    comptes = []
    for _ in range(2):
        for jour in (HIER, AVANT_HIER):
            _noter(monde["maitre_e"], jour, 45, [(a, "present", "") for a in groupe])
        client.get(reverse("seance_liste"))
        with CaptureQueriesContext(connection) as requetes:
            page = client.get(reverse("seance_liste")).content.decode()
        comptes.append(len(requetes))
        assert page.count(">Corriger<") == 2 * len(comptes)
    assert comptes[0] == comptes[1], comptes
