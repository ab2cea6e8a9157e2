from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

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
    return render(
        request,
        "accounts/profile.html",
        {"form": form, "memberships": memberships, "roles": roles_of(request.user)},
    )
