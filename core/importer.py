"""Import of the CSV folder: streamed, validated, upserted in one transaction, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, ForeignKeyConstraint, Index, select

from core import schema
from core.bulk import (
    BatchUpsert,
    agent_upsert,
    bulk_mode,
    collector_paused,
    create_foreign_keys,
    create_indexes,
    drop_foreign_keys,
    drop_secondary_indexes,
    estimated_rows,
    item_upsert,
    policy_upsert,
    vacuum_analyze,
)
from core.csv_format import (
    AGENT_COLUMNS,
    AGENTS_FILE,
    EARLIEST_US,
    ITEM_COLUMNS,
    ITEMS_FILE,
    LATEST_US,
    POLICIES_FILE,
    POLICY_CALENDAR,
    POLICY_COLUMNS,
    TEAM_COLUMN,
    RowError,
    boolean,
    choice,
    has_column,
    identifier,
    optional_count,
    optional_time,
    required_time,
    time_out_of_range,
)
from core.csv_reading import MAX_REPORTED, ImportErrors, ImportFailed, csv_rows
from core.db import write_transaction
from core.errors import BadInput
from core.import_clocks import ClockStamp
from core.import_hours import HOURS_FILES, BusinessHoursImport, policy_parser
from core.models import CLOSED_STATUSES, KINDS, PRIORITIES, ROLES, STATUSES, Agent
from core.teams import changed_teams, optional_team, refresh_agents_items, refresh_item_queues
from core.timeutil import zone


def _parse_agent(row: list[Any], tz: ZoneInfo) -> tuple[Any, ...]:
    id_, name, email, role, active, last_activity_at, max_open, team = row
    email = email.strip() or None
    if email is not None and "@" not in email:
        raise RowError(f"email: {email!r} is not an email address")
    return (
        identifier(id_),
        name.strip(),
        email,
        choice(role.strip(), ROLES, "role"),
        boolean(active, "active"),
        optional_time(last_activity_at, tz, "last_activity_at"),
        optional_count(max_open, "max_open"),
        optional_team(team),
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ONE_US = timedelta(microseconds=1)


def _item_parser(known_agents: dict[str, str | None],
                 with_team: bool) -> Callable[[list[Any], ZoneInfo], tuple[Any, ...]]:
    """The items.csv row parser. Hot: a million rows must parse in seconds, so the common
    case (clean values, times with an offset) takes a fast path; anything else goes through
    the general readers of core.csv_format, which give the same values and the errors."""
    kinds, priorities, statuses = frozenset(KINDS), frozenset(PRIORITIES), frozenset(STATUSES)
    closed = frozenset(CLOSED_STATUSES)
    fromiso = datetime.fromisoformat

    def time_of(text: str, tz: ZoneInfo, column: str, required: bool) -> int | None:
        if text:
            try:  # an aware ISO time: exact integer microseconds
                moment = (fromiso(text) - _EPOCH) // _ONE_US
            except (ValueError, TypeError, OverflowError):
                pass  # blanks around it, no offset, or bad: the general reader decides
            else:
                if not EARLIEST_US <= moment <= LATEST_US:
                    raise time_out_of_range(column, text)
                return moment
        return required_time(text, tz, column) if required else optional_time(text, tz, column)

    def parse(row: list[Any], tz: ZoneInfo) -> tuple[Any, ...]:
        id_, kind, subject, priority, status, assignee, created, responded, resolved, team = row
        if status not in statuses:
            status = choice(status.strip(), STATUSES, "status")
        assignee = assignee.strip() or None if assignee else None
        if assignee is not None and assignee not in known_agents:
            raise RowError(f"assignee {assignee!r} is not an agent")
        created = time_of(created, tz, "created_at", True)
        if created is None:  # time_of raised already: a required time is never empty
            raise RowError("created_at: a time is required")
        responded = time_of(responded, tz, "first_response_at", False)
        resolved = time_of(resolved, tz, "resolved_at", False)
        if responded is not None and responded < created:
            raise RowError("first_response_at is before created_at")
        if status in closed:
            if resolved is None:
                raise RowError(f"status is {status!r} but resolved_at is empty")
        elif resolved is not None:
            raise RowError(f"resolved_at is set but status is {status!r} (not resolved or closed)")
        if resolved is not None and resolved < created:
            raise RowError("resolved_at is before created_at")
        if not (0 < len(id_) <= 64) or id_[0].isspace() or id_[-1].isspace():
            id_ = identifier(id_)
        team = optional_team(team)  # without the column: empty, the assignee's team
        own_team: tuple[str | None, ...] = (team,) if with_team else ()
        teams = (*own_team, team or (known_agents.get(assignee) if assignee else None))
        return (
            id_,
            kind if kind in kinds else choice(kind.strip(), KINDS, "kind"),
            subject,
            priority if priority in priorities else choice(priority.strip(), PRIORITIES,
                                                           "priority"),
            status,
            assignee,
            created,
            responded,
            resolved,
            *teams,
        )

    return parse


def _load(path: Path, columns: tuple[str, ...],
          parse: Callable[[list[Any], ZoneInfo], tuple[Any, ...]],
          key_of: Callable[[tuple[Any, ...]], str], tz: ZoneInfo, errors: ImportErrors,
          sink: BatchUpsert, optional: tuple[str, ...] = ()) -> dict[str, int]:
    """Validate every row; write (through sink) only while no error has been seen."""
    seen: dict[str, int] = {}
    add = sink.add
    for line, row in csv_rows(path, columns, errors, optional):
        try:
            parsed = parse(row, tz)
        except RowError as exc:
            errors.add(path.name, line, str(exc))
            continue
        key = key_of(parsed)
        if key in seen:
            errors.add(path.name, line, f"{key!r} appears twice (also on line {seen[key]})")
            continue
        seen[key] = line
        if not errors.total:
            add(parsed)
    if not errors.total:
        sink.flush()
    return seen


STAMP_BATCH = 20_000  # rows given their due instants at once (numpy per batch)
Stamp = Callable[[list[tuple[Any, ...]]], list[tuple[Any, ...]]]


def _hand_over(sink: BatchUpsert, batch: list[tuple[Any, ...]], stamp: Stamp | None) -> None:
    """Give parsed rows (their due instants added by stamp) to the sink's writer thread."""
    sink.add_rows(batch if stamp is None else stamp(batch))


