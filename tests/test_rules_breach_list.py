"""The breach list from core: names, acknowledgements and the agents a person may filter by."""

import pytest
from sqlalchemy import update

from core.breach_list import breach_worklist
from core.db import read_scope, write_transaction
from core.errors import PermissionDenied
from core.schema import breach_records
from core.settings import Settings
from core.timeutil import zone
from core.window import Window
from jobs.check_sla_breaches import run_check_sla_breaches
from tests.desktop_helpers import NOW, breach_now, team_engine


@pytest.fixture
def team(db_url):
    engine = team_engine(db_url)
    breach_now(engine, "T-1", assignee="agent001")
    breach_now(engine, "T-2", assignee="agent002")
    run_check_sla_breaches(engine, NOW, Settings())
    with write_transaction(engine) as session:
        session.execute(update(breach_records).where(breach_records.c.item_id == "T-2")
                        .values(acknowledged_at=NOW, acknowledged_by="lead01"))
    yield engine
    engine.dispose()


def worklist(engine, actor_id):
    with read_scope(engine) as db:
        return breach_worklist(db, Window(NOW, 30, zone("UTC")), actor_id=actor_id,
                               settings=Settings())


def test_a_supervisor_sees_every_breach_and_every_agent_to_filter_by(team):
    lead = worklist(team, "lead01")
    rows = {row["item_id"]: row for row in lead["breached"]}
    assert set(rows) == {"T-1", "T-2"}
    assert (rows["T-1"]["acknowledged"], rows["T-2"]["acknowledged"]) == (False, True)
    assert rows["T-1"]["assignee_name"] and rows["T-1"]["assignee"] == "agent001"
    assert {agent_id for _name, agent_id in lead["agents"]} == {
        "admin", "lead01", "agent001", "agent002", "agent003"}


def test_an_agent_sees_only_themself_in_the_filter_and_their_own_breaches(team):
    mine = worklist(team, "agent002")
    assert [row["item_id"] for row in mine["breached"]] == ["T-2"]
    assert [agent_id for _name, agent_id in mine["agents"]] == ["agent002"]
    assert mine["breached"][0]["acknowledged"] is True
    with pytest.raises(PermissionDenied):
        worklist(team, "stranger")
