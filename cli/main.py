"""The command line: `support-console COMMAND`; JSON on stdout, exit codes 0/2/3/1."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from core import __version__
from core.errors import BadInput, DatabaseProblem, PermissionDenied, SupportConsoleError
from core.logging_setup import setup_logging
from core.startup_gc import pause_while_loading, process_done, program_loaded

log = logging.getLogger("support_console")

# The options that set a value core names in its own words (BadInput.subject, settings).
OPTION_OF = {"db_url": "--db", "agent": "--agent", "days": "--days", "now": "--now"}


class _Parser(argparse.ArgumentParser):
    """argparse that raises BadInput instead of printing usage and exiting."""

    def error(self, message: str):
        raise BadInput(f"{self.prog}: {message}")


REPORT_FORMATS = ("json", "csv", "xlsx")
INSUFFICIENT_PRIVILEGE = "42501"  # PostgreSQL's SQLSTATE: the role may not do this


def _common() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument("--db", default=argparse.SUPPRESS, metavar="URL",
                        help="database URL (default: the SQLite file in your data folder; "
                             "also SUPPORT_CONSOLE_DB)")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = _common()
    parser = _Parser(prog="support-console", parents=[common],
                     description="Support Console: dashboards, SLA breaches and jobs for "
                                 "support team leads. Without a command, opens the console.")
    parser.add_argument("--version", action="version", version=f"support-console {__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    sub.add_parser("init", parents=[common], help="create or upgrade the schema")
    p = sub.add_parser("import", parents=[common], help="import a folder of CSV files")
    p.add_argument("folder")
    p.add_argument("--tz", default="UTC", help="zone of times without an offset (default UTC)")
    p = sub.add_parser("export", parents=[common], help="export the three CSV files")
    p.add_argument("folder")
    p = sub.add_parser("demo", parents=[common], help="fill an empty database with demo data")
    p.add_argument("--agents", type=int, default=14)
    p.add_argument("--items", type=int, default=4000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--now", help="the clock the demo is built around (default: this hour)")

    p = sub.add_parser("report", parents=[common], help="print a report as JSON")
    p.add_argument("name")
    p.add_argument("--days", type=int, help="the window (default 30; wallboard: 1)")
    p.add_argument("--agent", metavar="ID")
    p.add_argument("--team", metavar="T", help="narrow to the team's items and agents")
    p.add_argument("--as", dest="as_id", metavar="ID", help="who is asking (default: admin)")
    p.add_argument("--now", metavar="ISO")
    p.add_argument("--tz", metavar="ZONE")
    p.add_argument("--figure", metavar="NAME", help="report items: the figure behind them")
    p.add_argument("--week", type=int, metavar="N", help="report items: week N of the window")
    p.add_argument("--policies", metavar="FILE",
                   help="what-if: answer for the SLA policies of this sla_policies.csv "
                        "(nothing is written)")
    p.add_argument("--format", default="json", choices=REPORT_FORMATS,
                   help="json (default), or its rows as a spreadsheet-safe csv or xlsx table")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output "
                                                 "(required for xlsx)")

    jobs = sub.add_parser("jobs", parents=[common], help="the periodic jobs")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", parser_class=_Parser, required=True)
    jobs_sub.add_parser("list", parents=[common], help="schedules, last and next runs")
    p = jobs_sub.add_parser("run", parents=[common], help="run one job at once")
    p.add_argument("job")
    p.add_argument("--now", metavar="ISO")
    p.add_argument("--dry-run", action="store_true",
                   help="show what would change and change nothing (reassignment)")
    # For the console's scheduler, which runs each job in a process of its own
    # (jobs.child_process): the run's trigger and period, and the settings on stdin.
    p.add_argument("--trigger", default="manual", choices=("manual", "scheduled", "catch-up", "retry"),
                   help=argparse.SUPPRESS)
    p.add_argument("--period", help=argparse.SUPPRESS)
    p.add_argument("--settings-stdin", action="store_true", help=argparse.SUPPRESS)
    jobs_sub.add_parser("serve", parents=[common], help="run the scheduler alone, headless")

    users = sub.add_parser("users", parents=[common], help="sign-in accounts")
    users_sub = users.add_subparsers(dest="users_command", parser_class=_Parser, required=True)
    p = users_sub.add_parser("set-password", parents=[common], help="set a person's password")
    p.add_argument("id")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from standard input instead of asking")

    db = sub.add_parser("db", parents=[common], help="PostgreSQL roles for least privilege")
    db_sub = db.add_subparsers(dest="db_command", parser_class=_Parser, required=True)
    roles = _Parser(add_help=False)
    roles.add_argument("--admin-role", help="the role that owns the schema "
                                            "(default: support_console)")
    roles.add_argument("--console-role", help="the role of the consoles and jobs "
                                              "(default: support_console_users)")
    db_sub.add_parser("grant-roles", parents=[common, roles],
                      help="create the admin and console roles and their grants")
    p = db_sub.add_parser("create-role", parents=[common, roles],
                          help="a login role for one person or machine")
    p.add_argument("name")
    p.add_argument("--kind", required=True, choices=("console", "admin"))
    p.add_argument("--password-stdin", action="store_true",
                   help="read the role's password from standard input")

    p = sub.add_parser("gui", parents=[common], help="open the console (the default)")
    p.add_argument("--smoke-test", action="store_true",
                   help="open, load and draw every view once, then exit")
    p.add_argument("--demo", action="store_true",
                   help="load demo data first when the database is empty")
    p.add_argument("--wallboard", action="store_true",
                   help="show the team's wallboard full-screen (read-only, no sign-in)")
    p.add_argument("--screen", metavar="NAME",
                   help="the wallboard's screen: a name or a number from 0 (default: primary)")
    return parser


def _settings(args: argparse.Namespace):
    from core.settings import load_settings, settings_from_json

    if getattr(args, "settings_stdin", False):
        return settings_from_json(sys.stdin.read(), "the settings on standard input")
    return load_settings(db_url=getattr(args, "db", None))


def _engine(args: argparse.Namespace, settings, *, migrate: bool = True):
    """The command's one engine (disposed by main), the schema brought up to date first."""
    from core.db import ensure_schema, make_engine
    from core.secrets import get_database_password

    if getattr(args, "engine", None) is None:
        args.engine = make_engine(settings.resolved_db_url(), settings=settings,
                                  password_provider=get_database_password)
        if migrate:
            ensure_schema(args.engine)
        program_loaded()
    return args.engine


