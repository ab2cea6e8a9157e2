"""Demo case work: a few dozen cases in every state (small) or benchmark volume (large).

The rows are written directly (bulk inserts, with their history rows) rather than through the
services, so that seeding sends no reminders and stays fast. Running it again first clears
this app's tables, so two runs leave the same data.
"""

from __future__ import annotations

import random
import time
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from directory.models import District, Domain, Organization
from directory.search import search_document
from machida_portal.history import stamp

from .deadlines import deadline_for
from .models import (
    AccessLog,
    Conference,
    ConferenceTask,
    ConsentEvent,
    Consultation,
    HouseholdMember,
    OutreachAttempt,
    OutreachCase,
    SharedField,
    SheetStatus,
    SheetTransition,
    Trouble,
    TsunaguSheet,
    UnmetNeed,
)
from .policies import consent_event_write

S = SheetStatus
# Kana of the consultations just created, for the sheets' search documents (the demo shares
# the name with every receiver).
kana: dict[int, str] = {}
# The consultations just created with a consent: their sheets go out on it (the receiver is
# added to the consent's agencies); the others' sheets go out on a support-meeting decision.
# Either way the receiver may read a demo sheet, as the live-consent rule requires.
consented: set[int] = set()
AGENCY_KEYS = ["elderly", "disability", "children", "livelihood", "health"]
FAMILY = [
    "山田",
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山口",
]
FAMILY_KANA = [
    "やまだ",
    "さとう",
    "すずき",
    "たかはし",
    "たなか",
    "いとう",
    "わたなべ",
    "なかむら",
    "こばやし",
    "かとう",
    "よしだ",
    "やまぐち",
]
GIVEN = ["花子", "太郎", "美咲", "健", "直子", "誠", "さくら", "大輔", "一郎", "陽子"]
GIVEN_KANA = [
    "はなこ",
    "たろう",
    "みさき",
    "けん",
    "なおこ",
    "まこと",
    "さくら",
    "だいすけ",
    "いちろう",
    "ようこ",
]
NARRATIVES = [
    "家賃の支払いが遅れていて、この先の暮らしが不安。",
    "親の介護で仕事を休みがち。相談できる人がいない。",
    "子どもが学校に行けず、家にこもっている。",
    "物忘れが増え、一人暮らしが心配と近所の人から。",
    "仕事を失い、食べるものにも困っている。",
    "気分が落ち込み、眠れない日が続いている。",
]
# Paths through the state machine, ending in each state at least once.
PATHS: list[list[str]] = [
    [],
    [S.SENT],
    [S.SENT, S.RECEIVED],
    [S.SENT, S.DECLINED],
    [S.SENT, S.RECEIVED, S.FIRST_CONTACT],
    [S.SENT, S.RECEIVED, S.FIRST_CONTACT, S.SUPPORTING],
    [S.SENT, S.RECEIVED, S.FIRST_CONTACT, S.SUPPORTING, S.COMPLETED],
    [S.SENT, S.RECEIVED, S.RETURNED],
    [S.SENT, S.WITHDRAWN],
]
NOTES: dict[str, str] = {
    S.DECLINED: "対象の地区外のため、担当の窓口をご案内ください。",
    S.RETURNED: "本人の希望で、引き続き送った機関での支援となりました。",
    S.FIRST_CONTACT: "本人と電話で話し、来週訪問することになりました。",
    S.SUPPORTING: "訪問し、支援計画をつくり始めました。",
    S.COMPLETED: "サービスの利用につながり、支援を終えました。",
}


def _clear() -> None:
    # Leaf tables first; raw DELETEs because the ORM's cascade would load every row.
    models: list[Any] = [
        AccessLog,
        SheetTransition,
        TsunaguSheet,
        HouseholdMember,
        ConferenceTask,
        UnmetNeed,
        Conference.participants.through,
        Conference.consultations.through,
        Conference,
        OutreachAttempt,
        OutreachCase,
        Consultation.consent_domains.through,
        Consultation.consent_agencies.through,
        ConsentEvent.domains.through,
        ConsentEvent.agencies.through,
        ConsentEvent,
        HouseholdMember.history.model,  # type: ignore[attr-defined]
        Consultation.history.model,  # type: ignore[attr-defined]
        Consultation,
    ]
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            # Table names come from our own models, never from input.
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608  # nosec B608


