"""Writes for ideas and community projects. Keyword-only, validated, atomic.

Other apps call these too: the sessions app (label ``future_sessions``) creates ideas that
came up at a session with ``idea_create``, moves an idea to "brought to a future session"
with ``idea_transition(to=Idea.Status.SESSION, ...)``, and creates projects from a session's
outcome with ``project_create(..., ideas=[...])``. The consultations app may pass a 困りごと
to an agency and mark it ``Idea.Status.CONNECTED`` with the coordinator's message.
"""

from __future__ import annotations

import copy
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
from accounts.policy import require
from directory.models import District, Organization, Theme
from directory.search import search_document
from machida_portal.history import stamp
from machida_portal.mail import quoted
from machida_portal.public_cache import pages_changed
from reminders.models import Reminder
from reminders.services import (
    notify,
    reminder_fresh,
    reminder_schedule,
    reminders_cancel_matching,
    reminders_insert_fresh,
)

from . import conf
from .matching import score, skill_document
from .models import (
    Availability,
    HelpType,
    Idea,
    IdeaEvent,
    IdeaNote,
    IdeaPhoto,
    IdeaReaction,
    Match,
    Need,
    Offer,
    OfferType,
    Project,
    ProjectActivity,
    ProjectMember,
    pack_codes,
)
from .policies import (
    IDEA_NOTICE,
    IDEA_STATES,
    MATCH_NOTICE,
    ack_reminder_recipient_ids,
    idea_can,
    idea_may_move,
    match_sides,
    may_coordinate_ideas,
    may_enter_on_behalf,
    offer_can,
)
from .selectors import idea_visible_to

# The idea board and project pages are cached whole for visitors: every service that
# changes what they show calls ``_pages_changed()`` after its write, so they go stale once
# the write commits (never before: a visitor in between would cache the old page under the
# new generation).
CACHE_SCOPE = "ideas"


def _pages_changed() -> None:
    pages_changed(CACHE_SCOPE)


def _idea_url(idea: Idea) -> str:
    return reverse("projects:idea_detail", kwargs={"pk": idea.pk})


def _refresh_idea_search(idea: Idea) -> None:
    idea.search_document = search_document(idea.title, idea.description)


def _author_notice(idea: Idea, event: IdeaEvent, subject: str) -> Reminder | None:
    """The email and in-portal notice to the author of a step of the timeline (not yet
    stored: ``reminders_insert_fresh``); to the email given by phone when the idea was entered
    on someone's behalf and they have no account; None when there is nobody to tell."""
    body = event.message or subject
    # The event was just written in this transaction: no reminder can have its key yet.
    key = f"idea:{idea.pk}:event:{event.pk}"
    if idea.author_id is not None:
        return reminder_fresh(
            kind=IDEA_NOTICE,
            recipient=idea.author,
            key=key,
            due_at=timezone.now(),
            subject=subject,
            body=body,
            url=_idea_url(idea),
            about=idea,
        )
    if "@" in idea.on_behalf_contact:
        return reminder_fresh(
            kind=IDEA_NOTICE,
            key=key,
            due_at=timezone.now(),
            subject=subject,
            body=body,
            recipient_email=idea.on_behalf_contact.strip(),
            about=idea,
        )
    return None


def _tell_author(idea: Idea, event: IdeaEvent, subject: str) -> None:
    notice = _author_notice(idea, event, subject)
    reminders_insert_fresh([notice] if notice is not None else [])


def _ack_reminder(idea: Idea, user_id: int) -> dict[str, Any]:
    return {
        "kind": "idea_ack",
        "key": f"{_ack_key_prefix(idea)}{user_id}",
        "due_at": idea.created_at
        + timedelta(days=conf.ack_days() - conf.ack_reminder_days_before()),
        "subject": _("新しいアイデアへの受付の連絡が期限間近です：%(title)s")
        % {"title": idea.title},
        "body": _("%(days)d 日以内に提案者へ最初の連絡をしてください。")
        % {"days": conf.ack_days()},
        "recipient": User(pk=user_id),
        "url": _idea_url(idea),
        "about": idea,
    }


