from django.contrib import messages as flash
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from enhance import messages, tokens
from enhance.forms import SignupForm


@login_not_required
@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.save(), backend="django.contrib.auth.backends.ModelBackend")
        return redirect("enhance:upload")
    return render(request, "registration/signup.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The signed-in user's API token: show it, create (or replace) it, revoke it."""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            tokens.token_revoke(user=request.user)
            flash.success(request, messages.TOKEN_REVOKED)
        else:
            tokens.token_create(user=request.user)
            flash.success(request, messages.TOKEN_CREATED)
        return redirect("enhance:account")
    context = {"token": tokens.token_get_for_user(user=request.user), "site": request.build_absolute_uri("/")}
    return render(request, "enhance/account.html", context)
