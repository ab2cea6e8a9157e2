from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.policy import capability_required, object_in_scope, require
from accounts.services import personal_data_viewed_from_request
from directory.choices import field_labels
from machida_portal.input_guard import parse_id, parse_ids
from machida_portal.paging import WorkListPaginator, count_cap, known_count
from machida_portal.posting import run_service
from machida_portal.public_cache import cache_public_page
from machida_portal.ratelimit import rate_limit

from . import conf, importer, services
from .forms import (
    ActivityForm,
    AssignForm,
    IdeaFilterForm,
    IdeaForm,
    IdeaSentEditForm,
    InboxFilterForm,
    MergeForm,
    NeedForm,
    NoteForm,
    OfferEditForm,
    OfferForm,
    ProjectForm,
    ReactForm,
    ReplyForm,
    TransitionForm,
)
from .matching import needs_for_offer, offers_for_need, organizations_for_need
from .models import Idea, IdeaReaction, Need, ProjectMember, unpack_codes
from .policies import (
    COORDINATE,
    idea_can,
    idea_moves_for,
    idea_scope,
    match_can,
    match_scope,
    match_sides,
    may_coordinate_ideas,
    may_enter_on_behalf,
    need_can,
    need_scope,
    offer_can,
    offer_scope,
    project_can,
    project_scope,
)
from .selectors import (
    IdeaFilters,
    board_ideas,
    idea_edit_changes,
    idea_visible_to,
    inbox_list,
    inbox_rows,
    my_ideas,
    offer_edits,
    similar_ideas,
    with_reaction_counts,
)

coordinator_required = capability_required("ideas.coordinate")


# --- ideas: residents ---------------------------------------------------------------------


