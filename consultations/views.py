"""Case work pages. Objects are looked up through the agency-scoped selectors: a record the
reader's agency may not see answers 404, whoever asks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import AuthenticatedHttpRequest
from accounts.roles import role_required
from accounts.services import personal_data_viewed_from_request
from directory.models import Role

from . import conf, selectors, services
from .forms import (
    ConferenceForm,
    ConferenceRecordForm,
    ConferenceTaskForm,
    ConsentForm,
    ConsultationForm,
    HouseholdFormSet,
    IdeaHandoffForm,
    InboxFilterForm,
    OutreachAttemptForm,
    OutreachConvertForm,
    OutreachForm,
    SheetForm,
    TransitionForm,
    UnmetNeedForm,
)
from .models import (
    HANDOVER_STATES,
    AccessLog,
    Conference,
    Consultation,
    SheetStatus,
    SheetTransition,
    TsunaguSheet,
)


def _messages_of(exc: ValidationError) -> list[str]:
    return [str(m) for m in exc.messages]


def _apply(request: HttpRequest, action: Callable[[], Any], success: str) -> bool:
    """Run one service call for a POST: its success message, or each of its validation
    errors in the user's language (the service changed nothing then)."""
    try:
        action()
    except ValidationError as exc:
        for message in _messages_of(exc):
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True


