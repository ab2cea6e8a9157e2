from __future__ import annotations

from allauth.socialaccount.models import SocialAccount
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from reminders.forms import NoticeChannelsForm
from reminders.selectors import line_push_offered, notice_channels_of
from reminders.services import notice_channels_set

from .adapter import line_login_enabled
from .forms import ProfileForm
from .http import AuthenticatedHttpRequest
from .roles import roles_of

NOTICES = "notices"


@login_required
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Two forms on the page: the notice channels (only to someone who linked LINE, while the
    # portal has a Messaging API channel) post with their section's name.
    posted = request.POST if request.method == "POST" else None
    notices_posted = posted is not None and posted.get("section") == NOTICES
    notices_form = None
    if line_push_offered(user=request.user):
        notices_form = NoticeChannelsForm(
            posted if notices_posted else None,
            initial=notice_channels_of(user=request.user),
            prefix=NOTICES,
        )
        if notices_posted and notices_form.is_valid():
            notice_channels_set(user=request.user, channels=notices_form.channels())
            messages.success(request, _("お知らせの受け取り方を保存しました。"))
            return redirect("accounts:profile")
    form = ProfileForm(None if notices_posted else posted, instance=request.user)
    if posted is not None and not notices_posted and form.is_valid():
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
            "notices_form": notices_form,
            "memberships": memberships,
            "roles": roles_of(request.user),
            "line_login_enabled": line_enabled,
            "line_account": line_account,
        },
    )
