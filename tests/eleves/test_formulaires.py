"""Forms of the pupil's file: pupil, responsables légaux, plans.

POST only, French errors, nothing written when invalid, a redirect when done.
"""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from eleves.models import Eleve, Inscription, Plan, ResponsableLegal
from tests.aides.test_programmes import champs_du_formulaire
from tests.eleves.outils_pages import texte
from tests.factories import InscriptionFactory, PlanFactory, ResponsableLegalFactory

OBLIGATOIRE = "Ce champ est obligatoire."


def _eleve(monde, **valeurs):
    donnees = {
        "nom": "Dupont",
        "prenom": "Zoé",
        "date_naissance": "2018-05-02",
        "sexe": "F",
        "ine": "",
        "classe": monde.classe_a1.pk,
        "niveau": "CE2",
        "revision_lue": "0",  # the hidden field of an edit form (a creation form has none)
    }
    return donnees | valeurs


def _responsable(**valeurs):
    donnees = {
        "lien": "pere",
        "civilite": "M.",
        "nom": "Garnier",
        "prenom": "Paul",
        "adresse": "3 rue Neuve",
        "code_postal": "69003",
        "commune": "Lyon",
        "telephone": "06 11 22 33 44",
        "email": "paul.garnier@example.org",
        "revision_lue": "0",  # the hidden field of an edit form (a creation form has none)
    }
    return donnees | valeurs


# --- Creating a pupil


def test_creer_eleve_directeur_enregistre_eleve_et_inscription(client, monde):
    client.force_login(monde["directeur"])

    response = client.post(
        reverse("eleve_creer"),
        _eleve(monde, nom="  Dupont   Martin ", prenom=" Zoé ", ine="123456789ab"),
    )

    eleve = Eleve.objects.get(nom="Dupont Martin")
    assert response.status_code == 302
    assert response["Location"] == reverse("eleve_detail", args=[eleve.pk])
    assert (eleve.prenom, eleve.date_naissance, eleve.ine) == (
        "Zoé",
        date(2018, 5, 2),
        "123456789AB",
    )
    assert eleve.circonscription == monde.nord
    inscription = eleve.inscriptions.get()
    assert (inscription.classe, inscription.niveau, inscription.annee) == (
        monde.classe_a1,
        "CE2",
        monde.classe_a1.annee,
    )
    fiche = client.get(response["Location"])
    assert "L'élève a été enregistré." in texte(fiche)
    assert "Zoé DUPONT MARTIN" in texte(fiche)


def test_creer_eleve_get_montre_le_formulaire_sans_rien_ecrire(client, monde):
    client.force_login(monde["directeur"])
    avant = Eleve.objects.count()

    response = client.get(reverse("eleve_creer"))

    assert "Nouvel élève" in texte(response)
    assert "Classe (année en cours)" in texte(response)
    assert not response.context["form"].is_bound
    assert Eleve.objects.count() == avant


