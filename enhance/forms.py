from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UserCreationForm

from enhance import job_options, throttles
from enhance.validation import EnhancementError


class AttemptLimitMixin:
    """Attempts of ``attempt_kind`` limited per client address and per the names it gives (enhance.throttles),
    counted before the form checks anything: a locked-out attempt is a form error with code ``locked``.
    ``request`` is the form's (Django's sign-in forms take it; the others get it from their view)."""

    attempt_kind = ""
    give_back_on_success = False  # a right password gives its attempt back; a reset or a sign-up does not

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def attempt_names(self) -> dict[str, str]:
        return {}

    def clean(self):
        attempt = {**self.attempt_names(), "address": throttles.client_address(self.request)}
        try:
            throttles.attempt(self.attempt_kind, **attempt)
        except throttles.Locked as locked:
            raise forms.ValidationError(str(locked), code="locked") from None
        cleaned = super().clean()
        if self.give_back_on_success:
            throttles.attempt_succeeded(self.attempt_kind, **attempt)
        return cleaned


class SignInLimitMixin(AttemptLimitMixin):
    """Sign-in attempts, before the password is checked; for every form that checks one (the site's and the
    admin's)."""

    attempt_kind = "signin"
    give_back_on_success = True

    def __init__(self, request=None, *args, **kwargs):  # Django's sign-in forms take the request first
        super().__init__(*args, request=request, **kwargs)

    def attempt_names(self):
        return {"username": self.cleaned_data.get("username") or ""}


class SignupForm(AttemptLimitMixin, UserCreationForm):
    """``/accounts/signup/``: sign-up attempts limited per address (each one may make an account)."""

    attempt_kind = "signup"
    email = forms.EmailField(required=False, help_text="Optional; used only to reset your password.")

    class Meta(UserCreationForm.Meta):
        fields = ("username", "email")


class ThrottledPasswordResetForm(AttemptLimitMixin, PasswordResetForm):
    """``/accounts/password_reset/``: requests limited per address and per e-mail address (a person's inbox
    cannot be flooded with reset mail)."""

    attempt_kind = "reset"

    def attempt_names(self):
        return {"email": self.cleaned_data.get("email") or str(self.data.get("email", ""))}


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
