"""Import of the CSV folder: streamed, validated, upserted in one transaction, all or nothing."""

from __future__ import annotations

import csv
from datetime import tzinfo
from pathlib import Path
from typing import Callable, Iterator

from sqlalchemy import Engine, select

from core.csv_format import (
    AGENT_COLUMNS,
    AGENTS_FILE,
    ITEM_COLUMNS,
    ITEMS_FILE,
    POLICIES_FILE,
    POLICY_COLUMNS,
    RowError,
    boolean,
    choice,
    identifier,
    optional_count,
    optional_time,
    required_time,
)
from core.bulk import BatchUpsert, agent_upsert, item_upsert, policy_upsert
from core.db import write_transaction
from core.errors import BadInput
from core.models import CLOSED_STATUSES, KINDS, PRIORITIES, ROLES, STATUSES, Agent
from core.timeutil import zone

MAX_REPORTED = 200


class ImportFailed(BadInput):
    def __init__(self, errors: list[str], total: int):
        more = f"\n... and {total - len(errors)} more" if total > len(errors) else ""
        lines = "\n".join(errors)
        super().__init__(f"import refused, nothing was written: {total} bad row(s)\n{lines}{more}")
        self.errors = errors
        self.total = total


class _Errors:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.total = 0

    def add(self, file: str, line: int, reason: str) -> None:
        self.total += 1
        if len(self.lines) < MAX_REPORTED:
            self.lines.append(f"{file} line {line}: {reason}")


def _rows(path: Path, columns: tuple[str, ...], errors: _Errors) -> Iterator[tuple[int, dict]]:
    """(line, row) pairs of a CSV file; file-level problems become errors."""
    name = path.name
    try:
        handle = open(path, newline="", encoding="utf-8-sig")
    except OSError as exc:
        errors.add(name, 0, f"cannot be read ({exc.strerror})")
        return
    with handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, None)
            if header is None:
                errors.add(name, 1, "the file is empty (a header row is required)")
                return
            header = [h.strip() for h in header]
            missing = [c for c in columns if c not in header]
            if missing:
                errors.add(name, 1, f"missing column(s): {', '.join(missing)}")
                return
            positions = [header.index(c) for c in columns]
            for record in reader:
                if not record or record == [""]:
                    continue
                if len(record) != len(header):
                    errors.add(name, reader.line_num,
                               f"expected {len(header)} fields, found {len(record)}")
                    continue
                yield reader.line_num, {c: record[p] for c, p in zip(columns, positions)}
        except UnicodeDecodeError:
            errors.add(name, reader.line_num + 1, "not UTF-8 text (is this a CSV file?)")
        except csv.Error as exc:
            errors.add(name, reader.line_num, f"not a readable CSV file ({exc})")


def _parse_policy(row: dict, _zone: tzinfo) -> tuple:
    return (
        choice(row["kind"].strip(), KINDS, "kind"),
        choice(row["priority"].strip(), PRIORITIES, "priority"),
        optional_count(row["first_response_minutes"], "first_response_minutes"),
        optional_count(row["resolution_minutes"], "resolution_minutes"),
    )


def _parse_agent(row: dict, tz: tzinfo) -> tuple:
    email = row["email"].strip() or None
    if email is not None and "@" not in email:
        raise RowError(f"email: {email!r} is not an email address")
    return (
        identifier(row["id"]),
        row["name"].strip(),
        email,
        choice(row["role"].strip(), ROLES, "role"),
        boolean(row["active"], "active"),
        optional_time(row["last_activity_at"], tz, "last_activity_at"),
        optional_count(row["max_open"], "max_open"),
    )


def _item_parser(known_agents: set[str]) -> Callable[[dict, tzinfo], tuple]:
    def parse(row: dict, tz: tzinfo) -> tuple:
        status = choice(row["status"].strip(), STATUSES, "status")
        assignee = row["assignee"].strip() or None
        if assignee is not None and assignee not in known_agents:
            raise RowError(f"assignee {assignee!r} is not an agent")
        created = required_time(row["created_at"], tz, "created_at")
        responded = optional_time(row["first_response_at"], tz, "first_response_at")
        resolved = optional_time(row["resolved_at"], tz, "resolved_at")
        if responded is not None and responded < created:
            raise RowError("first_response_at is before created_at")
        if status in CLOSED_STATUSES and resolved is None:
            raise RowError(f"status is {status!r} but resolved_at is empty")
        if status not in CLOSED_STATUSES and resolved is not None:
            raise RowError(f"resolved_at is set but status is {status!r} (not resolved or closed)")
        if resolved is not None and resolved < created:
            raise RowError("resolved_at is before created_at")
        return (
            identifier(row["id"]),
            choice(row["kind"].strip(), KINDS, "kind"),
            row["subject"],
            choice(row["priority"].strip(), PRIORITIES, "priority"),
            status,
            assignee,
            created,
            responded,
            resolved,
        )

    return parse


def _load(path: Path, columns: tuple[str, ...], parse, key_of, tz: tzinfo, errors: _Errors,
          sink: BatchUpsert) -> None:
    """Validate every row; write (through sink) only while no error has been seen."""
    seen: dict[str, int] = {}
    for line, row in _rows(path, columns, errors):
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
            sink.add(parsed)
    if not errors.total:
        sink.flush()


def import_folder(engine: Engine, folder: str | Path, tz_name: str | None = "UTC") -> dict:
    """Import agents.csv, sla_policies.csv and items.csv (each optional) from folder."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BadInput(f"{folder}: no such folder")
    tz = zone(tz_name or "UTC")
    files = {name: folder / name for name in (POLICIES_FILE, AGENTS_FILE, ITEMS_FILE)}
    if not any(path.is_file() for path in files.values()):
        raise BadInput(f"{folder}: none of {POLICIES_FILE}, {AGENTS_FILE}, {ITEMS_FILE} is there")
    errors = _Errors()
    with write_transaction(engine) as session:
        conn = session.connection()
        policies, agents, items = policy_upsert(conn), agent_upsert(conn), item_upsert(conn)
        if files[POLICIES_FILE].is_file():
            _load(files[POLICIES_FILE], POLICY_COLUMNS, _parse_policy, lambda r: f"{r[0]}/{r[1]}",
                  tz, errors, policies)
        known = set(conn.execute(select(Agent.id)).scalars())
        if files[AGENTS_FILE].is_file():
            def parse_agent(row: dict, zone_: tzinfo) -> tuple:
                parsed = _parse_agent(row, zone_)
                known.add(parsed[0])  # valid agents of the file are valid assignees
                return parsed

            _load(files[AGENTS_FILE], AGENT_COLUMNS, parse_agent, lambda r: r[0], tz, errors,
                  agents)
        if files[ITEMS_FILE].is_file():
            _load(files[ITEMS_FILE], ITEM_COLUMNS, _item_parser(known), lambda r: r[0], tz,
                  errors, items)
        if errors.total:
            session.rollback()
            raise ImportFailed(errors.lines, errors.total)
    return {"sla_policies": policies.count, "agents": agents.count, "items": items.count}

