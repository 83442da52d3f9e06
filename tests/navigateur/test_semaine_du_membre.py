"""Issue 13's journey, in Chromium at tablet width: a maître E builds her week through the pages (a
group of four pupils, three weekly slots), sees the week at 768 px, and logs three sessions from
her slots: one straight from « Ma semaine », one while the network is down then resent with one
click, one after her session expired (signed in again, back on the form with what she typed).
Each time: nothing typed is lost, exactly one session is created."""

import re
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from aides.emploi_du_temps import lundi_de
from aides.enums import Presence, TypeAide
from aides.models import Creneau, Groupe, Seance
from eleves.selectors import calendrier_scolaire
from tests.factories import eleve_inscrit
from tests.factories_parcours import aide_en_cours, demande_deposee
from tests.navigateur.conftest import MOT_DE_PASSE, TABLETTE

AUJOURD_HUI = timezone.localdate()
DEBUT = AUJOURD_HUI - timedelta(days=60)
PRENOMS = ["Léa", "Nassim", "Jade", "Yanis"]
CONTENU_HORS_RESEAU = "Fluence : « Le loup et l'agneau », 3 lectures ; relevé des erreurs — b/d, on/an.\nBien."
CONTENU_SESSION_EXPIREE = "Jeu de l'oie des syllabes ; « ch » et « j » confondus 4 fois.\nÀ reprendre jeudi."


def _aides_du_groupe(monde):
    aides = []
    for i, prenom in enumerate(PRENOMS):
        eleve = eleve_inscrit(monde.classe_a1, nom=f"Semaine{i}", prenom=prenom)
        demande = demande_deposee(eleve=eleve, auteur=monde["enseignant"], famille_informee_le=DEBUT - timedelta(days=20))
        aides.append(aide_en_cours(demande, TypeAide.E, monde["maitre_e"], motif="Décidé en synthèse.",
                                   accord_le=DEBUT - timedelta(days=5), debut=DEBUT))
    return aides


def _trois_derniers_jours_d_ecole(monde):
    calendrier = calendrier_scolaire(monde.nord.pk)
    jours = [AUJOURD_HUI - timedelta(days=k) for k in range(1, 40)
             if calendrier.est_jour_d_ecole(AUJOURD_HUI - timedelta(days=k))][:3]
    assert len({j.weekday() for j in jours}) == 3
    return sorted(jours)


def _tel_que_tape(texte):
    return texte.replace("\r\n", "\n")