def _schedule_ack_reminders(idea: Idea) -> None:
    """The coordinators' reminders to answer an idea (again: a key that exists is moved)."""
    for user_id in ack_reminder_recipient_ids():
        reminder_schedule(**_ack_reminder(idea, user_id))


def _ack_key_prefix(idea: Idea) -> str:
    """Every acknowledgement reminder of an idea, whoever it went to (a coordinator who has
    left since included): its keys are ``idea:<id>:ack:<user id>``."""
    return f"idea:{idea.pk}:ack:"


def _cancel_ack_reminders(idea: Idea) -> None:
    reminders_cancel_matching(key_prefix=_ack_key_prefix(idea))


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
    draft: bool = False,
) -> Idea:
    """Receive an idea (or keep it as the author's draft with ``draft=True``). Posting the
    same form twice (same ``submission_token``) returns the idea the first post created
    instead of a second one.

    ``on_behalf``: a staff member typed it in after a call or a visit; the resident's name
    and contact are kept and ``entered_by`` records who typed it. ``author`` is the
    resident's account when they have one (default: ``by`` unless on behalf).
    """
    # A form posted twice (same token) is not looked up first: the token's unique index
    # refuses the second insert, and the idea the first post stored is returned (below).
    # One statement less for every submission; a repeated one costs a rolled-back insert.
    if on_behalf and not may_enter_on_behalf(by):
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
        status=Idea.Status.DRAFT if draft else Idea.Status.RECEIVED,
    )
    _refresh_idea_search(idea)
    # Not asked here: whether the token is taken (the database's unique index decides, below)
    # and whether the two users exist (they are the request's, or the caller's, accounts) —
    # two queries on every submission.
    idea.full_clean(exclude=["author", "entered_by"], validate_unique=False)
    try:
        with transaction.atomic():
            idea.save()
            theme_list = list(themes)
            if theme_list:  # a new idea has none to replace: no look-up when none are chosen
                idea.themes.add(*theme_list)
            for photo in photos:
                p = IdeaPhoto(idea=idea)
                p.image.save(photo.name or "photo.jpg", photo, save=True)
            if not draft:
                _receive(idea, by)
            _pages_changed()
    except IntegrityError:
        # The same form again (a second click, a reload, or two racing): the first one stored
        # it, and nothing of this one was kept. Any other conflict is not ours to hide.
        existing = (
            Idea.objects.filter(submission_token=submission_token).first()
            if submission_token is not None
            else None
        )
        if existing is None:
            raise
        return existing
    return idea


def _receive(idea: Idea, by: User) -> None:
    """The receipt of an idea sent at once (created in this transaction): first timeline
    step, the author told, and the acknowledgement reminders. None of the reminders can exist
    yet (their keys name the new idea and its new event): the notice and every coordinator's
    reminder are stored in one insert (decision 0028)."""
    _event, notice = _idea_event(idea, "", Idea.Status.RECEIVED, by=by)
    reminders_insert_fresh(
        [
            *([notice] if notice is not None else []),
            *(
                reminder_fresh(**_ack_reminder(idea, user_id))
                for user_id in ack_reminder_recipient_ids()
            ),
        ]
    )


def idea_event_write(idea: Idea, frm: str, to: str, *, by: Any, message: str = "") -> IdeaEvent:
    """The history of ``IDEA_STATES``: the dated step of the author's timeline, and the author
    told of it. Called by the state machine for every move (and by ``_receive`` for an idea
    that starts out received)."""
    event, notice = _idea_event(idea, frm, to, by=by, message=message)
    reminders_insert_fresh([notice] if notice is not None else [])
    return event


