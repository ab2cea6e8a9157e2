from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .adapter import line_login_enabled
from .forms import ProfileForm
from .http import AuthenticatedHttpRequest
from .roles import roles_of


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("登録内容を保存しました。"))
        return redirect("accounts:profile")
    memberships = request.user.memberships.select_related("organization").filter(is_active=True)
    line_enabled = line_login_enabled()
    line_account = (
        SocialAccount.objects.filter(user=request.user, provider="line").first()
        if line_enabled
        else None
    )
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "memberships": memberships,
            "roles": roles_of(request.user),
            "line_login_enabled": line_enabled,
            "line_account": line_account,
        },
    )
