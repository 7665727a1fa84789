from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from enhance import job_options, throttles
from enhance.validation import EnhancementError


class SignupForm(UserCreationForm):
    email = forms.EmailField(required=False, help_text="Optional; used only to reset your password.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class SignInLimitMixin:
    """Sign-in attempts limited per username and per client address (``enhance.throttles``), before the
    password is checked; for every form that checks one (the site's and the admin's)."""

    def clean(self):
        attempt = {
            "username": self.cleaned_data.get("username") or "",
            "address": throttles.client_address(self.request),
        }
        try:
            throttles.signin_attempt(**attempt)
        except throttles.SignInLocked as locked:
            raise forms.ValidationError(str(locked), code="locked") from None
        cleaned = super().clean()  # checks the password
        throttles.signin_succeeded(**attempt)
        return cleaned


class ThrottledAuthenticationForm(SignInLimitMixin, AuthenticationForm):
    """``/accounts/login/``."""


class ThrottledAdminAuthenticationForm(SignInLimitMixin, AdminAuthenticationForm):
    """``/admin/login/``: it checks any user's password before it refuses non-staff, so it is limited too."""


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
    """The job settings as the preview, batch and "run again" forms post them."""

    scale = _OptionField(job_options.parse_scale)
    model = _OptionField(job_options.parse_model)
    quality_check = _OptionField(job_options.parse_quality_check)
    check_degradation = _OptionField(job_options.parse_check_degradation)
    restore = _OptionField(job_options.parse_restore)
    fit = _OptionField(job_options.parse_fit)
    target_width = _OptionField(job_options.parse_target_width)
    target_height = _OptionField(job_options.parse_target_height)
    output_format = _OptionField(job_options.parse_output_format)
    output_quality = _OptionField(job_options.parse_output_quality)

    def options(self) -> dict:
        """The settings as the services take them; EnhancementError with the first refusal's words."""
        if not self.is_valid():
            raise EnhancementError(next(iter(self.errors.values()))[0])
        return self.cleaned_data
