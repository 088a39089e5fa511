"""Demo data: realistic and deterministic for a seed and a clock."""

from sqlalchemy import func, select

from core.db import make_engine, session_scope, upgrade_schema
from core.demo import is_demo_database, load_demo
from core.errors import BadInput
from core.exporter import export_folder
from core.models import Agent, Item
from core.timeutil import parse_now

NOW = parse_now("2026-11-30T10:00:00+00:00")


def _demo(url, seed):
    engine = make_engine(url)
    upgrade_schema(engine)
    load_demo(engine, agents=10, items=1500, seed=seed, now_us=NOW)
    return engine


def test_same_seed_and_clock_give_the_same_data(tmp_path):
    first = _demo(f"sqlite:///{tmp_path / 'a.db'}", 11)
    second = _demo(f"sqlite:///{tmp_path / 'b.db'}", 11)
    other = _demo(f"sqlite:///{tmp_path / 'c.db'}", 12)
    for engine, folder in ((first, "a"), (second, "b"), (other, "c")):
        export_folder(engine, tmp_path / folder)
    same = (tmp_path / "a" / "items.csv").read_bytes() == (tmp_path / "b" / "items.csv").read_bytes()
    differs = (tmp_path / "a" / "items.csv").read_bytes() != (tmp_path / "c" / "items.csv").read_bytes()
    assert same and differs


def test_demo_is_a_realistic_team(db_url):
    engine = _demo(db_url, 3)
    assert is_demo_database(engine)
    with session_scope(engine) as session:
        roles = dict(session.execute(select(Agent.role, func.count()).group_by(Agent.role)).all())
        kinds = dict(session.execute(select(Item.kind, func.count()).group_by(Item.kind)).all())
        statuses = set(session.scalars(select(Item.status).distinct()))
        span = session.execute(select(func.min(Item.created_at), func.max(Item.created_at))).one()
    assert roles["admin"] == 1 and roles["lead"] >= 1 and roles["agent"] == 10
    assert set(kinds) == {"ticket", "dispute", "order"} and sum(kinds.values()) == 1500
    assert {"open", "resolved", "closed"} <= statuses
    assert (span[1] - span[0]) > 80 * 24 * 3600 * 1_000_000
    engine.dispose()


def test_demo_refuses_a_database_with_real_data(sqlite_url, tmp_path):
    engine = make_engine(sqlite_url)
    upgrade_schema(engine)
    folder = tmp_path / "real"
    folder.mkdir()
    (folder / "agents.csv").write_text("id,name,email,role,active,last_activity_at,max_open\n"
                                       "a1,Ann,,agent,true,,\n")
    from core.importer import import_folder

    import_folder(engine, folder)
    try:
        load_demo(engine, agents=3, items=10, now_us=NOW)
        raise AssertionError("demo overwrote real data")
    except BadInput as exc:
        assert "real data" in str(exc)
    assert not is_demo_database(engine)
    engine.dispose()
