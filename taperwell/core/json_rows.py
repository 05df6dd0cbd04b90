"""Several rows read as one JSON column of another query, on SQLite and PostgreSQL alike.

`json_rows(queryset, by=..., name=F(...), ...)` is a correlated subquery: the rows of `queryset`
(filtered on `by` with OuterRef) as a list of {name: value} objects, or None when there is none.
It lets a page read a short list (a care team, a clinic's settings) in the query it already
makes. Keep to text, numbers and booleans (SQLite writes booleans as 0 and 1): dates and times
are written differently by the two databases.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, Expression, JSONField, QuerySet, Subquery
from django.db.models.functions import JSONObject


class JSONArrayAgg(Aggregate):
    """The aggregated values as a JSON array (json_group_array / jsonb_agg)."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        # jsonb, not json: Django reads jsonb back as text and decodes it as a JSONField.
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def json_rows(queryset: QuerySet[Any], *, by: str, **columns: Expression | str) -> Subquery:
    """The rows of `queryset` as one JSON list column (see the module's docstring). `by`: the
    field the rows share, the one the queryset filters on with OuterRef (one group)."""
    rows = queryset.order_by().values(by).annotate(rows=JSONArrayAgg(JSONObject(**columns)))
    rows = rows.values("rows")
    return Subquery(rows, output_field=JSONField())