def seed(ctx: Any) -> None:
    started = time.monotonic()
    _clear()
    rng = ctx.rng("consultations")
    staff = {
        "elderly": ctx.users["staff.elderly@example.jp"],
        "disability": ctx.users["staff.disability@example.jp"],
    }
    agencies = {k: ctx.orgs[k] for k in AGENCY_KEYS}
    districts = list(District.objects.all())
    now = timezone.now()
    _seed_plan_example(ctx, agencies, staff, now)
    n_cases = 200_000 if ctx.large else 36
    n_sheets = 100_000 if ctx.large else 45
    n_conferences = 5_000 if ctx.large else 4
    n_outreach = 10_000 if ctx.large else 8
    consultation_ids = _bulk_consultations(rng, agencies, staff, districts, now, n_cases)
    _bulk_sheets(rng, agencies, staff, consultation_ids, now, n_sheets)
    _bulk_conferences(rng, ctx, agencies, staff, consultation_ids, now, n_conferences)
    _bulk_outreach(rng, ctx, districts, now, n_outreach)
    ctx.out.write(
        f"    {Consultation.objects.count()} consultations, {TsunaguSheet.objects.count()} "
        f"sheets, {Conference.objects.count()} conferences, {OutreachCase.objects.count()} "
        f"outreach cases in {time.monotonic() - started:.1f} s"
    )


def _seed_plan_example(
    ctx: Any, agencies: dict[str, Organization], staff: dict[str, Any], now: datetime
) -> None:
    """The plan's own example: an older person asks the elderly-care agency about their own
    care and their adult son's disability and withdrawal; sheets go to the disability agency
    (contacted, reporting back) and the mental-health counter (just received)."""
    c = Consultation(
        agency=agencies["elderly"],
        created_by=staff["elderly"],
        person_name="山本 キヨ",
        person_kana="やまもと きよ",
        birth_date=date(1943, 2, 11),
        district=District.objects.get(code="machida-1"),
        phone="042-700-0001",
        visitor=Consultation.Visitor.SELF,
        troubles=[Trouble.CARE, Trouble.DISABILITY, Trouble.WITHDRAWAL],
        main_trouble=Trouble.CARE,
        narrative=(
            "膝が悪くなり家事が難しくなってきた。同居の長男（50歳）は精神障がいがあり、"
            "10年ほど家からほとんど出ていない。自分がいなくなった後の長男が心配。"
        ),
        urgency="high",
        consent_status=Consultation.ConsentStatus.GIVEN,
        consent_method=Consultation.ConsentMethod.SIGNED,
        consent_taken_by=staff["elderly"],
        consent_taken_at=now - timedelta(days=6),
        consent_fields=[
            SharedField.NAME,
            SharedField.DISTRICT,
            SharedField.PHONE,
            SharedField.HOUSEHOLD,
            SharedField.TROUBLES,
        ],
        consent_expires_on=(now + timedelta(days=365)).date(),
        created_at=now - timedelta(days=6),
    )
    c.search_document = search_document(c.person_name, c.person_kana, c.narrative)
    # Its history starts at intake, by the staff member who took it (decision 0022).
    stamp(c, by=staff["elderly"], at=c.created_at, reason="intake")
    c.save()
    domains = list(Domain.objects.filter(code__in=["disability", "health"]))
    consent_agencies = [agencies["disability"], agencies["health"]]
    c.consent_domains.set(domains)
    c.consent_agencies.set(consent_agencies)
    son = HouseholdMember(consultation=c, relation="長男", age=50, notes="精神障がい、ひきこもり")
    stamp(son, by=staff["elderly"], at=c.created_at, reason="intake")
    son.save()
    consent_event_write(
        c,
        Consultation.ConsentStatus.PENDING,
        Consultation.ConsentStatus.GIVEN,
        by=staff["elderly"],
        kind=ConsentEvent.Kind.GIVEN,
        domains=domains,
        agencies=consent_agencies,
        at=c.created_at,
    )
    plan: list[tuple[Organization, list[str], str]] = [
        (
            agencies["disability"],
            [S.SENT, S.RECEIVED, S.FIRST_CONTACT],
            "長男の障がいとひきこもりについて、本人と家族への支援をお願いします。",
        ),
        (
            agencies["health"],
            [S.SENT, S.RECEIVED],
            "長男のこころの健康について、保健師の訪問を相談したい。",
        ),
    ]
    for receiver, path, reason in plan:
        sheet = TsunaguSheet(
            consultation=c,
            sender=agencies["elderly"],
            receiver=receiver,
            created_by=staff["elderly"],
            reason=reason,
            shared_fields=[SharedField.NAME, SharedField.HOUSEHOLD, SharedField.TROUBLES],
            urgency="high",
            preferred_contact=TsunaguSheet.ContactMethod.PHONE,
            contact_times="平日の午前",
            created_at=now - timedelta(days=5),
        )
        receiver_user = staff["disability"] if receiver == agencies["disability"] else None
        history = _walk(sheet, path, now - timedelta(days=5), receiver_user)
        sheet.search_document = search_document(reason, c.person_name, c.person_kana)
        sheet.save()
        for h in history:
            h.sheet = sheet
        SheetTransition.objects.bulk_create(history)


