from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from projects.models import Idea, Project, ProjectActivity, ProjectMember
from projects.services import project_activity_add, project_join
from reminders.models import Reminder
from tests.factories import IdeaFactory, ProjectFactory

pytestmark = pytest.mark.django_db


def test_coordinator_turns_an_idea_into_a_project(
    client: Any, role_users: Any, district: Any, theme: Any
) -> None:
    idea = IdeaFactory(district=district, themes=[theme])
    client.force_login(role_users["coordinator"])
    form = client.get(reverse("projects:project_create") + f"?ideas={idea.pk}")
    assert idea.title in form.content.decode()
    response = client.post(
        reverse("projects:project_create") + f"?ideas={idea.pk}",
        {
            "title": "朝の公園体操プロジェクト",
            "purpose": "多世代で体を動かす",
            "districts": [district.pk],
            "themes": [theme.pk],
            "status": "active",
            "start_date": "2026-05-01",
            "is_public": "on",
        },
    )
    project = Project.objects.get()
    assert response["Location"] == reverse("projects:project_detail", kwargs={"pk": project.pk})
    idea.refresh_from_db()
    assert idea.status == Idea.Status.PROJECT
    assert list(project.ideas.all()) == [idea]
    assert Reminder.objects.filter(
        recipient=role_users["resident"], subject__contains="プロジェクトになりました"
    ).exists()


def test_transition_to_project_goes_to_the_prefilled_form(client: Any, role_users: Any) -> None:
    idea = IdeaFactory()
    client.force_login(role_users["coordinator"])
    response = client.post(
        reverse("projects:idea_transition", kwargs={"pk": idea.pk}), {"to": "project"}
    )
    assert response["Location"] == reverse("projects:project_create") + f"?ideas={idea.pk}"


def test_end_before_start_is_refused(client: Any, role_users: Any) -> None:
    client.force_login(role_users["coordinator"])
    response = client.post(
        reverse("projects:project_create"),
        {
            "title": "t",
            "purpose": "p",
            "status": "active",
            "start_date": "2026-05-01",
            "end_date": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert Project.objects.count() == 0
    assert "終了日は開始日より後" in response.content.decode()


def test_public_project_page_has_opengraph_tags_and_a_join_button(
    client: Any, role_users: Any
) -> None:
    project = ProjectFactory(title="川をきれいに", purpose="清掃活動", by=role_users["coordinator"])
    url = reverse("projects:project_detail", kwargs={"pk": project.pk})
    page = client.get(url).content.decode()
    assert '<meta property="og:title" content="川をきれいに">' in page
    client.force_login(role_users["resident"])
    client.post(reverse("projects:project_join", kwargs={"pk": project.pk}))
    client.post(reverse("projects:project_join", kwargs={"pk": project.pk}))
    assert ProjectMember.objects.filter(project=project).count() == 1


def test_private_project_is_404_for_residents(client: Any, role_users: Any) -> None:
    project = ProjectFactory(
        title="内部", purpose="p", by=role_users["coordinator"], is_public=False
    )
    client.force_login(role_users["resident"])
    url = reverse("projects:project_detail", kwargs={"pk": project.pk})
    assert client.get(url).status_code == 404


def test_only_organizers_and_coordinators_log_activities(client: Any, role_users: Any) -> None:
    project = ProjectFactory(
        title="食堂", purpose="p", by=role_users["coordinator"], lead_user=role_users["member"]
    )
    url = reverse("projects:project_activity", kwargs={"pk": project.pk})
    client.force_login(role_users["resident"])
    assert client.post(url, {"date": "2026-05-01", "text": "x"}).status_code == 403
    client.force_login(role_users["member"])
    client.post(url, {"date": "2026-05-01", "text": "第1回を開きました"})
    assert ProjectActivity.objects.filter(project=project).count() == 1


def test_project_join_is_idempotent(role_users: Any) -> None:
    project = ProjectFactory(title="x", purpose="p", by=role_users["coordinator"])
    project_join(project=project, user=role_users["resident"])
    project_join(project=project, user=role_users["resident"])
    assert project.memberships.count() == 1


def test_activity_with_photo(role_users: Any, settings: Any, tmp_path: Any) -> None:
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from directory.images import clean_photo

    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buf, format="JPEG")
    photo = clean_photo(SimpleUploadedFile("a.jpg", buf.getvalue()))
    project = ProjectFactory(title="x", purpose="p", by=role_users["coordinator"])
    a = project_activity_add(
        project=project, by=role_users["coordinator"], date=date(2026, 5, 1), text="t", photo=photo
    )
    assert (a.photo.name or "").startswith("projects/activities/")


def test_organizer_marks_the_project_active_with_dates(client: Any, role_users: Any) -> None:
    project = ProjectFactory(
        title="食堂", purpose="p", by=role_users["coordinator"], lead_user=role_users["member"]
    )
    client.force_login(role_users["member"])
    url = reverse("projects:project_edit", kwargs={"pk": project.pk})
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "食堂",
            "purpose": "p",
            "status": "active",
            "start_date": "2026-06-01",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.ACTIVE and project.start_date == date(2026, 6, 1)
    bad = client.post(
        url,
        {
            "title": "食堂",
            "purpose": "p",
            "status": "active",
            "start_date": "2026-06-01",
            "end_date": "2026-05-01",
        },
    )
    assert "終了日は開始日より後" in bad.content.decode()
    project.refresh_from_db()
    assert project.end_date is None


def test_the_idea_author_leads_the_new_project_not_the_coordinator(
    client: Any, role_users: Any
) -> None:
    idea = IdeaFactory()
    client.force_login(role_users["coordinator"])
    client.post(
        reverse("projects:project_create") + f"?ideas={idea.pk}",
        {"title": "体操", "purpose": "p", "status": "planning", "is_public": "on"},
    )
    project = Project.objects.get()
    assert project.lead_user == role_users["resident"]
    assert list(project.memberships.values_list("user_id", flat=True)) == [
        role_users["resident"].pk
    ]


def test_the_shared_parts_of_a_project_page_follow_joins_and_activities(
    client: Any, role_users: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Members and activities are cached fragments; each change shows on the next view."""
    project = ProjectFactory(
        title="川をきれいに", purpose="清掃活動", by=role_users["coordinator"], lead_user=None
    )
    url = reverse("projects:project_detail", kwargs={"pk": project.pk})
    client.force_login(role_users["member"])
    count_before = project.memberships.count()
    assert f"メンバー（{count_before} 人）" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("projects:project_join", kwargs={"pk": project.pk}))
    after = client.get(url).content.decode()
    assert f"メンバー（{count_before + 1} 人）" in after
    assert role_users["member"].public_name in after
    client.force_login(role_users["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("projects:project_activity", kwargs={"pk": project.pk}),
            {"date": "2026-05-01", "text": "第1回の清掃をしました"},
        )
    assert "第1回の清掃をしました" in client.get(url).content.decode()
    # The per-person parts are never shared: the coordinator sees the edit button, a
    # resident does not, though both are served the same cached fragments.
    assert (
        reverse("projects:project_edit", kwargs={"pk": project.pk})
        in client.get(url).content.decode()
    )
    client.force_login(role_users["resident"])
    page = client.get(url).content.decode()
    assert reverse("projects:project_edit", kwargs={"pk": project.pk}) not in page
    assert "第1回の清掃をしました" in page
