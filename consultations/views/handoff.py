"""A coordinator hands a resident's 困りごと to a consultation agency."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.http import AuthenticatedHttpRequest
from accounts.policy import capability_required, object_in_scope
from accounts.services import personal_data_viewed_from_request
from machida_portal.posting import run_service

from .. import conf, policies, services
from ..forms import (
    IdeaHandoffForm,
)


@capability_required("ideas.hand_off")
def idea_handoff_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    qs = (
        policies.trouble_idea_scope(request.user)
        .select_related("district")
        .order_by("-created_at", "-id")
    )
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/idea_handoff_list.html", {"page_obj": page})


@capability_required("ideas.hand_off")
def idea_handoff(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = object_in_scope(
        policies.trouble_idea_scope(request.user).select_related("author", "district"), pk
    )
    author = idea.author
    initial = {
        "person_name": (author.full_name if author else "") or idea.on_behalf_name,
    }
    form = IdeaHandoffForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_service(
            request,
            lambda: services.idea_pass_to_agency(
                idea=idea,
                agency=d["agency"],
                by=request.user,
                person_name=d["person_name"],
                person_kana=d["person_kana"],
                phone=d["phone"],
                troubles=d["troubles"],
                consent_method=d["consent_method"],
            ),
            success=_("相談支援機関につなぎました。"),
            form=form,
        ):
            return redirect("consultations:idea_handoff_list")
    # The page shows the resident's trouble and prefills their real name: logged as the idea
    # page logs a staff member's read of a resident (the idea is not a case record yet).
    personal_data_viewed_from_request(
        request, subject=idea.author, context=f"idea-handoff:{idea.pk}"
    )
    return render(request, "consultations/idea_handoff_form.html", {"form": form, "idea": idea})