def cmd_init(args, settings) -> dict:
    from core.db import safe_url, upgrade_schema

    result = upgrade_schema(_engine(args, settings, migrate=False))
    return {"database": safe_url(settings.resolved_db_url()), **result}


def cmd_import(args, settings) -> dict:
    from core.due_store import sync_clock_settings
    from core.importer import import_folder

    sync_clock_settings(_engine(args, settings), settings)
    return {"imported": import_folder(_engine(args, settings), args.folder, args.tz)}


def cmd_export(args, settings) -> dict:
    from core.exporter import export_folder

    return {"exported": export_folder(_engine(args, settings), args.folder)}


def cmd_demo(args, settings) -> dict:
    from core.demo import load_demo
    from core.due_store import sync_clock_settings
    from core.timeutil import parse_now

    now = parse_now(args.now) if args.now else None
    sync_clock_settings(_engine(args, settings), settings)
    return load_demo(_engine(args, settings), agents=args.agents, items=args.items,
                     seed=args.seed, now_us=now)


def cmd_report(args, settings) -> dict | None:
    from core.db import read_scope
    from core.reports import REPORTS, default_days, run_report
    from core.timeutil import parse_now, zone
    from core.window import Window

    if args.name not in REPORTS:
        raise BadInput(f"unknown report {args.name!r} (one of: {', '.join(REPORTS)})")
    if args.format == "xlsx" and not args.out:
        raise BadInput("report --format xlsx: give the workbook's file with --out FILE")
    days = default_days(args.name) if args.days is None else args.days
    window = Window(parse_now(args.now), days, zone(args.tz or settings.timezone))
    with read_scope(_engine(args, settings)) as conn:
        result = run_report(conn, args.name, window, actor_id=args.as_id,
                            agent_id=args.agent, settings=settings, team=args.team,
                            figure=args.figure, week=args.week, policies=args.policies)
    if args.format == "json" and not args.out:
        return result
    _write_report(result, args.name, args.format, args.out)
    return None


