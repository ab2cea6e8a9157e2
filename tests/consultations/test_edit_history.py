"""Edits after intake (issue 13, decision 0022): who may edit and read the history, what is
kept (field, old → new; household; consent as its own events), bad input, the access log,
bounded queries, and retention reaching the history rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.history import history_page
from consultations.models import AccessLog, ConsentEvent, Consultation, HouseholdMember
from directory.models import Domain
from tests.factories import ConsultationFactory, SheetFactory

pytestmark = pytest.mark.django_db

HC = Consultation.history.model  # type: ignore[attr-defined]
HM = HouseholdMember.history.model  # type: ignore[attr-defined]


def _form_data(c: Consultation, **changes: Any) -> dict[str, Any]:
    """The edit page's form as it comes, with ``changes`` made (``household`` replaces the
    household rows: dicts with member/relation/age/notes/DELETE)."""
    members = list(c.household.all())
    household = changes.pop(
        "household",
        [{"member": m.pk, "relation": m.relation, "age": m.age, "notes": m.notes} for m in members],
    )
    data: dict[str, Any] = {
        "person_name": c.person_name,
        "person_kana": c.person_kana,
        "birth_date": c.birth_date.isoformat() if c.birth_date else "",
        "district": c.district_id or "",
        "phone": c.phone,
        "visitor": c.visitor,
        "visitor_relation": c.visitor_relation,
        "troubles": c.troubles,
        "main_trouble": c.main_trouble,
        "narrative": c.narrative,
        "urgency": c.urgency,
        "household-TOTAL_FORMS": str(len(household)),
        "household-INITIAL_FORMS": str(sum(1 for h in household if h.get("member"))),
        "household-MIN_NUM_FORMS": "0",
        "household-MAX_NUM_FORMS": "10",
    }
    for i, row in enumerate(household):
        for key, value in row.items():
            if key == "DELETE":
                if value:
                    data[f"household-{i}-DELETE"] = "on"
            else:
                data[f"household-{i}-{key}"] = "" if value is None else value
    data.update(changes)
    return data


def _edit_url(c: Consultation) -> str:
    return reverse("consultations:consultation_edit", kwargs={"pk": c.pk})


def _history_url(c: Consultation) -> str:
    return reverse("consultations:consultation_history", kwargs={"pk": c.pk})


# --- who may ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["staff_other", "staff_disability", "city", "admin", "resident"])
def test_edit_and_history_are_404_outside_the_agency(
    users: dict[str, Any], client: Any, who: str
) -> None:
    # staff_disability receives a sheet of this consultation: still not its record.
    c = SheetFactory().consultation
    client.force_login(users[who])
    assert client.get(_edit_url(c)).status_code == 404
    assert client.get(_history_url(c)).status_code == 404
    r = client.post(_edit_url(c), _form_data(c, phone="000-0000-0000"))
    assert r.status_code == 404
    c.refresh_from_db()
    assert c.phone == "042-000-1234"
    assert not HC.objects.filter(id=c.pk, history_change_reason="edit").exists()


def test_the_service_refuses_another_agency(users: dict[str, Any]) -> None:
    c = ConsultationFactory()
    with pytest.raises(PermissionDenied):
        services.consultation_update(
            consultation=c, by=users["staff_other"], data={"phone": "1"}, household=[]
        )
    c.refresh_from_db()
    assert c.phone == "042-000-1234"
    assert c.household.count() == 1


def test_a_closed_consultation_is_not_edited(users: dict[str, Any], client: Any) -> None:
    c = ConsultationFactory()
    services.consultation_close(consultation=c, by=users["staff_elderly"])
    client.force_login(users["staff_elderly"])
    assert client.get(_edit_url(c)).status_code == 403
    assert client.post(_edit_url(c), _form_data(c, phone="1")).status_code == 403
    # The history stays readable.
    assert client.get(_history_url(c)).status_code == 200


# --- what is kept ----------------------------------------------------------------------------


def test_edit_keeps_who_when_and_old_to_new(users: dict[str, Any], client: Any) -> None:
    c = ConsultationFactory()
    member = c.household.get()
    client.force_login(users["staff_elderly"])
    r = client.post(
        _edit_url(c),
        _form_data(
            c,
            phone="042-111-2222",
            troubles=["care", "disability", "withdrawal", "income"],
            household=[
                {"member": member.pk, "relation": "長男", "age": 46, "notes": "ひきこもり"},
                {"relation": "妻", "age": 74, "notes": ""},
            ],
        ),
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    c.refresh_from_db()
    assert c.phone == "042-111-2222"
    assert sorted(m.relation for m in c.household.all()) == ["妻", "長男"]

    page = history_page(c)
    edit = page.object_list[0]
    assert edit.kind == "edit"
    assert edit.by == users["staff_elderly"]
    changes = {str(ch.label): (ch.old, ch.new) for ch in edit.changes}
    assert changes["電話番号"] == ("042-000-1234", "042-111-2222")
    assert changes["困りごと"] == (
        "介護、障がい、ひきこもり",
        "介護、障がい、ひきこもり、収入・仕事",
    )
    assert {(h.action, h.label) for h in edit.household} == {
        ("changed", "長男（46歳）"),
        ("added", "妻（74歳）"),
    }
    changed = next(h for h in edit.household if h.action == "changed")
    assert [(str(ch.label), ch.old, ch.new) for ch in changed.changes] == [("年齢", "45", "46")]
    assert page.object_list[-1].kind == "intake"

    # The change is logged; the page shows it.
    assert AccessLog.objects.filter(
        object_id=c.pk, object_type="consultation", action=AccessLog.Action.UPDATE
    ).exists()
    html = client.get(reverse("consultations:consultation_detail", kwargs={"pk": c.pk})).content
    text = html.decode()
    assert "042-000-1234" in text and "042-111-2222" in text
    assert "世帯員を追加" in text


def test_removing_a_member_is_kept(users: dict[str, Any], client: Any) -> None:
    c = ConsultationFactory()
    member = c.household.get()
    client.force_login(users["staff_elderly"])
    r = client.post(
        _edit_url(c),
        _form_data(
            c,
            household=[
                {
                    "member": member.pk,
                    "relation": "長男",
                    "age": 45,
                    "notes": "ひきこもり",
                    "DELETE": True,
                }
            ],
        ),
    )
    assert r.status_code == 302
    assert not c.household.exists()
    edit = history_page(c).object_list[0]
    assert [(h.action, h.label) for h in edit.household] == [("removed", "長男（45歳）")]


def test_an_edit_that_changes_nothing_writes_nothing(users: dict[str, Any], client: Any) -> None:
    c = ConsultationFactory()
    rows = HC.objects.count(), HM.objects.count()
    client.force_login(users["staff_elderly"])
    assert client.post(_edit_url(c), _form_data(c)).status_code == 302
    assert (HC.objects.count(), HM.objects.count()) == rows


def test_first_edit_of_a_record_without_history_reads_against_it_as_it_was(
    users: dict[str, Any],
) -> None:
    # A record from before history was kept, or from the demo's bulk inserts.
    c = ConsultationFactory()
    HC.objects.filter(id=c.pk).delete()
    HM.objects.all().delete()
    services.consultation_update(
        consultation=c,
        by=users["staff_elderly"],
        data={"person_name": "町田 太朗"},
        household=[],
    )
    entries = history_page(c).object_list
    assert [e.kind for e in entries] == ["edit", "consent"]
    assert [(ch.old, ch.new) for ch in entries[0].changes] == [("町田 太郎", "町田 太朗")]
    assert [(h.action, h.label) for h in entries[0].household] == [("removed", "長男（45歳）")]


# --- bad input -------------------------------------------------------------------------------


def test_bad_input_changes_nothing_and_keeps_no_history(users: dict[str, Any], client: Any) -> None:
    c = ConsultationFactory()
    rows = HC.objects.count(), HM.objects.count(), AccessLog.objects.count()
    client.force_login(users["staff_elderly"])
    r = client.post(
        _edit_url(c),
        _form_data(c, person_name="", phone="042-999-9999", main_trouble="income"),
    )
    assert r.status_code == 200
    assert "このフィールドは必須です" in r.content.decode()
    c.refresh_from_db()
    assert c.phone == "042-000-1234"
    # The form's read is logged only on GET: a refused POST adds no history and no change.
    assert (HC.objects.count(), HM.objects.count()) == rows[:2]
    assert not AccessLog.objects.filter(action=AccessLog.Action.UPDATE, object_id=c.pk).exists()


def test_bad_input_in_english_is_told_in_english(users: dict[str, Any], client: Any) -> None:
    c = ConsultationFactory()
    client.force_login(users["staff_elderly"])
    r = client.post(_edit_url(c), _form_data(c, person_name=""), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 200
    assert "This field is required" in r.content.decode()


def test_service_refuses_a_member_of_another_consultation(users: dict[str, Any]) -> None:
    c = ConsultationFactory()
    other = ConsultationFactory().household.get()
    rows = HC.objects.count(), HM.objects.count()
    with pytest.raises(ValidationError):
        services.consultation_update(
            consultation=c,
            by=users["staff_elderly"],
            data={"phone": "042-999-9999"},
            household=[services.HouseholdRow(relation="父", member_id=other.pk)],
        )
    c.refresh_from_db()
    other.refresh_from_db()
    assert (c.phone, other.relation) == ("042-000-1234", "長男")
    assert (HC.objects.count(), HM.objects.count()) == rows


def test_service_refuses_a_main_trouble_not_ticked(users: dict[str, Any]) -> None:
    c = ConsultationFactory()
    rows = HC.objects.count()
    with pytest.raises(ValidationError):
        services.consultation_update(
            consultation=c,
            by=users["staff_elderly"],
            data={"main_trouble": "debt"},
            household=[],
        )
    assert HC.objects.count() == rows
    assert c.household.count() == 1


# --- consent events --------------------------------------------------------------------------


def _consent(c: Consultation, by: Any, status: str, fields: list[str], **kw: Any) -> None:
    services.consultation_consent_update(
        consultation=c,
        by=by,
        status=status,
        method=Consultation.ConsentMethod.SIGNED if status == "given" else "",
        fields=fields,
        domains=kw.get("domains", list(Domain.objects.filter(code="disability"))),
        agencies=kw.get("agencies", []),
        expires_on=kw.get("expires_on"),
    )


def test_consent_changes_are_their_own_events(users: dict[str, Any]) -> None:
    staff = users["staff_elderly"]
    c = ConsultationFactory()
    field_rows = HC.objects.filter(id=c.pk).count()
    _consent(c, staff, "given", ["name", "troubles", "district", "phone"])  # wider
    _consent(c, staff, "given", ["name", "troubles"])  # narrower
    _consent(c, staff, "given", ["name", "troubles"], expires_on=timezone.localdate())
    _consent(c, staff, "refused", [])
    _consent(c, staff, "given", ["name"])
    events = ConsentEvent.objects.filter(consultation=c).order_by("at", "id")
    kinds = list(events.values_list("kind", flat=True))
    assert kinds == ["given", "renewed", "narrowed", "narrowed", "withdrawn", "given"]
    # Not field diffs: consent writes no field-history row.
    assert HC.objects.filter(id=c.pk).count() == field_rows
    entries = history_page(c).object_list
    assert [e.kind for e in entries] == ["consent"] * 6 + ["intake"]
    assert entries[0].consent is not None and entries[0].consent.fields == ["name"]
    assert entries[0].by == staff


def test_consent_refused_for_another_agency_leaves_no_event(users: dict[str, Any]) -> None:
    c = ConsultationFactory()
    before = ConsentEvent.objects.count()
    with pytest.raises(PermissionDenied):
        _consent(c, users["staff_other"], "refused", [])
    assert ConsentEvent.objects.count() == before


def test_consent_bad_expiry_leaves_no_event(users: dict[str, Any]) -> None:
    c = ConsultationFactory()
    before = ConsentEvent.objects.count()
    with pytest.raises(ValidationError):
        _consent(
            c,
            users["staff_elderly"],
            "given",
            ["name"],
            expires_on=timezone.localdate() - timedelta(days=1),
        )
    assert ConsentEvent.objects.count() == before


# --- reads are logged, queries bounded -------------------------------------------------------


def test_reading_the_history_is_logged(users: dict[str, Any], client: Any) -> None:
    c = ConsultationFactory()
    client.force_login(users["staff_elderly"])
    url = _history_url(c)
    assert client.get(url).status_code == 200
    assert AccessLog.objects.filter(
        object_id=c.pk, action=AccessLog.Action.VIEW, path=url, user=users["staff_elderly"]
    ).exists()
    assert client.get(_edit_url(c)).status_code == 200
    assert AccessLog.objects.filter(object_id=c.pk, path=_edit_url(c)).exists()


def _edits(c: Consultation, by: Any, n: int) -> None:
    for i in range(n):
        services.consultation_update(
            consultation=c,
            by=by,
            data={"phone": f"042-000-{i:04d}", "urgency": "high" if i % 2 else "normal"},
            household=[
                services.HouseholdRow(relation="長男", age=45 + i, notes="", member_id=m.pk)
                for m in c.household.all()
            ]
            + [services.HouseholdRow(relation=f"孫{i}")],
        )
        _consent(c, by, "given", ["name"] if i % 2 else ["name", "troubles"])


def _count(client: Any, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["consultation_detail", "consultation_history"])
def test_query_count_does_not_grow_with_history(
    users: dict[str, Any], client: Any, name: str
) -> None:
    staff = users["staff_elderly"]
    c = ConsultationFactory()
    client.force_login(staff)
    url = reverse(f"consultations:{name}", kwargs={"pk": c.pk})
    _edits(c, staff, 4)
    few = _count(client, url)
    _edits(c, staff, 12)
    assert _count(client, url) == few


def test_history_pages_are_paginated(users: dict[str, Any], client: Any) -> None:
    staff = users["staff_elderly"]
    c = ConsultationFactory()
    _edits(c, staff, 12)  # 24 entries and the intake
    client.force_login(staff)
    first = client.get(_history_url(c))
    assert len(first.context["history_entries"]) == 20
    second = client.get(_history_url(c), {"page": 2})
    assert [e.kind for e in second.context["history_entries"]][-1] == "intake"


# --- the same protection as the case ---------------------------------------------------------


def test_history_in_the_admin_is_metadata_only(users: dict[str, Any], client: Any) -> None:
    """The administrator is not a party to any case (decision 0501): the history and consent
    events are listed like every case model — numbers, kinds and dates, read-only, never a
    value."""
    from machida_portal.admin_metadata import MetadataOnlyAdmin

    c = ConsultationFactory()
    _edits(c, users["staff_elderly"], 1)
    client.force_login(users["admin"])
    for model in (HC, HM, ConsentEvent):
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, MetadataOnlyAdmin)
        assert not {"person_name", "person_kana", "phone", "narrative", "relation", "notes"} & set(
            model_admin.get_fields(None)  # type: ignore[arg-type]
        )
        page = client.get(
            reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        )
        assert page.status_code == 200
        assert "町田 太郎" not in page.content.decode()


def test_anonymisation_reaches_the_history(users: dict[str, Any]) -> None:
    staff = users["staff_elderly"]
    c = ConsultationFactory()
    _edits(c, staff, 2)
    services.consultation_close(consultation=c, by=staff)
    assert HC.objects.filter(id=c.pk, person_name="町田 太郎").exists()
    assert HM.objects.filter(consultation_id=c.pk).exists()
    later = timezone.now() + timedelta(days=31 * 61)
    assert services.consultations_anonymize_closed(now=later) == 1
    kept = HC.objects.filter(id=c.pk)
    assert kept.exists()
    assert set(kept.values_list("person_name", flat=True)) == {"（匿名化済み）"}
    assert set(kept.values_list("phone", flat=True)) == {""}
    assert set(kept.values_list("narrative", flat=True)) == {""}
    assert not kept.exclude(birth_date=None).exists()
    assert not HM.objects.filter(consultation_id=c.pk).exists()
    # Who and when stay, for the statistics and the audit.
    assert kept.filter(history_change_reason="edit", history_user=staff).count() == 2


def test_a_receiver_search_follows_an_edited_name(users: dict[str, Any], client: Any) -> None:
    sheet = SheetFactory()
    services.consultation_update(
        consultation=sheet.consultation,
        by=users["staff_elderly"],
        data={"person_name": "鶴川 花子", "person_kana": "つるかわ はなこ"},
        household=[],
    )
    client.force_login(users["staff_disability"])
    r = client.get(reverse("consultations:inbox"), {"tab": "incoming", "q": "つるかわ"})
    assert [s.pk for s in r.context["page_obj"]] == [sheet.pk]


def test_the_history_reads_in_english(users: dict[str, Any], client: Any) -> None:
    from django.utils import translation

    c = ConsultationFactory()
    member = c.household.get()
    client.force_login(users["staff_elderly"])
    client.post(
        _edit_url(c),
        _form_data(
            c,
            troubles=["care", "disability", "withdrawal", "income"],
            household=[{"member": member.pk, "relation": "長男", "age": 46, "notes": ""}],
        ),
    )
    with translation.override("en"):
        edit = history_page(c).object_list[0]
        troubles = next(ch for ch in edit.changes if str(ch.label) == "Trouble")
        labels = {h.label for h in edit.household}
    assert "、" not in troubles.new and ", " in troubles.new
    assert labels == {"長男 (age 46)"}
