"""The account page where a person makes and revokes their API tokens."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from taperwell.accounts.services import session_passed_second_factor
from taperwell.api.models import ApiToken
from taperwell.api.services import api_token_create, api_token_revoke


class TokenForm(forms.Form):
    name = forms.CharField(
        label="What is this token for?",
        max_length=60,
        help_text="For example: my clinic's EHR, or a script on my laptop.",
    )
    read_only = forms.BooleanField(
        label="Read only",
        required=False,
        help_text="The token can read your data but not add or change anything.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    new = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            # The two-factor middleware already sent staff without a code in this session
            # elsewhere; the service checks again.
            new = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                read_only=form.cleaned_data["read_only"],
                second_factor=session_passed_second_factor(request),
            )
            form = TokenForm()
        else:
            status = 400
    rows = ApiToken.objects.filter(user=request.user).order_by("revoked_at", "-created_at")
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": rows,
            "new": new,
            "lifetime_days": settings.API_TOKEN_LIFETIME_DAYS,
        },
        status=status,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, public_id: str) -> HttpResponse:
    token = ApiToken.objects.filter(public_id=public_id, user=request.user).first()
    if token is None:
        raise Http404("No such token")
    api_token_revoke(token=token, by=request.user)
    messages.success(request, f"The token “{token.name}” no longer works.")
    return redirect("api_tokens")
