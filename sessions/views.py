from __future__ import annotations

import calendar as pycalendar
from collections import defaultdict
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.models import PersonalDataView
from accounts.policy import capability_required, object_in_scope, require
from directory.fiscal import fiscal_year_of
from directory.models import District
from machida_portal.posting import run_service
from machida_portal.public_cache import cache_public_page
from machida_portal.ratelimit import rate_limit

from . import conf, ical, policies, selectors, services
from .forms import (
    ActionForm,
    ActionReviewForm,
    InvitationForm,
    OutcomeForm,
    ProjectStartForm,
    RegistrationForm,
    SessionForm,
    VisionForm,
    WalkInForm,
)
from .models import DistrictVision, FutureSession, Invitation, Registration
from .policies import MANAGE, can_see_online_link, manages_every_session

# Anonymous visitors get public pages from the page cache; services bump this scope.
CACHE_SCOPE = services.CACHE_SCOPE


def _filters(request: HttpRequest) -> tuple[District | None, str]:
    district = None
    code = request.GET.get("district", "")
    if code:
        district = District.objects.filter(code=code, is_active=True).first()
    kind = request.GET.get("kind", "")
    if kind not in FutureSession.Kind.values:
        kind = ""
    return district, kind


def _filter_context(district: District | None, kind: str) -> dict[str, Any]:
    return {
        "districts": District.objects.filter(is_active=True),
        "kinds": FutureSession.Kind.choices,
        "selected_district": district,
        "selected_kind": kind,
    }


# --- public ---------------------------------------------------------------------------------


@cache_public_page(CACHE_SCOPE)
def calendar(request: HttpRequest) -> HttpResponse:
    district, kind = _filters(request)
    # ``?week=1``: this week's sessions only (the staff "today" page links here).
    this_week = request.GET.get("week") == "1"
    page = Paginator(
        selectors.sessions_for_calendar(district=district, kind=kind, this_week=this_week),
        conf.CALENDAR_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "future_sessions/calendar.html",
        {
            "page_obj": page,
            "this_week": this_week,
            "can_schedule": manages_every_session(request.user),
            **_filter_context(district, kind),
        },
    )


def _month_asked(request: HttpRequest) -> date:
    """The first day of the month in ``?year=&month=``; this month for anything else (not a
    number, a month that does not exist, a year outside the sessions' range)."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        month = int(request.GET.get("month", today.month))
    except ValueError:
        return today.replace(day=1)
    if not (conf.SESSION_EARLIEST.year <= year < conf.SESSION_LATEST.year and 1 <= month <= 12):
        return today.replace(day=1)
    return date(year, month, 1)


@cache_public_page(CACHE_SCOPE)
def calendar_month(request: HttpRequest) -> HttpResponse:
    district, kind = _filters(request)
    first = _month_asked(request)
    by_day: dict[date, list[FutureSession]] = defaultdict(list)
    for session in selectors.sessions_in_month(
        year=first.year, month=first.month, district=district, kind=kind
    ):
        by_day[timezone.localtime(session.starts_at).date()].append(session)
    weeks = [
        [{"day": d, "in_month": d.month == first.month, "sessions": by_day.get(d, [])} for d in w]
        for w in pycalendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    ]
    prev_month = (first.replace(day=1) - timedelta(days=1)).replace(day=1)
    next_month = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
    return render(
        request,
        "future_sessions/calendar_month.html",
        {
            "weeks": weeks,
            "has_sessions": bool(by_day),
            "month": first,
            "prev_month": prev_month,
            "next_month": next_month,
            "weekday_names": [_("日"), _("月"), _("火"), _("水"), _("木"), _("金"), _("土")],
            **_filter_context(district, kind),
        },
    )


@cache_public_page(CACHE_SCOPE)
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = selectors.session_for_page(pk)
    if session is None:
        raise Http404
    my_registration = selectors.live_registration_of(session, request.user)
    form = None
    if (
        request.user.is_authenticated
        and my_registration is None
        and not session.is_past
        and not session.is_cancelled
    ):
        form = RegistrationForm(user=request.user)
    seats_taken = session.seats_taken or 0  # type: ignore[attr-defined]
    seats_left = None if session.capacity is None else max(session.capacity - seats_taken, 0)
    manage = policies.session_can(request.user, "manage", session)
    return render(
        request,
        "future_sessions/session_detail.html",
        {
            "session": session,
            "parts": selectors.SessionPageParts(session, request.user),
            "seats_left": seats_left,
            "my_registration": my_registration,
            "form": form,
            "can_manage": manage,
            "show_online_link": can_see_online_link(request.user, session, my_registration),
            "waiting_count": selectors.waiting_count(session) if manage else 0,
        },
    )


@cache_public_page(CACHE_SCOPE)
def session_ics(request: HttpRequest, pk: int) -> HttpResponse:
    session = object_in_scope(policies.session_scope(request.user), pk)
    # The file follows the page: the online link only for those the page shows it to.
    with_link = can_see_online_link(
        request.user, session, selectors.live_registration_of(session, request.user)
    )
    response = HttpResponse(
        ical.calendar_for([session], request, with_online_link=with_link),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="future-session-{session.pk}.ics"'
    if with_link:
        patch_cache_control(response, private=True)
    return response


@cache_public_page(CACHE_SCOPE)
def district_feed(request: HttpRequest, code: str) -> HttpResponse:
    district = _district(code)
    sessions = selectors.sessions_for_calendar(district=district, upcoming=False).filter(
        starts_at__gte=timezone.now() - timedelta(days=90)
    )[:500]
    # Calendar apps subscribe to feeds without signing in: a feed never carries online links.
    body = ical.calendar_for(
        list(sessions),
        request,
        name=_("%(district)sのセッション") % {"district": district.name},
        with_online_link=False,
        feed=True,
    )
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


# --- scheduling -----------------------------------------------------------------------------


@capability_required(MANAGE)
def session_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            request,
            lambda: services.session_create(
                by=request.user,
                themes=form.cleaned_data["themes"],
                agenda_ideas=form.cleaned_data["agenda_ideas"],
                **form.service_fields(),
            ),
            success=_("セッションを登録しました。"),
            form=form,
        )
        if done and done.value is not None:
            return redirect("future_sessions:session_detail", pk=done.value.pk)
    return render(request, "future_sessions/session_form.html", {"form": form, "session": None})


def _managed(request: AuthenticatedHttpRequest, pk: int) -> FutureSession:
    """A session the user runs: one that does not exist is a 404, someone else's a 403."""
    session = object_in_scope(policies.session_scope(request.user), pk)
    require(policies.session_can(request.user, "manage", session))
    return session


