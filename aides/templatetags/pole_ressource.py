"""The RASED's latest team actions, shown on the school's page (owned by ``eleves``)."""

from django import template

from aides.models import ActionEquipe
from aides.selectors import nommer_eleves_des_actions

register = template.Library()

DERNIERES = 5


@register.inclusion_tag("aides/_actions_equipe_ecole.html", takes_context=True)
def actions_equipe(context, ecole):
    user = context["request"].user
    actions = list(
        ActionEquipe.objects.visibles_par(user).filter(ecole=ecole).select_related("auteur", "eleve")
        .order_by("-date", "-pk")[:DERNIERES]
    )
    nommer_eleves_des_actions(user, actions)
    return {"ecole": ecole, "actions": actions, "peut_ajouter": user.has_perm("aides.add_actionequipe", ecole)}
