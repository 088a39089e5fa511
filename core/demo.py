"""Demo data: a realistic team and 90 days of work, the same for the same seed and clock."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, delete, func, insert, select
from sqlalchemy.engine import Connection

from core import schema
from core.bulk import agent_upsert, item_upsert, policy_upsert
from core.db import write_transaction
from core.demo_hours import CALENDARS, POLICY_CALENDARS, demo_histories, demo_holidays
from core.due_store import recompute_due
from core.errors import BadInput
from core.schema import meta
from core.sql_types import Reader
from core.timeutil import US_PER_DAY, US_PER_HOUR, US_PER_MINUTE, US_PER_SECOND, to_us

DEMO_KEY = "demo_data"
HISTORY_DAYS = 90

# (first response, resolution) minutes per kind and priority.
POLICIES = {
    "ticket": {"urgent": (60, 240), "high": (120, 480), "medium": (240, 1440),
               "low": (480, 2880)},
    "dispute": {"urgent": (120, 1440), "high": (240, 2880), "medium": (480, 4320),
                "low": (1440, 7200)},
    "order": {"urgent": (30, 240), "high": (60, 480), "medium": (120, 1440), "low": (240, 2880)},
}
KIND_WEIGHTS = (("ticket", 60), ("dispute", 22), ("order", 18))
PRIORITY_WEIGHTS = (("low", 28), ("medium", 42), ("high", 21), ("urgent", 9))
FIRST = ("Amara", "Bruno", "Chen", "Dana", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
         "Kemi", "Lars", "Maya", "Nikos", "Olga", "Priya", "Quinn", "Rosa", "Sami", "Tomas",
         "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zofia")
LAST = ("Okafor", "Silva", "Wang", "Kowalski", "Yilmaz", "Haddad", "Lind", "Tanaka", "Moreno",
        "Becker", "Adeyemi", "Nilsson", "Patel", "Papadakis", "Ivanova", "Sharma", "Murphy",
        "Costa", "Rahman", "Novak")
SUBJECTS = {
    "ticket": ("Cannot log in after password reset", "Invoice shows the wrong VAT number",
               "App crashes when uploading a photo", "How do I change my delivery address?",
               "Two-factor code never arrives", "Export to CSV is empty",
               "Account locked after too many attempts", "Notification emails go to spam"),
    "dispute": ("Charged twice for one order", "Refund not received after 14 days",
                "Item arrived damaged, seller refuses return", "Chargeback on a delivered parcel",
                "Subscription renewed after cancellation", "Coupon not applied at checkout"),
    "order": ("Parcel stuck in customs", "Wrong size delivered", "Order shows delivered, not here",
              "Change shipping to express", "Split delivery missing one box",
              "Cancel order before dispatch"),
}


def default_now() -> int:
    """The current hour (UTC): runs within the same hour give the same data."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return to_us(now)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _distinct_names(rng: random.Random, count: int) -> Iterator[str]:
    """First and last names that never repeat (a numbered round once all pairs are used)."""
    pairs = [f"{first} {last}" for first in FIRST for last in LAST]
    for round_ in range(1, count // len(pairs) + 2):
        for name in rng.sample(pairs, len(pairs)):
            yield name if round_ == 1 else f"{name} {round_}"


TEAM_NAMES = ("billing", "logistics", "accounts", "trust", "onboarding", "payments")


def demo_teams(agent_count: int) -> list[str]:
    """A few teams: about one per 20 agents, at least three (fewer only for fewer agents)."""
    count = min(agent_count, max(3, round(agent_count / 20)))
    return [TEAM_NAMES[n] if n < len(TEAM_NAMES) else f"team{n + 1:03d}" for n in range(count)]


def demo_agents(rng: random.Random, count: int, now_us: int) -> list[tuple[Any, ...]]:
    """An admin, leads (one per ~8 agents) and `count` agents with a spread of activity, dealt
    in turn to demo_teams (with few agents, a team may have no lead); the admin belongs to
    no team. The teams are dealt without the random generator, so the rest of the data does
    not depend on them."""
    people: list[tuple[Any, ...]] = [
        ("admin", "Alex Admin", "admin@example.com", "admin", True, now_us, None)]
    names = _distinct_names(rng, max(1, count // 8) + count)
    for n in range(1, max(1, count // 8) + 1):
        name = next(names)
        people.append((f"lead{n:02d}", name, f"lead{n:02d}@example.com", "lead", True,
                       now_us - rng.randint(0, 120) * US_PER_MINUTE, None))
    width = max(3, len(str(count)))
    for n in range(1, count + 1):
        name = next(names)
        roll = rng.random()
        active = roll > 0.06
        # Most are active now; a few drifted away hours or days ago.
        idle = rng.randint(0, 90) * US_PER_MINUTE if roll > 0.2 else rng.randint(7, 72) * US_PER_HOUR
        email = f"agent{n:0{width}d}@example.com" if rng.random() > 0.1 else None
        people.append((f"agent{n:0{width}d}", name, email, "agent", active, now_us - idle,
                       rng.choice((None, 15, 20, 25, 30, 40))))
    teams = demo_teams(count)
    lead_no = agent_no = 0
    for index, person in enumerate(people):
        team = None
        if person[3] == "lead":
            team, lead_no = teams[lead_no % len(teams)], lead_no + 1
        elif person[3] == "agent":
            team, agent_no = teams[agent_no % len(teams)], agent_no + 1
        people[index] = (*person, team)
    return people


def _whole_second(value: int) -> int:
    return value - value % US_PER_SECOND


def demo_items(rng: random.Random, count: int, agents: list[tuple[Any, ...]],
               now_us: int) -> Iterator[tuple[Any, ...]]:
    """Items over the last 90 days; the slower the agent, the more breaches. Unassigned
    items and one in 25 of the others wait in a team's queue (not always the assignee's):
    (..., team, effective team)."""
    workers = [a[0] for a in agents if a[3] == "agent"]
    team_of = {a[0]: a[-1] for a in agents}
    queues = sorted({team for team in team_of.values() if team is not None})
    speed = {agent: rng.uniform(0.45, 1.5) for agent in workers}
    start = now_us - HISTORY_DAYS * US_PER_DAY
    width = max(6, len(str(count)))
    for n in range(1, count + 1):
        kind = _pick(rng, KIND_WEIGHTS)
        priority = _pick(rng, PRIORITY_WEIGHTS)
        response_min, resolution_min = POLICIES[kind][priority]
        created = _whole_second(start + int(rng.random() ** 0.85 * (now_us - start)))
        assignee = rng.choice(workers) if rng.random() > 0.03 else None
        factor = speed.get(assignee, 2.0)
        response_at = created + int(
            rng.expovariate(1 / (response_min * 0.3 * factor)) * US_PER_MINUTE)
        resolution_at = response_at + int(
            rng.expovariate(1 / (resolution_min * 0.32 * factor)) * US_PER_MINUTE)
        responded: int | None = _whole_second(response_at)
        resolved: int | None = _whole_second(resolution_at)
        if resolution_at <= now_us and rng.random() > 0.006:
            status = "closed" if rng.random() < 0.35 else "resolved"
            if rng.random() < 0.05:
                responded = None  # resolved straight away, no separate first response
        else:
            resolved = None
            status = rng.choice(("open", "in_progress", "waiting"))
            if response_at > now_us:
                responded, status = None, "open"
        prefix = {"ticket": "T", "dispute": "D", "order": "O"}[kind]
        subject = rng.choice(SUBJECTS[kind])
        queue = queues[n % len(queues)] if queues and (assignee is None or n % 25 == 0) else None
        yield (f"{prefix}{n:0{width}d}", kind, subject, priority, status, assignee, created,
               responded, resolved, queue, queue or team_of.get(assignee))


def load_demo(engine: Engine, *, agents: int = 14, items: int = 4000, seed: int = 7,
              now_us: int | None = None) -> dict[str, Any]:
    """Fill an empty (or demo) database with demo data; a real database is refused."""
    if agents < 1 or items < 0:
        raise BadInput("the demo needs at least 1 agent and 0 or more items")
    now_us = default_now() if now_us is None else now_us
    rng = random.Random(seed)
    with write_transaction(engine) as session:
        is_demo = holds_demo_data(session)
        has_data = (session.scalar(select(func.count()).select_from(schema.agents)) or 0) > 0
        if has_data and not is_demo:
            raise BadInput("the database already holds real data; demo data goes only into an "
                           "empty database (or one that holds demo data)")
        for table in (schema.alerts, schema.reassignments, schema.breach_records,
                      schema.workload_snapshots, schema.daily_metrics, schema.dashboard_snapshots,
                      schema.status_changes, schema.items, schema.agents, schema.sla_policies,
                      schema.holidays, schema.calendars):
            session.execute(delete(table))
        conn = session.connection()
        _insert_rows(conn, schema.calendars, CALENDARS)
        _insert_rows(conn, schema.holidays, demo_holidays(now_us, HISTORY_DAYS))
        policy_sink = policy_upsert(conn)
        for kind, by_priority in POLICIES.items():
            for priority, (response, resolution) in by_priority.items():
                policy_sink.add((kind, priority, response, resolution,
                                 POLICY_CALENDARS.get((kind, priority))))
        policy_sink.flush()
        people = demo_agents(rng, agents, now_us)
        agent_sink = agent_upsert(conn, team=("team",))
        for person in people:
            agent_sink.add(person)
        agent_sink.flush()
        item_sink = item_upsert(conn, team=("team", "effective_team"))
        made = list(demo_items(rng, items, people, now_us))
        for item in made:
            item_sink.add(item)
        item_sink.flush()
        # A second generator: the items are the same as before histories existed.
        _insert_rows(conn, schema.status_changes,
                     demo_histories(random.Random(seed + 1), made, now_us), ("item_id", "status",
                                                                              "changed_at"))
        recompute_due(conn)
        session.execute(delete(meta).where(meta.c.key == DEMO_KEY))
        session.execute(insert(meta).values(key=DEMO_KEY, value=str(seed)))
    return {"agents": len(people), "items": item_sink.count, "seed": seed, "demo": True}


def _insert_rows(conn: Connection, table: Table, rows: Iterable[Sequence[Any]],
                 columns: tuple[str, ...] | None = None) -> None:
    names = columns or tuple(c.name for c in table.columns)
    values = [dict(zip(names, row)) for row in rows]
    if values:
        conn.execute(insert(table), values)


def holds_demo_data(db: Reader) -> bool:
    return db.execute(select(meta.c.value).where(meta.c.key == DEMO_KEY)).first() is not None


def is_demo_database(engine: Engine) -> bool:
    with engine.connect() as conn:
        return holds_demo_data(conn)