@login_required
def session_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.session_update(
                session=FutureSession.objects.get(pk=session.pk),
                by=request.user,
                themes=form.cleaned_data["themes"],
                agenda_ideas=form.cleaned_data["agenda_ideas"],
                **form.service_fields(),
            ),
            success=_("セッションを更新しました。"),
            form=form,
        )
        if saved:
            return redirect("future_sessions:session_detail", pk=session.pk)
    return render(request, "future_sessions/session_form.html", {"form": form, "session": session})


@login_required
@require_POST
def session_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    run_service(
        request,
        lambda: services.session_cancel(session=session, by=request.user),
        success=_("セッションを中止にし、申込者にお知らせしました。"),
    )
    return redirect("future_sessions:session_detail", pk=session.pk)


# --- registration ---------------------------------------------------------------------------


@login_required
@require_POST
@rate_limit("session_register", "20/m", "100/h")
def register(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = object_in_scope(policies.session_scope(request.user), pk)
    form = RegistrationForm(request.POST, user=request.user)
    if form.is_valid():
        done = run_service(
            request,
            lambda: services.registration_create(
                session=session,
                user=request.user,
                seats=form.cleaned_data.get("seats") or 1,
                organization=form.cleaned_data.get("organization"),
                needs=form.needs(),
            ),
        )
        registration = done.value
        if registration is not None:
            if registration.status == Registration.Status.REGISTERED:
                messages.success(request, _("参加を申し込みました。"))
            else:
                messages.warning(
                    request,
                    _(
                        "定員に達しているため、キャンセル待ちに登録しました。空きが出たらお知らせします。"
                    ),
                )
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("future_sessions:session_detail", pk=session.pk)


@login_required
@require_POST
def registration_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Another person's registration does not exist for you.
    registration = object_in_scope(policies.registration_scope(request.user, "cancel"), pk)
    run_service(
        request,
        lambda: services.registration_cancel(registration=registration, by=request.user),
        success=_("申込を取り消しました。"),
    )
    return redirect("future_sessions:session_detail", pk=registration.session_id)


@login_required
def my_registrations(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.registrations_of(request.user), 20).get_page(request.GET.get("page"))
    return render(request, "future_sessions/my_registrations.html", {"page_obj": page})


# --- invitations ----------------------------------------------------------------------------


@login_required
def invitations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    if request.method == "POST" and "agenda_authors" in request.POST:
        made = run_service(
            request,
            lambda: services.invitations_for_agenda_authors(session=session, by=request.user),
        )
        if made.value is not None:
            messages.success(
                request,
                _("議題のアイデアを出した %(n)d 人に招待を送りました。") % {"n": len(made.value)},
            )
        return redirect("future_sessions:invitations", pk=session.pk)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        sent = run_service(
            request,
            lambda: services.invitation_create(
                session=session,
                by=request.user,
                organization=form.cleaned_data.get("organization"),
                user=form.cleaned_data.get("user"),
            ),
            form=form,
        )
        if sent.value is not None:
            messages.success(
                request, _("%(name)s に招待を送りました。") % {"name": sent.value.name}
            )
            return redirect("future_sessions:invitations", pk=session.pk)
    page = Paginator(
        session.invitations.select_related("organization", "user").order_by("-created_at"), 50
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "future_sessions/invitations.html",
        {
            "session": session,
            "form": form,
            "page_obj": page,
            "agenda_authors": session.agenda_ideas.filter(author__isnull=False).count(),
        },
    )


def invitation_respond(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = services.invitation_from_token(token)
    except services.InvitationLinkError as exc:
        return render(
            request, "future_sessions/invitation_respond.html", {"error": str(exc)}, status=400
        )
    if request.method == "POST":
        answer = request.POST.get("answer")
        if answer not in ("accept", "decline"):
            messages.error(request, _("「参加する」か「参加しない」を選んでください。"))
        else:
            try:
                invitation = services.invitation_respond(
                    invitation=invitation, accept=answer == "accept"
                )
            except services.InvitationLinkError as exc:
                return render(
                    request,
                    "future_sessions/invitation_respond.html",
                    {"error": str(exc), "invitation": invitation},
                    status=400,
                )
            return render(
                request,
                "future_sessions/invitation_respond.html",
                {"invitation": invitation, "answered": True},
            )
    error = None
    if invitation.status != Invitation.Status.PENDING:
        error = _("この招待にはすでにお返事をいただいています（%(answer)s）。") % {
            "answer": invitation.get_status_display()
        }
    return render(
        request,
        "future_sessions/invitation_respond.html",
        {"invitation": invitation, "error": error},
        status=400 if error else 200,
    )


# --- on the day -----------------------------------------------------------------------------


@login_required
def checkin(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    registrations = list(selectors.checkin_list(session))
    # Staff see registrants' real names here: record it in the personal-data log in one insert.
    PersonalDataView.objects.bulk_create(
        [
            PersonalDataView(
                viewer=request.user,
                subject=r.user,
                context="future_session_checkin",
                path=request.get_full_path()[:300],
            )
            for r in registrations
            if r.user is not None and r.user.pk != request.user.pk
        ]
    )
    return render(
        request,
        "future_sessions/checkin.html",
        {
            "session": session,
            "registered": [r for r in registrations if r.status == Registration.Status.REGISTERED],
            "waiting": [r for r in registrations if r.status == Registration.Status.WAITING],
            "walk_in_form": WalkInForm(),
        },
    )


@login_required
@require_POST
def checkin_mark(request: AuthenticatedHttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    session = _managed(request, pk)
    registration = object_in_scope(
        policies.registration_scope(request.user, "attendance", session=session), registration_pk
    )
    run_service(
        request,
        lambda: services.attendance_mark(
            registration=registration,
            attendance=request.POST.get("attendance", ""),
            by=request.user,
        ),
    )
    return redirect(
        reverse("future_sessions:checkin", kwargs={"pk": session.pk}) + f"#r{registration.pk}"
    )


@login_required
@require_POST
def walk_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    form = WalkInForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.walk_in_add(
                session=session, name=form.cleaned_data["name"], by=request.user
            ),
            success=_("当日参加の方を追加しました。"),
        )
    else:
        messages.error(request, _("当日参加の方のお名前を入れてください。"))
    return redirect("future_sessions:checkin", pk=session.pk)


# --- outcomes -------------------------------------------------------------------------------


@login_required
def outcome_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    existing = getattr(session, "outcome", None) if hasattr(session, "outcome") else None
    initial: dict[str, Any] = {}
    if existing is not None:
        initial = {"summary": existing.summary, "participant_count": existing.participant_count}
    else:
        initial = {
            "participant_count": session.registrations.filter(
                attendance=Registration.Attendance.ATTENDED
            ).count()
        }
    form = OutcomeForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        connections = []
        if data.get("connection_first") and data.get("connection_second"):
            connections.append((data["connection_first"], data["connection_second"]))
        if run_service(
            request,
            lambda: services.outcome_record(
                session=session,
                by=request.user,
                summary=data["summary"],
                participant_count=data["participant_count"],
                photos=[data["photo"]] if data.get("photo") else [],
                connections=connections,
                new_ideas=[line for line in data.get("new_ideas", "").splitlines() if line.strip()],
            ),
            success=_("開催結果を記録しました。セッションのページで公開されます。"),
            form=form,
        ):
            return redirect("future_sessions:session_detail", pk=session.pk)
    return render(request, "future_sessions/outcome_form.html", {"session": session, "form": form})


@login_required
def project_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _managed(request, pk)
    outcome = getattr(session, "outcome", None) if hasattr(session, "outcome") else None
    initial = {
        "title": session.title[:100],
        "purpose": "\n\n".join(
            part for part in (session.question, outcome.summary if outcome else "") if part
        ),
    }
    form = ProjectStartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        started = run_service(
            request,
            lambda: services.session_project_start(
                session=session, by=request.user, **form.cleaned_data
            ),
            success=_("セッションからプロジェクトを始めました。"),
            form=form,
        )
        if started.value is not None:
            return redirect("projects:project_detail", pk=started.value.pk)
    return render(request, "future_sessions/project_start.html", {"session": session, "form": form})


# --- district visions -----------------------------------------------------------------------


@cache_public_page(CACHE_SCOPE)
def vision_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "future_sessions/vision_list.html",
        {
            "districts": selectors.visions_overview(),
            "can_edit": manages_every_session(request.user),
        },
    )


def _district(code: str) -> District:
    return object_in_scope(District.objects.filter(is_active=True), code=code)


@cache_public_page(CACHE_SCOPE)
def vision_detail(request: HttpRequest, code: str) -> HttpResponse:
    district = _district(code)
    vision = selectors.vision_for_district(district)
    owned: set[int] = set()
    if request.user.is_authenticated and vision is not None:
        owned = set(
            policies.action_scope(request.user, "own")
            .filter(vision=vision)
            .values_list("pk", flat=True)
        )
    return render(
        request,
        "future_sessions/vision_detail.html",
        {
            "district": district,
            "vision": vision,
            "owned": owned,
            "can_edit": manages_every_session(request.user),
            "fiscal_year": fiscal_year_of(timezone.now()),
        },
    )


@capability_required(MANAGE)
def vision_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    district = _district(code)
    vision = DistrictVision.objects.filter(district=district).first()
    initial = {"vision": vision.vision, "themes": vision.themes.all()} if vision else {}
    form = VisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.vision_save(
            district=district,
            by=request.user,
            vision=form.cleaned_data["vision"],
            themes=form.cleaned_data["themes"],
        )
        messages.success(request, _("ビジョンを保存しました。"))
        return redirect("future_sessions:vision_detail", code=district.code)
    return render(request, "future_sessions/vision_form.html", {"district": district, "form": form})


@capability_required(MANAGE)
def action_create(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    district = _district(code)
    vision = object_in_scope(DistrictVision.objects.all(), district=district)
    form = ActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.action_create(vision=vision, by=request.user, **form.cleaned_data),
            success=_("取り組みを追加しました。"),
            form=form,
        )
        if saved:
            return redirect("future_sessions:vision_detail", code=district.code)
    return render(request, "future_sessions/action_form.html", {"district": district, "form": form})


@login_required
def action_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = object_in_scope(policies.action_scope(request.user), pk)
    require(policies.action_can(request.user, "review", action))
    year = fiscal_year_of(timezone.now())
    review = action.reviews.filter(fiscal_year=year).first()
    initial = (
        {"status": review.status, "note": review.note, "evidence": review.evidence}
        if review
        else {"status": action.status}
    )
    form = ActionReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            request,
            lambda: services.action_review_record(
                action=action, by=request.user, **form.cleaned_data
            ),
            success=_("取り組みの状況を記録しました。"),
            form=form,
        )
        if saved:
            return redirect("future_sessions:vision_detail", code=action.vision.district.code)
    return render(
        request,
        "future_sessions/action_update.html",
        {"action": action, "form": form, "fiscal_year": year},
    )


@login_required
def my_actions(request: AuthenticatedHttpRequest) -> HttpResponse:
    actions = policies.action_scope(request.user, "own").select_related("vision__district", "owner")
    page = Paginator(actions.order_by("vision__district__order", "id"), 30).get_page(
        request.GET.get("page")
    )
    return render(request, "future_sessions/my_actions.html", {"page_obj": page})


class _PackData:
    """What the meeting pack shows, read on first use: the template caches the pack as one
    fragment (it is the same for every coordinator), so a cached pack reads none of it."""

    def __init__(self, district: District) -> None:
        self.district = district

    @cached_property
    def vision(self) -> Any:
        return selectors.vision_for_district(self.district)

    @cached_property
    def upcoming(self) -> list[FutureSession]:
        return list(
            selectors.sessions_for_calendar(district=self.district).filter(district=self.district)[
                :10
            ]
        )

    @cached_property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        if self.vision is not None:
            for action in self.vision.actions.all():
                counts[action.status] += 1
        return dict(counts)

    @cached_property
    def extras(self) -> dict[str, Any]:
        from projects.selectors import newest_public_for_district

        return newest_public_for_district(self.district)


@cache_public_page(CACHE_SCOPE)
def meeting_pack(request: HttpRequest, code: str) -> HttpResponse:
    district = _district(code)
    return render(
        request,
        "future_sessions/meeting_pack.html",
        {
            "district": district,
            "pack": _PackData(district),
            "fiscal_year": fiscal_year_of(timezone.now()),
        },
    )