def _idea_event(
    idea: Idea, frm: str, to: str, *, by: Any, message: str = ""
) -> tuple[IdeaEvent, Reminder | None]:
    """The step of the timeline, stored, and the author's notice of it, not yet stored."""
    if to == Idea.Status.RECEIVED:
        message = message or _("アイデアを受け付けました。コーディネーターから連絡します。")
        subject = _("アイデアを受け付けました：%(t)s") % {"t": idea.title}
    else:
        subject = _("アイデア%(t)sの状況：%(s)s") % {
            "t": quoted(idea.title),
            "s": Idea.Status(to).label,
        }
    event = IdeaEvent.objects.create(
        idea=idea, from_status=frm, to_status=to, by=by, message=message.strip()
    )
    return event, _author_notice(idea, event, subject)


DRAFT_FIELDS = (
    "kind",
    "title",
    "description",
    "district",
    "help_types",
    "contact_method",
    "contact_detail",
    "is_public",
)


def idea_update_draft(
    *,
    idea: Idea,
    by: User,
    themes: Iterable[Theme] | None = None,
    photos: Iterable[ContentFile[bytes]] = (),
    **fields: Any,
) -> Idea:
    """Change a draft. A sent idea is not edited (its history would no longer match)."""
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if locked.status != Idea.Status.DRAFT or locked.author_id != by.pk:
            raise ValidationError(_("送ったアイデアは編集できません。"))
        for name, value in fields.items():
            if name not in DRAFT_FIELDS:
                raise TypeError(f"not a draft field: {name}")
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        if set(locked.help_types) - set(HelpType.values):
            raise ValidationError({"help_types": _("協力の種類が正しくありません。")})
        locked.is_public = locked.is_public and locked.kind != Idea.Kind.TROUBLE
        _refresh_idea_search(locked)
        locked.full_clean()
        locked.save()
        if themes is not None:
            locked.themes.set(list(themes))
        for photo in photos:
            p = IdeaPhoto(idea=locked)
            p.image.save(photo.name or "photo.jpg", photo, save=True)
    return locked


# What the author may change once the idea is sent: not its kind (a trouble stays one) nor
# who it is from.
SENT_EDIT_FIELDS = (
    "title",
    "description",
    "district",
    "help_types",
    "contact_method",
    "contact_detail",
    "is_public",
)
IDEA_EDIT_REASON = "edit"


def _idea_values(idea: Idea) -> dict[str, Any]:
    columns = {f.name: f.attname for f in Idea._meta.concrete_fields}
    return {name: getattr(idea, columns[name]) for name in SENT_EDIT_FIELDS}


def idea_edit_sent(
    *, idea: Idea, by: User, themes: Iterable[Theme] | None = None, **fields: Any
) -> Idea:
    """The author changes a sent idea while it is being worked on (``idea_can(…, "edit")``).

    The idea's history keeps the content before and after (``Idea.history``, reason
    ``edit``: coordinators see what changed) and the timeline gets 「内容が編集されました」
    with the time (everyone who sees the timeline). Bad input raises ``ValidationError`` with
    nothing changed; an edit that changes nothing writes nothing."""
    unknown = set(fields) - set(SENT_EDIT_FIELDS)
    if unknown:
        raise TypeError(f"not an editable field: {sorted(unknown)}")
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        require(idea_can(by, "edit", locked))
        if locked.status == Idea.Status.DRAFT:
            raise ValidationError(_("下書きは「下書きとして保存」または送信で変えてください。"))
        as_it_was = copy.copy(locked)
        before = _idea_values(locked)
        for name, value in fields.items():
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        if set(locked.help_types) - set(HelpType.values):
            raise ValidationError({"help_types": _("協力の種類が正しくありません。")})
        locked.is_public = locked.is_public and locked.kind != Idea.Kind.TROUBLE
        _refresh_idea_search(locked)
        locked.full_clean()
        old_themes = set(locked.themes.values_list("pk", flat=True))
        new_themes = None if themes is None else {t.pk for t in themes}
        themes_changed = new_themes is not None and new_themes != old_themes
        if before == _idea_values(locked) and not themes_changed:
            return locked
        if not Idea.history.filter(id=locked.pk).exists():  # type: ignore[attr-defined]
            # The first edit: keep the content as it was sent, to read the change against.
            Idea.history.bulk_history_create(  # type: ignore[attr-defined]
                [as_it_was],
                default_user=as_it_was.author,
                default_change_reason="sent",
                default_date=as_it_was.created_at,
            )
        now = timezone.now()
        stamp(locked, by=by, at=now, reason=IDEA_EDIT_REASON)
        locked.save()
        if themes is not None and themes_changed:
            locked.themes.set(list(themes))
        event = IdeaEvent.objects.create(idea=locked, by=by, edited=True, created_at=now)
        if locked.assigned_to_id is not None and locked.assigned_to_id != by.pk:
            # The coordinator in charge hears of it; what changed is on the idea's page.
            notify(
                kind=IDEA_NOTICE,
                recipient=locked.assigned_to,
                key=f"idea:{locked.pk}:edited:{event.pk}",
                subject=_("アイデア%(t)sの内容が編集されました") % {"t": quoted(locked.title)},
                body=_(
                    "提案者がアイデアの内容を直しました。変わったところはアイデアのページで見られます。"
                ),
                url=_idea_url(locked),
                about=locked,
            )
        _pages_changed()
    return locked