def _walk(sheet: TsunaguSheet, path: list[str], start: datetime, receiver_user: Any) -> list[Any]:
    """Move a sheet along ``path`` in memory, returning its history rows."""
    history = []
    at = start
    frm: str = S.DRAFT
    for to in path:
        at = at + timedelta(hours=8)
        if to == S.SENT:
            sheet.sent_at = at
            sheet.deadline_at = deadline_for(at, sheet.urgency)
        elif to == S.RECEIVED:
            sheet.received_at = at
        elif to == S.DECLINED:
            sheet.decline_reason = NOTES[S.DECLINED]
        elif to == S.RETURNED:
            sheet.return_reason = NOTES[S.RETURNED]
        elif to == S.FIRST_CONTACT:
            sheet.first_contact_on = timezone.localtime(at).date()
            sheet.first_contact_method = TsunaguSheet.ContactMethod.PHONE
            sent_day = timezone.localtime(sheet.sent_at).date() if sheet.sent_at else None
            sheet.days_to_first_contact = (
                (sheet.first_contact_on - sent_day).days if sent_day else 0
            )
        if to in (S.FIRST_CONTACT, S.SUPPORTING, S.COMPLETED):
            sheet.report_back = NOTES[to]
        by_receiver = to not in (S.SENT, S.WITHDRAWN)
        history.append(
            SheetTransition(
                from_status=frm,
                to_status=to,
                by=receiver_user if by_receiver else sheet.created_by,
                agency_id=sheet.receiver_id if by_receiver else sheet.sender_id,
                note=NOTES.get(to, ""),
                at=at,
            )
        )
        frm = to
    sheet.status = frm
    sheet.updated_at = at
    return history


def _bulk_consultations(
    rng: random.Random,
    agencies: dict[str, Organization],
    staff: dict[str, Any],
    districts: list[District],
    now: datetime,
    n: int,
) -> list[tuple[int, int]]:
    troubles = Trouble.values
    batch: list[Consultation] = []
    ids: list[tuple[int, int]] = []
    kana.clear()
    consented.clear()
    keys = list(agencies)
    for i in range(n):
        key = keys[i % len(keys)]
        f = rng.randrange(len(FAMILY))
        g = rng.randrange(len(GIVEN))
        chosen = rng.sample(troubles, rng.randint(1, 3))
        narrative = rng.choice(NARRATIVES)
        closed = rng.random() < 0.2
        created = now - timedelta(days=rng.randint(0, 700), minutes=rng.randint(0, 1440))
        consent = rng.random() < 0.8
        c = Consultation(
            agency=agencies[key],
            created_by=staff.get(key),
            person_name=f"{FAMILY[f]} {GIVEN[g]}",
            person_kana=f"{FAMILY_KANA[f]} {GIVEN_KANA[g]}",
            birth_date=date(1935 + rng.randint(0, 70), rng.randint(1, 12), rng.randint(1, 28)),
            district=rng.choice(districts),
            phone=f"042-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}",
            troubles=chosen,
            main_trouble=chosen[0],
            narrative=narrative,
            urgency=rng.choice(["urgent", "high", "normal", "normal", "normal"]),
            consent_status="given" if consent else rng.choice(["refused", "pending"]),
            consent_method="signed" if consent else "",
            consent_taken_at=created if consent else None,
            consent_fields=[SharedField.NAME, SharedField.TROUBLES, SharedField.DISTRICT]
            if consent
            else [],
            status="closed" if closed else "open",
            closed_at=created + timedelta(days=30) if closed else None,
            created_at=created,
        )
        c.search_document = search_document(c.person_name, c.person_kana, narrative)
        batch.append(c)
        if len(batch) >= 5000:
            _keep(batch, ids)
            batch = []
    if batch:
        _keep(batch, ids)
    return ids