def test_la_semaine_d_un_maitre_e_groupe_creneaux_et_trois_seances(
    site, page, monde, capture, erreurs_console, se_connecter, sans_defilement_horizontal, preuve,
):
    aides = _aides_du_groupe(monde)
    jours = _trois_derniers_jours_d_ecole(monde)
    page.set_viewport_size(TABLETTE)
    se_connecter("maitre-e")

    # The group, through its pages: a name, then its four pupils ticked.
    page.get_by_role("link", name="Mes groupes").first.click()
    page.goto(site + reverse("groupe_creer"))
    page.get_by_label("École").select_option(label=monde.ecole_a.nom)
    page.get_by_label("Nom du groupe").fill("CE1 lecture")
    page.get_by_role("button", name="Créer le groupe").click()
    for prenom in PRENOMS:
        page.get_by_label(re.compile(f"^{prenom} ")).check()
    page.get_by_role("button", name="Ajouter au groupe").click()
    groupe = Groupe.objects.get(nom="CE1 lecture")
    expect(page.get_by_role("heading", name=re.compile("Groupe « CE1 lecture »"))).to_be_visible()
    assert groupe.membres.filter(retire_le__isnull=True).count() == 4

    # Three weekly slots, one on each of the last three school days' weekdays.
    for jour in jours:
        page.goto(site + reverse("creneau_creer"))
        page.get_by_label("Jour de la semaine").select_option(index=jour.weekday() + 1)
        page.get_by_label("Heure de début").fill("09:30")
        page.get_by_label("Durée (minutes)").fill("45")
        page.get_by_label("École").select_option(label=monde.ecole_a.nom)
        page.get_by_label("Groupe").select_option(label=f"CE1 lecture ({monde.ecole_a.nom})")
        page.locator("#id_du").fill(DEBUT.isoformat())
        page.get_by_role("button", name="Enregistrer le créneau").click()
        expect(page.get_by_text(re.compile("créneau", re.I)).first).to_be_visible()
    creneaux = {c.jour: c for c in Creneau.objects.filter(groupe=groupe)}
    assert sorted(creneaux) == sorted(j.weekday() for j in jours)

    # The week at 768 px: the slot of the first day waits « à noter », no horizontal scroll.
    premier = jours[0]
    page.goto(f"{site}/ma-semaine/?semaine={lundi_de(premier):%Y-%m-%d}")
    expect(page.get_by_role("heading", name=re.compile("^Ma semaine du"))).to_be_visible()
    expect(page.get_by_text("à noter").first).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= TABLETTE["width"]
    sans_defilement_horizontal()
    capture("semaine-membre-01-semaine-768")

    # 1. From the week: « Noter la séance », one tap « Absent », save.
    url_1 = reverse("seance_noter", args=[creneaux[premier.weekday()].pk, premier.isoformat()])
    page.locator(f'a[href="{url_1}"]').first.click()
    absent = aides[1].eleve
    page.get_by_role("group", name=f"Présence de {absent.prenom} {absent.nom.upper()}").get_by_text(
        "Absent", exact=True).click()
    page.get_by_role("button", name="Enregistrer la séance").click()  # a slot's day: no date to confirm
    expect(page.get_by_text(f"La séance du {premier:%d/%m/%Y} a été enregistrée (4 élèves).")).to_be_visible()
    assert Seance.objects.count() == 1

    # 2. The network drops as she saves: « Non envoyé — réessayer », then one click once it is back.
    deuxieme = jours[1]
    page.goto(site + reverse("seance_noter", args=[creneaux[deuxieme.weekday()].pk, deuxieme.isoformat()]))
    page.get_by_label("Ce qui a été travaillé").fill(CONTENU_HORS_RESEAU)
    page.context.set_offline(True)
    page.get_by_role("button", name="Enregistrer la séance").click()
    bandeau = page.get_by_role("alert").filter(has_text="Non envoyé — réessayer")
    expect(bandeau).to_be_visible()
    expect(page.get_by_label("Ce qui a été travaillé")).to_have_value(CONTENU_HORS_RESEAU)
    capture("semaine-membre-02-hors-reseau")
    assert Seance.objects.count() == 1
    page.context.set_offline(False)
    bandeau.get_by_role("button", name="Réessayer l'envoi").click()
    expect(page.get_by_text(f"La séance du {deuxieme:%d/%m/%Y} a été enregistrée (4 élèves).")).to_be_visible()
    seance = Seance.objects.get(date=deuxieme)
    assert _tel_que_tape(seance.contenu) == CONTENU_HORS_RESEAU  # 0 characters lost

    # 3. Her session ends while she types: signed in again, she is back on the form with her text.
    troisieme = jours[2]
    url_3 = reverse("seance_noter", args=[creneaux[troisieme.weekday()].pk, troisieme.isoformat()])
    page.goto(site + url_3)
    page.get_by_label("Ce qui a été travaillé").fill(CONTENU_SESSION_EXPIREE)
    Session.objects.all().delete()  # the idle limit reached on the server
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    assert Seance.objects.count() == 2
    page.get_by_label("Nom d’utilisateur").fill("maitre-e")
    page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(re.escape(url_3)))
    expect(page.get_by_text("Votre session avait expiré : vos saisies ont été conservées")).to_be_visible()
    expect(page.get_by_label("Ce qui a été travaillé")).to_have_value(CONTENU_SESSION_EXPIREE)
    capture("semaine-membre-03-apres-reconnexion")
    page.get_by_role("button", name="Enregistrer la séance").click()
    expect(page.get_by_text(f"La séance du {troisieme:%d/%m/%Y} a été enregistrée (4 élèves).")).to_be_visible()

    seances = Seance.objects.order_by("date")
    assert [s.date for s in seances] == jours  # exactly one session per slot's day
    assert _tel_que_tape(seances[2].contenu) == CONTENU_SESSION_EXPIREE  # 0 characters lost
    assert all(s.creneau_id for s in seances)
    assert dict(seances[0].presences.values_list("aide__eleve_id", "presence"))[absent.pk] == Presence.ABSENT
    preuve("semaine d'un maître E : groupe de 4 élèves et 3 créneaux créés par les pages, semaine vue à 768 px, "
           "3 séances notées depuis les créneaux (dont 1 hors réseau puis renvoyée, 1 après expiration de "
           "la session) : 3 séances, 0 caractère perdu")
    assert [e for e in erreurs_console if "ERR_INTERNET_DISCONNECTED" not in e] == []
