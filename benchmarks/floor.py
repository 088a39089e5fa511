"""The floor: the same work done the shortest possible way with nothing but the stdlib.

    python benchmarks/floor.py import CSV_FOLDER DB_FILE
    python benchmarks/floor.py comparison DB_FILE NOW_ISO [DAYS]
    python benchmarks/floor.py breaches DB_FILE NOW_ISO

`import` is a bare executemany of the CSV rows (times turned into integer microseconds, the
way the console stores them) into one table with one index (the covering index the
comparison needs), plus the two small lookup tables (agents, SLA policies) and, when the
folder has one, status_changes.csv into a bare table, in one transaction with sqlite3's
defaults. `breaches` is one SQL statement for the breach list (the plain rule, without
calendars: a reference for speed, not for the answer). `comparison` is one SQL statement that computes the
comparison report's rows (the same fields, rounding and order as the rules) and prints them
as the same JSON object `support-console report comparison` prints; the breach list is also
the least the breach check must do before it records and alerts anything.

Deliberately standalone: it imports nothing from the project, so its start cost is the
interpreter's and sqlite3's alone.
"""

import csv
import json
import sqlite3
import sys
from datetime import datetime

US = 1_000_000


def _us(text):
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    return int(moment.timestamp()) * US + moment.microsecond