def _keep(batch: list[Consultation], ids: list[tuple[int, int]]) -> None:
    ids += [(o.pk, o.agency_id) for o in Consultation.objects.bulk_create(batch)]
    kana.update((o.pk, o.person_kana) for o in batch)
    consented.update(o.pk for o in batch if o.consent_status == Consultation.ConsentStatus.GIVEN)


def _bulk_sheets(
    rng: random.Random,
    agencies: dict[str, Organization],
    staff: dict[str, Any],
    consultation_ids: list[tuple[int, int]],
    now: datetime,
    n: int,
) -> None:
    by_agency = {a.pk: a for a in agencies.values()}
    # Names for the sheets' search documents without reloading 200,000 consultations.
    names = kana
    sheets: list[TsunaguSheet] = []
    histories: list[list[SheetTransition]] = []
    covered: set[tuple[int, int]] = set()

    def flush() -> None:
        through = Consultation.consent_agencies.through
        through.objects.bulk_create(
            [through(consultation_id=c, organization_id=o) for c, o in covered],
            ignore_conflicts=True,
        )
        covered.clear()
        created = TsunaguSheet.objects.bulk_create(sheets)
        rows = []
        for sheet, history in zip(created, histories, strict=True):
            for h in history:
                h.sheet_id = sheet.pk
                rows.append(h)
        SheetTransition.objects.bulk_create(rows, batch_size=5000)
        sheets.clear()
        histories.clear()

    for i in range(n):
        consultation_id, sender_id = consultation_ids[i % len(consultation_ids)]
        receiver = rng.choice([a for a in agencies.values() if a.pk != sender_id])
        sender = by_agency[sender_id]
        path = PATHS[i % len(PATHS)] if i < 3 * len(PATHS) else rng.choice(PATHS)
        sheet = TsunaguSheet(
            consultation_id=consultation_id,
            sender=sender,
            receiver=receiver,
            created_by=staff.get(next(k for k, a in agencies.items() if a.pk == sender_id)),
            reason="他分野の支援が必要なため、つなぎます。",
            shared_fields=[SharedField.NAME, SharedField.TROUBLES],
            urgency=rng.choice(["urgent", "high", "normal", "normal"]),
            created_at=now - timedelta(days=rng.randint(1, 600)),
        )
        if consultation_id in consented:
            covered.add((consultation_id, receiver.pk))
        else:
            sheet.legal_basis = TsunaguSheet.LegalBasis.SUPPORT_MEETING
            sheet.support_meeting_note = "支援会議で共有を決定（デモ）"
        receiver_user = staff.get(next(k for k, a in agencies.items() if a.pk == receiver.pk))
        history = _walk(sheet, path, sheet.created_at, receiver_user)
        sheet.search_document = search_document(sheet.reason, names.get(consultation_id, ""))
        sheets.append(sheet)
        histories.append(history)
        if len(sheets) >= 5000:
            flush()
    if sheets:
        flush()


