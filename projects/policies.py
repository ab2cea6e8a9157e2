"""Who may see and do what with ideas, projects, offers, needs and matches (decision 0012).

Two kinds of answer, as in every app:

* ``<thing>_scope(user, action)`` — the rows the user may reach for an action; anything
  else is a 404 (views fetch through ``accounts.policy.object_in_scope``).
* ``<thing>_can(user, action, obj)`` — whether they may do the action to a row they can
  reach; otherwise a 403 (``accounts.policy.require``).

Powers come from ``accounts.capabilities``: ``ideas.submit`` (every signed-in person),
``ideas.coordinate`` (coordinators, welfare coordinators, administrators) and ``needs.post``.
The object rules narrow them: an idea's author, a project's organizers (運営), the people
who speak for a need or an offer (its owner, active members of its organization, the
organizers of its project).

``IDEA_STATES`` is the idea's one state machine: every status change, the author's submit
included, is a move in its table, and the machine writes the timeline row.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.capabilities import can, roles_with
from accounts.models import User
from directory.models import Membership, Role
from machida_portal.states import StateMachine

from .models import Idea, Match, Need, Offer, Project, ProjectMember

# The actions of the idea's state machine (``IDEA_STATES`` below).
COORDINATE = "coordinate"
SUBMIT = "submit"

# A sent idea its author may still change (decision 0022): while it is being worked on.
# Once it became a project, was connected, answered or merged, what was done rests on what
# it said then, so the words stay as they were.
IDEA_EDITABLE_AFTER_SENDING = (
    Idea.Status.RECEIVED,
    Idea.Status.COORDINATING,
    Idea.Status.SESSION,
)

# --- who coordinates ----------------------------------------------------------------------


def may_coordinate_ideas(user: Any) -> bool:
    """Coordinators see every idea, its contact details and internal notes, and move it."""
    return can(user, "ideas.coordinate")


def may_enter_on_behalf(user: Any) -> bool:
    """Typing in an idea after a phone call or a visit is coordinators' work."""
    return may_coordinate_ideas(user)


def coordinator_users() -> QuerySet[User]:
    """The people an idea may be assigned to: active holders of ``ideas.coordinate``
    through a membership, and administrators (superusers)."""
    members = Membership.objects.filter(
        role__in=roles_with("ideas.coordinate"), is_active=True
    ).values("user_id")
    return User.objects.filter(pk__in=members) | User.objects.filter(is_superuser=True)


def ack_reminder_recipient_ids() -> QuerySet[Any]:
    """Who is reminded that a new idea waits for its first answer: the coordinators proper
    (not welfare coordinators, whose work is their organization's cases, nor administrators),
    as before the policy layer."""
    # Ordered by the user alone: a membership's own order (organization name, email) would
    # join both tables into the DISTINCT for nothing.
    return (
        Membership.objects.filter(role=Role.COORDINATOR, is_active=True, user__is_active=True)
        .values_list("user_id", flat=True)
        .order_by("user_id")
        .distinct()
    )


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


# --- ideas --------------------------------------------------------------------------------


def _on_the_board() -> Q:
    # Troubles are never on the board, even when someone ticked "public"; nor drafts.
    return (
        Q(is_public=True, merged_into__isnull=True)
        & ~Q(kind=Idea.Kind.TROUBLE)
        & ~Q(status=Idea.Status.DRAFT)
    )


def idea_visible_q(user: Any) -> Q:
    """The rule of ``idea_scope(user, "view")`` as a condition, for querysets that start
    elsewhere (a session's agenda, a project's ideas)."""
    if may_coordinate_ideas(user):
        return Q()
    if _signed_in(user):
        return Q(author=user) | _on_the_board()
    return _on_the_board()


def idea_scope(
    user: Any, action: str = "view", *, among: QuerySet[Idea] | None = None
) -> QuerySet[Idea]:
    """``view``: coordinators every idea; others the board and their own ideas (drafts
    included). ``coordinate``: every idea, for coordinators only. ``react``: the board."""
    qs = among if among is not None else Idea.objects.all()
    if action == "view":
        return qs.filter(idea_visible_q(user))
    if action == "coordinate":
        return coordinated_ideas(qs) if may_coordinate_ideas(user) else qs.none()
    if action == "react":
        return qs.filter(_on_the_board())
    raise ValueError(f"unknown idea scope action: {action}")


def coordinated_ideas(among: QuerySet[Idea] | None = None) -> QuerySet[Idea]:
    """What ``idea_scope(user, "coordinate")`` gives someone who ``may_coordinate_ideas``:
    every idea. The coordinator inbox compiles its unfiltered reads from this once per
    process (decision 0031) and asks ``may_coordinate_ideas`` on each request."""
    return among if among is not None else Idea.objects.all()


