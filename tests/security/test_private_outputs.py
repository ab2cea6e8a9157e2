"""Private stays private in every output (issue 12).

Every output that is not a plain HTML page is rendered for an anonymous visitor and for a
signed-in resident who is party to nothing, and must carry none of the values the pages hide
from them. Where someone may see a value, their copy of the output is checked to hold it, so a
value that is left out for everyone (or written differently) makes a test fail instead of
passing unnoticed.

Inventory of the outputs (urls.py of every app, ``og:`` in templates, every
``reminder_schedule(...)``/``notify(...)``, the notification page):

Files and feeds
- ``future_sessions:session_ics`` ``/sessions/<pk>/session.ics`` — per person: the online link
  only for the registered and those who run the session (``can_see_online_link``).
- ``future_sessions:district_feed`` ``/sessions/feed/<district>.ics`` — subscribed to without
  signing in: never the online link; inactive districts have none.
- ``indicators:export_csv`` ``/indicators/export.csv``, ``indicators:export_standard_csv``
  ``/indicators/open-data/standard.csv`` and ``indicators:export_json``
  ``/indicators/export.json`` (open data, ``Access-Control-Allow-Origin: *``), and the
  ``indicators:open_data`` page — published values only, suppressed district cells left out.
- ``projects:idea_similar`` ``/ideas/similar/?q=`` (JSON while typing a title) — only ideas the
  asker may see: no private idea, no trouble (困りごと), no one else's draft.
- ``future_sessions:meeting_pack`` ``/sessions/visions/<district>/pack/`` (the printable pack
  for the district meeting) — public ideas and public projects only.
- ``healthz`` (JSON) — counts only.
- OpenGraph/Twitter meta tags: only ``templates/projects/project_detail.html`` (title, purpose,
  URL) — a private project is a 404 for outsiders, so its tags are never rendered for them.

Emails and in-portal notifications (each reminder is both, ``reminders.services._deliver``)
- sessions: invitation and its reminder (invitee), registrant reminders (they carry the venue
  or the online link), moved / cancelled / promoted notices (registrants), the outcome reminder
  (organizer), action-owner reminders (district organizations), agenda-idea outcome (authors).
- projects: idea events to the author (or the on-behalf e-mail), acknowledgement reminders to
  coordinators (the idea's title: coordinators see every idea), match proposed / accepted (the
  two sides).
- consultations: sheet sent / deadline / escalation / status to the sender, conference review
  and task deadlines, outreach next contact, hand-offs from outreach and from ideas — never any
  case text (issue 11): no name, phone, narrative or household.
- directory: the yearly "check your listing" mail to the owning organization.
- the notification list ``/notifications/`` shows a user's own notifications only.

Hidden values used below: the online meeting link; a private idea and a trouble ticked
"public" (both hidden from the board); a draft measurement and a suppressed district cell; a
consultation's name, phone and narrative; an inactive resource and an inactive district; a
private project.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.capabilities import can
from accounts.models import User
from directory.models import District, Mode, Resource
from indicators.models import Indicator, Measurement
from projects.models import Idea
from projects.services import idea_create, need_from_idea, project_create
from reminders.models import Notification
from reminders.services import reminders_send_due
from sessions.models import Registration
from sessions.services import (
    invitation_create,
    registration_cancel,
    registration_create,
    session_create,
    session_update,
)
from tests.factories import ConferenceFactory, OutreachFactory, SheetFactory, UserFactory

pytestmark = pytest.mark.django_db

ROOM = "https://meet.example.jp/private-room-7731"
PRIVATE_IDEA = "内緒にしたい秘密基地の計画"
TROUBLE = "隣人との騒音トラブルで眠れない"
TROUBLE_TEXT = "夜中の物音で家族全員が寝不足です。"
PRIVATE_PROJECT = "非公開の見守り準備プロジェクト"
PRIVATE_PURPOSE = "まだ公表しない見守りの準備をする"
PUBLIC_PROJECT = "みんなの花壇プロジェクト"
PUBLIC_IDEA = "公園でラジオ体操をやりたい"
DRAFT_IDEA = "書きかけの古本交換会のアイデア"
PERSON_NAME = "秘密川 花子"
PERSON_PHONE = "042-999-8765"
NARRATIVE = "夫の借金と娘の不登校について誰にも言えずにいる。"
DRAFT_VALUE = Decimal("61.37")
PUBLISHED_VALUE = Decimal("48.25")
SUPPRESSED_VALUE = Decimal("93.41")
INACTIVE_RESOURCE = "閉鎖した子ども食堂ひだまり"


def _client(user: Any | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response: Any) -> str:
    return response.content.decode("utf-8")


@pytest.fixture
def world(role_users: dict[str, Any]) -> dict[str, Any]:
    """Everything that holds a hidden value, and the people around it."""
    coordinator = role_users["coordinator"]
    author = role_users["resident"]
    outsider = UserFactory(email="outsider@example.jp", display_name="無関係な住民")
    tsurukawa = District.objects.get(code="tsurukawa")
    machida = District.objects.get(code="machida-1")

    private_idea = idea_create(
        by=author,
        kind=Idea.Kind.WANT,
        title=PRIVATE_IDEA,
        description="まだ誰にも見せたくない。",
        district=machida,
        is_public=False,
    )
    trouble = idea_create(
        by=author,
        kind=Idea.Kind.TROUBLE,
        title=TROUBLE,
        description=TROUBLE_TEXT,
        district=machida,
        is_public=True,  # ticked, but troubles are never on the board
    )
    public_idea = idea_create(
        by=author,
        kind=Idea.Kind.WANT,
        title=PUBLIC_IDEA,
        description="毎朝みんなで体操をしたい。",
        district=machida,
        is_public=True,
    )
    public_project = project_create(
        title=PUBLIC_PROJECT,
        purpose="駅前の花壇をみんなで手入れする",
        by=coordinator,
        districts=[machida],
        ideas=[private_idea, trouble, public_idea],
    )
    private_project = project_create(
        title=PRIVATE_PROJECT,
        purpose=PRIVATE_PURPOSE,
        by=coordinator,
        districts=[machida],
        is_public=False,
    )

    start = timezone.now() + timedelta(days=10)
    session = session_create(
        by=coordinator,
        title="オンラインで語る地域の未来",
        question="10年後の地域で、オンラインはどう役立つ？",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        mode=Mode.ONLINE,
        venue=None,
        online_url=ROOM,
        capacity=2,
        district=tsurukawa,
        agenda_ideas=[private_idea, trouble, public_idea],
    )
    registered = author
    quitter = UserFactory(email="quitter@example.jp")
    promoted = UserFactory(email="promoted@example.jp")
    waiting = UserFactory(email="waiting@example.jp")
    invitee = UserFactory(email="invitee@example.jp")
    for user in (registered, quitter, promoted, waiting):
        registration_create(session=session, user=user)
    invitation_create(session=session, by=coordinator, user=invitee)
    # Moved an hour later as the edit form enters it (a time in Tokyo), then one registrant
    # cancels: the first on the waiting list moves up, the second stays waiting.
    session_update(
        session=session,
        by=coordinator,
        starts_at=timezone.localtime(start + timedelta(hours=1)),
        ends_at=timezone.localtime(start + timedelta(hours=3)),
    )
    registration_cancel(
        registration=Registration.objects.get(session=session, user=quitter), by=quitter
    )
    assert Registration.objects.get(session=session, user=promoted).status == "registered"
    assert Registration.objects.get(session=session, user=waiting).status == "waiting"

    indicator = Indicator.objects.create(
        code="TEST-private-outputs",
        name_ja="出力テスト用の指標",
        unit="%",
        direction=Indicator.Direction.values[0],
        source=Indicator.Source.values[0],
    )
    now = timezone.now()
    common = {"indicator": indicator, "source": indicator.source, "as_of": now}
    Measurement.objects.create(
        **common, fiscal_year=2023, value=PUBLISHED_VALUE, status="published", published_at=now
    )
    draft = Measurement.objects.create(**common, fiscal_year=2024, value=DRAFT_VALUE)
    suppressed = Measurement.objects.create(
        **common,
        fiscal_year=2023,
        district=machida,
        value=SUPPRESSED_VALUE,
        sample_size=5,
        status="published",
        published_at=now,
    )

    consultation_sheet = SheetFactory()
    consultation = consultation_sheet.consultation
    type(consultation).objects.filter(pk=consultation.pk).update(
        person_name=PERSON_NAME, phone=PERSON_PHONE, narrative=NARRATIVE
    )
    conference = ConferenceFactory(title=f"{PERSON_NAME}さん世帯の支援方針")
    OutreachFactory()

    closed_district = District.objects.create(
        code="closed-district", name_ja="廃止した地区", is_active=False, order=99
    )
    active_resource = Resource.objects.filter(is_active=True).first()
    assert active_resource is not None
    inactive_resource = Resource.objects.create(
        name=INACTIVE_RESOURCE,
        kind=Resource.Kind.DROP_IN,
        organization=active_resource.organization,
        is_active=False,
    )
    return {
        **role_users,
        "author": author,
        "outsider": outsider,
        "registered": registered,
        "quitter": quitter,
        "promoted": promoted,
        "waiting": waiting,
        "invitee": invitee,
        "session": session,
        "private_idea": private_idea,
        "trouble": trouble,
        "public_idea": public_idea,
        "public_project": public_project,
        "private_project": private_project,
        "draft": draft,
        "suppressed": suppressed,
        "conference": conference,
        "closed_district": closed_district,
        "inactive_resource": inactive_resource,
        "active_resource": active_resource,
        "machida": machida,
        "tsurukawa": tsurukawa,
    }


def _outsiders(world: dict[str, Any]) -> list[tuple[str, Client]]:
    return [("anonymous", _client(None)), ("outsider", _client(world["outsider"]))]


HIDDEN_FROM_EVERY_OUTSIDER = (
    ROOM,
    "private-room-7731",
    PRIVATE_IDEA,
    TROUBLE,
    TROUBLE_TEXT,
    PRIVATE_PROJECT,
    PRIVATE_PURPOSE,
    PERSON_NAME,
    PERSON_PHONE,
    NARRATIVE,
    str(DRAFT_VALUE),
    str(SUPPRESSED_VALUE),
    INACTIVE_RESOURCE,
)


def _assert_hides_everything(who: str, what: str, body: str) -> None:
    for secret in HIDDEN_FROM_EVERY_OUTSIDER:
        assert secret not in body, f"{what} shows {secret!r} to {who}"


# --- calendars ------------------------------------------------------------------------------


def _session_ics(client: Client, session: Any) -> str:
    response = client.get(reverse("future_sessions:session_ics", kwargs={"pk": session.pk}))
    assert response.status_code == 200
    # Folded iCalendar lines are unfolded first, so a long link split across lines is found.
    return _text(response).replace("\r\n ", "")


def test_session_ics_shows_the_link_only_to_those_the_page_shows_it_to(
    world: dict[str, Any],
) -> None:
    session = world["session"]
    for who, client in _outsiders(world):
        for _twice in range(2):  # the second from the anonymous page cache
            _assert_hides_everything(who, "session.ics", _session_ics(client, session))
    for who in ("quitter", "waiting", "invitee"):
        body = _session_ics(_client(world[who]), session)
        assert ROOM not in body, f"session.ics shows the link to {who}"
    for who in ("registered", "promoted", "coordinator"):
        assert ROOM in _session_ics(_client(world[who]), session), who


def test_district_feeds_carry_no_hidden_value_and_closed_districts_have_none(
    world: dict[str, Any],
) -> None:
    session = world["session"]
    codes = list(District.objects.filter(is_active=True).values_list("code", flat=True))
    for who, client in [*_outsiders(world), ("registered", _client(world["registered"]))]:
        for code in codes:
            response = client.get(reverse("future_sessions:district_feed", kwargs={"code": code}))
            assert response.status_code == 200
            body = _text(response).replace("\r\n ", "")
            _assert_hides_everything(who, f"the {code} feed", body)
            if code == "tsurukawa":
                assert session.title in body
        closed = reverse(
            "future_sessions:district_feed", kwargs={"code": world["closed_district"].code}
        )
        assert client.get(closed).status_code == 404


# --- open data ------------------------------------------------------------------------------


def _open_data(client: Client) -> dict[str, str]:
    csv_response = client.get(reverse("indicators:export_csv"))
    standard_response = client.get(reverse("indicators:export_standard_csv"))
    json_response = client.get(reverse("indicators:export_json"))
    page = client.get(reverse("indicators:open_data"))
    assert csv_response.status_code == json_response.status_code == page.status_code == 200
    assert standard_response.status_code == 200
    rows = json.loads(json_response.content)["rows"]
    return {
        "export.csv": csv_response.content.decode("utf-8-sig"),
        "standard.csv": standard_response.content.decode("utf-8-sig"),
        "export.json": json.dumps(rows, ensure_ascii=False),
        "open data page": _text(page),
    }


def test_open_data_holds_published_values_only(world: dict[str, Any]) -> None:
    for who, client in _outsiders(world):
        for what, body in _open_data(client).items():
            _assert_hides_everything(who, what, body)
            if what != "open data page":
                assert str(PUBLISHED_VALUE) in body, what
    # The same values, once published and with enough respondents, are in every export.
    Measurement.objects.filter(pk=world["draft"].pk).update(
        status="published", published_at=timezone.now()
    )
    Measurement.objects.filter(pk=world["suppressed"].pk).update(sample_size=500)
    for what, body in _open_data(_client(None)).items():
        if what != "open data page":
            assert str(DRAFT_VALUE) in body, what
            assert str(SUPPRESSED_VALUE) in body, what


# --- ideas, projects, the meeting pack -------------------------------------------------------


def _similar(client: Client, text: str) -> str:
    response = client.get(reverse("projects:idea_similar"), {"q": text})
    assert response.status_code == 200
    return json.dumps(response.json(), ensure_ascii=False)


def test_similar_ideas_json_suggests_only_what_the_asker_may_see(world: dict[str, Any]) -> None:
    for who, client in _outsiders(world):
        for text in (PRIVATE_IDEA, TROUBLE, PUBLIC_IDEA):
            _assert_hides_everything(who, "similar ideas", _similar(client, text))
        assert PUBLIC_IDEA in _similar(client, PUBLIC_IDEA)
    author = _client(world["author"])
    assert PRIVATE_IDEA in _similar(author, PRIVATE_IDEA)
    assert TROUBLE in _similar(author, TROUBLE)


def _og(html: str) -> str:
    return "\n".join(re.findall(r'<meta (?:property|name)="(?:og|twitter):[^>]*>', html))


def test_opengraph_tags_only_for_projects_the_visitor_may_see(world: dict[str, Any]) -> None:
    public = reverse("projects:project_detail", kwargs={"pk": world["public_project"].pk})
    private = reverse("projects:project_detail", kwargs={"pk": world["private_project"].pk})
    for who, client in _outsiders(world):
        response = client.get(public)
        assert response.status_code == 200
        tags = _og(_text(response))
        assert PUBLIC_PROJECT in tags
        # The page itself lists the ideas it came from, only those the visitor may see.
        _assert_hides_everything(who, "the project page", _text(response))
        assert PUBLIC_IDEA in _text(response)
        assert client.get(private).status_code == 404
    staff = _client(world["coordinator"])
    assert PRIVATE_PROJECT in _og(_text(staff.get(private)))


def test_meeting_pack_holds_public_ideas_and_projects_only(world: dict[str, Any]) -> None:
    url = reverse("future_sessions:meeting_pack", kwargs={"code": world["machida"].code})
    for who, client in _outsiders(world):
        response = client.get(url)
        assert response.status_code == 200
        body = _text(response)
        _assert_hides_everything(who, "the meeting pack", body)
        assert PUBLIC_IDEA in body and PUBLIC_PROJECT in body


def test_needs_made_from_hidden_ideas_stay_hidden(world: dict[str, Any]) -> None:
    """A need made from an idea is public only when the idea is on the board: a trouble ticked
    "public" is never there, so neither is the need that carries its title and text."""
    coordinator = world["coordinator"]
    draft = idea_create(
        by=world["author"],
        kind=Idea.Kind.WANT,
        title=DRAFT_IDEA,
        description="まだ書きかけです。",
        is_public=True,  # ticked, but a draft is the author's alone until it is sent
        draft=True,
    )
    needs = [
        need_from_idea(idea=idea, by=coordinator)
        for idea in (world["private_idea"], world["trouble"], draft, world["public_idea"])
    ]
    for who, client in _outsiders(world):
        body = _text(client.get(reverse("projects:need_list")))
        _assert_hides_everything(who, "the need list", body)
        assert PUBLIC_IDEA in body
        assert DRAFT_IDEA not in body
        for need in needs[:3]:
            url = reverse("projects:need_detail", kwargs={"pk": need.pk})
            assert client.get(url).status_code == 404, f"{need.title} for {who}"
    author = _client(world["author"])
    for need in needs:
        url = reverse("projects:need_detail", kwargs={"pk": need.pk})
        assert author.get(url).status_code == 200


def test_inactive_resources_are_in_no_directory_output(world: dict[str, Any]) -> None:
    inactive = reverse("directory:resource_detail", kwargs={"pk": world["inactive_resource"].pk})
    active = world["active_resource"]
    for who, client in _outsiders(world):
        assert client.get(inactive).status_code == 404
        # Searched by a word of its name (the search box repeats the query itself).
        body = _text(client.get(reverse("directory:resource_list"), {"q": "ひだまり"}))
        _assert_hides_everything(who, "the resource list", body)
        page = client.get(reverse("directory:resource_detail", kwargs={"pk": active.pk}))
        assert active.name in _text(page)


def test_healthz_reports_counts_only(world: dict[str, Any]) -> None:
    reminders_send_due(now=timezone.now() + timedelta(days=60))
    for who, client in _outsiders(world):
        _assert_hides_everything(who, "healthz", _text(client.get(reverse("healthz"))))


# --- emails and notifications ----------------------------------------------------------------


def _everything_sent(world: dict[str, Any]) -> None:
    mail.outbox = []
    # Every reminder due by then: the registrants' (before the session), the organizer's
    # (after it), invitations, acknowledgements, sheet deadlines, conference dates.
    reminders_send_due(now=world["session"].ends_at + timedelta(days=60), time_budget=120)


def test_emails_and_notifications_reach_only_those_who_may_see_what_they_say(
    world: dict[str, Any],
) -> None:
    _everything_sent(world)
    assert mail.outbox, "nothing was sent: the test would prove nothing"
    session = world["session"]
    registered = set(
        Registration.objects.filter(session=session, status="registered").values_list(
            "user__email", flat=True
        )
    )
    link_to: set[str] = set()
    for message in mail.outbox:
        # The calendar objects attached (METHOD:REQUEST / CANCEL) are read as well.
        attached = "".join(
            # unfolded: a link folded over two lines is still found
            str(part.get_payload(decode=True), "utf-8").replace("\r\n ", "")
            for part in message.message().walk()
            if part.get_content_type() == "text/calendar"
        )
        text = f"{message.subject}\n{message.body}\n{attached}"
        for secret in (PERSON_NAME, PERSON_PHONE, NARRATIVE, str(DRAFT_VALUE), PRIVATE_PURPOSE):
            assert secret not in text, f"a mail to {message.to} carries {secret!r}"
        for address in message.to:
            user = User.objects.filter(email=address).first()
            if ROOM in text:
                link_to.add(address)
                # The session page's rule: registered (not waiting), or running the session.
                assert address in registered or (
                    user is not None and (user == session.organizer or can(user, "sessions.manage"))
                ), f"the online link mailed to {address}"
            for secret in (PRIVATE_IDEA, TROUBLE, TROUBLE_TEXT):
                if secret in text:
                    assert user is not None and (
                        user == world["author"] or can(user, "ideas.coordinate")
                    ), f"{secret!r} mailed to {address}"
    # The registrants (the one moved up included) do get it: the check above can fail.
    assert {world["registered"].email, world["promoted"].email} <= link_to


def test_notification_pages_show_nobody_what_their_pages_hide(world: dict[str, Any]) -> None:
    _everything_sent(world)
    url = reverse("reminders:notification_list")
    for who in ("outsider", "quitter", "waiting", "invitee"):
        user = world[who]
        stored = " ".join(
            f"{n.subject} {n.body} {n.url}" for n in Notification.objects.filter(recipient=user)
        )
        page = _text(_client(user).get(url))
        for body in (stored, page):
            _assert_hides_everything(who, "their notifications", body)
    assert not Notification.objects.filter(recipient=world["outsider"]).exists()
    # The registrant's own notifications do hold the link: the checks above can fail.
    assert ROOM in " ".join(
        Notification.objects.filter(recipient=world["registered"]).values_list("body", flat=True)
    )