def idea_submit(*, idea: Idea, by: User) -> Idea:
    """Send a draft: it is received now (the ``submit`` move, the author's only). Sending
    twice (a stale form) changes nothing."""
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if locked.status != Idea.Status.DRAFT:
            return locked
        locked.created_at = timezone.now()
        IDEA_STATES.move(
            locked,
            Idea.Status.RECEIVED,
            may=lambda action: idea_can(by, action, locked),
            by=by,
            update_fields=["created_at", "updated_at"],
        )
        _schedule_ack_reminders(locked)
        _pages_changed()
    return locked


def idea_transition(*, idea: Idea, to: str, by: User, message: str = "") -> Idea:
    """Move a sent idea along ``IDEA_STATES`` (the machine writes the dated history row and
    tells the author). Refuses a change the table does not have (``ValidationError``) and
    one ``by`` may not make (403: moving a sent idea is coordinators' work)."""
    with transaction.atomic():
        locked = Idea.objects.select_for_update().get(pk=idea.pk)
        if locked.status == Idea.Status.DRAFT or not idea_may_move(locked, to):
            raise ValidationError(
                _("「%(a)s」から「%(b)s」には変えられません。")
                % {"a": locked.get_status_display(), "b": Idea.Status(to).label}
            )
        _mark_responded(locked)
        IDEA_STATES.move(
            locked,
            to,
            may=lambda action: idea_can(by, action, locked),
            by=by,
            update_fields=["first_response_at", "updated_at"],
            message=message,
        )
        _pages_changed()
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
            locked,
            event,
            _("アイデア%(t)sにコーディネーターから返信") % {"t": quoted(locked.title)},
        )
        _pages_changed()
    return event


def idea_assign(*, idea: Idea, to: User | None, by: User) -> Idea:
    if to is not None and not may_coordinate_ideas(to):
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
        if not deleted:
            try:
                with transaction.atomic():
                    IdeaReaction.objects.create(idea=idea, user=user, kind=kind)
            except IntegrityError:
                pass  # a double click: the other request already recorded it
        _pages_changed()
    return not deleted