def _load_items(path: Path, known_agents: dict[str, str | None], tz: ZoneInfo,
                errors: ImportErrors, sink: BatchUpsert, with_team: bool,
                stamp: Stamp | None = None) -> dict[str, int]:
    """_load for items.csv, with the parser's common case inlined: a clean row (exact
    kind, priority and status, a known assignee or none, times with an offset, in order)
    is read here; any other row goes through _item_parser, which gives the same values
    for a row it accepts and the reason for one it refuses. A million rows in seconds."""
    parse = _item_parser(known_agents, with_team)
    team_of = known_agents.get
    kinds, priorities, statuses = frozenset(KINDS), frozenset(PRIORITIES), frozenset(STATUSES)
    closed = frozenset(CLOSED_STATUSES)
    fromiso, epoch, one_us = datetime.fromisoformat, _EPOCH, _ONE_US
    seen: dict[str, int] = {}
    name = path.name
    batch: list[tuple[Any, ...]] = []
    append = batch.append
    limit = sink.limit if stamp is None else STAMP_BATCH
    for line, row in csv_rows(path, ITEM_COLUMNS, errors, (TEAM_COLUMN,)):
        parsed = None
        try:
            (id_, kind, subject, priority, status, assignee, created, responded, resolved,
             team) = row
            created = (fromiso(created) - epoch) // one_us
            responded = (fromiso(responded) - epoch) // one_us if responded else None
            resolved = (fromiso(resolved) - epoch) // one_us if resolved else None
            if (kind in kinds and priority in priorities and status in statuses
                    and (not assignee or assignee in known_agents)
                    and EARLIEST_US <= created <= LATEST_US
                    and (responded is None or created <= responded <= LATEST_US)
                    and (resolved is None or created <= resolved <= LATEST_US)
                    and (resolved is not None) == (status in closed)
                    and 0 < len(id_) <= 64 and not id_[0].isspace() and not id_[-1].isspace()
                    and team == team.strip()):
                assignee, team = assignee or None, team or None
                parsed = (id_, kind, subject, priority, status, assignee, created, responded,
                          resolved, *((team,) if with_team else ()),
                          team or (team_of(assignee) if assignee else None))
        except (ValueError, TypeError, OverflowError):
            pass
        if parsed is None:
            try:
                parsed = parse(row, tz)
            except RowError as exc:
                errors.add(name, line, str(exc))
                continue
        key = parsed[0]
        if key in seen:
            errors.add(name, line, f"{key!r} appears twice (also on line {seen[key]})")
            continue
        seen[key] = line
        if not errors.total:
            append(parsed)
            if len(batch) >= limit:
                _hand_over(sink, batch, stamp)
                batch = []
                append = batch.append
    if not errors.total:
        _hand_over(sink, batch, stamp)
        sink.flush()
    return seen


