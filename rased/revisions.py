"""No silent lost update: a record edited from a form read at an older revision is not saved.

Each editable record has a ``revision`` counter that grows at each save. Its form carries the
revision it was read at (``RevisionLue``); the service compares it with the row, locked, and
refuses with ``modifie_entre_temps(...)``, the one French message every form gives, while the
page keeps what was typed.
"""

from django import forms


class RevisionLue(forms.IntegerField):
    """The revision of the record when the form was read: a save from an older one is refused."""

    def __init__(self):
        super().__init__(widget=forms.HiddenInput, min_value=0)


def modifie_entre_temps(sujet: str, pendant: str) -> str:
    """The refusal of a stale save, e.g. ``modifie_entre_temps("Cette séance a été modifiée",
    "la corrigiez")``."""
    return (
        f"{sujet} par quelqu'un d'autre pendant que vous {pendant}. "
        "Vos saisies sont conservées ci-dessous : rechargez la page pour voir la version à jour, "
        "puis reportez-les."
    )
