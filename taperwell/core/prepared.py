"""A read the ORM writes once per process and database, then runs with each request's values.

Building a query with many subqueries costs Django milliseconds of Python on every request, far
more than the database takes to answer it. A `Prepared` read keeps the ORM as the one author of
the SQL (the same query on SQLite and PostgreSQL, the same converters for what comes back) but
compiles it once: the query is built twice with two different made-up values for each named
slot, the two compilations must be the same SQL, and the parameters that differ must be exactly
the slots' values. Anything else (a value that changes the query's shape, a clock read inside
the query, a value worked out from a slot) is refused when the read is first used, not guessed.

Nothing read is kept: only the SQL text and how to turn its rows into values or models.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypeVar
from uuid import UUID

from django.db import connections
from django.db.models import Model, Q, QuerySet
from django.db.models.query import ModelIterable, ValuesIterable, get_related_populators

R = TypeVar("R")  # what a row becomes: a values() dict or a model
T = TypeVar("T", bound=Model)

# Made-up values, two per slot and each slot its own, unlike any real id, day or time stored.
_SENTINELS: dict[type, Callable[[int, int], Any]] = {
    int: lambda which, slot: 2_000_000_000 + 1001 * which + 2 * slot,  # one even, one odd
    str: lambda which, slot: f"\x1fprepared slot {slot} value {which}",
    UUID: lambda which, slot: UUID(int=(1 + which) << 64 | slot),
    date: lambda which, slot: date(1901 + which, 2, 3) + timedelta(days=slot),
    datetime: lambda which, slot: (
        datetime(1901 + which, 2, 3, 4, 5, 6, tzinfo=UTC) + timedelta(hours=slot)
    ),
}


class PreparedQueryError(RuntimeError):
    """The query cannot be prepared: its shape or its constants depend on a slot's value."""


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str], ...]  # (parameter position, slot name)
    keys: tuple[str, ...]  # SQLite: each parameter's name in `sql` (pyformat), else empty
    compiler: Any
    converters: dict[int, Any]
    names: tuple[str, ...]  # values(): the column names
    model: Any  # models: what ModelIterable works out per query
    init_list: list[str]
    model_span: tuple[int, int]
    populators: list[Any]
    annotations: dict[str, int]


