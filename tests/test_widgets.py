"""The shared widgets: the same HTML as Django's, written faster."""

import pytest
from django import forms
from django.test.html import parse_html

from eleves.models import Classe
from rased.widgets import ListeDeroulante

HOSTILE = '"><script>alert(1)</script>&amp;'


@pytest.mark.parametrize("valeur", [None, "", "2", HOSTILE])
@pytest.mark.parametrize("choix", [
    [("", "Toutes"), ("1", "CE1 A — École Jean Jaurès"), ("2", "CM1 <b>B</b> & co"), (HOSTILE, HOSTILE)],
    [("", "—"), ("Cycle 2", [("CP", "CP"), ("CE1", "CE1")]), ("Cycle <3>", [("CM1", "CM1 & CM2")])],
])
def test_liste_deroulante_ecrit_le_meme_html_que_select(valeur, choix):
    attrs = {"class": "form-select", "id": "id_classe", "aria-describedby": "aide", "disabled": True,
             "data-x": False}
    attendu = forms.Select(attrs=attrs, choices=choix).render("classe", valeur)
    obtenu = ListeDeroulante(attrs=attrs, choices=choix).render("classe", valeur)
    assert parse_html(obtenu) == parse_html(attendu)
    assert "<script>" not in obtenu


def test_liste_deroulante_d_un_champ_de_modele_et_de_son_choix(monde):
    champ = forms.ModelChoiceField(queryset=Classe.objects.order_by("pk"), widget=ListeDeroulante,
                                   empty_label="Toutes")
    html = champ.widget.render("classe", monde.classe_a1.pk)
    attendu = forms.Select(choices=champ.choices).render("classe", monde.classe_a1.pk)
    assert parse_html(html) == parse_html(attendu)
    assert f'<option value="{monde.classe_a1.pk}" selected>' in html
