from django.contrib import messages as flash
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, login_required
from django.contrib.auth.views import LoginView, PasswordResetView
from django.core.exceptions import NON_FIELD_ERRORS
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from enhance import messages, tokens
from enhance.forms import SignupForm, ThrottledAuthenticationForm, ThrottledPasswordResetForm


def form_error_status(form) -> int:
    """A refused form's status: 429 when its attempts are locked out (enhance.forms.AttemptLimitMixin)."""
    return 429 if form.has_error(NON_FIELD_ERRORS, code="locked") else 400


class LockedIs429Mixin:
    """A class-based form view whose locked-out attempt answers 429 (other refusals keep Django's status)."""

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form_error_status(form) == 429:
            response.status_code = 429
        return response


class SignInView(LockedIs429Mixin, LoginView):
    """``/accounts/login/``: Django's, with attempts limited; a locked-out attempt is a 429 with the reason."""

    form_class = ThrottledAuthenticationForm


class ResetPasswordView(LockedIs429Mixin, PasswordResetView):
    """``/accounts/password_reset/``: Django's, with requests limited per address and per e-mail address."""

    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        login(request, form.save(), backend="django.contrib.auth.backends.ModelBackend")
        return redirect("enhance:upload")
    status = form_error_status(form) if form.errors else 200
    return render(request, "registration/signup.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The signed-in user's API token: create (or replace) it, shown once on this answer; revoke it."""
    key = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            tokens.token_revoke(user=request.user)
            flash.success(request, messages.TOKEN_REVOKED)
            return redirect("enhance:account")
        key = tokens.token_create(user=request.user)  # rendered here, not redirected: never stored in clear
    context = {
        "token": tokens.token_get_for_user(user=request.user),
        "key": key,
        "site": request.build_absolute_uri("/"),
    }
    return render(request, "enhance/account.html", context)
