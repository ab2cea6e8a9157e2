"""Who may see and change the plan's indicators (decision 0012).

Editors hold ``kpis.edit`` (city staff and administrators): they reach every value, drafts
included, and may correct, publish and withdraw them. Everyone else — anonymous visitors
too — sees published values only (open data) and may change nothing.

``MEASUREMENT_STATES`` is the one table of how a value's status moves; the services move a
value through it and its history row is written here, in ``measurement_change``.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.capabilities import can
from machida_portal.states import StateMachine

from .models import Indicator, Measurement, MeasurementChange

EDIT = "kpis.edit"

# Actions on a value; all of them belong to editors.
EDITOR_ACTIONS = frozenset({"edit", "publish", "withdraw"})


def indicators_can_edit(user: Any) -> bool:
    """Whether the user edits the indicators (dashboard, import, computation): the flag
    templates show editor links by."""
    return can(user, EDIT)


def indicator_scope(user: Any, action: str = "view") -> QuerySet[Indicator]:
    """Definitions are public (open data names them); changing one is for editors."""
    if action == "view" or can(user, EDIT):
        return Indicator.objects.all()
    return Indicator.objects.none()


def measurement_scope(user: Any, action: str = "view") -> QuerySet[Measurement]:
    """Editors reach every value; others see published ones and change none."""
    if can(user, EDIT):
        return Measurement.objects.all()
    if action == "view":
        return Measurement.objects.filter(status=Measurement.Status.PUBLISHED)
    return Measurement.objects.none()


def measurement_can(user: Any, action: str, measurement: Measurement | None = None) -> bool:
    if action == "view":
        return can(user, EDIT) or (
            measurement is not None and measurement.status == Measurement.Status.PUBLISHED
        )
    return action in EDITOR_ACTIONS and can(user, EDIT)


def measurement_change(
    measurement: Measurement, frm: str, to: str, *, by: Any = None, reason: str = ""
) -> MeasurementChange:
    """The history row of a status move (unsaved: a bulk publish writes them together)."""
    default = _("公開") if to == Measurement.Status.PUBLISHED else _("公開を取り下げ")
    return MeasurementChange(
        measurement=measurement,
        old_value=measurement.value,
        new_value=measurement.value,
        old_status=frm,
        new_status=to,
        reason=reason or default,
        by=by,
    )


def _history(
    measurement: Measurement, frm: str, to: str, *, by: Any = None, reason: str = ""
) -> None:
    measurement_change(measurement, frm, to, by=by, reason=reason).save()


def stamp_move(measurement: Measurement, to: str, *, by: Any) -> None:
    """What every status move sets besides the status: when it was published, and by whom
    it was last changed."""
    measurement.published_at = timezone.now() if to == Measurement.Status.PUBLISHED else None
    measurement.updated_by = by


STAMPED_FIELDS = ("published_at", "updated_by")

DRAFT, PUBLISHED = Measurement.Status.DRAFT.value, Measurement.Status.PUBLISHED.value

MEASUREMENT_STATES = StateMachine(
    "measurement",
    {
        (DRAFT, PUBLISHED): "publish",
        (PUBLISHED, DRAFT): "withdraw",
    },
    history=_history,
    refused=gettext_lazy("この測定値はこの状態に変更できません。"),
)