class Prepared(Generic[R]):
    """`build(**slots)` returns the QuerySet (`values()` rows or model instances, no
    prefetching); `slots` names each value's kind (int, str, UUID, date or datetime). Slot
    values must be used only as values compared in the query."""

    def __init__(self, build: Callable[..., QuerySet[Any, R]], **slots: type) -> None:
        unknown = [name for name, kind in slots.items() if kind not in _SENTINELS]
        if unknown:
            raise PreparedQueryError(
                f"slot kinds must be int, str, UUID, date or datetime: {unknown}"
            )
        self._build = build
        self._slots = slots
        self._compiled: dict[tuple[str, str], _Compiled] = {}
        self._lock = threading.Lock()

    def _fetch(self, using: str, values: dict[str, Any]) -> tuple[_Compiled, Any, list[Any]]:
        """The compiled read, its connection and the rows the database returned, unconverted."""
        if set(values) != set(self._slots):
            raise TypeError(f"values for exactly {sorted(self._slots)}, got {sorted(values)}")
        connection = connections[using]
        compiled = self._compiled.get((using, connection.vendor))
        if compiled is None:
            with self._lock:
                compiled = self._compile(using)
                self._compiled[(using, connection.vendor)] = compiled
        params = list(compiled.params)
        for position, name in compiled.slots:
            params[position] = _adapt(connection, self._slots[name], values[name])
        with connection.cursor() as cursor:
            if compiled.keys:
                cursor.execute(compiled.sql, dict(zip(compiled.keys, params, strict=True)))
            else:
                cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        return compiled, connection, fetched

    def rows(self, using: str = "default", **values: Any) -> list[R]:
        compiled, connection, fetched = self._fetch(using, values)
        if compiled.converters and fetched:
            fetched = _converted(fetched, compiled.converters, connection)
        if compiled.model is None:
            names = compiled.names
            return [dict(zip(names, row, strict=True)) for row in fetched]  # type: ignore[misc]
        return [_model_of(compiled, using, row) for row in fetched]

    def tuples(self, using: str = "default", **values: Any) -> list[tuple[Any, ...]]:
        """A values() read's rows as tuples in its columns' order, without a dict a row: for
        a page that reads many rows and unpacks them at once."""
        compiled, connection, fetched = self._fetch(using, values)
        if compiled.model is not None:
            raise PreparedQueryError("tuples() reads values() rows, not models")
        if compiled.converters and fetched:
            fetched = _converted(fetched, compiled.converters, connection)
        return fetched

    def first(self, using: str = "default", **values: Any) -> R | None:
        found = self.rows(using, **values)
        return found[0] if found else None

    def _compile(self, using: str) -> _Compiled:
        connection = connections[using]
        built = []
        for which in (0, 1):
            values = {
                name: _SENTINELS[kind](which, slot)
                for slot, (name, kind) in enumerate(self._slots.items())
            }
            queryset = self._build(**values).using(using)
            if getattr(queryset, "_prefetch_related_lookups", ()) or getattr(
                queryset, "_known_related_objects", {}
            ):
                raise PreparedQueryError("a prepared read cannot prefetch")
            compiler = queryset.query.get_compiler(using=using)
            sql, params = compiler.as_sql()
            adapted = {
                name: _adapt(connection, self._slots[name], value) for name, value in values.items()
            }
            built.append((queryset, compiler, sql, tuple(params), adapted))
        (queryset, compiler, sql, params, first), (_, _, sql_b, params_b, second) = built
        if sql != sql_b or len(params) != len(params_b):
            raise PreparedQueryError("the query's shape depends on a slot's value")
        slots = []
        for position, (a, b) in enumerate(zip(params, params_b, strict=True)):
            if a == b:
                continue
            name = next((n for n, v in first.items() if v == a and second[n] == b), None)
            if name is None:
                raise PreparedQueryError(
                    f"parameter {position} changes but is no slot's value (a clock read or a "
                    "value worked out inside the query?)"
                )
            slots.append((position, name))
        missing = set(self._slots) - {name for _, name in slots}
        if missing:
            raise PreparedQueryError(f"slots not used in the query: {sorted(missing)}")
        keys: tuple[str, ...] = ()
        if connection.vendor == "sqlite":
            sql, keys = _named(sql, len(params))
        return _describe(queryset, compiler, sql, params, tuple(slots), keys)


def _describe(
    queryset: QuerySet[Any, Any],
    compiler: Any,
    sql: str,
    params: tuple[Any, ...],
    slots: tuple[tuple[int, str], ...],
    keys: tuple[str, ...],
) -> _Compiled:
    expressions = [s[0] for s in compiler.select[0 : compiler.col_count]]
    converters = compiler.get_converters(expressions)
    common = {"sql": sql, "params": params, "slots": slots, "keys": keys, "compiler": compiler}
    common["converters"] = converters
    query = queryset.query
    if queryset._iterable_class is ValuesIterable:
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        return _Compiled(
            **common,
            names=tuple(names),
            model=None,
            init_list=[],
            model_span=(0, 0),
            populators=[],
            annotations={},
        )
    if queryset._iterable_class is not ModelIterable:
        raise PreparedQueryError("a prepared read returns values() rows or model instances")
    klass_info, select = compiler.klass_info, compiler.select
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    return _Compiled(
        **common,
        names=(),
        model=klass_info["model"],
        init_list=[f[0].target.attname for f in select[start:end]],
        model_span=(start, end),
        # django-stubs describe a later Django's signature (a fetch mode); 5.2 takes three.
        populators=get_related_populators(klass_info, select, queryset.db),  # type: ignore[call-arg]
        annotations=dict(compiler.annotation_col_map or {}),
    )