def test_creer_eleve_niveau_non_enseigne_erreur_sur_le_champ(client, monde):
    client.force_login(monde["directeur"])
    avant = Eleve.objects.count()

    response = client.post(reverse("eleve_creer"), _eleve(monde, niveau="CM2"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "niveau": ["La classe CE1 A accueille les niveaux CE1-CE2."]
    }
    assert "Niveau : La classe CE1 A accueille les niveaux CE1-CE2." in texte(response)
    assert Eleve.objects.count() == avant


def test_creer_eleve_formulaire_vide_erreurs_en_francais(client, monde):
    client.force_login(monde["directeur"])
    avant = (Eleve.objects.count(), Inscription.objects.count())

    response = client.post(reverse("eleve_creer"), {})

    assert response.status_code == 200
    erreurs = response.context["form"].errors
    for champ in ("nom", "prenom", "date_naissance", "sexe", "classe", "niveau"):
        assert erreurs[champ] == [OBLIGATOIRE]
    assert "Le formulaire contient 6 erreurs" in texte(response)
    assert (Eleve.objects.count(), Inscription.objects.count()) == avant


def test_creer_eleve_champs_manquants_rien_ecrit(client, monde):
    client.force_login(monde["directeur"])
    avant = Eleve.objects.count()

    response = client.post(reverse("eleve_creer"), _eleve(monde, prenom="", date_naissance=""))

    assert response.context["form"].errors == {
        "prenom": [OBLIGATOIRE],
        "date_naissance": [OBLIGATOIRE],
    }
    assert "Prénom : Ce champ est obligatoire." in texte(response)
    assert Eleve.objects.count() == avant


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        (
            "ine",
            "12345",
            "L'INE comporte 11 caractères : 9 chiffres, puis un chiffre ou une lettre, "
            "puis une lettre.",
        ),
        (
            "ine",
            "1234567890A1",
            "Assurez-vous que cette valeur comporte au plus 11 caractères (actuellement 12).",
        ),
        ("date_naissance", "2018-02-31", "Saisissez une date valide."),
        ("sexe", "X", "Sélectionnez un choix valide. X n’en fait pas partie."),
    ],
)
def test_creer_eleve_valeur_invalide_message_francais(client, monde, champ, valeur, message):
    client.force_login(monde["directeur"])
    avant = Eleve.objects.count()

    response = client.post(reverse("eleve_creer"), _eleve(monde, **{champ: valeur}))

    assert response.context["form"].errors == {champ: [message]}
    assert message in texte(response)
    assert Eleve.objects.count() == avant


def test_creer_eleve_ine_deja_enregistre(client, monde):
    monde.eleve_a2.ine = "123456789AB"
    monde.eleve_a2.save()
    client.force_login(monde["directeur"])

    response = client.post(reverse("eleve_creer"), _eleve(monde, ine="123456789ab"))

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "ine": ["Un élève est déjà enregistré avec cet INE : vérifiez-le."]
    }
    assert "INE : Un élève est déjà enregistré avec cet INE" in texte(response)
    assert not Eleve.objects.filter(nom="Dupont").exists()


def test_creer_eleve_directeur_classes_de_son_ecole_seulement(client, monde):
    client.force_login(monde["directeur"])

    response = client.get(reverse("eleve_creer"))

    classes = response.context["form"].fields["classe"].queryset
    assert set(classes) == {monde.classe_a1, monde.classe_a2}  # not B1, C1 nor last year's CP A
    assert "CE1 A (CE1-CE2) — École Jean Jaurès" in texte(response)
    assert "CE1 B" not in texte(response)


def test_creer_eleve_directeur_classe_autre_ecole_refusee(client, monde):
    client.force_login(monde["directeur"])
    avant = Eleve.objects.count()

    response = client.post(
        reverse("eleve_creer"), _eleve(monde, classe=monde.classe_b1.pk, niveau="CE1")
    )

    assert response.context["form"].errors == {
        "classe": ["Sélectionnez un choix valide. Ce choix ne fait pas partie de ceux disponibles."]
    }
    assert Eleve.objects.count() == avant


def test_creer_eleve_directeur_classe_annee_passee_refusee(client, monde):
    client.force_login(monde["directeur"])

    response = client.post(
        reverse("eleve_creer"), _eleve(monde, classe=monde.classe_a_annee_passee.pk, niveau="CP")
    )

    assert "classe" in response.context["form"].errors
    assert not Eleve.objects.filter(nom="Dupont").exists()


@pytest.mark.parametrize(
    ("persona", "classes"),
    [
        ("admin", {"classe_a1", "classe_a2", "classe_b1"}),
        ("autre_circonscription", {"classe_c1"}),
    ],
)
def test_creer_eleve_classes_proposees_selon_persona(client, monde, persona, classes):
    client.force_login(monde[persona])

    response = client.get(reverse("eleve_creer"))

    assert set(response.context["form"].fields["classe"].queryset) == {
        getattr(monde, c) for c in classes
    }


