"""What the forms of several stages share."""

import uuid

from crispy_forms.helper import FormHelper
from django import forms

from rased.revisions import RevisionLue  # noqa: F401  (the forms of several stages import it from here)


class FormulaireSimple(forms.Form):
    """A form without model, rendered by crispy like ``FormulaireRased`` inside the page's own
    <form>, which carries the token."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class SuppressionForm(FormulaireSimple):
    """The reason a record is deleted: it stays after the record (``aides.models.Suppression``)."""

    motif = forms.CharField(
        label="Motif de la suppression",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : enregistrée deux fois. Le motif est conservé dans l'historique.",
        error_messages={"required": "Indiquez le motif de la suppression."},
    )


CHAMP_CLE_ENVOI = "cle_envoi"


class CleEnvoi:
    """A form that creates a record carries a one-time key, drawn when the page is shown and kept
    when it comes back with errors: sent twice, it creates one record (``aides.envois``; the view
    reads the key with ``aides.views.envois``). A form that edits a record has none."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            self.fields[CHAMP_CLE_ENVOI] = forms.UUIDField(
                widget=forms.HiddenInput, initial=uuid.uuid4, required=False)
