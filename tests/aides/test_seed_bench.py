"""``manage.py seed_bench``: one small circonscription (one school) loads, its counts are coherent
and each role's account signs in with the documented password."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from aides.management.commands.seed_bench import COMPTES, CONTENUS, MOT_DE_PASSE
from aides.models import Aide, DemandeAide, PresenceSeance, Programme, Seance
from eleves.models import Ecole, Eleve, Inscription, Utilisateur


def test_seed_bench_charge_une_ecole_sur_trois_ans_une_seule_fois(db, capsys, client):
    call_command("seed_bench", scale=0.025, force=True)
    banc = capsys.readouterr().out
    assert "1 circonscription(s) de 1 école(s)" in banc
    assert Ecole.objects.count() == 1
    # 8 levels of 16 pupils each year, over three years (10 cohorts).
    assert Eleve.objects.count() == 160
    assert Inscription.objects.values("annee").distinct().count() == 3
    assert Inscription.objects.filter(annee__debut=Inscription.objects.order_by("-annee__debut")
                                      .values("annee__debut")[:1]).count() == 128
    assert DemandeAide.objects.count() >= 40
    assert Aide.objects.filter(debut__isnull=False).exists()
    assert Programme.objects.filter(version=2).exists()
    assert PresenceSeance.objects.count() >= Seance.objects.count() > 100
    assert f"{DemandeAide.objects.count():>9}" in banc
    # bulk_create encrypts the psychologist's columns as save() does: a token in the table.
    with connection.cursor() as curseur:
        curseur.execute("SELECT contenu FROM aides_seance WHERE contenu <> '' LIMIT 1")
        assert curseur.fetchone()[0].startswith("gAAAAA")
    assert Seance.objects.exclude(contenu="").first().contenu in CONTENUS

    # Each role's account signs in with the documented password.
    for compte in COMPTES:
        username = f"banc-01-{compte}"
        reponse = client.post(reverse("connexion"), {"username": username, "password": MOT_DE_PASSE})
        assert reponse.status_code == 302, username
        assert int(client.session["_auth_user_id"]) == Utilisateur.objects.get(username=username).pk
        client.logout()

    # A second run refuses: it never doubles the data.
    with pytest.raises(CommandError, match="déjà des écoles"):
        call_command("seed_bench", scale=0.025, force=True)


def test_seed_bench_refuse_hors_mode_developpement_sans_force(db):
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_bench", scale=0.025)
    assert not Ecole.objects.exists()