def import_folder(engine: Engine, folder: str | Path,
                  tz_name: str | None = "UTC") -> dict[str, int]:
    """Import the CSV files of the rules (each optional) from folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput(f"{folder}: no such folder")
    tz = zone(tz_name or "UTC")
    names = (*HOURS_FILES, POLICIES_FILE, AGENTS_FILE, ITEMS_FILE)
    files = {name: folder / name for name in names}
    if not any(path.is_file() for path in files.values()):
        raise BadInput(f"{folder}: none of {', '.join(names)} is there")
    errors = ImportErrors()
    with collector_paused(), write_transaction(engine, references_checked=True) as session:
        conn = session.connection()
        agent_team = (TEAM_COLUMN,) if has_column(files[AGENTS_FILE], TEAM_COLUMN) else ()
        policies, agents = policy_upsert(conn), agent_upsert(conn, team=agent_team)
        items_written = 0
        hours = BusinessHoursImport(conn, files, lambda p, c: csv_rows(p, c, errors), errors)
        hours.load_calendars()
        pairs: set[tuple[str, str]] = set()  # the imported policies
        if files[POLICIES_FILE].is_file():
            pairs = {(key.partition("/")[0], key.partition("/")[2]) for key in _load(
                files[POLICIES_FILE], POLICY_COLUMNS, policy_parser(hours.calendar_ids),
                lambda r: f"{r[0]}/{r[1]}", tz, errors, policies, (POLICY_CALENDAR,))}
        # Each agent's team (valid agents of the file are valid assignees).
        known = dict(conn.execute(select(Agent.id, Agent.team)).all())
        teams_before = dict(known)
        if files[AGENTS_FILE].is_file():
            def parse_agent(row: list[Any], zone_: ZoneInfo) -> tuple[Any, ...]:
                parsed = _parse_agent(row, zone_)
                known[parsed[0]] = parsed[-1] if agent_team else known.get(parsed[0])
                return parsed if agent_team else parsed[:-1]

            _load(files[AGENTS_FILE], AGENT_COLUMNS, parse_agent, lambda r: r[0], tz, errors,
                  agents, (TEAM_COLUMN,))
        history = hours.read_status_changes(tz)
        # A first load (no item yet): the items get their due instants as they are written
        # (every item and its whole history are in the files). Otherwise they are
        # recomputed after.
        first_load = conn.execute(select(schema.items.c.id).limit(1)).first() is None
        stamp = ClockStamp(conn, history) if first_load and not errors.total else None
        rebuild: list[Index] = []
        unchecked: list[ForeignKeyConstraint] = []  # foreign keys put back at the end
        item_ids: dict[str, int] = {}
        with_team = has_column(files[ITEMS_FILE], TEAM_COLUMN)
        if files[ITEMS_FILE].is_file():
            # A very large import (a first load, a migration from another tool) drops the
            # secondary indexes of items and builds them again at the end, in this same
            # transaction: one sort per index instead of a million random index updates.
            bulk, empty = (False, False) if errors.total else bulk_mode(
                conn, schema.items, estimated_rows(files[ITEMS_FILE]))
            if bulk:
                rebuild = drop_secondary_indexes(conn, schema.items)
                unchecked = drop_foreign_keys(conn, schema.items)
                if first_load:  # no status change is stored yet either
                    unchecked += drop_foreign_keys(conn, schema.status_changes)
            items = item_upsert(conn, background=True, into_empty=empty,
                                team=("team", "effective_team") if with_team
                                else ("effective_team",),
                                due=stamp.columns if stamp is not None else ())
            try:
                item_ids = _load_items(files[ITEMS_FILE], known, tz, errors, items, with_team,
                                       stamp)
            finally:
                items.close()  # the writer thread is done with the connection
            items_written = items.count
        hours.store_status_changes(MAX_REPORTED, replace=stamp is None)
        if errors.total:
            session.rollback()  # puts back any dropped index too
            raise ImportFailed(errors.lines, errors.total)
        if stamp is None:
            hours.recompute_due(pairs, item_ids.keys())
        create_indexes(conn, rebuild)
        create_foreign_keys(conn, unchecked)
        # Items of agents who changed team follow them (a first load wrote each with its
        # assignee's new team already); without a team column, their queue.
        if not first_load:
            refresh_agents_items(conn, changed_teams(teams_before, known.items()))
        if files[ITEMS_FILE].is_file() and not with_team:
            refresh_item_queues(conn)
    if rebuild and engine.dialect.name == "postgresql":
        # The agents too: with no statistics the planner takes 500 agents for one.
        vacuum_analyze(engine, schema.items.name, schema.agents.name, schema.sla_policies.name,
                       schema.status_changes.name)
    return {**hours.counts, "sla_policies": policies.count, "agents": agents.count,
            "items": items_written}

class _Collected(list[tuple[Any, ...]]):
    """A sink for _load that keeps the parsed rows (nothing is written)."""

    def add(self, row: tuple[Any, ...]) -> None:
        self.append(row)

    def flush(self) -> None:
        pass


def read_policies(path: str | Path, calendar_ids: set[str]) -> list[tuple[Any, ...]]:
    """The rows of an sla_policies.csv with the import's checks (a calendar it names must be
    one of calendar_ids), written nowhere: (kind, priority, first_response_minutes,
    resolution_minutes, calendar_id) tuples."""
    path = Path(path)
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    errors, rows = ImportErrors(), _Collected()
    _load(path, POLICY_COLUMNS, policy_parser(calendar_ids), lambda r: f"{r[0]}/{r[1]}",
          zone("UTC"), errors, cast(BatchUpsert, rows), (POLICY_CALENDAR,))
    if errors.total:
        raise BadInput(f"{path}: {errors.total} bad row(s)\n" + "\n".join(errors.lines))
    return list(rows)
