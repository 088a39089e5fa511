"""Medians and 90th percentiles of response and resolution times, in SQL on both databases.

The p-th percentile of n sorted values is the value at h = p/100 * (n-1), interpolated
linearly between x[floor(h)] and x[ceil(h)] (PostgreSQL's percentile_cont). Each duration is
ranked with ROW_NUMBER() and counted with COUNT() over its group (window functions, the same
SQL on SQLite and PostgreSQL); one aggregate then keeps the two or four ranks each
percentile needs, so only one row per group leaves the database.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, case, func, literal, select, union_all
from sqlalchemy.sql import ColumnElement

from core.schema import items
from core.sql_types import Reader
from core.timeutil import US_PER_HOUR, round_or_none

PERCENTILES = (("median", 50), ("p90", 90))
DURATIONS = (
    ("response", items.c.first_response_at),
    ("resolution", items.c.resolved_at),
)
DISTRIBUTION_FIELDS = tuple(f"{name}_{duration}_time_hours"
                            for duration, _ in DURATIONS for name, _ in PERCENTILES)
NO_DISTRIBUTION = dict.fromkeys(DISTRIBUTION_FIELDS)


def _percentile_sum(percent: int, rank: ColumnElement[Any], count: ColumnElement[Any],
                    value: ColumnElement[Any]) -> ColumnElement[Any]:
    """100 * the percentile, as an exact integer: the value at rank floor(h) weighted by
    (1 - frac) plus the next one weighted by frac, with h = percent * (n-1) / 100."""
    position = literal(percent, BigInteger) * (count - 1)
    low = position // literal(100, BigInteger)
    frac = position % literal(100, BigInteger)
    return func.sum(case(
        (rank == low, value * (literal(100, BigInteger) - frac)),
        (rank == low + 1, value * frac),
        else_=0,
    ))


def distributions(db: Reader, condition: ColumnElement[bool],
                  *group_by: ColumnElement[Any]) -> dict[Any, dict[str, float | None]]:
    """{group key (a tuple of the group_by values, () without any): the four fields}, over
    the items matching condition; a group with no durations has no key."""
    keys = [column.label(f"g{index}") for index, column in enumerate(group_by)]
    parts = [
        select(literal(name).label("duration"), *keys,
               (end - items.c.created_at).label("value"))
        .where(condition, end.is_not(None))
        for name, end in DURATIONS
    ]
    durations = union_all(*parts).subquery("durations")
    partition = [durations.c.duration, *(durations.c[key.name] for key in keys)]
    ranked = select(
        *durations.c,
        (func.row_number().over(partition_by=partition, order_by=durations.c.value) - 1)
        .label("rank"),
        func.count().over(partition_by=partition).label("n"),
    ).subquery("ranked")
    group = [ranked.c.duration, *(ranked.c[key.name] for key in keys)]
    query = select(*group, *(
        _percentile_sum(percent, ranked.c.rank, ranked.c.n, ranked.c.value).label(name)
        for name, percent in PERCENTILES
    )).where(ranked.c.rank.between(
        literal(PERCENTILES[0][1], BigInteger) * (ranked.c.n - 1) // 100,
        literal(PERCENTILES[-1][1], BigInteger) * (ranked.c.n - 1) // 100 + 1,
    )).group_by(*group)
    result: dict[Any, dict[str, float | None]] = {}
    for row in db.execute(query):
        key = tuple(row[1:1 + len(keys)])
        fields = result.setdefault(key, dict(NO_DISTRIBUTION))
        for name, _ in PERCENTILES:
            value = getattr(row, name)
            hours = None if value is None else float(value) / 100 / US_PER_HOUR
            fields[f"{name}_{row.duration}_time_hours"] = round_or_none(hours, 2)
    return result
