"""Writes for ideas and community projects. Keyword-only, validated, atomic.

Other apps call these too: the sessions app (label ``future_sessions``) creates ideas that
came up at a session with ``idea_create``, moves an idea to "brought to a future session"
with ``idea_transition(to=Idea.Status.SESSION, ...)``, and creates projects from a session's
outcome with ``project_create(..., ideas=[...])``. The consultations app may pass a 困りごと
to an agency and mark it ``Idea.Status.CONNECTED`` with the coordinator's message.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from directory.models import District, Membership, Organization, Role, Theme
from directory.search import search_document
from reminders.models import Reminder
from reminders.services import notify, reminder_cancel, reminder_schedule

from . import conf
from .models import (
    IDEA_TRANSITIONS,
    HelpType,
    Idea,
    IdeaEvent,
    IdeaNote,
    IdeaPhoto,
    IdeaReaction,
    Project,
    ProjectActivity,
    ProjectMember,
    is_coordinator,
)


def _idea_url(idea: Idea) -> str:
    return reverse("projects:idea_detail", kwargs={"pk": idea.pk})


def _refresh_idea_search(idea: Idea) -> None:
    idea.search_document = search_document(idea.title, idea.description)


def _tell_author(idea: Idea, event: IdeaEvent, subject: str) -> None:
    """Email and in-portal notice to the author; to the email given by phone when the idea
    was entered on someone's behalf and they have no account."""
    body = event.message or subject
    key = f"idea:{idea.pk}:event:{event.pk}"
    if idea.author_id is not None:
        notify(
            recipient=idea.author,
            key=key,
            subject=subject,
            body=body,
            url=_idea_url(idea),
            about=idea,
        )
    elif "@" in idea.on_behalf_contact:
        reminder_schedule(
            kind="notice",
            key=key,
            due_at=timezone.now(),
            subject=subject,
            body=body,
            recipient_email=idea.on_behalf_contact.strip(),
            about=idea,
        )


