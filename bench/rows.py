"""Fast loading of benchmark rows, and removing one benchmark's organisations without touching the rest.

`bulk_create` builds a model instance and compiles SQL for every row: about 30 µs each, which is minutes
for the ten million rows behind a million proposals. Here rows are plain tuples with ids given up front
(so children can point at parents without reading ids back): `executemany` on SQLite, `COPY` on
PostgreSQL. Columns come from the model, so a field added later gets its default or fails loudly.
"""

from datetime import UTC, date, datetime

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max

from zhengxie.core.models import Organization, Person, TenantModel

BATCH = 20_000


def _sqlite_datetime(value):
    # Django keeps aware datetimes on SQLite as naive UTC text.
    if value is None:
        return None
    if value.tzinfo is not UTC:
        value = value.astimezone(UTC)
    return value.isoformat(" ")[:-6]


def _sqlite_date(value):
    return None if value is None else value.isoformat()


class Table:
    """Rows of one model's table, given in `names` order; the other columns get their field defaults."""

    def __init__(self, model: type[models.Model], names: list[str]) -> None:
        self.model = model
        fields = [f for f in model._meta.concrete_fields]
        by_name = {f.attname: f for f in fields} | {f.name: f for f in fields}
        self.fields = [by_name[n] for n in names]
        given = {f.attname for f in self.fields}
        self.extra: list[tuple[models.Field, object]] = []
        for f in fields:
            if f.attname in given:
                continue
            if f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            elif f.blank and isinstance(f, models.CharField | models.TextField):
                value = ""
            else:
                raise RuntimeError(f"bench: {model.__name__}.{f.name} needs a value; add it to bench/rows")
            if callable(value) or isinstance(value, datetime):
                raise RuntimeError(f"bench: {model.__name__}.{f.name} has a moving default; give it a value")
            self.extra.append((f, value))
        self.columns = [f.column for f in self.fields] + [f.column for f, _ in self.extra]
        self.tail = tuple(self._db(f, v) for f, v in self.extra)
        self.rows: list[tuple] = []
        self.written = 0
        self.sqlite = connection.vendor == "sqlite"
        self.converters = []
        if self.sqlite:
            for i, f in enumerate(self.fields):
                if isinstance(f, models.DateTimeField):
                    self.converters.append((i, _sqlite_datetime))
                elif isinstance(f, models.DateField):
                    self.converters.append((i, _sqlite_date))

    def _db(self, field: models.Field, value):
        if connection.vendor == "sqlite" and isinstance(value, date):
            return _sqlite_date(value)
        return value

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        rows = self.rows
        self.rows = []
        if self.converters:
            converted = []
            for row in rows:
                row = list(row)
                for i, convert in self.converters:
                    row[i] = convert(row[i])
                converted.append(row)
            rows = converted
        table = self.model._meta.db_table
        quote = connection.ops.quote_name
        columns = ", ".join(quote(c) for c in self.columns)
        tail = self.tail
        raw = connection.connection
        if self.sqlite:
            marks = ", ".join("?" * len(self.columns))
            raw.executemany(
                f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", [(*r, *tail) for r in rows]
            )
        else:
            with raw.cursor() as cursor, cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *tail))
        self.written += len(rows)


class Ids:
    """Primary keys handed out before the rows are written: one past the largest in each table."""

    def __init__(self) -> None:
        self.next: dict[type[models.Model], int] = {}

    def take(self, model: type[models.Model], count: int = 1) -> int:
        if model not in self.next:
            manager = model._base_manager
            self.next[model] = (manager.aggregate(top=Max("pk"))["top"] or 0) + 1
        first = self.next[model]
        self.next[model] = first + count
        return first


def reset_sequences(models_: list[type[models.Model]]) -> None:
    """PostgreSQL identity sequences behind the ids given by hand, so later inserts do not collide."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(statement)


def tenant_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if issubclass(m, TenantModel)]


def wipe(organization_ids: list[int], person_ids: list[int]) -> None:
    """Delete these organisations, every row they own and these people, in the caller's transaction.

    Foreign keys are deferred to COMMIT on both databases, so the order of the deletes does not matter.
    Audit rows are append-only on PostgreSQL (a trigger): an organisation that has any cannot be wiped.
    """
    if not organization_ids and not person_ids:
        return
    alias = connection.alias
    for model in tenant_models():
        model._base_manager.filter(organization_id__in=organization_ids)._raw_delete(alias)
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            column = field.m2m_field_name()
            through._base_manager.filter(**{f"{column}__organization_id__in": organization_ids})._raw_delete(
                alias
            )
    for start in range(0, len(person_ids), 5000):
        chunk = person_ids[start : start + 5000]
        for field in Person._meta.local_many_to_many:
            field.remote_field.through._base_manager.filter(
                **{f"{field.m2m_field_name()}_id__in": chunk}
            )._raw_delete(alias)
        Person._base_manager.filter(pk__in=chunk)._raw_delete(alias)
    Organization._base_manager.filter(pk__in=organization_ids)._raw_delete(alias)