def _flash_form_errors(request: HttpRequest, form: Any) -> None:
    """A form posted from another page: each of its errors as a message naming its field."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


def _agency_or_404(request: AuthenticatedHttpRequest) -> Any:
    agency = selectors.agency_of(request.user)
    if agency is None:
        raise Http404
    return agency


@role_required(Role.CONSULTATION_STAFF)
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _agency_or_404(request)
    tab = request.GET.get("tab", "incoming")
    if tab not in ("incoming", "outgoing", "consultations"):
        tab = "incoming"
    form = InboxFilterForm(request.GET or None)
    filters = {"status": "", "urgency": "", "query": ""}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "urgency": form.cleaned_data["urgency"],
            "query": form.cleaned_data["q"],
        }
    qs: Any
    if tab == "incoming":
        qs = selectors.incoming_sheets(request.user, **filters)
    elif tab == "outgoing":
        qs = selectors.outgoing_sheets(request.user, **filters)
    else:
        status = filters["status"] if filters["status"] in Consultation.Status.values else ""
        qs = selectors.agency_consultations(
            request.user, status=status, urgency=filters["urgency"], query=filters["query"]
        )
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page)  # the page keeps this list: the template does not query again
    if tab == "consultations":
        services.access_log_list(
            user=request.user,
            agency=agency,
            shown=[(c, c.agency_id) for c in shown],
            path=request.get_full_path(),
        )
    elif filters["query"]:
        # Sheet lists show numbers only, but a name search tells whose sheet each one is.
        services.access_log_list(
            user=request.user,
            agency=agency,
            shown=[(s, s.sender_id) for s in shown],
            path=request.get_full_path(),
        )
    return render(
        request,
        "consultations/inbox.html",
        {
            "agency": agency,
            "tab": tab,
            "form": form,
            "page_obj": page,
            "counts": selectors.incoming_counts_by_state(request.user) if tab == "incoming" else [],
        },
    )


@role_required(Role.CONSULTATION_STAFF)
def consultation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _agency_or_404(request)
    form = ConsultationForm(request.POST or None)
    household = HouseholdFormSet(request.POST or None, prefix="household")
    if request.method == "POST" and form.is_valid() and household.is_valid():
        data = {
            k: v
            for k, v in form.cleaned_data.items()
            if k not in ("consent_domains", "consent_agencies")
        }
        rows = [
            services.HouseholdRow(
                relation=f["relation"], age=f.get("age"), notes=f.get("notes", "")
            )
            for f in household.cleaned_data
            if f and f.get("relation")
        ]
        try:
            consultation = services.consultation_create(
                agency=agency,
                by=request.user,
                data=data,
                consent_domains=list(form.cleaned_data["consent_domains"]),
                consent_agencies=list(form.cleaned_data["consent_agencies"]),
                household=rows,
                path=request.get_full_path(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("相談を受け付けました。"))
            return redirect("consultations:consultation_detail", pk=consultation.pk)
    return render(
        request, "consultations/consultation_form.html", {"form": form, "household": household}
    )


@login_required
def consultation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(
        selectors.consultations_visible_to(request.user).select_related(
            "district", "consent_taken_by", "created_by"
        ),
        pk=pk,
    )
    services.access_log_write(
        user=request.user,
        agency=consultation.agency,
        owner_agency=consultation.agency,
        action=AccessLog.Action.VIEW,
        obj=consultation,
        path=request.get_full_path(),
    )
    duplicates = list(selectors.possible_duplicates(request.user, consultation))
    services.access_log_list(
        user=request.user,
        agency=consultation.agency,
        shown=[(d, d.agency_id) for d in duplicates],
        path=request.get_full_path(),
    )
    return render(
        request,
        "consultations/consultation_detail.html",
        {
            "c": consultation,
            "household": consultation.household.all(),
            "consent_domains": consultation.consent_domains.all(),
            "consent_agencies": consultation.consent_agencies.all(),
            "sheets": consultation.sheets.select_related("receiver").order_by("created_at"),
            "duplicates": duplicates,
            "resources": selectors.resources_for_troubles(
                consultation.troubles, consultation.district_id
            ),
        },
    )


@login_required
def consultation_consent(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(selectors.consultations_visible_to(request.user), pk=pk)
    initial = {
        "consent_status": consultation.consent_status,
        "consent_method": consultation.consent_method,
        "consent_fields": consultation.consent_fields,
        "consent_domains": consultation.consent_domains.all(),
        "consent_agencies": consultation.consent_agencies.all(),
        "consent_expires_on": consultation.consent_expires_on,
    }
    form = ConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.consultation_consent_update(
                consultation=consultation,
                by=request.user,
                status=d["consent_status"],
                method=d["consent_method"],
                fields=d["consent_fields"],
                domains=list(d["consent_domains"]),
                agencies=list(d["consent_agencies"]),
                expires_on=d["consent_expires_on"],
                path=request.get_full_path(),
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("同意の内容を記録しました。"))
            return redirect("consultations:consultation_detail", pk=pk)
    return render(request, "consultations/consent_form.html", {"form": form, "c": consultation})


@login_required
@require_POST
def consultation_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(selectors.consultations_visible_to(request.user), pk=pk)
    services.consultation_close(
        consultation=consultation, by=request.user, path=request.get_full_path()
    )
    messages.success(request, _("相談を終結にしました。"))
    return redirect("consultations:consultation_detail", pk=pk)


@login_required
def sheet_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    consultation = get_object_or_404(selectors.consultations_visible_to(request.user), pk=pk)
    form = SheetForm(request.POST or None, agency=consultation.agency)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            sheet = services.sheet_create(
                consultation=consultation,
                receiver=d["receiver"],
                by=request.user,
                reason=d["reason"],
                shared_fields=d["shared_fields"],
                urgency=d["urgency"],
                legal_basis=d["legal_basis"],
                support_meeting_note=d["support_meeting_note"],
                preferred_contact=d["preferred_contact"],
                contact_times=d["contact_times"],
                path=request.get_full_path(),
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(
                request, _("つなぐシートを下書きに保存しました。内容を確かめて送ってください。")
            )
            return redirect("consultations:sheet_detail", pk=sheet.pk)
    return render(request, "consultations/sheet_form.html", {"form": form, "c": consultation})


@login_required
def sheet_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    agency = selectors.agency_of(request.user)
    sheet = get_object_or_404(
        selectors.sheets_visible_to(request.user)
        .with_shared_open(today=timezone.localdate())
        .select_related("sender", "receiver", "consultation", "consultation__district")
        .prefetch_related(
            "consultation__household",
            Prefetch(
                "history",
                queryset=SheetTransition.objects.select_related("by", "agency").order_by(
                    "at", "id"
                ),
            ),
        ),
        pk=pk,
    )
    is_sender = agency is not None and agency.pk == sheet.sender_id
    shared_open: bool = sheet.shared_open  # type: ignore[attr-defined]
    # The sender reads its own record; the receiver only while the sheet is open to it.
    show_shared = is_sender or shared_open
    services.access_log_write(
        user=request.user,
        agency=agency,
        owner_agency=sheet.sender,
        action=AccessLog.Action.VIEW,
        obj=sheet,
        path=request.get_full_path(),
    )
    return render(
        request,
        "consultations/sheet_detail.html",
        {
            "sheet": sheet,
            "is_sender": is_sender,
            # The receiver's page gets the shared fields only, never the consultation itself,
            # and nothing of the person once the sheet is closed to it.
            "show_shared": show_shared,
            "shared": (
                services.sheet_shared_data(sheet, for_sender=is_sender) if show_shared else []
            ),
            "shared_open": shared_open,
            "handing_over": sheet.status in HANDOVER_STATES,
            "consultation_id": sheet.consultation_id if is_sender else None,
            "moves": services.allowed_moves(sheet, agency, shared_open=shared_open),
            "history": sheet.history.all(),
            "S": SheetStatus,
            "contact_methods": TsunaguSheet.ContactMethod.choices,
        },
    )


@login_required
@require_POST
def sheet_transition(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sheet = get_object_or_404(selectors.sheets_visible_to(request.user), pk=pk)
    agency = selectors.agency_of(request.user)
    form = TransitionForm(request.POST)
    if agency is None:
        messages.error(request, _("入力を確かめてください。"))
        return redirect("consultations:sheet_detail", pk=pk)
    if not form.is_valid():
        _flash_form_errors(request, form)
        return redirect("consultations:sheet_detail", pk=pk)
    d = form.cleaned_data
    _apply(
        request,
        lambda: services.sheet_transition(
            sheet_id=sheet.pk,
            to=d["to"],
            by=request.user,
            agency=agency,
            note=d["note"],
            contact_on=d["contact_on"],
            contact_method=d["contact_method"],
            path=request.get_full_path(),
        ),
        _("つなぐシートの状態を更新しました。"),
    )
    return redirect("consultations:sheet_detail", pk=pk)


@role_required(Role.CITY_STAFF, Role.ADMIN)
def overdue_board(request: AuthenticatedHttpRequest) -> HttpResponse:
    # Paginator needs only count() and slicing (Django documents "any sliceable object with a
    # count() method"); the stubs ask for a whole sequence.
    board: Any = selectors.overdue_board()
    page = Paginator(board, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "consultations/overdue_board.html", {"page_obj": page})


@role_required(Role.CONSULTATION_STAFF)
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    membership = selectors.agency_membership_of(request.user)
    if membership is None or not membership.is_supervisor:
        raise PermissionDenied
    page = Paginator(selectors.access_log_for_supervisor(request.user), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "consultations/access_log.html",
        {"page_obj": page, "agency": membership.organization},
    )


@role_required(Role.CONSULTATION_STAFF)
def conference_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _agency_or_404(request)
    qs = (
        selectors.conferences_visible_to(request.user)
        .select_related("convened_by")
        .order_by("-held_on", "-id")
    )
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    # Titles may name a family.
    services.access_log_list(
        user=request.user,
        agency=agency,
        shown=[(c, c.convened_by_id) for c in page],
        path=request.get_full_path(),
    )
    return render(
        request, "consultations/conference_list.html", {"page_obj": page, "agency": agency}
    )


@role_required(Role.CONSULTATION_STAFF)
def conference_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    agency = _agency_or_404(request)
    cases = selectors.consultations_visible_to(request.user).filter(status=Consultation.Status.OPEN)
    form = ConferenceForm(request.POST or None, agency=agency, cases=cases)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            conference = services.conference_create(
                convened_by=agency,
                by=request.user,
                title=d["title"],
                held_on=d["held_on"],
                legal_basis=d["legal_basis"],
                agenda=d["agenda"],
                participants=list(d["participants"]),
                consultations=list(d["consultations"]),
                path=request.get_full_path(),
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("会議を登録しました。"))
            return redirect("consultations:conference_detail", pk=conference.pk)
    return render(request, "consultations/conference_form.html", {"form": form})


def _conference_for(request: AuthenticatedHttpRequest, pk: int) -> Conference:
    return get_object_or_404(
        selectors.conferences_visible_to(request.user).select_related("convened_by"), pk=pk
    )


@login_required
def conference_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = _conference_for(request, pk)
    agency = selectors.agency_of(request.user)
    services.access_log_write(
        user=request.user,
        agency=agency,
        owner_agency=conference.convened_by,
        action=AccessLog.Action.VIEW,
        obj=conference,
        path=request.get_full_path(),
    )
    is_convener = agency is not None and agency.pk == conference.convened_by_id
    return render(
        request,
        "consultations/conference_detail.html",
        {
            "conference": conference,
            "is_convener": is_convener,
            "participants": conference.participants.all(),
            # Only the convening agency's own cases are linked; others see the count.
            "cases": conference.consultations.all() if is_convener else None,
            "case_count": conference.consultations.count(),
            "tasks": conference.tasks.select_related("organization"),
            "needs": conference.unmet_needs.select_related("domain", "district"),
            "record_form": ConferenceRecordForm(instance=conference),
            "task_form": ConferenceTaskForm(conference=conference),
            "need_form": UnmetNeedForm(),
        },
    )


@login_required
@require_POST
def conference_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = _conference_for(request, pk)
    agency = _agency_or_404(request)
    if agency.pk != conference.convened_by_id:
        raise PermissionDenied
    form = ConferenceRecordForm(request.POST, instance=Conference.objects.get(pk=conference.pk))
    if form.is_valid():
        d = form.cleaned_data
        _apply(
            request,
            lambda: services.conference_record(
                conference=conference,
                by=request.user,
                agency=agency,
                assessment=d["assessment"],
                direction=d["direction"],
                decision=d["decision"],
                next_review_on=d["next_review_on"],
                path=request.get_full_path(),
            ),
            _("会議の記録を保存しました。"),
        )
    else:
        _flash_form_errors(request, form)
    return redirect("consultations:conference_detail", pk=pk)


@login_required
@require_POST
def conference_task_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = _conference_for(request, pk)
    agency = _agency_or_404(request)
    form = ConferenceTaskForm(request.POST, conference=conference)
    if form.is_valid():
        d = form.cleaned_data
        _apply(
            request,
            lambda: services.conference_task_add(
                conference=conference,
                by=request.user,
                agency=agency,
                organization=d["organization"],
                description=d["description"],
                due_on=d["due_on"],
                path=request.get_full_path(),
            ),
            _("役割を追加しました。"),
        )
    else:
        _flash_form_errors(request, form)
    return redirect("consultations:conference_detail", pk=pk)


@login_required
@require_POST
def conference_need_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    conference = _conference_for(request, pk)
    agency = _agency_or_404(request)
    form = UnmetNeedForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        services.unmet_need_add(
            conference=conference,
            by=request.user,
            agency=agency,
            description=d["description"],
            domain=d["domain"],
            district=d["district"],
            path=request.get_full_path(),
        )
        messages.success(request, _("足りない資源を記録しました。"))
    else:
        messages.error(request, _("入力を確かめてください。"))
    return redirect("consultations:conference_detail", pk=pk)


@role_required(Role.CITY_STAFF, Role.ADMIN)
def missing_resources(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.missing_resources_report(), 50).get_page(request.GET.get("page"))
    return render(request, "consultations/missing_resources.html", {"page_obj": page})


def _outreach_org_or_404(request: AuthenticatedHttpRequest) -> Any:
    membership = selectors.outreach_membership_of(request.user)
    if membership is None:
        raise Http404
    return membership.organization


@role_required(Role.WELFARE_COORDINATOR)
def outreach_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = _outreach_org_or_404(request)
    qs = (
        selectors.outreach_visible_to(request.user)
        .select_related("district")
        .order_by("status", "next_contact_on", "id")
    )
    page = Paginator(qs, conf.PAGE_SIZE).get_page(request.GET.get("page"))
    # Household tags are not names, but the coordinator recognises the household by them.
    services.access_log_list(
        user=request.user,
        agency=organization,
        shown=[(c, c.organization_id) for c in page],
        path=request.get_full_path(),
    )
    return render(request, "consultations/outreach_list.html", {"page_obj": page})


@role_required(Role.WELFARE_COORDINATOR)
def outreach_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization = _outreach_org_or_404(request)
    form = OutreachForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            case = services.outreach_create(
                organization=organization,
                by=request.user,
                district=d["district"],
                household_tag=d["household_tag"],
                source=d["source"],
                notes=d["notes"],
                rhythm_days=d["rhythm_days"],
                path=request.get_full_path(),
            )
        except ValidationError as exc:
            for message in _messages_of(exc):
                form.add_error(None, message)
        else:
            messages.success(request, _("見守りのケースを登録しました。"))
            return redirect("consultations:outreach_detail", pk=case.pk)
    return render(request, "consultations/outreach_form.html", {"form": form})


@login_required
def outreach_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(
        selectors.outreach_visible_to(request.user).select_related("district", "organization"),
        pk=pk,
    )
    services.access_log_write(
        user=request.user,
        agency=case.organization,
        owner_agency=case.organization,
        action=AccessLog.Action.VIEW,
        obj=case,
        path=request.get_full_path(),
    )
    return render(
        request,
        "consultations/outreach_detail.html",
        {
            "case": case,
            "attempts": case.attempts.select_related("by"),
            "attempt_form": OutreachAttemptForm(),
            "convert_form": OutreachConvertForm(),
        },
    )


@login_required
@require_POST
def outreach_attempt_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(selectors.outreach_visible_to(request.user), pk=pk)
    form = OutreachAttemptForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _apply(
            request,
            lambda: services.outreach_attempt_add(
                case=case,
                by=request.user,
                on=d["on"],
                method=d["method"],
                reached=d["reached"],
                note=d["note"],
                path=request.get_full_path(),
            ),
            _("連絡の記録を追加しました。"),
        )
    else:
        _flash_form_errors(request, form)
    return redirect("consultations:outreach_detail", pk=pk)


@login_required
@require_POST
def outreach_convert(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_object_or_404(selectors.outreach_visible_to(request.user), pk=pk)
    form = OutreachConvertForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        _apply(
            request,
            lambda: services.outreach_convert(
                case=case,
                by=request.user,
                agency=d["agency"],
                person_name=d["person_name"],
                person_kana=d["person_kana"],
                phone=d["phone"],
                troubles=d["troubles"],
                narrative=d["narrative"],
                consent_method=d["consent_method"],
                path=request.get_full_path(),
            ),
            _("相談支援機関につなぎました。"),
        )
    else:
        messages.error(request, _("入力を確かめてください。"))
    return redirect("consultations:outreach_detail", pk=pk)


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
