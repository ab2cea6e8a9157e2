"""A coordinator hands a resident's 困りごと to a consultation agency."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.services import personal_data_viewed_from_request
from directory.models import Role

from .. import conf, services
from ..forms import (
    IdeaHandoffForm,
)
from .common import _messages_of


def _trouble_ideas() -> Any:
    from projects.models import Idea

    return Idea.objects.filter(
        kind=Idea.Kind.TROUBLE,
        status__in=[Idea.Status.RECEIVED, Idea.Status.COORDINATING],
    )


@role_required(Role.COORDINATOR, Role.WELFARE_COORDINATOR)
def idea_handoff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs = _trouble_ideas().select_related("district").order_by("-created_at", "-id")
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/idea_handoff_list.html", {"page_obj": page})


@role_required(Role.COORDINATOR, Role.WELFARE_COORDINATOR)
def idea_handoff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = get_object_or_404(_trouble_ideas().select_related("author", "district"), pk=pk)
    author = idea.author
    initial = {
        "person_name": (author.full_name if author else "") or idea.on_behalf_name,
    }
    form = IdeaHandoffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.idea_pass_to_agency(
                idea=idea,
                agency=d["agency"],
                by=request.user,
                person_name=d["person_name"],
                person_kana=d["person_kana"],
                phone=d["phone"],
                troubles=d["troubles"],
                consent_method=d["consent_method"],
                path=request.get_full_path(),
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("相談支援機関につなぎました。"))
            return redirect("consultations:idea_handoff_list")
    # The page shows the resident's trouble and prefills their real name: logged as the idea
    # page logs a staff member's read of a resident (the idea is not a case record yet).
    personal_data_viewed_from_request(
        request, subject=idea.author, context=f"idea-handoff:{idea.pk}"
    )
    return render(request, "consultations/idea_handoff_form.html", {"form": form, "idea": idea})