def idea_merge(*, source: Idea, target: Idea, by: User, message: str = "") -> Idea:
    """Merge a duplicate into ``target``: supporters move over (once each), the source's
    history is summarised on the target, and the source's author is told."""
    if source.pk == target.pk:
        raise ValidationError(_("同じアイデアどうしはまとめられません。"))
    with transaction.atomic():
        # Both rows locked, always in the same order: two coordinators merging the same pair
        # (or the pair crossed, A into B and B into A) queue here instead of deadlocking,
        # and the second one sees the first one's result.
        locked = {
            i.pk: i
            for i in Idea.objects.select_for_update()
            .filter(pk__in=[source.pk, target.pk])
            .order_by("pk")
        }
        if locked[target.pk].status == Idea.Status.MERGED:
            raise ValidationError(_("まとめ先のアイデアはすでにほかにまとめられています。"))
        if locked[source.pk].status == Idea.Status.MERGED:
            raise ValidationError(_("このアイデアはすでにほかにまとめられています。"))
        existing = set(IdeaReaction.objects.filter(idea=target).values_list("user_id", "kind"))
        for reaction in IdeaReaction.objects.filter(idea=source):
            if (reaction.user_id, reaction.kind) not in existing:
                IdeaReaction.objects.create(
                    idea=target, user_id=reaction.user_id, kind=reaction.kind
                )
        IdeaReaction.objects.filter(idea=source).delete()
        # Each author is told only what they may see, asked before the merge hides the
        # source: a 困りごと or a private idea's title never reaches the other author.
        received = timezone.localtime(source.created_at).date().isoformat()
        if idea_visible_to(user=locked[target.pk].author, idea=locked[source.pk]):
            merged_text = _("「%(t)s」（受付 %(d)s）をこのアイデアにまとめました。") % {
                "t": source.title,
                "d": received,
            }
        else:
            merged_text = _("ほかのアイデア（受付 %(d)s）をこのアイデアにまとめました。") % {
                "d": received
            }
        if idea_visible_to(user=locked[source.pk].author, idea=locked[target.pk]):
            told = _("同じ内容のアイデア「%(t)s」とまとめて進めます。") % {"t": target.title}
        else:
            told = _("同じ内容のほかのアイデアとまとめて進めます。")
        IdeaEvent.objects.create(idea=target, by=by, message=merged_text)
        Idea.objects.filter(pk=source.pk).update(merged_into=target)
        source.merged_into = target
        idea_transition(idea=source, to=Idea.Status.MERGED, by=by, message=message or told)
        _pages_changed()
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
            if idea_may_move(idea, Idea.Status.PROJECT):
                idea_transition(
                    idea=idea,
                    to=Idea.Status.PROJECT,
                    by=by,
                    message=message
                    or _("プロジェクト「%(t)s」が始まります。") % {"t": project.title},
                )
        _pages_changed()
    return project


def project_join(
    *, project: Project, user: User, role: str = ProjectMember.Role.MEMBER
) -> ProjectMember:
    """Join a project (once; joining again keeps the first date)."""
    with transaction.atomic():
        member, _created = ProjectMember.objects.get_or_create(
            project=project, user=user, defaults={"role": role, "joined_on": timezone.localdate()}
        )
        _pages_changed()
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
        _pages_changed()
    return activity


# --- offers, needs and matching ---------------------------------------------------------


def _check_codes(values: Iterable[str], allowed: list[str], field: str) -> None:
    if set(values) - set(allowed):
        raise ValidationError({field: _("選択肢が正しくありません。")})


def offer_create(
    *,
    owner: User,
    title: str,
    description: str,
    offer_types: Sequence[str],
    contact: str,
    skills: str = "",
    availability: Sequence[str] = (),
    themes: Iterable[Theme] = (),
    districts: Iterable[District] = (),
    organization: Organization | None = None,
) -> Offer:
    _check_codes(offer_types, OfferType.values, "offer_types")
    _check_codes(availability, Availability.values, "availability")
    if not offer_types:
        raise ValidationError({"offer_types": _("出せるものを一つ以上選んでください。")})
    if (
        organization is not None
        and not owner.memberships.filter(organization=organization, is_active=True).exists()
    ):
        raise ValidationError(_("所属していない団体としては登録できません。"))
    offer = Offer(
        owner=owner,
        organization=organization,
        title=title.strip(),
        description=description.strip(),
        offer_types=pack_codes(offer_types),
        skills=skills.strip(),
        skill_document=skill_document(skills),
        availability=pack_codes(availability),
        contact=contact.strip(),
        search_document=search_document(title, description, skills),
    )
    offer.full_clean()
    with transaction.atomic():
        offer.save()
        offer.themes.set(list(themes))
        offer.districts.set(list(districts))
    return offer


