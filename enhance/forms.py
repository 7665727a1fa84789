from django import forms
from django.contrib.auth.forms import UserCreationForm

from enhance import job_options
from enhance.validation import EnhancementError


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; used only to reset your password.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class _OptionField(forms.Field):
    """A form field parsed by one of ``enhance.job_options``' parsers (the API's serializer uses the same)."""

    def __init__(self, parse, **kwargs):
        super().__init__(required=False, **kwargs)
        self.parse = parse

    def to_python(self, value):
        try:
            return self.parse(value)
        except EnhancementError as exc:
            raise forms.ValidationError(str(exc)) from None


class JobOptionsForm(forms.Form):
    """Scale, model and quality check as the preview, batch and "run again" forms post them."""

    scale = _OptionField(job_options.parse_scale)
    model = _OptionField(job_options.parse_model)
    quality_check = _OptionField(job_options.parse_quality_check)
    restore = _OptionField(job_options.parse_restore)

    def options(self) -> dict:
        """The settings as the services take them; EnhancementError with the first refusal's words."""
        if not self.is_valid():
            raise EnhancementError(next(iter(self.errors.values()))[0])
        return self.cleaned_data
