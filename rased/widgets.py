"""Form widgets shared by the apps."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class ListeDeroulante(forms.Select):
    """Django's ``Select``, its options written in Python instead of one template each: the same
    HTML (escaped the same way), several times faster for long lists. The IEN's pupil search lists
    the circonscription's 200 classes: their options were 60 % of the page's time
    (docs/performance.md)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groupes = []
        for nom_du_groupe, options, _index in widget["optgroups"]:
            html = format_html_join(
                "", '<option value="{}"{}>{}</option>',
                ((str(o["value"]), flatatt(o["attrs"]), o["label"]) for o in options),
            )
            groupes.append(
                format_html('<optgroup label="{}">{}</optgroup>', nom_du_groupe, html) if nom_du_groupe else html
            )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), mark_safe("".join(groupes))
        )
