"""Measurements, recorded through ``indicators.services`` (the indicators themselves are
reference data: get them by code)."""

from __future__ import annotations

from typing import Any

import factory

from indicators.models import Indicator, Measurement
from indicators.services import measurement_record, measurement_transition

from .accounts import demo_user
from .base import ServiceFactory


class MeasurementFactory(ServiceFactory[Measurement]):
    """A city-wide draft value of indicator I-2 recorded by the demo city staff;
    ``status="published"`` publishes it through ``measurement_transition``."""

    class Meta:
        model = Measurement

    indicator = factory.LazyFunction(lambda: Indicator.objects.get(code="I-2"))
    fiscal_year = 2024
    district = None
    value = 30
    by = factory.LazyFunction(lambda: demo_user("city"))
    status = Measurement.Status.DRAFT

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Measurement:
        status = kwargs.pop("status")
        measurement = measurement_record(**kwargs)
        if status != measurement.status:
            measurement = measurement_transition(
                measurement=measurement, to=status, by=kwargs["by"]
            )
        return measurement
