"""What templates may not decide themselves: the access policy's answers for display."""

from django import template

from aides.rules import ActionPossible, refus_d_etat
from aides.rules import action_possible as _action_possible
from aides.rules import etat_lisible as _etat_lisible

register = template.Library()


@register.filter
def etat_lisible(demande, user) -> str:
    """``{{ demande|etat_lisible:user }}``: the request's state as ``user`` may read it."""
    return _etat_lisible(user, demande)


@register.simple_tag
def action_possible(permission: str, user, objet=None) -> ActionPossible:
    """``{% action_possible "aides.demarrer_aide" user aide as demarrer %}``: ``demarrer.permise``
    shows the button; else ``demarrer.raison``, when set, shows it disabled with its reason."""
    return _action_possible(user, permission, objet)


@register.simple_tag
def refus_pour(permission: str, user, objet) -> str:
    """``{% refus_pour "aides.<action>" user objet as raison %}``: why ``user``, who may do this
    action, may not do it on ``objet`` in its present state; "" when they may, or may never."""
    return refus_d_etat(user, permission, objet)
