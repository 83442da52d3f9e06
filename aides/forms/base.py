"""What the forms of several stages share."""

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
