"""What the forms of several stages share."""

from crispy_forms.helper import FormHelper
from django import forms


class FormulaireSimple(forms.Form):
    """A form without model, rendered by crispy like ``FormulaireRased`` inside the page's own
    <form>, which carries the token."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class RevisionLue(forms.IntegerField):
    """The revision of the record when the form was read: a save from an older one is refused."""

    def __init__(self):
        super().__init__(widget=forms.HiddenInput, min_value=0)