def load(folder, db):
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("BEGIN")
    con.execute("CREATE TABLE agents (id TEXT PRIMARY KEY, name TEXT, role TEXT)")
    con.execute("CREATE TABLE sla_policies (kind TEXT, priority TEXT, frm INTEGER, rm INTEGER,"
                " PRIMARY KEY (kind, priority))")
    con.execute("CREATE TABLE items (id TEXT, kind TEXT, subject TEXT, priority TEXT,"
                " status TEXT, assignee TEXT, created_at INTEGER, first_response_at INTEGER,"
                " resolved_at INTEGER)")
    with open(f"{folder}/sla_policies.csv", newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        con.executemany("INSERT INTO sla_policies VALUES (?, ?, ?, ?)",
                        ((k, p, int(f) if f else None, int(r) if r else None)
                         for k, p, f, r, *_calendar in rows))
    with open(f"{folder}/agents.csv", newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        con.executemany("INSERT INTO agents VALUES (?, ?, ?)", ((r[0], r[1], r[3]) for r in rows))
    with open(f"{folder}/items.csv", newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        next(rows)
        con.executemany("INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", (
            (r[0], r[1], r[2], r[3], r[4], r[5] or None, _us(r[6]), _us(r[7]), _us(r[8]))
            for r in rows))
    try:
        handle = open(f"{folder}/status_changes.csv", newline="", encoding="utf-8")
    except FileNotFoundError:
        handle = None
    if handle is not None:
        with handle:
            rows = csv.reader(handle)
            next(rows)
            con.execute("CREATE TABLE status_changes (item_id TEXT, status TEXT,"
                        " changed_at INTEGER)")
            con.executemany("INSERT INTO status_changes VALUES (?, ?, ?)",
                            ((r[0], r[1], _us(r[2])) for r in rows))
    con.execute("CREATE INDEX ix_items_kind_created ON items (kind, created_at, assignee,"
                " priority, resolved_at, first_response_at)")
    con.execute("COMMIT")
    count = con.execute("SELECT count(*) FROM items").fetchone()[0]
    con.close()
    return {"items": count}


COMPARISON = """
WITH handled AS (
  SELECT i.assignee AS agent_id,
         COUNT(*) AS handled,
         COUNT(i.resolved_at) AS resolved,
         AVG(i.resolved_at - i.created_at) AS avg_resolution_us,
         AVG(i.first_response_at - i.created_at) AS avg_response_us,
         COUNT(p.kind) AS tracked,
         SUM(CASE WHEN
               (p.frm IS NOT NULL AND (
                 (COALESCE(i.first_response_at, i.resolved_at) IS NOT NULL
                  AND COALESCE(i.first_response_at, i.resolved_at) > i.created_at + p.frm * 60000000)
                 OR (COALESCE(i.first_response_at, i.resolved_at) IS NULL
                     AND :now > i.created_at + p.frm * 60000000)))
               OR
               (p.rm IS NOT NULL AND (
                 (i.resolved_at IS NOT NULL AND i.resolved_at > i.created_at + p.rm * 60000000)
                 OR (i.resolved_at IS NULL AND :now > i.created_at + p.rm * 60000000)))
             THEN 1 ELSE 0 END) AS breached
  FROM items i LEFT JOIN sla_policies p ON p.kind = i.kind AND p.priority = i.priority
  WHERE i.kind = 'ticket' AND i.created_at > :start AND i.created_at <= :now
        AND i.assignee IS NOT NULL
  GROUP BY i.assignee
), fields AS (
  SELECT a.id AS agent_id, a.name AS agent_name,
         COALESCE(h.handled, 0) AS handled, COALESCE(h.resolved, 0) AS resolved,
         CASE WHEN h.handled > 0 THEN 100.0 * h.resolved / h.handled END AS rate,
         h.avg_resolution_us / 3600000000.0 AS resolution_h,
         h.avg_response_us / 3600000000.0 AS response_h,
         CASE WHEN h.tracked > 0 THEN 100.0 * (h.tracked - h.breached) / h.tracked END AS compliance
  FROM agents a LEFT JOIN handled h ON h.agent_id = a.id
  WHERE a.role = 'agent'
), scored AS (
  SELECT *, CASE WHEN handled > 0 THEN ROUND(100.0 * (
              0.4 * (COALESCE(rate, 0.0) / 100.0)
            + 0.3 * (CASE WHEN response_h IS NULL THEN 0.0
                          ELSE MAX(0.0, 1.0 - response_h / 24.0) END)
            + 0.3 * (CASE WHEN compliance IS NULL THEN 1.0 ELSE compliance / 100.0 END)), 1)
            END AS score
  FROM fields
)
SELECT agent_id, agent_name, handled, resolved, ROUND(rate, 1), ROUND(resolution_h, 2),
       ROUND(response_h, 2), ROUND(compliance, 1), score
FROM scored
ORDER BY score IS NULL, score DESC, agent_id
"""

NAMES = ("agent_id", "agent_name", "tickets_handled", "tickets_resolved",
         "resolution_rate_percent", "avg_resolution_time_hours", "avg_response_time_hours",
         "sla_compliance_rate_percent", "performance_score")


def comparison(db, now_iso, days=30):
    now = _us(now_iso)
    con = sqlite3.connect(db)
    rows = con.execute(COMPARISON, {"now": now, "start": now - int(days) * 86_400 * US})
    return {"agents": [dict(zip(NAMES, row)) for row in rows]}


BREACHES = """
SELECT id, kind, priority, subject, assignee, response_breached, resolution_breached,
       response_due, resolution_due
FROM (SELECT i.id, i.kind, i.priority, i.subject, i.assignee,
             i.created_at + p.frm * 60000000 AS response_due,
             i.created_at + p.rm * 60000000 AS resolution_due,
             p.frm IS NOT NULL AND COALESCE(i.first_response_at, i.resolved_at, :now)
               > i.created_at + p.frm * 60000000 AS response_breached,
             p.rm IS NOT NULL AND COALESCE(i.resolved_at, :now)
               > i.created_at + p.rm * 60000000 AS resolution_breached
      FROM items i JOIN sla_policies p ON p.kind = i.kind AND p.priority = i.priority
      WHERE i.status IN ('open', 'in_progress', 'waiting'))
WHERE response_breached OR resolution_breached
"""


def breaches(db, now_iso):
    now = _us(now_iso)
    con = sqlite3.connect(db)
    entries = []
    for row in con.execute(BREACHES, {"now": now}):
        dues = [due for flag, due in ((row[5], row[7]), (row[6], row[8])) if flag]
        due = min(dues)
        entries.append({"item_id": row[0], "kind": row[1], "priority": row[2],
                        "subject": row[3], "assignee": row[4],
                        "targets": [t for t, flag in (("first_response", row[5]),
                                                      ("resolution", row[6])) if flag],
                        "due_at": datetime.fromtimestamp(due / US).isoformat(),
                        "overdue_minutes": (now - due) // 60000000})
    entries.sort(key=lambda e: (-e["overdue_minutes"], e["item_id"]))
    return {"breaches": entries, "count": len(entries)}


def main(argv):
    if argv[0] == "import":
        result = load(argv[1], argv[2])
    elif argv[0] == "comparison":
        result = comparison(*argv[1:])
    elif argv[0] == "breaches":
        result = breaches(*argv[1:])
    else:
        raise SystemExit(__doc__)
    json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1:])