def idea_can(user: Any, action: str, idea: Idea) -> bool:
    """``coordinate``: a coordinator, on an idea that has been sent (a draft is the author's
    until then; coordinators may read it, not act on it). ``submit``: the author, on their
    draft. ``edit``: the author, on their draft or a sent idea still being worked on
    (``IDEA_EDITABLE_AFTER_SENDING``) — never a coordinator on someone else's words.
    ``see_contact``: coordinators and the author. ``read_internal``: notes and the author's
    account, for coordinators."""
    if action == COORDINATE:
        return may_coordinate_ideas(user) and idea.status != Idea.Status.DRAFT
    if action == SUBMIT:
        return _signed_in(user) and idea.author_id == user.pk and idea.status == Idea.Status.DRAFT
    if action == "edit":
        return (
            _signed_in(user)
            and idea.author_id == user.pk
            and idea.status in (Idea.Status.DRAFT, *IDEA_EDITABLE_AFTER_SENDING)
        )
    if action == "see_contact":
        return may_coordinate_ideas(user) or (_signed_in(user) and idea.author_id == user.pk)
    if action == "read_internal":
        return may_coordinate_ideas(user)
    raise ValueError(f"unknown idea action: {action}")


def idea_moves_for(user: Any, idea: Idea) -> list[str]:
    """The statuses ``user`` may move ``idea`` to from the idea page (for its form)."""
    return sorted(IDEA_STATES.allowed(idea.status, lambda action: idea_can(user, action, idea)))


def idea_may_move(idea: Idea, to: str) -> bool:
    """Whether the table has a move from the idea's status to ``to`` (whoever makes it)."""
    return IDEA_STATES.action_for(idea.status, to) is not None


# The idea's state machine (its actions are defined at the top). ``SUBMIT`` is the author
# sending their draft; every other move is coordinators' work (the sessions and
# consultations apps make some of them on a coordinator's behalf: taking an idea up at a
# session, handing a trouble to an agency).
_S = Idea.Status
_COORDINATOR_MOVES: dict[str, tuple[str, ...]] = {
    _S.RECEIVED: (_S.COORDINATING, _S.SESSION, _S.PROJECT, _S.CONNECTED, _S.CLOSED, _S.MERGED),
    _S.COORDINATING: (_S.SESSION, _S.PROJECT, _S.CONNECTED, _S.CLOSED, _S.MERGED),
    _S.SESSION: (_S.COORDINATING, _S.PROJECT, _S.CONNECTED, _S.CLOSED),
    _S.PROJECT: (_S.CLOSED,),
    _S.CONNECTED: (_S.COORDINATING, _S.CLOSED),
    _S.CLOSED: (_S.COORDINATING,),
}
_IDEA_MOVES: dict[tuple[str, str], str] = {(_S.DRAFT.value, _S.RECEIVED.value): SUBMIT}
_IDEA_MOVES.update(
    {(str(frm), str(to)): COORDINATE for frm, tos in _COORDINATOR_MOVES.items() for to in tos}
)


def _idea_history(idea: Idea, frm: str, to: str, *, by: Any = None, **kw: Any) -> Any:
    from .services import idea_event_write

    return idea_event_write(idea, frm, to, by=by, **kw)


IDEA_STATES = StateMachine("idea", _IDEA_MOVES, history=_idea_history)

# --- projects -----------------------------------------------------------------------------


def project_visible_q(user: Any) -> Q:
    """The rule of ``project_scope(user, "view")`` as a condition."""
    return Q() if may_coordinate_ideas(user) else Q(is_public=True)


def project_scope(user: Any, action: str = "view") -> QuerySet[Project]:
    """Coordinators reach every project; everyone else the public ones."""
    if action != "view":
        raise ValueError(f"unknown project scope action: {action}")
    return Project.objects.filter(project_visible_q(user))


def project_can(user: Any, action: str, project: Project, *, roles: set[str] | None = None) -> bool:
    """``edit`` (its fields, activity log and open roles): coordinators and the project's
    organizers. ``roles``: the user's roles in the project when the caller has already read
    them (saves a query)."""
    if action != "edit":
        raise ValueError(f"unknown project action: {action}")
    if may_coordinate_ideas(user):
        return True
    if roles is not None:
        return ProjectMember.Role.ORGANIZER in roles
    return _signed_in(user) and _organizes(user, project.pk)


def _organizes(user: Any, project_id: Any) -> bool:
    return ProjectMember.objects.filter(
        project_id=project_id, user=user, role=ProjectMember.Role.ORGANIZER
    ).exists()


# --- offers, needs and matches ------------------------------------------------------------