def _write_report(result: dict, name: str, kind: str, out: str | None) -> None:
    """The report as a file (or CSV on stdout): spreadsheet formats through core.spreadsheet."""
    from core.files import replaced_when_done
    from core.spreadsheet import report_table, write_csv, write_xlsx

    if kind == "json":
        with replaced_when_done(out) as handle:
            json.dump(result, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
        return
    headers, rows = report_table(result)
    if kind == "xlsx":
        write_xlsx(out, headers, rows, title=name)
    elif out:
        with replaced_when_done(out) as handle:
            write_csv(handle, headers, rows)
    else:
        write_csv(sys.stdout, headers, rows)
        sys.stdout.flush()


def cmd_jobs(args, settings) -> dict | None:
    from jobs.cli import jobs_command

    return jobs_command(args, settings, _engine(args, settings))


def cmd_users(args, settings) -> dict:
    import getpass

    from core.access import LOCAL_OPERATOR
    from core.accounts import set_password

    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"New password for {args.id}: ")
        if getpass.getpass("Again: ") != password:
            raise BadInput("the two passwords differ")
    set_password(_engine(args, settings), LOCAL_OPERATOR, args.id, password)
    return {"password_set": args.id}


def cmd_db(args, settings) -> dict:
    from core.db_roles import RoleNames, create_login, grant_roles

    names = RoleNames(admin=args.admin_role or RoleNames.admin,
                      console=args.console_role or RoleNames.console)
    engine = _engine(args, settings)
    if args.db_command == "grant-roles":
        return grant_roles(engine, names)
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    return create_login(engine, args.name, args.kind, password, names)


def cmd_gui(args, settings) -> int:
    from console.app import run_gui

    return run_gui(args, settings)


COMMANDS: dict[str, Callable[..., Any]] = {
    "init": cmd_init, "import": cmd_import, "export": cmd_export, "demo": cmd_demo,
    "report": cmd_report, "jobs": cmd_jobs, "users": cmd_users, "db": cmd_db, "gui": cmd_gui,
}


def _fail(code: int, message: str) -> int:
    print(f"support-console: {message}", file=sys.stderr)
    return code


def main(argv: list[str] | None = None) -> int:
    pause_while_loading()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = argparse.Namespace(engine=None)
    try:
        build_parser().parse_args(argv, namespace=args)
        if args.command is None:
            args.command, args.smoke_test, args.demo = "gui", False, False
        setup_logging(" ".join(filter(None, (args.command, getattr(args, "jobs_command", None)))))
        settings = _settings(args)
        from core.settings import secure_own_files

        secure_own_files()
        result = COMMANDS[args.command](args, settings)
    except SupportConsoleError as exc:
        return _fail(exc.exit_code, _with_option_name(exc))
    except SystemExit as exc:  # --help and --version
        return int(exc.code or 0)
    except KeyboardInterrupt:
        return _fail(1, "interrupted")
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        from core.db import describe_db_error

        url = str(args.engine.url) if args.engine is not None else "the database"
        # SQLAlchemy's error, or the driver's own (bulk import writes through the driver)
        if getattr(getattr(exc, "orig", exc), "sqlstate", None) == INSUFFICIENT_PRIVILEGE:
            return _fail(3, PermissionDenied(describe_db_error(exc, url)).args[0])
        if isinstance(exc, SQLAlchemyError):
            return _fail(1, DatabaseProblem(describe_db_error(exc, url)).args[0])
        log.error("unexpected error", exc_info=True)
        return _fail(1, f"unexpected error: {type(exc).__name__}: {exc}")
    finally:
        process_done()
        if args.engine is not None:
            args.engine.dispose()
    if isinstance(result, int):
        return result
    if result is not None:
        try:
            json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
            sys.stdout.flush()
        except BrokenPipeError:  # the reader (e.g. `| head`) stopped reading: not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _with_option_name(exc: SupportConsoleError) -> str:
    """Core's message, led by the option that gave the bad value when there is one."""
    from core.settings import InvalidSettings

    if isinstance(exc, InvalidSettings) and exc.source == "option":
        return "; ".join(f"{OPTION_OF.get(name, name)}: {reason}"
                         for name, reason in exc.problems.items())
    option = OPTION_OF.get(getattr(exc, "subject", None) or "")
    return f"{option}: {exc}" if option else str(exc)


def run() -> None:
    """The `support-console` program: main() as a process of its own. A command without a
    window ends the process as soon as its output is out, skipping the interpreter's
    teardown (freeing every module and object one by one: 0.09-0.15 s of a 0.5 s report,
    measured); its engine is disposed and its output flushed by then. The window's process
    ends normally: Qt saves its settings and removes its tray icon on the way out."""
    code = main()
    if "PySide6.QtWidgets" in sys.modules:
        sys.exit(code)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (BrokenPipeError, ValueError):
            pass
    os._exit(code)


if __name__ == "__main__":
    run()