@cache_public_page("ideas")
def idea_board(request: HttpRequest) -> HttpResponse:
    # Troubles never appear on the board, so they are not offered as a filter either.
    kinds = [(k, label) for k, label in Idea.Kind.choices if k != Idea.Kind.TROUBLE]
    form = IdeaFilterForm(request.GET or None, kinds=kinds)
    page = Paginator(board_ideas(form.filters()), conf.BOARD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = with_reaction_counts(list(page.object_list))
    mine: set[tuple[int, str]] = set()
    if request.user.is_authenticated:
        mine = set(
            IdeaReaction.objects.filter(
                user=request.user, idea__in=[i.pk for i in page.object_list]
            ).values_list("idea_id", "kind")
        )
    return render(
        request,
        "projects/idea_board.html",
        {"form": form, "page_obj": page, "my_reactions": mine},
    )


@login_required
@rate_limit("idea_submit", "10/m", "60/h")
def idea_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    on_behalf_allowed = may_enter_on_behalf(request.user)
    form = IdeaForm(
        request.POST or None, request.FILES or None, on_behalf_allowed=on_behalf_allowed
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        outcome = run_service(
            request,
            lambda: services.idea_create(
                by=request.user,
                kind=d["kind"],
                title=d["title"],
                description=d["description"],
                district=d["district"],
                themes=d["themes"],
                help_types=d["help_types"],
                contact_method=d["contact_method"],
                contact_detail=d["contact_detail"],
                is_public=d["is_public"],
                photos=form.photos(),
                on_behalf=bool(d.get("on_behalf")),
                on_behalf_name=d.get("on_behalf_name", ""),
                on_behalf_contact=d.get("on_behalf_contact", ""),
                submission_token=d["submission_token"],
                draft="save_draft" in request.POST,
            ),
            form=form,
        )
        idea = outcome.value
        if idea is not None:
            if idea.status == Idea.Status.DRAFT:
                messages.success(request, _("下書きを保存しました。まだ送っていません。"))
                return redirect("projects:idea_edit", pk=idea.pk)
            messages.success(request, _("アイデアを受け付けました。ありがとうございます。"))
            return redirect("projects:idea_detail", pk=idea.pk)
    return render(
        request,
        "projects/idea_form.html",
        {"form": form, "similar_url": reverse("projects:idea_similar")},
    )


def _idea_edit_sent(request: AuthenticatedHttpRequest, idea: Idea) -> HttpResponse:
    """The author corrects an idea already sent (decision 0022)."""
    form = IdeaSentEditForm(
        request.POST or None,
        initial={
            "title": idea.title,
            "description": idea.description,
            "district": idea.district_id,
            "themes": list(idea.themes.all()),
            "help_types": idea.help_types,
            "contact_method": idea.contact_method,
            "contact_detail": idea.contact_detail,
            "is_public": idea.is_public,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_service(
            request,
            lambda: services.idea_edit_sent(
                idea=idea,
                by=request.user,
                themes=d["themes"],
                **{name: d[name] for name in services.SENT_EDIT_FIELDS},
            ),
            success=_("アイデアの内容を直しました。コーディネーターにも変更が伝わります。"),
            form=form,
        ):
            return redirect("projects:idea_detail", pk=idea.pk)
    return render(request, "projects/idea_edit_sent.html", {"form": form, "idea": idea})


@login_required
def idea_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The author's draft: save again, or send it. A sent idea: correct it while it is being
    worked on."""
    idea = object_in_scope(idea_scope(request.user), pk)
    require(idea_can(request.user, "edit", idea))
    if idea.status != Idea.Status.DRAFT:
        return _idea_edit_sent(request, idea)
    initial = {
        "submission_token": idea.submission_token,
        "kind": idea.kind,
        "title": idea.title,
        "description": idea.description,
        "district": idea.district_id,
        "themes": list(idea.themes.all()),
        "help_types": idea.help_types,
        "contact_method": idea.contact_method,
        "contact_detail": idea.contact_detail,
        "is_public": idea.is_public,
    }
    form = IdeaForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def save_and_maybe_send() -> None:
            services.idea_update_draft(
                idea=idea,
                by=request.user,
                themes=d["themes"],
                photos=form.photos(),
                **{name: d[name] for name in services.DRAFT_FIELDS},
            )
            if "save_draft" not in request.POST:
                services.idea_submit(idea=idea, by=request.user)

        if run_service(request, save_and_maybe_send, form=form):
            if "save_draft" in request.POST:
                messages.success(request, _("下書きを保存しました。まだ送っていません。"))
                return redirect("projects:idea_edit", pk=idea.pk)
            messages.success(request, _("アイデアを受け付けました。ありがとうございます。"))
            return redirect("projects:idea_detail", pk=idea.pk)
    return render(
        request,
        "projects/idea_form.html",
        {"form": form, "similar_url": reverse("projects:idea_similar"), "draft": idea},
    )


@login_required
def idea_mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(my_ideas(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "projects/idea_mine.html", {"page_obj": page})


@require_GET
def idea_similar(request: HttpRequest) -> JsonResponse:
    text = (request.GET.get("q") or "")[:100]
    found = similar_ideas(user=request.user, text=text)
    return JsonResponse(
        {
            "results": [
                {
                    "id": i.pk,
                    "title": i.title,
                    "kind": str(i.get_kind_display()),
                    "url": reverse("projects:idea_detail", kwargs={"pk": i.pk}),
                }
                for i in found
            ]
        }
    )


def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = object_in_scope(
        idea_scope(request.user).select_related(
            "district", "author", "entered_by", "assigned_to", "merged_into"
        ),
        pk,
    )
    staff = idea_can(request.user, "read_internal", idea)
    events = list(idea.events.select_related("by"))
    if staff:
        # What the author's edits changed (old → new): coordinators only, never other readers.
        changes = idea_edit_changes(idea)
        for event in events:
            event.changes = changes.get(event.created_at, []) if event.edited else []  # type: ignore[attr-defined]
    is_author = request.user.is_authenticated and idea.author_id == request.user.pk
    ctx: dict[str, Any] = {
        "idea": idea,
        "staff": staff,
        "is_author": is_author,
        "can_edit": is_author and idea_can(request.user, "edit", idea),
        "can_see_contact": idea_can(request.user, "see_contact", idea),
        "events": events,
        "photos": idea.photos.all(),
        "themes": idea.themes.all(),
        "counts": idea.reactions.aggregate(
            join=Count("pk", filter=Q(kind=IdeaReaction.Kind.JOIN)),
            support=Count("pk", filter=Q(kind=IdeaReaction.Kind.SUPPORT)),
        ),
        "projects": idea.projects.all(),
        # Told that it was merged, but into what only when they may see that idea.
        "merged_into_shown": idea.merged_into is not None
        and idea_visible_to(user=request.user, idea=idea.merged_into),
    }
    if request.user.is_authenticated:
        ctx["my_reactions"] = set(
            idea.reactions.filter(user=request.user).values_list("kind", flat=True)
        )
    if staff:
        personal_data_viewed_from_request(request, subject=idea.author, context="idea")
    # A draft is the author's until sent: coordinators may read it, not act on it.
    ctx["staff_actions"] = idea_can(request.user, COORDINATE, idea)
    if ctx["staff_actions"]:
        allowed = idea_moves_for(request.user, idea)
        # Five forms on one page, three with a "message" field: an id prefix per form keeps
        # the ids unique (and each label on its own field) while the field names stay put.
        ctx.update(
            notes=idea.notes.select_related("by"),
            assign_form=AssignForm(
                initial={"assigned_to": idea.assigned_to_id}, auto_id="assign_%s"
            ),
            note_form=NoteForm(auto_id="note_%s"),
            reply_form=ReplyForm(auto_id="reply_%s"),
            transition_form=TransitionForm(allowed=allowed, auto_id="transition_%s")
            if allowed
            else None,
            merge_form=MergeForm(auto_id="merge_%s") if Idea.Status.MERGED in allowed else None,
        )
    return render(request, "projects/idea_detail.html", ctx)


@login_required
@require_POST
def idea_react(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = object_in_scope(idea_scope(request.user, "react"), pk)
    form = ReactForm(request.POST)
    if form.is_valid():
        on = services.idea_react(idea=idea, user=request.user, kind=form.cleaned_data["kind"])
        label = IdeaReaction.Kind(form.cleaned_data["kind"]).label
        if on:
            messages.success(request, _("「%(k)s」を押しました。") % {"k": label})
        else:
            messages.info(request, _("「%(k)s」を取り消しました。") % {"k": label})
    nxt = request.POST.get("next", "")
    if nxt.startswith("/ideas/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("projects:idea_detail", pk=idea.pk)


# --- ideas: coordinators ------------------------------------------------------------------


@coordinator_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Unfiltered (how the inbox opens), no form is built: its markup is in the fragment cache
    # and an unbound form filters nothing. The template builds it only to fill that cache.
    form: Any = InboxFilterForm(request.GET) if request.GET else SimpleLazyObject(InboxFilterForm)
    filters = form.filters() if request.GET else IdeaFilters()
    # The list, its total (up to the cap) and the ideas past the acknowledgement time.
    ideas, counts = inbox_list(user=request.user, filters=filters, cap=count_cap())
    paginator = known_count(WorkListPaginator(ideas, conf.INBOX_PAGE_SIZE), counts["ideas"])
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = inbox_rows(page.object_list)
    return render(
        request,
        "projects/inbox.html",
        {
            "form": form,
            "page_obj": page,
            "kinds": field_labels(Idea, "kind"),
            "statuses": field_labels(Idea, "status"),
            "overdue_count": counts["overdue"].n,
            "ack_days": conf.ack_days(),
        },
    )


def _staff_idea(request: AuthenticatedHttpRequest, pk: int) -> Idea:
    return object_in_scope(idea_scope(request.user, COORDINATE), pk)


@coordinator_required
@require_POST
def idea_assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = _staff_idea(request, pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        services.idea_assign(idea=idea, to=form.cleaned_data["assigned_to"], by=request.user)
        messages.success(request, _("担当を変更しました。"))
    else:
        messages.error(request, _("担当者を選び直してください。"))
    return redirect("projects:idea_detail", pk=idea.pk)


@coordinator_required
@require_POST
def idea_note(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = _staff_idea(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        services.idea_note_add(idea=idea, by=request.user, text=form.cleaned_data["text"])
        messages.success(request, _("内部メモを残しました。"))
    else:
        messages.error(request, _("メモを入力してください（4000字まで）。"))
    return redirect("projects:idea_detail", pk=idea.pk)


@coordinator_required
@require_POST
def idea_reply(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = _staff_idea(request, pk)
    form = ReplyForm(request.POST)
    if form.is_valid():
        services.idea_reply(idea=idea, by=request.user, message=form.cleaned_data["message"])
        messages.success(request, _("提案者に返信しました。"))
    else:
        messages.error(request, " ".join(str(e) for e in form.errors.get("message", [])))
    return redirect("projects:idea_detail", pk=idea.pk)


@coordinator_required
@require_POST
def idea_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = _staff_idea(request, pk)
    form = TransitionForm(request.POST, allowed=idea_moves_for(request.user, idea))
    if form.is_valid():
        to = form.cleaned_data["to"]
        if to == Idea.Status.PROJECT:
            # A project needs a title and purpose: go to the prefilled form.
            return redirect(reverse("projects:project_create") + f"?ideas={idea.pk}")
        run_service(
            request,
            lambda: services.idea_transition(
                idea=idea, to=to, by=request.user, message=form.cleaned_data["message"]
            ),
            success=_("状況を変更し、提案者に知らせました。"),
        )
    else:
        messages.error(request, _("この状況には変えられません。画面を読み込み直してください。"))
    return redirect("projects:idea_detail", pk=idea.pk)


@coordinator_required
@require_POST
def idea_merge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = _staff_idea(request, pk)
    form = MergeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("まとめ先のアイデア番号を入力してください。"))
        return redirect("projects:idea_detail", pk=idea.pk)
    target = idea_scope(request.user, COORDINATE).filter(pk=form.cleaned_data["target"]).first()
    if target is None:
        messages.error(request, _("その番号のアイデアはありません。"))
        return redirect("projects:idea_detail", pk=idea.pk)
    merged = run_service(
        request,
        lambda: services.idea_merge(
            source=idea, target=target, by=request.user, message=form.cleaned_data["message"]
        ),
        success=_("アイデアをまとめました。"),
    )
    return redirect("projects:idea_detail", pk=target.pk if merged else idea.pk)


# --- projects -----------------------------------------------------------------------------


def project_list(request: HttpRequest) -> HttpResponse:
    qs = (
        project_scope(request.user)
        .prefetch_related("districts", "themes")
        .annotate(member_count=Count("memberships"))
        .order_by("-created_at", "-id")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "projects/project_list.html",
        {"page_obj": page, "staff": may_coordinate_ideas(request.user)},
    )


@coordinator_required
def project_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    raw = request.GET.get("ideas", "")
    ids = parse_ids(raw, limit=20)
    ideas = list(idea_scope(request.user).filter(pk__in=ids).prefetch_related("themes"))
    initial: dict[str, Any] = {}
    if ideas and request.method != "POST":
        first = ideas[0]
        initial = {
            "title": first.title,
            "purpose": "\n\n".join(i.description for i in ideas),
            "districts": [i.district_id for i in ideas if i.district_id],
            "themes": sorted({t.pk for i in ideas for t in i.themes.all()}),
        }
    form = ProjectForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = run_service(
            request,
            lambda: services.project_create(
                title=d["title"],
                purpose=d["purpose"],
                by=request.user,
                districts=d["districts"],
                themes=d["themes"],
                ideas=ideas,
                # The resident whose idea it was leads it; the coordinator edits as staff
                # and is not counted as a participant (II-1).
                lead_user=next((i.author for i in ideas if i.author is not None), None),
                lead_organization=d["lead_organization"],
                status=d["status"],
                start_date=d["start_date"],
                end_date=d["end_date"],
                is_public=d["is_public"],
            ),
            success=_("プロジェクトを作りました。"),
            form=form,
        )
        if created.value is not None:
            return redirect("projects:project_detail", pk=created.value.pk)
    return render(request, "projects/project_form.html", {"form": form, "ideas": ideas})


@cache_public_page("ideas")
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = object_in_scope(
        project_scope(request.user).select_related("lead_organization", "lead_user"), pk
    )
    # The parts every visitor sees alike (districts, themes, members, activities) are
    # cached fragments in the template; their querysets stay lazy here, so a cached page
    # runs none of them. A page shows the first 100 members by name and the total.
    my_roles = (
        set(project.memberships.filter(user_id=request.user.pk).values_list("role", flat=True))
        if request.user.is_authenticated
        else set()
    )
    return render(
        request,
        "projects/project_detail.html",
        {
            "project": project,
            "members": project.memberships.select_related("user").order_by(
                "role", "joined_on", "id"
            )[:100],
            "all_members": project.memberships.all(),
            "is_member": bool(my_roles),
            "can_edit": project_can(request.user, "edit", project, roles=my_roles),
            "activities": project.activities.select_related("by")[:50],
            "districts": project.districts.all(),
            "themes": project.themes.all(),
            "ideas": idea_scope(request.user, among=project.ideas.all()),
            "needs": need_scope(request.user, among=project.needs.filter(is_open=True)),
            "activity_form": ActivityForm(),
            "og_url": request.build_absolute_uri(),
        },
    )


@login_required
@require_POST
def project_join(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = object_in_scope(project_scope(request.user), pk)
    role = request.POST.get("role", ProjectMember.Role.MEMBER)
    if role not in (ProjectMember.Role.MEMBER, ProjectMember.Role.SUPPORTER):
        role = ProjectMember.Role.MEMBER
    services.project_join(project=project, user=request.user, role=role)
    messages.success(request, _("プロジェクトに参加しました。"))
    return redirect("projects:project_detail", pk=project.pk)


@login_required
@require_POST
def project_activity(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = object_in_scope(project_scope(request.user), pk)
    require(project_can(request.user, "edit", project))
    form = ActivityForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        services.project_activity_add(
            project=project, by=request.user, date=d["date"], text=d["text"], photo=d["photo"]
        )
        messages.success(request, _("活動を記録しました。"))
    else:
        messages.error(
            request,
            " ".join(str(e) for errors in form.errors.values() for e in errors),
        )
    return redirect("projects:project_detail", pk=project.pk)


# --- offers, needs and matching -----------------------------------------------------------


def offer_list(request: HttpRequest) -> HttpResponse:
    qs = (
        offer_scope(request.user, "listed")
        .select_related("organization")
        .prefetch_related("themes", "districts")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "projects/offer_list.html", {"page_obj": page})


@login_required
def offer_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OfferForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = run_service(
            request,
            lambda: services.offer_create(owner=request.user, **d),
            success=_("「できること」を登録しました。"),
            form=form,
        )
        if created.value is not None:
            return redirect("projects:offer_detail", pk=created.value.pk)
    return render(request, "projects/offer_form.html", {"form": form})


@login_required
def offer_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The owner changes their offer; coordinators see what changed (decision 0022)."""
    offer = object_in_scope(offer_scope(request.user), pk)
    require(offer_can(request.user, "edit", offer))
    form = OfferEditForm(
        request.POST or None,
        initial={
            "title": offer.title,
            "description": offer.description,
            "offer_types": sorted(unpack_codes(offer.offer_types)),
            "skills": offer.skills,
            "availability": sorted(unpack_codes(offer.availability)),
            "themes": list(offer.themes.all()),
            "districts": list(offer.districts.all()),
            "contact": offer.contact,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        if run_service(
            request,
            lambda: services.offer_update(offer=offer, by=request.user, **d),
            success=_("「できること」を直しました。"),
            form=form,
        ):
            return redirect("projects:offer_detail", pk=offer.pk)
    return render(request, "projects/offer_edit.html", {"form": form, "offer": offer})


def offer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    offer = object_in_scope(offer_scope(request.user).select_related("organization"), pk)
    own = offer_can(request.user, "match", offer)
    return render(
        request,
        "projects/offer_detail.html",
        {
            "offer": offer,
            "own": own,
            "can_edit": offer_can(request.user, "edit", offer),
            "edits": offer_edits(offer) if offer_can(request.user, "see_changes", offer) else [],
            "ranked": needs_for_offer(offer) if own else [],
            "themes": offer.themes.all(),
            "districts": offer.districts.all(),
        },
    )


def need_list(request: HttpRequest) -> HttpResponse:
    qs = (
        need_scope(request.user)
        .filter(is_open=True)
        .select_related("district", "organization")
        .prefetch_related("themes")
    )
    page = Paginator(qs, 20).get_page(request.GET.get("page"))
    return render(request, "projects/need_list.html", {"page_obj": page})


@capability_required("needs.post")
def need_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NeedForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = run_service(
            request,
            lambda: services.need_create(by=request.user, **d),
            success=_("募集を登録しました。"),
            form=form,
        )
        if created.value is not None:
            return redirect("projects:need_detail", pk=created.value.pk)
    return render(request, "projects/need_form.html", {"form": form})


def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    need = object_in_scope(
        need_scope(request.user).select_related("district", "organization", "idea"), pk
    )
    own = need_can(request.user, "match", need)
    return render(
        request,
        "projects/need_detail.html",
        {
            "need": need,
            "own": own,
            "ranked": offers_for_need(need) if own else [],
            "organizations": organizations_for_need(need) if own else [],
            "themes": need.themes.all(),
        },
    )


@coordinator_required
@require_POST
def idea_need(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    idea = _staff_idea(request, pk)
    need = services.need_from_idea(idea=idea, by=request.user)
    messages.success(request, _("このアイデアの募集を作りました。合う「できること」を選べます。"))
    return redirect("projects:need_detail", pk=need.pk)


@login_required
@require_POST
def need_propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    need = object_in_scope(need_scope(request.user), pk)
    require(need_can(request.user, "match", need))
    offer_id = parse_id(request.POST.get("offer"))
    offer = offer_scope(request.user, "listed").filter(pk=offer_id).first() if offer_id else None
    if offer is None:
        messages.error(request, _("選んだ「できること」が見つかりません。"))
        return redirect("projects:need_detail", pk=need.pk)
    match = services.match_propose(need=need, offer=offer, by=request.user)
    messages.success(request, _("つなぐ提案を送りました。双方が承諾すると連絡先が伝わります。"))
    return redirect("projects:match_detail", pk=match.pk)


@login_required
def match_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(match_scope(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "projects/match_list.html", {"page_obj": page})


@login_required
def match_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match = object_in_scope(match_scope(request.user), pk)
    need_side, offer_side = match_sides(match=match, user=request.user)
    show_contacts = match_can(request.user, "see_contacts", match, sides=(need_side, offer_side))
    return render(
        request,
        "projects/match_detail.html",
        {
            "match": match,
            "need_side": need_side,
            "offer_side": offer_side,
            "can_answer": (need_side and not match.need_accepted_at)
            or (offer_side and not match.offer_accepted_at),
            "show_contacts": show_contacts,
        },
    )


@login_required
@require_POST
def match_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match = object_in_scope(match_scope(request.user), pk)
    require(match_can(request.user, "respond", match))
    run_service(
        request,
        lambda: services.match_respond(
            match=match, user=request.user, accept=request.POST.get("answer") == "accept"
        ),
        success=_("回答しました。"),
    )
    return redirect("projects:match_detail", pk=match.pk)


# --- CSV import of past projects ----------------------------------------------------------

IMPORT_SESSION_KEY = "projects_import_csv"
MAX_IMPORT_BYTES = 2 * 1024 * 1024


@coordinator_required
def project_import(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Upload → preview with every row's errors → confirm. The file's text waits in the
    session between preview and confirmation, so the confirmed data is the previewed data."""
    ctx: dict[str, Any] = {"columns": importer.COLUMNS}
    if request.method == "POST" and request.POST.get("confirm"):
        text = request.session.get(IMPORT_SESSION_KEY)
        if not text:
            messages.error(request, _("取り込むファイルが見つかりません。もう一度選んでください。"))
            return redirect("projects:project_import")
        rows, problems = importer.parse(text)
        if problems or any(r.errors for r in rows):
            ctx.update(rows=rows, problems=problems)
            return render(request, "projects/project_import.html", ctx)
        count = importer.import_rows(rows=rows, by=request.user)
        del request.session[IMPORT_SESSION_KEY]
        messages.success(request, _("%(n)d 件のプロジェクトを取り込みました。") % {"n": count})
        return redirect("projects:project_list")
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            ctx["problems"] = [_("CSV ファイルを選んでください。")]
        elif upload.size is not None and upload.size > MAX_IMPORT_BYTES:
            ctx["problems"] = [_("ファイルが大きすぎます（2 MB まで）。")]
        else:
            try:
                text = importer.decode(upload.read())
            except ValueError as exc:
                ctx["problems"] = [str(exc)]
            else:
                rows, problems = importer.parse(text)
                ctx.update(rows=rows, problems=problems)
                ctx["ok"] = not problems and not any(r.errors for r in rows)
                ctx["error_rows"] = sum(1 for r in rows if r.errors)
                if ctx["ok"]:
                    request.session[IMPORT_SESSION_KEY] = text
    return render(request, "projects/project_import.html", ctx)


@login_required
def project_need_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """An open role of a project (e.g. "drivers on Saturdays"), which feeds matching."""
    project = object_in_scope(project_scope(request.user), pk)
    require(project_can(request.user, "edit", project))
    form = NeedForm(
        request.POST or None,
        user=request.user,
        initial={"title": project.title, "themes": list(project.themes.all())},
    )
    del form.fields["source"], form.fields["organization"]
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        created = run_service(
            request,
            lambda: services.need_create(
                by=request.user, source=Need.Source.PROJECT, project=project, **d
            ),
            success=_("募集を登録しました。"),
            form=form,
        )
        if created.value is not None:
            return redirect("projects:need_detail", pk=created.value.pk)
    return render(request, "projects/need_form.html", {"form": form, "project": project})


@login_required
def project_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    project = object_in_scope(project_scope(request.user), pk)
    require(project_can(request.user, "edit", project))
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        updated = run_service(
            request,
            lambda: services.project_update(project=project, by=request.user, **form.cleaned_data),
            success=_("プロジェクトを更新しました。"),
            form=form,
        )
        if updated:
            return redirect("projects:project_detail", pk=project.pk)
    return render(
        request, "projects/project_form.html", {"form": form, "ideas": [], "editing": True}
    )