OFFER_EDIT_FIELDS = ("title", "description", "offer_types", "skills", "availability", "contact")


def offer_update(
    *,
    offer: Offer,
    by: User,
    title: str,
    description: str,
    offer_types: Sequence[str],
    contact: str,
    skills: str = "",
    availability: Sequence[str] = (),
    themes: Iterable[Theme] = (),
    districts: Iterable[District] = (),
) -> Offer:
    """The owner changes their offer (decision 0022): the same checks as ``offer_create``;
    ``Offer.history`` keeps the content before and after each edit (who, when) for
    coordinators. Bad input changes nothing; an edit that changes nothing writes nothing."""
    _check_codes(offer_types, OfferType.values, "offer_types")
    _check_codes(availability, Availability.values, "availability")
    if not offer_types:
        raise ValidationError({"offer_types": _("出せるものを一つ以上選んでください。")})
    with transaction.atomic():
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        require(offer_can(by, "edit", locked))
        as_it_was = copy.copy(locked)
        before = [getattr(locked, f) for f in OFFER_EDIT_FIELDS]
        locked.title = title.strip()
        locked.description = description.strip()
        locked.offer_types = pack_codes(offer_types)
        locked.skills = skills.strip()
        locked.skill_document = skill_document(skills)
        locked.availability = pack_codes(availability)
        locked.contact = contact.strip()
        locked.search_document = search_document(title, description, skills)
        locked.full_clean()
        new_themes = {t.pk for t in themes}
        new_districts = {d.pk for d in districts}
        sets_changed = new_themes != set(
            locked.themes.values_list("pk", flat=True)
        ) or new_districts != set(locked.districts.values_list("pk", flat=True))
        if before == [getattr(locked, f) for f in OFFER_EDIT_FIELDS] and not sets_changed:
            return locked
        if not Offer.history.filter(id=locked.pk).exists():  # type: ignore[attr-defined]
            Offer.history.bulk_history_create(  # type: ignore[attr-defined]
                [as_it_was],
                default_user=as_it_was.owner,
                default_change_reason="created",
                default_date=as_it_was.created_at,
            )
        stamp(locked, by=by, at=timezone.now(), reason="edit")
        locked.save()
        locked.themes.set(list(themes))
        locked.districts.set(list(districts))
    return locked


def need_create(
    *,
    by: User,
    title: str,
    description: str,
    source: str,
    need_types: Sequence[str],
    skills: str = "",
    availability: Sequence[str] = (),
    themes: Iterable[Theme] = (),
    district: District | None = None,
    contact: str = "",
    idea: Idea | None = None,
    project: Project | None = None,
    organization: Organization | None = None,
    owner: User | None = None,
    is_public: bool = True,
) -> Need:
    """A need from an idea, a project's open role, or an organization's recruitment."""
    _check_codes(need_types, OfferType.values, "need_types")
    _check_codes(availability, Availability.values, "availability")
    if not need_types:
        raise ValidationError({"need_types": _("求めるものを一つ以上選んでください。")})
    need = Need(
        title=title.strip(),
        description=description.strip(),
        source=source,
        idea=idea,
        project=project,
        organization=organization,
        owner=owner if owner is not None else by,
        need_types=pack_codes(need_types),
        skills=skills.strip(),
        skill_document=skill_document(skills),
        availability=pack_codes(availability),
        district=district,
        contact=contact.strip(),
        # A need made from an idea is public only while the idea is on the board: one behind a
        # trouble, a private idea or a draft stays between its author and the coordinators.
        is_public=is_public and (idea is None or Idea.objects.public().filter(pk=idea.pk).exists()),
    )
    need.full_clean()
    with transaction.atomic():
        need.save()
        need.themes.set(list(themes))
    return need