def test_creer_eleve_autre_circonscription_rattache_a_sa_circonscription(client, monde):
    client.force_login(monde["autre_circonscription"])

    response = client.post(
        reverse("eleve_creer"), _eleve(monde, classe=monde.classe_c1.pk, niveau="CP")
    )

    eleve = Eleve.objects.get(nom="Dupont")
    assert response["Location"] == reverse("eleve_detail", args=[eleve.pk])
    assert eleve.circonscription == monde.sud


# --- Changing a pupil


def test_modifier_eleve_get_preremplit_la_classe_courante(client, monde):
    client.force_login(monde["directeur"])

    response = client.get(reverse("eleve_modifier", args=[monde.eleve_a1.pk]))

    form = response.context["form"]
    assert form.initial["classe"] == monde.classe_a1.pk
    assert form.initial["niveau"] == "CE1"
    assert form.initial["nom"] == "Petit"
    assert "Modifier l'élève" in texte(response)


def test_modifier_eleve_change_inscription_courante_garde_annee_passee(client, monde):
    eleve = monde.eleve_a1
    ancienne = InscriptionFactory(eleve=eleve, classe=monde.classe_a_annee_passee, niveau="CP")
    client.force_login(monde["directeur"])

    response = client.post(
        reverse("eleve_modifier", args=[eleve.pk]),
        _eleve(
            monde,
            nom="Petit",
            prenom="Léa",
            date_naissance="2018-03-14",
            classe=monde.classe_a2.pk,
            niveau="CM1",
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("eleve_detail", args=[eleve.pk])
    assert eleve.inscriptions.count() == 2
    courante = eleve.inscriptions.get(annee=monde.classe_a1.annee)
    assert (courante.classe, courante.niveau) == (monde.classe_a2, "CM1")
    ancienne.refresh_from_db()
    assert (ancienne.classe, ancienne.niveau) == (monde.classe_a_annee_passee, "CP")
    fiche = client.get(response["Location"])
    assert "Les modifications ont été enregistrées." in texte(fiche)


def test_modifier_eleve_garde_son_propre_ine(client, monde):
    monde.eleve_a1.ine = "123456789AB"
    monde.eleve_a1.save()
    client.force_login(monde["directeur"])

    response = client.post(
        reverse("eleve_modifier", args=[monde.eleve_a1.pk]),
        _eleve(monde, nom="Petit", prenom="Léa", ine="123456789AB", niveau="CE1"),
    )

    assert response.status_code == 302
    monde.eleve_a1.refresh_from_db()
    assert monde.eleve_a1.ine == "123456789AB"


def test_modifier_eleve_identite(client, monde):
    client.force_login(monde["admin"])

    client.post(
        reverse("eleve_modifier", args=[monde.eleve_a1.pk]),
        _eleve(monde, nom="Petit-Durand", prenom="Léa", date_naissance="2018-03-14", niveau="CE1"),
    )

    monde.eleve_a1.refresh_from_db()
    assert monde.eleve_a1.nom == "Petit-Durand"
    assert monde.eleve_a1.inscriptions.get().classe == monde.classe_a1


def test_modifier_eleve_invalide_ne_change_rien(client, monde):
    client.force_login(monde["directeur"])

    response = client.post(
        reverse("eleve_modifier", args=[monde.eleve_a1.pk]),
        _eleve(monde, nom="", classe=monde.classe_a2.pk, niveau="CE1"),
    )

    assert response.context["form"].errors == {
        "nom": [OBLIGATOIRE],
        "niveau": ["La classe CM1 A accueille les niveaux CM1-CM2."],
    }
    eleve = Eleve.objects.get(pk=monde.eleve_a1.pk)
    assert eleve.nom == "Petit"
    assert eleve.inscriptions.get().classe == monde.classe_a1


def test_modifier_eleve_admin_reinscrit_un_ancien_eleve(client, monde):
    eleve = monde.eleve_ancien
    client.force_login(monde["admin"])

    response = client.post(
        reverse("eleve_modifier", args=[eleve.pk]),
        _eleve(monde, nom="Ancien", prenom="Hugo", classe=monde.classe_b1.pk, niveau="CE1"),
    )

    assert response.status_code == 302
    assert {(i.classe, i.niveau) for i in eleve.inscriptions.all()} == {
        (monde.classe_a_annee_passee, "CP"),
        (monde.classe_b1, "CE1"),
    }


# --- Responsables légaux


def test_ajouter_responsable(client, monde):
    client.force_login(monde["directeur"])

    response = client.post(reverse("responsable_ajouter", args=[monde.eleve_a1.pk]), _responsable())

    assert response.status_code == 302
    assert response["Location"] == reverse("eleve_detail", args=[monde.eleve_a1.pk])
    responsable = ResponsableLegal.objects.get(eleve=monde.eleve_a1)
    assert (responsable.nom, responsable.code_postal, responsable.telephone) == (
        "Garnier",
        "69003",
        "06 11 22 33 44",
    )
    fiche = client.get(response["Location"])
    assert "Le responsable légal a été ajouté." in texte(fiche)
    assert "M. Paul GARNIER — Père" in texte(fiche)


def test_ajouter_responsable_champs_obligatoires(client, monde):
    client.force_login(monde["directeur"])

    response = client.post(reverse("responsable_ajouter", args=[monde.eleve_a1.pk]), {})

    assert response.context["form"].errors == {"lien": [OBLIGATOIRE], "nom": [OBLIGATOIRE]}
    assert not ResponsableLegal.objects.exists()


@pytest.mark.parametrize(
    ("champ", "valeur", "message"),
    [
        ("code_postal", "6900", "Le code postal comporte 5 chiffres."),
        ("code_postal", "69OO3", "Le code postal comporte 5 chiffres."),
        ("telephone", "12 34", "Numéro de téléphone invalide (ex. 06 12 34 56 78)."),
        ("telephone", "06-12-34-56-78", "Numéro de téléphone invalide (ex. 06 12 34 56 78)."),
        ("email", "paul.garnier@", "Saisissez une adresse de courriel valide."),
        ("lien", "voisin", "Sélectionnez un choix valide. voisin n’en fait pas partie."),
    ],
)
def test_ajouter_responsable_valeur_invalide_message_francais(
    client, monde, champ, valeur, message
):
    client.force_login(monde["admin"])

    response = client.post(
        reverse("responsable_ajouter", args=[monde.eleve_a1.pk]), _responsable(**{champ: valeur})
    )

    assert response.context["form"].errors == {champ: [message]}
    assert message in texte(response)
    assert not ResponsableLegal.objects.exists()


def test_modifier_responsable(client, monde):
    responsable = ResponsableLegalFactory(eleve=monde.eleve_a1)
    client.force_login(monde["directeur"])
    page = client.get(reverse("responsable_modifier", args=[responsable.pk]))

    response = client.post(
        reverse("responsable_modifier", args=[responsable.pk]),
        _responsable(
            lien="mere",
            civilite="Mme",
            nom="Durand",
            prenom="Sophie",
            telephone="+33 6 12 34 56 78",
        ),
    )

    assert page.context["form"].initial["telephone"] == "06 12 34 56 78"
    assert response["Location"] == reverse("eleve_detail", args=[monde.eleve_a1.pk])
    responsable.refresh_from_db()
    assert (responsable.telephone, responsable.commune) == ("+33 6 12 34 56 78", "Lyon")
    assert ResponsableLegal.objects.count() == 1


def test_modifier_responsable_invalide_ne_change_rien(client, monde):
    responsable = ResponsableLegalFactory(eleve=monde.eleve_a1)
    client.force_login(monde["directeur"])

    response = client.post(
        reverse("responsable_modifier", args=[responsable.pk]), _responsable(code_postal="123")
    )

    assert response.context["form"].errors == {
        "code_postal": ["Le code postal comporte 5 chiffres."]
    }
    responsable.refresh_from_db()
    assert (responsable.nom, responsable.code_postal) == ("Durand", "69100")


def test_supprimer_responsable_get_demande_confirmation(client, monde):
    responsable = ResponsableLegalFactory(eleve=monde.eleve_a1)
    client.force_login(monde["directeur"])

    response = client.get(reverse("responsable_supprimer", args=[responsable.pk]))

    assert response.status_code == 200
    assert "Voulez-vous vraiment retirer « Mme Sophie DURAND » de la fiche de Léa PETIT ?" in texte(
        response
    )
    assert "Confirmer le retrait" in texte(response)
    assert ResponsableLegal.objects.filter(pk=responsable.pk).exists()


def test_supprimer_responsable_post_supprime(client, monde):
    responsable = ResponsableLegalFactory(eleve=monde.eleve_a1)
    autre = ResponsableLegalFactory(eleve=monde.eleve_a1, lien="pere", nom="Petit")
    client.force_login(monde["directeur"])

    response = client.post(reverse("responsable_supprimer", args=[responsable.pk]))

    assert response["Location"] == reverse("eleve_detail", args=[monde.eleve_a1.pk])
    assert list(ResponsableLegal.objects.all()) == [autre]
    fiche = client.get(response["Location"])
    assert "Le responsable légal a été retiré de la fiche." in texte(fiche)


# --- Plans


def test_ajouter_plan(client, monde):
    client.force_login(monde["directeur"])

    response = client.post(
        reverse("plan_ajouter", args=[monde.eleve_a1.pk]),
        {"type": "PPRE", "date_debut": "2026-09-14", "date_fin": "2026-12-18"},
    )

    assert response["Location"] == reverse("eleve_detail", args=[monde.eleve_a1.pk])
    plan = Plan.objects.get(eleve=monde.eleve_a1)
    assert (plan.type, plan.date_debut, plan.date_fin) == (
        "PPRE",
        date(2026, 9, 14),
        date(2026, 12, 18),
    )
    fiche = client.get(response["Location"])
    assert "Le plan a été enregistré." in texte(fiche)
    assert (
        "PPRE (programme personnalisé de réussite éducative) — "
        "depuis le 14/09/2026 jusqu'au 18/12/2026" in (texte(fiche))
    )


def test_ajouter_plan_fin_avant_debut_erreur_francaise(client, monde):
    client.force_login(monde["directeur"])

    response = client.post(
        reverse("plan_ajouter", args=[monde.eleve_a1.pk]),
        {"type": "PPRE", "date_debut": "2026-09-14", "date_fin": "2026-09-01"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "date_fin": ["La date de fin précède la date de début."]
    }
    assert "Fin : La date de fin précède la date de début." in texte(response)
    assert not Plan.objects.exists()


def test_ajouter_plan_champs_obligatoires(client, monde):
    client.force_login(monde["directeur"])

    response = client.post(reverse("plan_ajouter", args=[monde.eleve_a1.pk]), {})

    assert response.context["form"].errors == {"type": [OBLIGATOIRE], "date_debut": [OBLIGATOIRE]}
    assert not Plan.objects.exists()


def test_supprimer_plan_get_demande_confirmation(client, monde):
    plan = PlanFactory(eleve=monde.eleve_a1, type="PAI")
    client.force_login(monde["admin"])

    response = client.get(reverse("plan_supprimer", args=[plan.pk]))

    assert "Retirer un plan" in texte(response)
    assert "« PAI (projet d'accueil individualisé) » de la fiche de Léa PETIT" in texte(response)
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_supprimer_plan_post_supprime(client, monde):
    plan = PlanFactory(eleve=monde.eleve_a1, type="PAI")
    client.force_login(monde["admin"])

    response = client.post(reverse("plan_supprimer", args=[plan.pk]))

    assert response["Location"] == reverse("eleve_detail", args=[monde.eleve_a1.pk])
    assert not Plan.objects.exists()
    assert "Le plan a été retiré de la fiche." in texte(client.get(response["Location"]))


# --- Only GET and POST: other methods change nothing


@pytest.mark.parametrize("methode", ["put", "delete", "patch"])
def test_suppression_autres_methodes_refusees(client, monde, methode):
    responsable = ResponsableLegalFactory(eleve=monde.eleve_a1)
    plan = PlanFactory(eleve=monde.eleve_a1)
    client.force_login(monde["directeur"])

    reponses = [
        getattr(client, methode)(reverse("responsable_supprimer", args=[responsable.pk])),
        getattr(client, methode)(reverse("plan_supprimer", args=[plan.pk])),
    ]

    assert [r.status_code for r in reponses] == [405, 405]
    assert [r["Allow"] for r in reponses] == ["GET, POST", "GET, POST"]
    assert ResponsableLegal.objects.filter(pk=responsable.pk).exists()
    assert Plan.objects.filter(pk=plan.pk).exists()


def test_erreurs_en_francais_meme_pour_un_navigateur_anglais(client, monde):
    client.force_login(monde["directeur"])

    response = client.post(reverse("eleve_creer"), {}, headers={"accept-language": "en-GB,en"})

    assert response.context["form"].errors["nom"] == [OBLIGATOIRE]
    assert "Le formulaire contient 6 erreurs" in texte(response)


def test_suppression_sans_jeton_csrf_refusee(monde):
    responsable = ResponsableLegalFactory(eleve=monde.eleve_a1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(monde["directeur"])

    response = client.post(reverse("responsable_supprimer", args=[responsable.pk]))

    assert response.status_code == 403
    assert ResponsableLegal.objects.filter(pk=responsable.pk).exists()


# --- Two people editing the same pupil or guardian: the second save does not silently win


def _deux_onglets(monde, url):
    """The directeur and the administrator each load the form; returns their clients and fields."""
    directeur, admin = Client(), Client()
    directeur.force_login(monde["directeur"])
    admin.force_login(monde["admin"])
    return directeur, champs_du_formulaire(directeur.get(url)), admin, champs_du_formulaire(admin.get(url))


def test_eleve_second_enregistrement_concurrent_refuse_sans_perte(monde):
    url = reverse("eleve_modifier", args=[monde.eleve_a1.pk])
    directeur, premier, admin, second = _deux_onglets(monde, url)
    assert premier["revision_lue"] == second["revision_lue"] == "0"

    assert directeur.post(url, premier | {"prenom": "Léane"})["Location"] == reverse(
        "eleve_detail", args=[monde.eleve_a1.pk])
    response = admin.post(url, second | {"nom": "Petit-Martin 7731", "niveau": "CE2"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "La fiche de cet élève a été modifiée par quelqu&#x27;un d&#x27;autre pendant que vous la corrigiez" in page
    assert 'value="Petit-Martin 7731"' in page  # what the second person typed is still there
    assert 'name="revision_lue" value="0"' in page  # saving again needs a reload first
    eleve = Eleve.objects.get(pk=monde.eleve_a1.pk)
    assert (eleve.nom, eleve.prenom, eleve.revision) == ("Petit", "Léane", 1)
    assert eleve.inscriptions.get().niveau == "CE1"  # the refused form's class change is not applied


def test_eleve_enregistrements_successifs_chacun_depuis_la_derniere_version(client, monde):
    url = reverse("eleve_modifier", args=[monde.eleve_a1.pk])
    client.force_login(monde["directeur"])
    for prenom in ("Léane", "Léa"):
        donnees = champs_du_formulaire(client.get(url)) | {"prenom": prenom}
        assert client.post(url, donnees).status_code == 302
    eleve = Eleve.objects.get(pk=monde.eleve_a1.pk)
    assert (eleve.prenom, eleve.revision) == ("Léa", 2)


def test_eleve_sans_revision_lue_refuse(client, monde):
    client.force_login(monde["directeur"])
    donnees = _eleve(monde, nom="Petit", prenom="Léa", niveau="CE1")
    del donnees["revision_lue"]
    response = client.post(reverse("eleve_modifier", args=[monde.eleve_a1.pk]), donnees)
    assert response.status_code == 200 and "revision_lue" in response.context["form"].errors
    assert Eleve.objects.get(pk=monde.eleve_a1.pk).revision == 0


def test_responsable_second_enregistrement_concurrent_refuse_sans_perte(monde):
    responsable = ResponsableLegalFactory(eleve=monde.eleve_a1)
    url = reverse("responsable_modifier", args=[responsable.pk])
    directeur, premier, admin, second = _deux_onglets(monde, url)
    assert premier["revision_lue"] == second["revision_lue"] == "0"

    assert directeur.post(url, premier | {"telephone": "06 99 88 77 66"}).status_code == 302
    response = admin.post(url, second | {"commune": "Villeurbanne 5521"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce responsable légal a été modifié par quelqu&#x27;un d&#x27;autre pendant que vous le corrigiez" in page
    assert 'value="Villeurbanne 5521"' in page
    responsable.refresh_from_db()
    assert (responsable.telephone, responsable.commune, responsable.revision) == ("06 99 88 77 66", "Villeurbanne", 1)


# --- The INE: a field only for those who read it (eleves.view_ine)


def test_modifier_eleve_ine_absent_du_formulaire_de_qui_ne_le_lit_pas(client, monde):
    # The administrator edits pupils but does not read INEs (the directeur and the IEN do).
    monde.eleve_a1.ine = "123456789AB"
    monde.eleve_a1.save()
    client.force_login(monde["admin"])

    page = client.get(reverse("eleve_modifier", args=[monde.eleve_a1.pk]))
    envoi = client.post(
        reverse("eleve_modifier", args=[monde.eleve_a1.pk]),
        _eleve(monde, nom="Petit", prenom="Léa", ine="987654321ZZ", niveau="CE1"),
    )

    assert "ine" not in page.context["form"].fields
    assert "123456789AB" not in texte(page) and 'name="ine"' not in page.content.decode()
    assert envoi.status_code == 302
    monde.eleve_a1.refresh_from_db()
    assert monde.eleve_a1.ine == "123456789AB"


def test_modifier_eleve_ine_dans_le_formulaire_du_directeur(client, monde):
    monde.eleve_a1.ine = "123456789AB"
    monde.eleve_a1.save()
    client.force_login(monde["directeur"])

    page = client.get(reverse("eleve_modifier", args=[monde.eleve_a1.pk]))
    client.post(
        reverse("eleve_modifier", args=[monde.eleve_a1.pk]),
        _eleve(monde, nom="Petit", prenom="Léa", ine="987654321ZZ", niveau="CE1"),
    )

    assert 'value="123456789AB"' in page.content.decode()
    monde.eleve_a1.refresh_from_db()
    assert monde.eleve_a1.ine == "987654321ZZ"


def test_creer_eleve_ine_seulement_par_le_directeur(client, monde):
    client.force_login(monde["admin"])

    page = client.get(reverse("eleve_creer"))
    envoi = client.post(reverse("eleve_creer"), _eleve(monde, ine="987654321ZZ"))

    assert "ine" not in page.context["form"].fields
    assert envoi.status_code == 302
    assert Eleve.objects.get(nom="Dupont").ine == ""
    assert monde["directeur"].has_perm("eleves.saisir_ine_nouvel_eleve")
    assert not monde["admin"].has_perm("eleves.saisir_ine_nouvel_eleve")