def _schedule_ack_reminders(idea: Idea) -> None:
    due = idea.created_at + timedelta(days=conf.ack_days() - conf.ack_reminder_days_before())
    coordinators = (
        Membership.objects.filter(role=Role.COORDINATOR, is_active=True, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    for user_id in coordinators:
        reminder_schedule(
            kind="idea_ack",
            key=f"idea:{idea.pk}:ack:{user_id}",
            due_at=due,
            subject=_("新しいアイデアへの受付の連絡が期限間近です：%(title)s") % {"title": idea.title},
            body=_("%(days)d 日以内に提案者へ最初の連絡をしてください。") % {"days": conf.ack_days()},
            recipient=User(pk=user_id),
            url=_idea_url(idea),
            about=idea,
        )


def _cancel_ack_reminders(idea: Idea) -> None:
    keys = Reminder.objects.filter(
        idempotency_key__startswith=f"idea:{idea.pk}:ack:", status=Reminder.Status.PENDING
    ).values_list("idempotency_key", flat=True)
    for key in list(keys):
        reminder_cancel(key=key)


def _mark_responded(idea: Idea) -> None:
    if idea.first_response_at is None:
        idea.first_response_at = timezone.now()
        _cancel_ack_reminders(idea)


def idea_create(
    *,
    by: User,
    kind: str,
    title: str,
    description: str,
    district: District | None = None,
    themes: Iterable[Theme] = (),
    help_types: Sequence[str] = (),
    contact_method: str = Idea.Contact.PORTAL,
    contact_detail: str = "",
    is_public: bool = False,
    photos: Iterable[ContentFile[bytes]] = (),
    on_behalf: bool = False,
    on_behalf_name: str = "",
    on_behalf_contact: str = "",
    author: User | None = None,
    submission_token: uuid.UUID | None = None,
) -> Idea:
    """Receive an idea. Posting the same form twice (same ``submission_token``) returns the
    idea the first post created instead of a second one.

    ``on_behalf``: a staff member typed it in after a call or a visit; the resident's name
    and contact are kept and ``entered_by`` records who typed it. ``author`` is the
    resident's account when they have one (default: ``by`` unless on behalf).
    """
    if submission_token is not None:
        existing = Idea.objects.filter(submission_token=submission_token).first()
        if existing is not None:
            return existing
    if on_behalf and not is_coordinator(by):
        raise ValidationError(_("代理入力はコーディネーターだけができます。"))
    if on_behalf and not on_behalf_name.strip():
        raise ValidationError({"on_behalf_name": _("提案者の氏名を入力してください。")})
    unknown = set(help_types) - set(HelpType.values)
    if unknown:
        raise ValidationError({"help_types": _("協力の種類が正しくありません。")})
    idea = Idea(
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        district=district,
        help_types=list(help_types),
        contact_method=contact_method,
        contact_detail=contact_detail.strip(),
        # Troubles are never on the public board.
        is_public=is_public and kind != Idea.Kind.TROUBLE,
        author=author if author is not None else (None if on_behalf else by),
        entered_by=by if on_behalf else None,
        on_behalf_name=on_behalf_name.strip() if on_behalf else "",
        on_behalf_contact=on_behalf_contact.strip() if on_behalf else "",
        submission_token=submission_token or uuid.uuid4(),
    )
    _refresh_idea_search(idea)
    idea.full_clean()
    try:
        with transaction.atomic():
            idea.save()
            idea.themes.set(list(themes))
            for photo in photos:
                p = IdeaPhoto(idea=idea)
                p.image.save(photo.name or "photo.jpg", photo, save=True)
            event = IdeaEvent.objects.create(
                idea=idea,
                to_status=Idea.Status.RECEIVED,
                by=by,
                message=_("アイデアを受け付けました。コーディネーターから連絡します。"),
            )
            _schedule_ack_reminders(idea)
            _tell_author(idea, event, _("アイデアを受け付けました：%(t)s") % {"t": idea.title})
    except IntegrityError:
        # Two clicks raced past the first check: the other one stored it.
        if submission_token is not None:
            return Idea.objects.get(submission_token=submission_token)
        raise
    return idea


def idea_transition(*, idea: Idea, to: str, by: User, message: str = "") -> Idea:
    """Move an idea along the state machine (``IDEA_TRANSITIONS``), write the dated
    history row and tell the author. Refuses a change the table does not allow."""
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if to not in IDEA_TRANSITIONS[locked.status]:
            raise ValidationError(
                _("「%(a)s」から「%(b)s」には変えられません。")
                % {"a": locked.get_status_display(), "b": Idea.Status(to).label}
            )
        event = IdeaEvent.objects.create(
            idea=locked, from_status=locked.status, to_status=to, by=by, message=message.strip()
        )
        locked.status = to
        _mark_responded(locked)
        locked.save(update_fields=["status", "first_response_at", "updated_at"])
        _tell_author(
            locked,
            event,
            _("アイデア「%(t)s」の状況：%(s)s") % {"t": locked.title, "s": Idea.Status(to).label},
        )
    idea.refresh_from_db()
    return idea


def idea_reply(*, idea: Idea, by: User, message: str) -> IdeaEvent:
    """A message to the author without a status change (it counts as a first response)."""
    message = message.strip()
    if not message:
        raise ValidationError({"message": _("メッセージを入力してください。")})
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        event = IdeaEvent.objects.create(idea=locked, by=by, message=message)
        _mark_responded(locked)
        locked.save(update_fields=["first_response_at", "updated_at"])
        _tell_author(
            locked, event, _("アイデア「%(t)s」にコーディネーターから返信") % {"t": locked.title}
        )
    return event


def idea_assign(*, idea: Idea, to: User | None, by: User) -> Idea:
    if to is not None and not is_coordinator(to):
        raise ValidationError(_("担当にできるのはコーディネーターだけです。"))
    Idea.objects.filter(pk=idea.pk).update(assigned_to=to, updated_at=timezone.now())
    idea.assigned_to = to
    return idea


def idea_note_add(*, idea: Idea, by: User, text: str) -> IdeaNote:
    note = IdeaNote(idea=idea, by=by, text=text.strip())
    note.full_clean()
    note.save()
    return note


def idea_react(*, idea: Idea, user: User, kind: str) -> bool:
    """Toggle 参加したい / 応援する. A user counts once per kind. Returns whether it is on."""
    if kind not in IdeaReaction.Kind.values:
        raise ValidationError(_("操作が正しくありません。"))
    with transaction.atomic():
        deleted, _rows = IdeaReaction.objects.filter(idea=idea, user=user, kind=kind).delete()
        if deleted:
            return False
        try:
            with transaction.atomic():
                IdeaReaction.objects.create(idea=idea, user=user, kind=kind)
        except IntegrityError:
            pass  # a double click: the other request already recorded it
    return True


def idea_merge(*, source: Idea, target: Idea, by: User, message: str = "") -> Idea:
    """Merge a duplicate into ``target``: supporters move over (once each), the source's
    history is summarised on the target, and the source's author is told."""
    if source.pk == target.pk:
        raise ValidationError(_("同じアイデアどうしはまとめられません。"))
    if target.status == Idea.Status.MERGED:
        raise ValidationError(_("まとめ先のアイデアはすでにほかにまとめられています。"))
    with transaction.atomic():
        existing = set(
            IdeaReaction.objects.filter(idea=target).values_list("user_id", "kind")
        )
        for reaction in IdeaReaction.objects.filter(idea=source):
            if (reaction.user_id, reaction.kind) not in existing:
                IdeaReaction.objects.create(idea=target, user_id=reaction.user_id, kind=reaction.kind)
        IdeaReaction.objects.filter(idea=source).delete()
        IdeaEvent.objects.create(
            idea=target,
            by=by,
            message=_("「%(t)s」（受付 %(d)s）をこのアイデアにまとめました。")
            % {"t": source.title, "d": timezone.localtime(source.created_at).date().isoformat()},
        )
        Idea.objects.filter(pk=source.pk).update(merged_into=target)
        source.merged_into = target
        idea_transition(
            idea=source,
            to=Idea.Status.MERGED,
            by=by,
            message=message
            or _("同じ内容のアイデア「%(t)s」とまとめて進めます。") % {"t": target.title},
        )
    return target


def project_create(
    *,
    title: str,
    purpose: str,
    by: User,
    districts: Iterable[District] = (),
    themes: Iterable[Theme] = (),
    ideas: Iterable[Idea] = (),
    lead_user: User | None = None,
    lead_organization: Organization | None = None,
    status: str = Project.Status.PLANNING,
    start_date: date | None = None,
    end_date: date | None = None,
    is_public: bool = True,
    imported_participants: int = 0,
    message: str = "",
) -> Project:
    """Create a community project, prefilled from ideas and/or a session outcome. Each idea
    that may still move becomes "became a project" and its author is told."""
    project = Project(
        title=title.strip(),
        purpose=purpose.strip(),
        lead_user=lead_user,
        lead_organization=lead_organization,
        status=status,
        start_date=start_date,
        end_date=end_date,
        is_public=is_public,
        imported_participants=imported_participants,
        created_by=by,
    )
    project.search_document = search_document(project.title, project.purpose)
    project.full_clean()
    ideas = list(ideas)
    with transaction.atomic():
        project.save()
        project.districts.set(list(districts))
        project.themes.set(list(themes))
        project.ideas.set(ideas)
        if lead_user is not None:
            ProjectMember.objects.create(
                project=project,
                user=lead_user,
                role=ProjectMember.Role.ORGANIZER,
                joined_on=start_date or timezone.localdate(),
            )
        for idea in ideas:
            if Idea.Status.PROJECT in IDEA_TRANSITIONS[idea.status]:
                idea_transition(
                    idea=idea,
                    to=Idea.Status.PROJECT,
                    by=by,
                    message=message
                    or _("プロジェクト「%(t)s」が始まります。") % {"t": project.title},
                )
    return project


def project_join(
    *, project: Project, user: User, role: str = ProjectMember.Role.MEMBER
) -> ProjectMember:
    """Join a project (once; joining again keeps the first date)."""
    member, _created = ProjectMember.objects.get_or_create(
        project=project, user=user, defaults={"role": role, "joined_on": timezone.localdate()}
    )
    return member


def project_activity_add(
    *, project: Project, by: User, date: date, text: str, photo: ContentFile[bytes] | None = None
) -> ProjectActivity:
    activity = ProjectActivity(project=project, by=by, date=date, text=text.strip())
    activity.full_clean(exclude=["photo"])
    with transaction.atomic():
        if photo is not None:
            activity.photo.save(photo.name or "photo.jpg", photo, save=False)
        activity.save()
    return activity


def can_edit_project(*, project: Project, user: Any) -> bool:
    if is_coordinator(user):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and ProjectMember.objects.filter(
            project=project, user=user, role=ProjectMember.Role.ORGANIZER
        ).exists()
    )