HELP_TO_OFFER = {
    HelpType.PEOPLE: OfferType.TIME,
    HelpType.PLACE: OfferType.VENUE,
    HelpType.MONEY: OfferType.FUNDS,
    HelpType.KNOWHOW: OfferType.SKILL,
    HelpType.PUBLICITY: OfferType.SKILL,
}


def need_from_idea(*, idea: Idea, by: User) -> Need:
    """Turn what an idea asks for into a need that feeds matching."""
    types = sorted({HELP_TO_OFFER[HelpType(h)] for h in idea.help_types}) or [OfferType.TIME]
    return need_create(
        by=by,
        owner=idea.author,
        title=idea.title,
        description=idea.description,
        source=Need.Source.IDEA,
        need_types=types,
        themes=idea.themes.all(),
        district=idea.district,
        contact=idea.contact_detail,
        idea=idea,
        is_public=idea.is_public,
    )


def match_propose(*, need: Need, offer: Offer, by: User) -> Match:
    """Propose a connection (once per pair). Both sides are told; the proposer's own side
    counts as accepted."""
    from .matching import _need_facts, _offer_facts

    result = score(**_need_facts(need), **_offer_facts(offer))
    reasons = result.reasons if result else []
    with transaction.atomic():
        match, created = Match.objects.get_or_create(
            need=need, offer=offer, defaults={"proposed_by": by, "reasons": reasons}
        )
        if created:
            need_side, offer_side = match_sides(match=match, user=by)
            now = timezone.now()
            if need_side:
                match.need_accepted_at = now
            if offer_side:
                match.offer_accepted_at = now
            match.save()
            url = reverse("projects:match_detail", kwargs={"pk": match.pk})
            for recipient in [u for u in {need.owner, offer.owner} if u is not None and u != by]:
                notify(
                    kind=MATCH_NOTICE,
                    recipient=recipient,
                    key=f"match:{match.pk}:proposed:{recipient.pk}",
                    subject=_("%(n)sと%(o)sをつなぐ提案があります")
                    % {"n": quoted(need.title), "o": quoted(offer.title)},
                    body=_("内容を見て、承諾するかどうかを選んでください。"),
                    url=url,
                    about=match,
                )
    return match


def match_respond(*, match: Match, user: User, accept: bool) -> Match:
    """Accept or decline for the side(s) ``user`` speaks for. When both have accepted, each
    side is told and the contact details appear on the match page."""
    with transaction.atomic():
        locked = Match.objects.select_for_update().select_related("need", "offer").get(pk=match.pk)
        need_side, offer_side = match_sides(match=locked, user=user)
        if not (need_side or offer_side):
            raise ValidationError(_("この提案に答えられるのは当事者だけです。"))
        now = timezone.now()
        if not accept:
            locked.declined_at = now
        else:
            if need_side and locked.need_accepted_at is None:
                locked.need_accepted_at = now
            if offer_side and locked.offer_accepted_at is None:
                locked.offer_accepted_at = now
        locked.save()
        if locked.both_accepted:
            url = reverse("projects:match_detail", kwargs={"pk": locked.pk})
            for recipient in [u for u in {locked.need.owner, locked.offer.owner} if u is not None]:
                notify(
                    kind=MATCH_NOTICE,
                    recipient=recipient,
                    key=f"match:{locked.pk}:accepted:{recipient.pk}",
                    subject=_("つながりました：%(n)s × %(o)s")
                    % {"n": locked.need.title, "o": locked.offer.title},
                    body=_("双方が承諾しました。連絡先を確認できます。"),
                    url=url,
                    about=locked,
                )
    return locked


def project_update(*, project: Project, by: User, **fields: Any) -> Project:
    """Change a project's fields (status, dates, text, districts, themes …)."""
    m2m = {k: fields.pop(k) for k in ("districts", "themes") if k in fields}
    for name, value in fields.items():
        setattr(project, name, value)
    project.search_document = search_document(project.title, project.purpose)
    project.full_clean()
    with transaction.atomic():
        project.save()
        for name, values in m2m.items():
            getattr(project, name).set(list(values))
        _pages_changed()
    return project
