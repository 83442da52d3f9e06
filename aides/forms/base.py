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
