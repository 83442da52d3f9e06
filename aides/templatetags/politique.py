"""What templates may not decide themselves: the access policy's answers for display."""

from django import template

from aides.rules import etat_lisible as _etat_lisible

register = template.Library()


@register.filter
def etat_lisible(demande, user) -> str:
    """``{{ demande|etat_lisible:user }}``: the request's state as ``user`` may read it."""
    return _etat_lisible(user, demande)
