"""The two bases: ``RowFactory`` saves a plain row, ``ServiceFactory`` calls a service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

import factory

T = TypeVar("T")


class ServiceFactory(factory.Factory[T], Generic[T]):
    """A factory whose ``_create`` calls the app's service instead of saving a row.

    Subclasses override ``_create(cls, model_class, *args, **kwargs)`` and pass the declared
    attributes to the service. ``build()`` is refused: an idea, session or sheet that was never
    made by its service has no history, reminders or search text, so it would not be the thing
    the tests mean.
    """

    class Meta:
        abstract = True
        strategy = factory.CREATE_STRATEGY

    if TYPE_CHECKING:
        # ``XFactory(...)`` returns the row the service made (factory_boy's metaclass does it).
        def __new__(cls, **kwargs: Any) -> T: ...  # type: ignore[misc]

    @classmethod
    def _generate(cls, strategy: str, params: dict[str, Any]) -> Any:
        # Refused before any default is looked up (the demo users may not even exist).
        if strategy != factory.CREATE_STRATEGY:
            raise TypeError(
                f"{cls.__name__} makes its rows through the service; call {cls.__name__}(...), "
                f"not the {strategy} strategy"
            )
        return super()._generate(strategy, params)


class RowFactory(factory.django.DjangoModelFactory[T], Generic[T]):
    """A factory for a plain row: it saves the model and nothing more."""

    class Meta:
        abstract = True

    if TYPE_CHECKING:
        # ``XFactory(...)`` returns the saved row (factory_boy's metaclass does it).
        def __new__(cls, **kwargs: Any) -> T: ...  # type: ignore[misc]