def _model_of(compiled: _Compiled, using: str, row: Any) -> Any:
    """One row as ModelIterable makes it: the model, its select_related models, annotations."""
    start, end = compiled.model_span
    obj = compiled.model.from_db(using, compiled.init_list, row[start:end])
    for populator in compiled.populators:
        populator.populate(row, obj)
    for name, position in compiled.annotations.items():
        setattr(obj, name, row[position])
    return obj


# Each "%s" of the ORM's SQL, as Django's SQLite backend finds them ("%%" is a literal percent).
_FORMAT_PARAMETER = re.compile(r"(?<!%)%s")


def _named(sql: str, count: int) -> tuple[str, tuple[str, ...]]:
    """The SQL with each parameter named (`%(p0)s`, `%(p1)s`, ...), and the names in order.

    Given a list, Django's SQLite cursor rewrites every `%s` to `?` with a regular expression on
    each run, a tenth of a millisecond for a long query; given a mapping, it puts each name in
    with one `%` formatting. The rewriting is done here once. SQL whose parameters cannot be
    counted this way keeps its `%s`s (no names)."""
    names = tuple(f"p{position}" for position in range(count))
    found = iter(names)
    try:
        named = _FORMAT_PARAMETER.sub(lambda _match: f"%({next(found)})s", sql)
    except StopIteration:
        return sql, ()
    if next(found, None) is not None:
        return sql, ()
    return named, names


def _converted(
    rows: list[Any], converters: dict[int, Any], connection: Any
) -> list[tuple[Any, ...]]:
    """The rows with each column's converters applied, as the compiler's `apply_converters`
    applies them (the same functions, in the same order, on the same values), a column at a
    time: one loop a column rather than a generator step and a list a row. (SQLite's driver
    has already made dates of the day columns, as it does for the ORM.)"""
    columns: list[Any] = list(zip(*rows, strict=True))
    for position, (functions, expression) in converters.items():
        column = columns[position]
        for function in functions:
            column = [function(value, expression, connection) for value in column]
        columns[position] = column
    return list(zip(*columns, strict=True))


def _adapt(connection: Any, kind: type, value: Any) -> Any:
    """A value as the ORM hands it to the database driver for a field of its kind."""
    if kind is datetime:
        return connection.ops.adapt_datetimefield_value(value)
    if kind is date:
        return connection.ops.adapt_datefield_value(value)
    if kind is str:
        return str(value)
    if kind is UUID:
        # As UUIDField hands it over: native on PostgreSQL, 32 hex digits where there is none.
        value = value if isinstance(value, UUID) else UUID(str(value))
        return value if connection.features.has_native_uuid_field else value.hex
    return int(value)


class _PreparedWrite(Generic[T]):
    """What a prepared insert and update share: one table, no save signals, the SQL written once
    per process and database."""

    _writes = "a prepared write"

    def __init__(self, model: type[T]) -> None:
        if model._meta.parents:
            raise PreparedQueryError(f"{self._writes} writes one table; this model has parents")
        self._model = model
        self._compiled: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def _ready(self, using: str) -> tuple[Any, Any]:
        """The connection and this write's compiled SQL for it."""
        from django.db.models import signals

        if signals.pre_save.has_listeners(self._model) or signals.post_save.has_listeners(
            self._model
        ):
            raise PreparedQueryError("the model has save signals: save() it instead")
        connection = connections[using]
        key = (using, connection.vendor)
        if key not in self._compiled:
            with self._lock:
                self._compiled[key] = self._compile(using)
        return connection, self._compiled[key]

    def _compile(self, using: str) -> Any:
        raise NotImplementedError


