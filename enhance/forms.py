from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm

from enhance import throttles


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
