"""The Support Console benchmark: a million items, measured side by side with the floor.

    python benchmarks/run.py                  # 1,000,000 items, 2,000 agents in 100 teams, SQLite
    python benchmarks/run.py --pg postgresql://postgres@127.0.0.1:5432/postgres
    python benchmarks/run.py --sizes 100000,300000,1000000 --out benchmarks/out
    python benchmarks/run.py --items 2000 --agents 20 --skip gui   # a quick look

One run, one machine: it generates the data set with the demo generator (core.demo) at
scale, writes it once as the CSV folder the importer reads, then times, each as a whole
process (start-up included), and with the peak memory (ru_maxrss) of that process:

- the floor: benchmarks/floor.py, plain sqlite3 (a bare executemany into one indexed table;
  one SQL statement for the comparison report);
- `support-console init` and `support-console import FOLDER`;
- every report: `python -m cli report NAME --now FIXED` (and checks that the
  comparison report gives the floor's rows and numbers);
- every job once: `python -m cli jobs run JOB --now FIXED`;
- the console, headless (QT_QPA_PLATFORM=offscreen, benchmarks/gui_probe.py): from process
  start to the dashboard drawn from the stored snapshot, to the fresh figures drawn, and
  the longest GUI-thread stall meanwhile (10 ms heartbeat).

The floor and the task it is compared with run back to back (--repeat pairs, the fastest
of each kept), because the machine may be busy with other work. With --pg the same tasks
run against PostgreSQL too (a fresh database per size, dropped afterwards); the floor
stays the plain sqlite3 script. Generated files go to --out (benchmarks/out, git-ignored).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BENCH = Path(__file__).resolve().parent
PYTHON = sys.executable
DEFAULT_NOW = "2026-11-30T12:00:00+00:00"
REPORTS = ("performance", "metrics", "trends", "performance-trends", "sla", "comparison",
           "workload", "breaches", "at-risk")
JOB_ORDER = ("check-sla-breaches", "send-sla-breach-alerts", "update-support-workload-trackers",
             "refresh-support-dashboards", "calculate-support-performance-metrics",
             "auto-reassign-unresolved-tasks")
FORBIDDEN_FOR_REPORTS = ("alembic", "PySide6", "jobs", "pyqtgraph", "console", "sqlalchemy.orm")

# The goals of issue 7 (ratios to the floor measured in the same run).
IMPORT_MAX_RATIO = 2.5
IMPORT_MAX_MB = 600
COMPARISON_MAX_RATIO = 2.0
ITEMS_MAX_RATIO = 2.0  # report items --figure sla_breached against the floor's statement
WHAT_IF_MAX_S = 10.0  # report sla --policies: "in seconds"
BREACHES_MAX_RATIO = 2.0  # issue 15, with calendars and status histories (--hours)
POLICY_CHANGE_MAX_S = 60.0  # issue 15: "seconds, not minutes"
BREACH_CHECK_MAX_S = 5.0
# The goals of issue 14 (teams, 2,000 agents in 100 teams), ratios to the floor in the same
# run: the first breach check to the floor's breach list, the two jobs to its comparison.
TEAM_JOB_MAX_RATIO = 3.0
ALERTS_PER_BREACH_MAX = 5.0  # the assignee and the team's leads, not every supervisor
GUI_DRAWN_MAX_S = 1.5
GUI_STALL_MAX_MS = 100.0
CATCH_UP_WATCH_S = 20
GOALS_FROM_ITEMS = 1_000_000  # the goals are stated for a million items; smaller runs: no mark


# --- running a child process --------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    peak_mb: float
    code: int
    stdout: str
    stderr: str


def run(cmd: list[str], *, env: dict | None = None, timeout: float = 3600) -> Run:
    """Run cmd as its own process; wall time, its own peak RSS (wait4), output."""
    out_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-{os.getpid()}.out"
    err_path = out_path.with_suffix(".err")
    full_env = dict(os.environ, **(env or {}))
    full_env.setdefault("PYTHONPATH", str(ROOT))
    with open(out_path, "w") as out, open(err_path, "w") as err:
        start = time.perf_counter()
        if env and "BENCH_T0" in env:
            full_env["BENCH_T0"] = repr(time.time())
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=full_env, cwd=ROOT)
        deadline = start + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.002)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    result = Run(seconds, usage.ru_maxrss / 1024.0, proc.returncode,
                 out_path.read_text(errors="replace"), err_path.read_text(errors="replace"))
    out_path.unlink(missing_ok=True)
    err_path.unlink(missing_ok=True)
    return result


def cli(url: str, *args: str) -> list[str]:
    return [PYTHON, "-m", "cli", "--db", url, *args]


# --- the table ------------------------------------------------------------------------------

@dataclass
class Row:
    backend: str
    task: str
    seconds: float | None
    peak_mb: float | None = None
    floor: float | None = None
    note: str = ""
    ok: bool | None = None  # against a goal of the issue, None: no goal

    @property
    def ratio(self) -> float | None:
        if self.seconds is None or not self.floor:
            return None
        return self.seconds / self.floor


@dataclass
class Suite:
    items: int
    agents: int
    rows: list[Row] = field(default_factory=list)

    def add(self, row: Row) -> Row:
        if self.items < GOALS_FROM_ITEMS and row.ok is not None and row.note.startswith("goal"):
            row.ok = None  # measured and shown, but the goal is for a million items
        self.rows.append(row)
        print(f"  {format_row(row)}", flush=True)
        return row


def format_row(row: Row) -> str:
    seconds = "-" if row.seconds is None else f"{row.seconds:8.2f}"
    ratio = "" if row.ratio is None else f"{row.ratio:6.2f}x"
    peak = "" if row.peak_mb is None else f"{row.peak_mb:7.0f}"
    mark = {True: "ok", False: "MISS", None: ""}[row.ok]
    return (f"{row.backend:<10} {row.task:<44} {seconds:>8} {ratio:>8} {peak:>8}  "
            f"{mark:<4} {row.note}")


HEADER = (f"{'backend':<10} {'task':<44} {'seconds':>8} {'ratio':>8} {'peak MB':>8}  "
          f"{'goal':<4} note")


def print_table(suite: Suite, file=sys.stdout) -> None:
    print(f"\n{suite.items:,} items, {suite.agents:,} agents "
          f"(ratio: to the floor measured in the same run)", file=file)
    print(HEADER, file=file)
    print("-" * len(HEADER), file=file)
    for row in suite.rows:
        print(format_row(row), file=file)


def markdown_table(suite: Suite) -> str:
    lines = [f"{suite.items:,} items, {suite.agents:,} agents:", "",
             "| backend | task | seconds | ratio to floor | peak MB | goal | note |",
             "| --- | --- | ---: | ---: | ---: | --- | --- |"]
    for row in suite.rows:
        lines.append("| {} | {} | {} | {} | {} | {} | {} |".format(
            row.backend, row.task, "" if row.seconds is None else f"{row.seconds:.2f}",
            "" if row.ratio is None else f"{row.ratio:.2f}x",
            "" if row.peak_mb is None else f"{row.peak_mb:.0f}",
            {True: "ok", False: "**miss**", None: ""}[row.ok], row.note.replace("|", "/")))
    return "\n".join(lines)


# --- comparing the comparison report with the floor's ------------------------------------

DIGITS = {"resolution_rate_percent": 1, "avg_resolution_time_hours": 2,
          "avg_response_time_hours": 2, "sla_compliance_rate_percent": 1,
          "performance_score": 1, "median_response_time_hours": 2,
          "p90_response_time_hours": 2, "median_resolution_time_hours": 2,
          "p90_resolution_time_hours": 2}


def same_comparison(report: dict, floor: dict) -> tuple[bool, str]:
    """Same agents in the same order, the same counts, and every rounded figure equal
    (or, where the two roundings of an exact tie differ, within one unit of the last digit,
    which the rules accept: any rounding within half a unit)."""
    mine, theirs = report.get("agents", []), floor.get("agents", [])
    if [a["agent_id"] for a in mine] != [a["agent_id"] for a in theirs]:
        return False, f"agent rows or order differ ({len(mine)} vs {len(theirs)} rows)"
    ties = 0
    for a, b in zip(mine, theirs):
        for key, value in b.items():
            other = a.get(key)
            if key in DIGITS and value is not None and other is not None:
                if other != value:
                    if abs(other - value) > 10 ** -DIGITS[key] * 1.001:
                        return False, f"{a['agent_id']} {key}: {other} vs floor {value}"
                    ties += 1
            elif other != value:
                return False, f"{a['agent_id']} {key}: {other!r} vs floor {value!r}"
    return True, f"{len(mine)} rows equal" + (f" ({ties} ties rounded differently)"
                                                 if ties else "")


# --- one size -------------------------------------------------------------------------------

def best_pair(first: list[str], second: list[str], repeat: int, env=None) -> tuple[Run, Run]:
    """Run first and second back to back `repeat` times; the fastest run of each."""
    best_a = best_b = None
    for _ in range(repeat):
        a = run(first)
        b = run(second, env=env)
        for run_, kind in ((a, "floor"), (b, "task")):
            if run_.code != 0:
                raise SystemExit(f"{kind} failed ({run_.code}): {' '.join(first if kind == 'floor' else second)}\n"
                                 f"{run_.stderr[-2000:]}")
        best_a = a if best_a is None or a.seconds < best_a.seconds else best_a
        best_b = b if best_b is None or b.seconds < best_b.seconds else best_b
    return best_a, best_b


def fresh_sqlite(path: Path) -> str:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    for backup in path.parent.glob(path.name + ".*.bak"):
        backup.unlink()
    return f"sqlite:///{path}"


def _pg_urls(base_url: str):
    """(SQLAlchemy URL, plain libpq URL for psycopg) of the server given with --pg."""
    from sqlalchemy.engine import make_url

    from core.db import normalise_url

    url = make_url(normalise_url(base_url))
    return url, url.set(drivername="postgresql").render_as_string(hide_password=False)


def fresh_pg(base_url: str, name: str) -> str:
    import psycopg

    url, admin = _pg_urls(base_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.set(database=name).render_as_string(hide_password=False)


def drop_pg(base_url: str, name: str) -> None:
    import psycopg

    _url, admin = _pg_urls(base_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def job_names() -> list[str]:
    try:
        from jobs.registry import JOBS
    except ImportError:
        return []
    names = [name for name in JOB_ORDER if name in JOBS]
    return names + [name for name in JOBS if name not in names]


def measure_backend(suite: Suite, backend: str, url: str, data: Path, floor_db: Path,
                    floor_import: Run, args) -> None:
    now = args.now
    add = suite.add
    skip = set(args.skip)

    init = run(cli(url, "init"))
    if init.code != 0:
        raise SystemExit(f"init failed: {init.stderr}")
    add(Row(backend, "init (create the schema)", init.seconds, init.peak_mb))

    # Import: back to back with the floor's import, each on a fresh database.
    best = None
    floor_best = floor_import
    for attempt in range(args.repeat):
        if attempt:  # a fresh database for every attempt, and a fresh floor beside it
            floor_run = run([PYTHON, str(BENCH / "floor.py"), "import", str(data),
                             fresh_sqlite(floor_db).removeprefix("sqlite:///")])
            floor_best = floor_run if floor_run.seconds < floor_best.seconds else floor_best
            url = reset(backend, url, args, suite)
            run(cli(url, "init"))
        imported = run(cli(url, "import", str(data)))
        if imported.code != 0:
            raise SystemExit(f"import failed: {imported.stderr[-3000:]}")
        best = imported if best is None or imported.seconds < best.seconds else best
    ok = (best.seconds <= IMPORT_MAX_RATIO * floor_best.seconds
          and best.peak_mb < IMPORT_MAX_MB)
    add(Row(backend, "import (support-console import)", best.seconds, best.peak_mb,
            floor_best.seconds, f"goal <= {IMPORT_MAX_RATIO}x and < {IMPORT_MAX_MB} MB", ok))

    # Reports, as whole processes. The comparison runs back to back with the floor's.
    floor_cmd = [PYTHON, str(BENCH / "floor.py"), "comparison", str(floor_db), now]
    floor_cmp = None
    for name in REPORTS:
        cmd = cli(url, "report", name, "--now", now)
        if name == "breaches":
            floor_breaches, report = best_pair(
                [PYTHON, str(BENCH / "floor.py"), "breaches", str(floor_db), now], cmd,
                args.repeat)
            ok = report.seconds <= BREACHES_MAX_RATIO * floor_breaches.seconds
            add(Row(backend, "report breaches", report.seconds, report.peak_mb,
                    floor_breaches.seconds, f"goal <= {BREACHES_MAX_RATIO}x the floor's breach "
                    f"statement; {json.loads(report.stdout)['count']} breaches", ok))
            continue
        if name == "comparison":
            floor_cmp, report = best_pair(floor_cmd, cmd, args.repeat)
            equal, detail = same_comparison(json.loads(report.stdout),
                                            json.loads(floor_cmp.stdout))
            ok = equal and report.seconds <= COMPARISON_MAX_RATIO * floor_cmp.seconds
            alt = getattr(args, "floor_alt", None)
            add(Row(backend, "report comparison", report.seconds, report.peak_mb,
                    floor_cmp.seconds, f"goal <= {COMPARISON_MAX_RATIO}x, same answer: "
                    + ("yes, " if equal else "NO, ") + detail
                    + (f"; {report.seconds / alt:.2f}x the reference floor" if alt else ""), ok))
            continue
        result = run(cmd)
        if result.code != 0:
            add(Row(backend, f"report {name}", None, note=f"failed: {result.stderr.strip()}"))
            continue
        add(Row(backend, f"report {name}", result.seconds, result.peak_mb,
                floor_cmp.seconds if floor_cmp else None,
                "ratio: to the floor's comparison statement" if floor_cmp else ""))

    measure_drilldown(suite, backend, url, data, floor_db, args)
    # One team's figures (the demo generator's first team): an indexed range, not a scan.
    for name in ("performance", "comparison", "workload", "breaches"):
        result = run(cli(url, "report", name, "--now", now, "--team", "billing"))
        add(Row(backend, f"report {name} --team billing", result.seconds, result.peak_mb,
                floor_cmp.seconds if floor_cmp else None,
                "ratio: to the floor's comparison statement" if result.code == 0
                else f"failed: {result.stderr.strip()[-200:]}"))
    if args.hours:
        measure_policy_change(suite, backend, url, args)

    # What a report process pays before it starts working.
    bare = run([PYTHON, "-c", "pass"])
    version = run([PYTHON, "-m", "cli", "--version"])
    add(Row(backend, "process start: python -c pass", bare.seconds, bare.peak_mb))
    add(Row(backend, "process start: support-console --version", version.seconds,
            version.peak_mb))
    timed = run([PYTHON, "-X", "importtime", *cli(url, "report", "comparison", "--now", now)[1:]])
    loaded = {line.split("|")[-1].strip() for line in timed.stderr.splitlines()
              if line.startswith("import time:")}
    bad = sorted({f for f in FORBIDDEN_FOR_REPORTS for m in loaded
                  if m == f or m.startswith(f + ".")})
    add(Row(backend, "report imports (python -X importtime)", None,
            note=("loads none of " + ", ".join(FORBIDDEN_FOR_REPORTS)) if not bad
            else "loads " + ", ".join(bad), ok=not bad))

    # Jobs, once each (after the reports: reassignment moves items).
    names = [] if "jobs" in skip else job_names()
    if not names and "jobs" not in skip:
        add(Row(backend, "jobs", None, note="skipped: jobs/ has no job registry yet"))
    floor_breaches = None
    for name in names:
        if name == "check-sla-breaches":  # the floor's breach list, just before the job
            floor_breaches = run([PYTHON, str(BENCH / "floor.py"), "breaches", str(floor_db),
                                  now])
        result = run(cli(url, "jobs", "run", name, "--now", now))
        counts = ""
        if result.code == 0:
            try:
                out = json.loads(result.stdout)
                counts = json.dumps(out.get("counts", out.get("outcome", "")),
                                    separators=(",", ":"))[:90]
            except ValueError:
                pass
        else:
            counts = "failed: " + (result.stderr.strip().splitlines() or ["?"])[-1][:120]
        ok, floor_s = None, None
        if name == "check-sla-breaches":
            floor_s = floor_breaches.seconds
            per_breach = _alerts_per_breach(result.stdout)
            ok = (result.code == 0 and result.seconds <= TEAM_JOB_MAX_RATIO * floor_s
                  and per_breach is not None and per_breach <= ALERTS_PER_BREACH_MAX)
            counts = (f"goal <= {TEAM_JOB_MAX_RATIO:g}x the floor's breach list and <= "
                      f"{ALERTS_PER_BREACH_MAX:g} alerts per breach ({per_breach}); " + counts)
        elif name in ("refresh-support-dashboards", "auto-reassign-unresolved-tasks") and floor_cmp:
            floor_s = floor_cmp.seconds
            ok = result.code == 0 and result.seconds <= TEAM_JOB_MAX_RATIO * floor_s
            counts = f"goal <= {TEAM_JOB_MAX_RATIO:g}x the floor's comparison; " + counts
        add(Row(backend, f"job {name}", result.seconds, result.peak_mb, floor_s, note=counts,
                ok=ok))
        if name == "check-sla-breaches":
            again = run(cli(url, "jobs", "run", name, "--now", now))
            add(Row(backend, f"job {name} (again, nothing new)", again.seconds, again.peak_mb,
                    note=f"goal <= {BREACH_CHECK_MAX_S:g} s",
                    ok=again.code == 0 and again.seconds <= BREACH_CHECK_MAX_S))

    if "gui" not in skip:
        measure_gui(suite, backend, url, args)


def tightened_policies(data: Path, out: Path) -> Path:
    """The data set's SLA policies with every target halved: a what-if to answer."""
    with open(data / "sla_policies.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    path = out / "what-if" / "sla_policies.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(rows[0])
        for row in rows[1:]:
            writer.writerow([str(max(1, int(v) // 2)) if i in (2, 3) and v else v
                             for i, v in enumerate(row)])  # the calendar column stays
    return path


def measure_drilldown(suite: Suite, backend: str, url: str, data: Path, floor_db: Path,
                      args) -> None:
    """report items beside the floor's one statement for the same rows; a what-if sla."""
    now = args.now
    floor_cmd = [PYTHON, str(BENCH / "floor.py"), "sla-breached", str(floor_db), now]
    cmd = cli(url, "report", "items", "--figure", "sla_breached", "--now", now)
    floor_run, mine = best_pair(floor_cmd, cmd, args.repeat)
    same = json.loads(mine.stdout) == json.loads(floor_run.stdout)
    count = json.loads(floor_run.stdout)["count"]
    suite.add(Row(backend, "report items --figure sla_breached", mine.seconds, mine.peak_mb,
                  floor_run.seconds, f"goal <= {ITEMS_MAX_RATIO}x, {count:,} rows, same rows: "
                  + ("yes" if same else "NO"),
                  same and mine.seconds <= ITEMS_MAX_RATIO * floor_run.seconds))
    policies = tightened_policies(data, floor_db.parent)
    what_if = run(cli(url, "report", "sla", "--now", now, "--policies", str(policies)))
    note = f"goal <= {WHAT_IF_MAX_S:g} s, every target halved"
    if what_if.code != 0:
        note = f"failed: {what_if.stderr.strip()[:120]}"
    suite.add(Row(backend, "report sla --policies (what-if)", what_if.seconds,
                  what_if.peak_mb, note=note,
                  ok=what_if.code == 0 and what_if.seconds <= WHAT_IF_MAX_S))
def measure_policy_change(suite: Suite, backend: str, url: str, args) -> None:
    """An admin moves the most common policy (ticket/medium) to another calendar: every
    affected item's due instants are recomputed in the import's transaction."""
    from core.csv_format import POLICIES_FILE, POLICY_CALENDAR, POLICY_COLUMNS
    from core.demo import POLICIES
    from core.exporter import write_csv_file

    folder = Path(args.out) / "policy-change"
    folder.mkdir(parents=True, exist_ok=True)
    write_csv_file(folder / POLICIES_FILE, (*POLICY_COLUMNS, POLICY_CALENDAR),
                   [("ticket", "medium", *POLICIES["ticket"]["medium"], "weekdays-24h")])
    result = run(cli(url, "import", str(folder)))
    suite.add(Row(backend, "policy change (recompute its due instants)",
                  result.seconds if result.code == 0 else None, result.peak_mb,
                  note=f"goal < {POLICY_CHANGE_MAX_S:g} s; ticket/medium to 24x5"
                  + ("" if result.code == 0 else f"; failed: {result.stderr[-200:]}"),
                  ok=result.code == 0 and result.seconds < POLICY_CHANGE_MAX_S))

def _alerts_per_breach(stdout: str) -> float | None:
    try:
        counts = json.loads(stdout)["counts"]
        return round(counts["alerts_queued"] / max(1, counts["new_breaches"]), 2)
    except (ValueError, KeyError, TypeError):
        return None


def measure_gui(suite: Suite, backend: str, url: str, args) -> None:
    ensure_snapshot(url, args.now)
    probe, result = run_probe(url, args.now)
    if result is None:
        suite.add(Row(backend, "console", None, note="probe failed: "
                      + probe.stderr.strip()[-300:]))
        return
    errors = "; ".join(result.get("errors", []))[:200]
    drawn = result.get("snapshot_drawn_s")
    suite.add(Row(backend, "console: start to dashboard drawn (snapshot)", drawn, probe.peak_mb,
                  note=f"goal < {GUI_DRAWN_MAX_S} s; {result['path']}; imports "
                       f"{result['imports_s']} s", ok=drawn is not None and drawn < GUI_DRAWN_MAX_S))
    suite.add(Row(backend, "console: start to fresh figures drawn", result.get("fresh_drawn_s"),
                  note=f"every view loaded at {result.get('all_views_s')} s" + (
                      f"; errors: {errors}" if errors else "")))
    stall = result.get("max_stall_ms")
    suite.add(Row(backend, "console: longest GUI-thread stall (ms)", stall,
                  note=f"goal < {GUI_STALL_MAX_MS:g} ms; value in ms, 10 ms heartbeat, "
                       f"{result.get('heartbeats')} beats"
                       + "".join(f"; {s}" for s in result.get("stalls", [])[:2]),
                  ok=stall is not None and stall < GUI_STALL_MAX_MS))
    measure_catch_up(suite, backend, url, args)


def run_probe(url: str, now: str, *options: str) -> tuple[Run, dict | None]:
    """benchmarks/gui_probe.py in its own process: the run, and its JSON answer (None: it
    failed)."""
    probe = run([PYTHON, str(BENCH / "gui_probe.py"), url, now, *options],
                env={"QT_QPA_PLATFORM": "offscreen", "BENCH_T0": "set"})
    try:
        return probe, json.loads(probe.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return probe, None


def measure_catch_up(suite: Suite, backend: str, url: str, args) -> None:
    """The console opened an hour after the last job runs: its embedded scheduler catches
    up on every job while the window is in use (not a goal of the issue; measured)."""
    from core.timeutil import US_PER_HOUR, iso_utc, parse_now

    later = iso_utc(parse_now(args.now) + US_PER_HOUR)
    probe, result = run_probe(url, later, "--catch-up", str(CATCH_UP_WATCH_S))
    if result is None:
        suite.add(Row(backend, "console: during the scheduler's catch-up", None,
                      note="probe failed: " + probe.stderr.strip()[-300:]))
        return
    runs = result.get("catch_up_runs", [])
    suite.add(Row(backend, "console: longest stall during the jobs' catch-up (ms)",
                  result.get("catch_up_max_stall_ms"),
                  note=f"opened at {later}; {len(runs)} runs in {CATCH_UP_WATCH_S} s, each "
                       "in its own process: " + ", ".join(runs)))


def ensure_snapshot(url: str, now: str) -> None:
    """The stored team snapshot the console shows first: the refresh job stores it (already
    run above when jobs/ exists); without jobs/, store build_dashboard's payload here."""
    from sqlalchemy import select

    from core.db import make_engine, session_scope, write_transaction
    from core.models import DashboardSnapshot

    engine = make_engine(url)
    try:
        with session_scope(engine) as session:
            if session.scalar(select(DashboardSnapshot.scope)
                              .where(DashboardSnapshot.scope == "team")) is not None:
                return
        from core.dashboard import build_dashboard
        from core.settings import Settings
        from core.timeutil import parse_now, zone
        from core.window import Window

        now_us = parse_now(now)
        with write_transaction(engine) as session:
            payload = build_dashboard(session, Window(now_us, 30, zone("UTC")), Settings())
            session.merge(DashboardSnapshot(scope="team", computed_at=now_us,
                                            payload=json.dumps(payload)))
    finally:
        engine.dispose()


def reset(backend: str, url: str, args, suite: Suite) -> str:
    if backend == "sqlite":
        return fresh_sqlite(Path(url.removeprefix("sqlite:///")))
    return fresh_pg(args.pg, pg_name(suite))


def pg_name(suite: Suite) -> str:
    return f"sc_bench_{suite.items}_{suite.agents}"


def measure_size(items: int, agents: int, args) -> Suite:
    from benchmarks.datagen import write_dataset
    from core.timeutil import parse_now

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    suite = Suite(items, agents)
    print(f"\n== {items:,} items, {agents:,} agents ==", flush=True)
    data = out / f"data-{items}-{agents}-{args.seed}{'-hours' if args.hours else ''}"
    start = time.perf_counter()
    info = write_dataset(data, items=items, agents=agents, seed=args.seed,
                         now_us=parse_now(args.now), hours=args.hours)
    print(f"  data set: {data} ({info['bytes'] / 1e6:.0f} MB CSV, "
          f"{time.perf_counter() - start:.1f} s)", flush=True)

    floor_db = out / f"floor-{items}-{agents}.db"
    floor_import = run([PYTHON, str(BENCH / "floor.py"), "import", str(data),
                        fresh_sqlite(floor_db).removeprefix("sqlite:///")])
    if floor_import.code != 0:
        raise SystemExit(f"floor import failed: {floor_import.stderr}")
    floor_cmp = run([PYTHON, str(BENCH / "floor.py"), "comparison", str(floor_db), args.now])
    suite.add(Row("floor", "import (sqlite3 executemany, one index)", floor_import.seconds,
                  floor_import.peak_mb))
    suite.add(Row("floor", "comparison (one SQL statement)", floor_cmp.seconds,
                  floor_cmp.peak_mb))
    # For reference: the same floor with its one index in the console's column order.
    alt_db = out / f"floor-alt-{items}-{agents}.db"
    fresh_sqlite(alt_db)
    shutil.copyfile(floor_db, alt_db)
    import sqlite3

    with sqlite3.connect(alt_db) as con:
        con.execute("DROP INDEX ix_items_kind_created")
        con.execute("CREATE INDEX ix_items_kind_assignee ON items (kind, assignee, created_at,"
                    " priority, resolved_at, first_response_at)")
    alt = run([PYTHON, str(BENCH / "floor.py"), "comparison", str(alt_db), args.now])
    args.floor_alt = alt.seconds
    suite.add(Row("floor", "comparison, index in the console's order", alt.seconds, alt.peak_mb,
                  note="for reference: the floor's index as (kind, assignee, created_at, ...)"))

    if "sqlite" not in args.skip:
        url = fresh_sqlite(out / f"sc-{items}-{agents}.db")
        measure_backend(suite, "sqlite", url, data, floor_db, floor_import, args)
    if args.pg and "pg" not in args.skip:
        url = fresh_pg(args.pg, pg_name(suite))
        try:
            measure_backend(suite, "postgresql", url, data, floor_db, floor_import, args)
        finally:
            if not args.keep:
                drop_pg(args.pg, pg_name(suite))
    return suite


def parse_sizes(text: str, agents: int) -> list[tuple[int, int]]:
    sizes = []
    for part in text.split(","):
        part = part.strip().replace("_", "")
        if not part:
            continue
        items, _, count = part.partition(":")
        sizes.append((int(float(items)), int(count) if count else agents))
    return sizes


def scaling_table(suites: list[Suite]) -> str:
    tasks: list[tuple[str, str]] = []
    for suite in suites:
        for row in suite.rows:
            if (row.backend, row.task) not in tasks and row.seconds is not None:
                tasks.append((row.backend, row.task))
    heads = [f"{s.items:,} x {s.agents}" for s in suites]
    lines = ["| backend | task | " + " | ".join(heads) + " |",
             "| --- | --- | " + " | ".join("---:" for _ in suites) + " |"]
    for backend, task in tasks:
        cells = []
        for suite in suites:
            match = [r for r in suite.rows if (r.backend, r.task) == (backend, task)]
            cells.append("" if not match or match[0].seconds is None
                         else f"{match[0].seconds:.2f}")
        lines.append(f"| {backend} | {task} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=2_000,
                        help="agents (the demo generator puts about 20 in a team)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--now", default=DEFAULT_NOW, help="the fixed clock (ISO 8601)")
    parser.add_argument("--pg", metavar="URL", help="also measure on this PostgreSQL server "
                        "(a database sc_bench_* is created there and dropped afterwards)")
    parser.add_argument("--out", default=str(BENCH / "out"), help="folder for data and databases")
    parser.add_argument("--sizes", help="scaling runs instead of --items/--agents: "
                        "ITEMS[:AGENTS],... e.g. 100000,300000,1000000 or 1000000:2000")
    parser.add_argument("--repeat", type=int, default=2,
                        help="floor/task pairs for the import and the comparison (fastest kept)")
    parser.add_argument("--skip", default="", help="comma list of: sqlite, pg, jobs, gui")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases")
    parser.add_argument("--hours", action="store_true",
                        help="data with calendars, holidays and status histories (issue 15), "
                             "and the policy-change row")
    parser.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--markdown", metavar="FILE", help="also write the tables as Markdown")
    args = parser.parse_args(argv)
    args.skip = [s.strip() for s in args.skip.split(",") if s.strip()]
    args.repeat = max(1, args.repeat)

    sizes = parse_sizes(args.sizes, args.agents) if args.sizes else [(args.items, args.agents)]
    print(f"Support Console benchmark on {os.cpu_count()} CPU(s), Python "
          f"{sys.version.split()[0]}, load average {os.getloadavg()[0]:.1f}", flush=True)
    suites = [measure_size(items, agents, args) for items, agents in sizes]
    for suite in suites:
        print_table(suite)
    if len(suites) > 1:
        print("\nScaling (seconds):\n" + scaling_table(suites))
    misses = [(s.items, r.backend, r.task) for s in suites for r in s.rows if r.ok is False]
    print(f"\nGoals: {'all met' if not misses else f'{len(misses)} missed'}"
          f" (load average now {os.getloadavg()[0]:.1f})")
    if args.json:
        Path(args.json).write_text(json.dumps([{
            "items": s.items, "agents": s.agents,
            "rows": [dict(r.__dict__, ratio=r.ratio) for r in s.rows]} for s in suites],
            indent=1))
    if args.markdown:
        text = "\n\n".join(markdown_table(s) for s in suites)
        if len(suites) > 1:
            text += "\n\nScaling (seconds):\n\n" + scaling_table(suites)
        Path(args.markdown).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
