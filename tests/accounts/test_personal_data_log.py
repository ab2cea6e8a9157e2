import pytest

from accounts.models import PersonalDataView
from accounts.services import personal_data_viewed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_staff_view_of_someone_elses_data_is_recorded() -> None:
    staff, resident = UserFactory(), UserFactory()
    personal_data_viewed(viewer=staff, subject=resident, context="idea:1", path="/ideas/1/")
    row = PersonalDataView.objects.get()
    assert (row.viewer, row.subject, row.context) == (staff, resident, "idea:1")


def test_reading_your_own_data_is_not_recorded() -> None:
    user = UserFactory()
    assert personal_data_viewed(viewer=user, subject=user, context="profile") is None
    assert not PersonalDataView.objects.exists()