def offer_scope(user: Any, action: str = "view") -> QuerySet[Offer]:
    """``view``: coordinators every offer; others the active ones and their own.
    ``listed`` (the public list, and the offers a need may be matched with): the active
    ones."""
    if action == "listed":
        return Offer.objects.filter(is_active=True)
    if action != "view":
        raise ValueError(f"unknown offer scope action: {action}")
    if may_coordinate_ideas(user):
        return Offer.objects.all()
    if _signed_in(user):
        return Offer.objects.filter(Q(is_active=True) | Q(owner=user))
    return Offer.objects.filter(is_active=True)


def offer_can(user: Any, action: str, offer: Offer) -> bool:
    """``match`` (see the needs ranked for it): its owner and coordinators. ``edit``: its
    owner only (coordinators see what changed, never change someone's offer).
    ``see_changes`` (old → new of the owner's edits): coordinators."""
    if action == "edit":
        return _signed_in(user) and offer.owner_id == user.pk
    if action == "see_changes":
        return may_coordinate_ideas(user)
    if action != "match":
        raise ValueError(f"unknown offer action: {action}")
    return _signed_in(user) and (offer.owner_id == user.pk or may_coordinate_ideas(user))


def need_scope(
    user: Any, action: str = "view", *, among: QuerySet[Need] | None = None
) -> QuerySet[Need]:
    """Coordinators every need; others the public ones and their own."""
    if action != "view":
        raise ValueError(f"unknown need scope action: {action}")
    qs = among if among is not None else Need.objects.all()
    if may_coordinate_ideas(user):
        return qs
    if _signed_in(user):
        return qs.filter(Q(is_public=True) | Q(owner=user))
    return qs.filter(is_public=True)


def _need_side(need: Need, user: Any) -> bool:
    if need.owner_id is not None and need.owner_id == getattr(user, "pk", None):
        return True
    if (
        need.organization_id
        and user.memberships.filter(organization_id=need.organization_id, is_active=True).exists()
    ):
        return True
    return bool(need.project_id and _organizes(user, need.project_id))


def _offer_side(offer: Offer, user: Any) -> bool:
    if offer.owner_id == getattr(user, "pk", None):
        return True
    return bool(
        offer.organization_id
        and user.memberships.filter(organization_id=offer.organization_id, is_active=True).exists()
    )


def need_can(user: Any, action: str, need: Need) -> bool:
    """``match`` (see the offers and organizations ranked for it, propose a match):
    coordinators and those who speak for the need — its owner, active members of its
    organization, organizers of its project."""
    if action != "match":
        raise ValueError(f"unknown need action: {action}")
    if may_coordinate_ideas(user):
        return True
    return _signed_in(user) and _need_side(need, user)


def match_sides(*, match: Match, user: Any) -> tuple[bool, bool]:
    """(speaks for the need, speaks for the offer)."""
    if not _signed_in(user):
        return False, False
    return _need_side(match.need, user), _offer_side(match.offer, user)


def match_scope(user: Any, action: str = "view") -> QuerySet[Match]:
    """Coordinators every match; others the ones where they speak for a side."""
    if action != "view":
        raise ValueError(f"unknown match scope action: {action}")
    qs = Match.objects.select_related("need", "offer", "need__owner", "offer__owner")
    if may_coordinate_ideas(user):
        return qs
    if not _signed_in(user):
        return qs.none()
    orgs = user.memberships.filter(is_active=True).values("organization_id")
    return qs.filter(
        Q(need__owner=user)
        | Q(offer__owner=user)
        | Q(need__organization__in=orgs)
        | Q(offer__organization__in=orgs)
        | Q(
            need__project__memberships__user=user,
            need__project__memberships__role=ProjectMember.Role.ORGANIZER,
        )
    ).distinct()


def match_can(
    user: Any, action: str, match: Match, *, sides: tuple[bool, bool] | None = None
) -> bool:
    """``respond``: those who speak for a side. ``see_contacts`` (once both accepted): the
    sides and coordinators. ``sides``: ``match_sides`` when the caller has it already."""
    need_side, offer_side = sides if sides is not None else match_sides(match=match, user=user)
    if action == "respond":
        return need_side or offer_side
    if action == "see_contacts":
        return match.both_accepted and (need_side or offer_side or may_coordinate_ideas(user))
    raise ValueError(f"unknown match action: {action}")


# --- reminders ------------------------------------------------------------------------------

# Kinds of the notices this app sends (besides "idea_ack", the coordinators' deadline).
IDEA_NOTICE = "projects.idea_event"
MATCH_NOTICE = "projects.match"


def reminder_groups() -> dict[str, str]:
    """The group of notices each kind is in, for the person's choice of email or LINE
    (registered from ``AppConfig.ready``)."""
    return {IDEA_NOTICE: "ideas", "idea_ack": "ideas", MATCH_NOTICE: "projects"}
