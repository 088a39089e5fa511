"""Every item model of the console passes pytest-qt's qtmodeltester, empty and filled."""

from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from console.models.breach_model import BreachListModel
from console.models.comparison_model import ComparisonModel
from console.models.sorting import SortProxyModel
from console.models.table_model import SORT_ROLE
from console.models.workload_model import WorkloadModel

pytestmark = pytest.mark.gui

COMPARISON_ROWS = [
    {"agent_id": "a1", "agent_name": "Ann", "tickets_handled": 10, "tickets_resolved": 9,
     "resolution_rate_percent": 90.0, "avg_resolution_time_hours": 5.5,
     "avg_response_time_hours": 1.25, "sla_compliance_rate_percent": 80.0,
     "performance_score": 88.1},
    {"agent_id": "a2", "agent_name": "Bob", "tickets_handled": 0, "tickets_resolved": 0,
     "resolution_rate_percent": None, "avg_resolution_time_hours": None,
     "avg_response_time_hours": None, "sla_compliance_rate_percent": None,
     "performance_score": None},
]
WORKLOAD_ROWS = [
    {"agent_id": "a1", "agent_name": "Ann", "open_tickets": 3, "open_disputes": 1,
     "open_orders": 0, "total_open": 4, "share_percent": 66.7, "assigned_in_window": 12},
    {"agent_id": "a2", "agent_name": "Bob", "open_tickets": 2, "open_disputes": 0,
     "open_orders": 0, "total_open": 2, "share_percent": 33.3, "assigned_in_window": 3},
]
BREACH_ROWS = [
    {"state": "breached", "item_id": "T1", "kind": "ticket", "priority": "high",
     "subject": "Login fails", "assignee": "a1", "assignee_name": "Ann",
     "targets": ["first_response", "resolution"], "due_at_us": 1_700_000_000_000_000,
     "overdue_minutes": 1500, "acknowledged": False},
    {"state": "at risk", "item_id": "D2", "kind": "dispute", "priority": "low",
     "subject": "Refund", "assignee": None, "assignee_name": None,
     "targets": ["resolution"], "due_at_us": 1_700_000_600_000_000,
     "overdue_minutes": -25, "acknowledged": True},
]


@pytest.mark.parametrize("model_class, rows", [(ComparisonModel, COMPARISON_ROWS),
                                               (WorkloadModel, WORKLOAD_ROWS)])
def test_table_models_pass_modeltester(qtmodeltester, model_class, rows):
    model = model_class()
    qtmodeltester.check(model)
    model.set_rows(rows)
    qtmodeltester.check(model)
    proxy = SortProxyModel()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_breach_model_and_filter_pass_modeltester(qtmodeltester):
    model = BreachListModel(ZoneInfo("Europe/Berlin"))
    qtmodeltester.check(model)
    model.set_rows(BREACH_ROWS)
    qtmodeltester.check(model)
    model.set_filter("kind", "dispute")
    qtmodeltester.check(model)
    assert model.rowCount() == 1


def test_numbers_are_right_aligned_and_sort_as_numbers():
    model = ComparisonModel()
    model.set_rows(COMPARISON_ROWS)
    index = model.index(0, ComparisonModel.SCORE)
    assert model.data(index) == "88.1"
    assert model.data(index, Qt.ItemDataRole.TextAlignmentRole) & int(Qt.AlignmentFlag.AlignRight)
    assert model.data(model.index(1, ComparisonModel.SCORE)) == "—"
    proxy = SortProxyModel()
    proxy.setSourceModel(model)
    proxy.sort(ComparisonModel.SCORE, Qt.SortOrder.DescendingOrder)
    assert proxy.index(0, ComparisonModel.AGENT).data() == "a1"  # null score sorts last
    assert model.data(index, SORT_ROLE) == 88.1


def test_breach_filters_by_agent_target_and_text():
    model = BreachListModel(ZoneInfo("UTC"))
    model.set_rows(BREACH_ROWS)
    model.set_filter("target", "first_response")
    assert model.rowCount() == 1
    model.set_filter("target", None)
    model.set_filter("assignee", "a1")
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == ["T1"]
    model.set_filter("assignee", None)
    model.set_filter("text", "refund")
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == ["D2"]
    model.set_rows(BREACH_ROWS)  # fresh rows keep the filter
    assert [model.index(r, 1).data() for r in range(model.rowCount())] == ["D2"]
    model.set_filter("text", "")
    assert model.rowCount() == len(BREACH_ROWS)
    assert model.index(0, BreachListModel.DUE).data() == "2023-11-14 22:13"
    assert model.index(1, BreachListModel.OVERDUE).data() == "−0.4"