def _bulk_conferences(
    rng: random.Random,
    ctx: Any,
    agencies: dict[str, Organization],
    staff: dict[str, Any],
    consultation_ids: list[tuple[int, int]],
    now: datetime,
    n: int,
) -> None:
    extra = [ctx.orgs["hospital"], ctx.orgs["npo"]]
    convenors = list(agencies.values())
    conferences = []
    for i in range(n):
        convener = convenors[i % len(convenors)]
        decided = rng.random() < 0.7
        conferences.append(
            Conference(
                convened_by=convener,
                created_by=staff.get(next(k for k, a in agencies.items() if a.pk == convener.pk)),
                title=f"多機関協働会議 {i + 1}",
                held_on=(now - timedelta(days=rng.randint(0, 500))).date(),
                legal_basis=rng.choice(["layered", "support_meeting"]),
                agenda="複数の課題を抱える世帯の支援の役割分担",
                assessment="介護・障がい・生活の課題が重なっている" if decided else "",
                direction="各機関が役割を分担して継続支援" if decided else "",
                decision=rng.choice(["continue", "close", "suspend"]) if decided else "",
                next_review_on=(now + timedelta(days=rng.randint(7, 90))).date(),
            )
        )
    created = Conference.objects.bulk_create(conferences, batch_size=5000)
    Participant = Conference.participants.through
    Case = Conference.consultations.through
    participants = []
    cases = []
    tasks = []
    needs = []
    domains = list(Domain.objects.all())
    by_agency: dict[int, list[int]] = {}
    for cid, aid in consultation_ids[:50_000]:
        by_agency.setdefault(aid, []).append(cid)
    for conf in created:
        others = rng.sample([a for a in convenors if a.pk != conf.convened_by_id], 2)
        members = [conf.convened_by_id, *[o.pk for o in others], rng.choice(extra).pk]
        participants += [Participant(conference_id=conf.pk, organization_id=m) for m in members]
        cases.append(
            Case(conference_id=conf.pk, consultation_id=rng.choice(by_agency[conf.convened_by_id]))
        )
        tasks.append(
            ConferenceTask(
                conference_id=conf.pk,
                organization_id=members[1],
                description="訪問して状況を確認する",
                due_on=conf.held_on + timedelta(days=14),
            )
        )
        if rng.random() < 0.3:
            needs.append(
                UnmetNeed(
                    conference_id=conf.pk,
                    domain=rng.choice(domains),
                    description=rng.choice(
                        ["夜間に話せる居場所", "ひきこもりの人の通える場", "送迎つきの買い物支援"]
                    ),
                )
            )
    Participant.objects.bulk_create(participants, batch_size=5000)
    Case.objects.bulk_create(cases, batch_size=5000)
    ConferenceTask.objects.bulk_create(tasks, batch_size=5000)
    UnmetNeed.objects.bulk_create(needs, batch_size=5000)


def _bulk_outreach(
    rng: random.Random, ctx: Any, districts: list[District], now: datetime, n: int
) -> None:
    cwc = ctx.users["cwc@example.jp"]
    shakyo = ctx.orgs["shakyo"]
    cases = []
    for i in range(n):
        created = now - timedelta(days=rng.randint(0, 300))
        rhythm = rng.choice([7, 14, 30])
        cases.append(
            OutreachCase(
                organization=shakyo,
                created_by=cwc,
                district=rng.choice(districts),
                household_tag=f"{rng.randint(1, 5)}丁目 見守り世帯 {i + 1}",
                source=rng.choice(OutreachCase.Source.values),
                rhythm_days=rhythm,
                next_contact_on=(now + timedelta(days=rng.randint(-5, rhythm))).date(),
                created_at=created,
            )
        )
    created_cases = OutreachCase.objects.bulk_create(cases, batch_size=5000)
    attempts = []
    for case in created_cases:
        for k in range(rng.randint(0, 3)):
            attempts.append(
                OutreachAttempt(
                    case_id=case.pk,
                    on=(case.created_at + timedelta(days=7 * (k + 1))).date(),
                    method=rng.choice(OutreachAttempt.Method.values),
                    reached=rng.random() < 0.4,
                    note="ポストに手紙を入れた" if k == 0 else "",
                    by=cwc,
                )
            )
    OutreachAttempt.objects.bulk_create(attempts, batch_size=5000)
