"""Test helpers for the desktop tests: a small team database, a breach made to order and a
keyring in memory."""

from __future__ import annotations

from keyring.backend import KeyringBackend
from sqlalchemy import Engine, delete

from core.db import ensure_schema, make_engine, write_transaction
from core.demo import DEMO_KEY, load_demo
from core.models import Item, Meta
from core.timeutil import US_PER_HOUR, parse_now

NOW = parse_now("2026-11-30T10:00:00+00:00")


def team_engine(url: str, *, demo: bool = True) -> Engine:
    """Schema, the demo team and SLA policies, but no items yet (so no breaches).
    demo=False: the same data without the demo mark (as if imported)."""
    engine = make_engine(url)
    ensure_schema(engine)
    load_demo(engine, agents=3, items=0, now_us=NOW)
    if not demo:
        with write_transaction(engine) as session:
            session.execute(delete(Meta).where(Meta.key == DEMO_KEY))
    return engine


def add_item(engine: Engine, item_id: str, assignee: str = "agent001", *,
             created_us: int, priority: str = "urgent", status: str = "open") -> None:
    """An open ticket; urgent tickets breach their first response after 60 minutes."""
    with write_transaction(engine) as session:
        session.add(Item(id=item_id, kind="ticket", subject=f"Subject of {item_id}",
                         priority=priority, status=status, assignee_id=assignee,
                         created_at=created_us))


def breach_now(engine: Engine, item_id: str, now_us: int = NOW, **kwargs) -> None:
    """An item that is breached at now_us (created three hours before)."""
    add_item(engine, item_id, created_us=now_us - 3 * US_PER_HOUR, **kwargs)


class MemoryKeyring(KeyringBackend):
    """A keyring for tests that keeps everything in memory."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.values = {}
        self.reads = 0

    def set_password(self, service, username, password):
        self.values[(service, username)] = password

    def get_password(self, service, username):
        self.reads += 1
        return self.values.get((service, username))

    def delete_password(self, service, username):
        self.values.pop((service, username), None)
