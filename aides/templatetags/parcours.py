"""The pupil's aid path, shown on the pupil's page (owned by ``eleves``) without a dependency from it."""

from django import template

from aides.pdf.bilan import graphiques_parcours
from aides.selectors import evaluations_de_l_eleve, parcours_eleve

register = template.Library()


@register.inclusion_tag("aides/_parcours_eleve.html", takes_context=True)
def parcours(context, eleve):
    user = context["request"].user
    evaluations = evaluations_de_l_eleve(user, eleve)
    return {
        "parcours": parcours_eleve(user, eleve, evaluations),
        "graphiques": graphiques_parcours(user, evaluations),
        "eleve": eleve,
        "peut_deposer": user.has_perm("aides.add_demande", eleve),
    }