class PreparedInsert(_PreparedWrite[T]):
    """A new row written with the INSERT the ORM wrote once per process and database.

    `save(obj)` does what `obj.save()` does for a new row of a plain model (each field's
    `pre_save` and database value, the new key read back) without building the query again.
    Refused for a model with save signals or a parent model, which `save()` would also handle."""

    _writes = "a prepared insert"

    def __init__(self, model: type[T]) -> None:
        super().__init__(model)
        self._fields = [f for f in model._meta.local_concrete_fields if not f.generated]
        self._fields = [f for f in self._fields if f is not model._meta.auto_field]

    def save(self, obj: T, using: str = "default") -> T:
        if obj.pk is not None or not isinstance(obj, self._model):
            raise PreparedQueryError("a prepared insert writes a new row of its own model")
        connection, (sql, returning_params, returning) = self._ready(using)
        params = [
            f.get_db_prep_save(f.pre_save(obj, True), connection=connection) for f in self._fields
        ]
        meta = self._model._meta
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if returning:
                found = connection.ops.fetch_returned_insert_columns(cursor, returning_params)
                obj.pk = found[0]
            else:
                obj.pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column or "")
        obj._state.adding = False
        obj._state.db = using
        return obj

    def _compile(self, using: str) -> tuple[str, Any, bool]:
        from django.db.models.sql import InsertQuery

        connection = connections[using]
        query = InsertQuery(self._model)
        query.insert_values(self._fields, [self._model()])
        compiler = query.get_compiler(using=using)
        returning = bool(connection.features.can_return_columns_from_insert)
        compiler.returning_fields = [self._model._meta.pk] if returning else None
        (sql, params), *more = compiler.as_sql()
        if more or len(params) != len(self._fields) or sql.count("%s") != len(self._fields):
            raise PreparedQueryError("the insert is not one value per field")
        return sql, getattr(compiler, "returning_params", ()), returning


class PreparedUpdate(_PreparedWrite[T]):
    """An existing row written whole with the UPDATE the ORM wrote once per process and database.

    `save(obj)` does what `obj.save()` does for a row already stored (each field's `pre_save`
    and database value: `auto_now` times are set) without building the query again. The row
    must be there: none updated is an error, never a quiet insert. Refused for a model with save
    signals or a parent model, as `PreparedInsert` is."""

    _writes = "a prepared update"

    def __init__(self, model: type[T]) -> None:
        super().__init__(model)
        self._fields = [
            f for f in model._meta.local_concrete_fields if not f.generated and not f.primary_key
        ]

    def save(self, obj: T, using: str = "default") -> T:
        from django.db import DatabaseError

        if obj.pk is None or obj._state.adding or not isinstance(obj, self._model):
            raise PreparedQueryError("a prepared update writes a stored row of its own model")
        connection, sql = self._ready(using)
        params = [
            f.get_db_prep_save(f.pre_save(obj, False), connection=connection) for f in self._fields
        ]
        params.append(self._model._meta.pk.get_db_prep_value(obj.pk, connection))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if cursor.rowcount != 1:
                raise DatabaseError(f"{self._model.__name__} {obj.pk} was not there to update")
        obj._state.db = using
        return obj

    def _compile(self, using: str) -> str:
        """The UPDATE with a made-up value for each field and the key: each must come back as
        its own parameter, in order, so a request's values take their places."""
        from django.db.models import Value
        from django.db.models.sql import UpdateQuery

        made_up = [_SENTINELS[int](0, slot) for slot in range(len(self._fields) + 1)]
        query = UpdateQuery(self._model)
        # django-stubs type the values as Case expressions; any expression is taken.
        query.add_update_fields(
            [(f, None, Value(v)) for f, v in zip(self._fields, made_up, strict=False)]  # type: ignore[misc]
        )
        query.add_q(Q(pk=made_up[-1]))
        sql, params = query.get_compiler(using=using).as_sql()
        if list(params) != made_up or sql.count("%s") != len(made_up):
            raise PreparedQueryError("the update is not one value per field and the key")
        return str(sql)
