from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import object_in_scope, require

from .policies import notification_can, notification_scope
from .services import notification_mark_read, notifications_mark_all_read


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(notification_scope(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "reminders/notification_list.html", {"page_obj": page})


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    notification = object_in_scope(notification_scope(request.user, "read"), pk)
    require(notification_can(request.user, "read", notification))
    notification_mark_read(notification=notification)
    if notification.url and url_has_allowed_host_and_scheme(
        notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notification.url)
    return redirect("reminders:notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("%(count)d 件のお知らせを既読にしました。") % {"count": count})
    return redirect("reminders:notification_list")
