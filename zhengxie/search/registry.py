"""What is searchable: each app registers its record types here, once, in its AppConfig.ready().

A source says how a record becomes a document (title, body, year, kind, state), who may open which
records, and where a hit links to. Registering connects the model's save and delete signals, so the
index follows every write in the writer's own transaction.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

ALL = object()  # `visible` answers ALL when the actor may open every record of the organisation


@dataclass(frozen=True)
class Document:
    organization_id: int
    title: str
    body: str
    year: int | None = None
    kind: str = ""
    state: str = ""


@dataclass(frozen=True)
class Source:
    name: str  # short ASCII key, stored in every entry
    label: str  # 提案, 提案线索, ...
    model: type[models.Model]
    document: Callable[[Any], Document]
    # The records of the actor's organisation this actor may open: ALL, or a queryset of the model.
    visible: Callable[[Any], Any]
    url: Callable[[Any], str]
    # Fields whose change alters the words; a save of other fields only refreshes the facets.
    text_fields: frozenset[str]
    kinds: dict[str, str] = field(default_factory=dict)
    states: dict[str, str] = field(default_factory=dict)
    # Whether records keep a TF-IDF vector for similar-record detection (zhengxie.search.similar).
    similar: bool = False
    # Every record, with what `document` reads (for `zhengxie reindex`).
    rows: Callable[[], Iterable[Any]] | None = None

    def all_rows(self):
        return self.rows() if self.rows else self.model._default_manager.all()


_sources: dict[str, Source] = {}


def register(source: Source) -> Source:
    from . import index

    if source.name in _sources:
        raise ValueError(f"search source {source.name!r} registered twice")
    _sources[source.name] = source
    models.signals.post_save.connect(index.on_save, sender=source.model, weak=False)
    models.signals.post_delete.connect(index.on_delete, sender=source.model, weak=False)
    return source


def sources() -> list[Source]:
    return list(_sources.values())


def get(name: str) -> Source:
    return _sources[name]


def for_model(model: type[models.Model]) -> Source | None:
    return next((s for s in _sources.values() if s.model is model), None)
