"""Travel times between schools: the member's own value, else the administrator's, else the default."""

import pytest

from aides.models import TempsTrajet
from aides.selectors.emploi_du_temps import temps_de_trajet
from tests.factories import EcoleFactory


def _paire(e1, e2):
    return (e1, e2) if e1.pk < e2.pk else (e2, e1)


@pytest.mark.django_db
def test_temps_de_trajet_propre_puis_commun_puis_defaut(monde, settings, django_assert_num_queries):
    settings.TEMPS_TRAJET_PAR_DEFAUT_MINUTES = 20
    maitre_e = monde["maitre_e"]
    ecole_d = EcoleFactory(circonscription=monde.nord, nom="École Marie Curie")
    a, b = _paire(monde.ecole_a, monde.ecole_b)
    TempsTrajet.objects.create(ecole_a=a, ecole_b=b, intervenant=None, minutes=15)
    TempsTrajet.objects.create(ecole_a=a, ecole_b=b, intervenant=maitre_e, minutes=12)
    c, d = _paire(monde.ecole_a, ecole_d)
    TempsTrajet.objects.create(ecole_a=c, ecole_b=d, intervenant=None, minutes=25)
    # Another member's value is his own.
    e, f = _paire(monde.ecole_b, ecole_d)
    TempsTrajet.objects.create(ecole_a=e, ecole_b=f, intervenant=monde["maitre_g"], minutes=5)

    with django_assert_num_queries(1):
        minutes = temps_de_trajet(maitre_e, [monde.ecole_a, monde.ecole_b, ecole_d])
        assert minutes(monde.ecole_a.pk, monde.ecole_b.pk) == 12
        assert minutes(monde.ecole_b.pk, monde.ecole_a.pk) == 12
        assert minutes(ecole_d.pk, monde.ecole_a.pk) == 25
        assert minutes(monde.ecole_b.pk, ecole_d.pk) == 20
        assert minutes(monde.ecole_a.pk, monde.ecole_a.pk) == 0

    assert temps_de_trajet(monde["maitre_g"], [monde.ecole_a, monde.ecole_b])(
        monde.ecole_a.pk, monde.ecole_b.pk) == 15


@pytest.mark.django_db
def test_temps_de_trajet_accepte_des_cles_et_ne_requete_pas_pour_une_seule_ecole(monde, django_assert_num_queries):
    with django_assert_num_queries(0):
        minutes = temps_de_trajet(monde["maitre_e"], [monde.ecole_a.pk])
        assert minutes(monde.ecole_a.pk, monde.ecole_a.pk) == 0
