"""The workload table: open items per agent and kind (core.team.workload)."""

from __future__ import annotations

from console.models.table_model import Column, RowTableModel, fixed, whole


class WorkloadModel(RowTableModel):
    AGENT, NAME, TICKETS, DISPUTES, ORDERS, TOTAL, SHARE, ASSIGNED = range(8)
    COLUMNS = (
        Column("agent_id", "Agent"),
        Column("agent_name", "Name"),
        Column("open_tickets", "Open tickets", numeric=True, fmt=whole),
        Column("open_disputes", "Open disputes", numeric=True, fmt=whole),
        Column("open_orders", "Open orders", numeric=True, fmt=whole),
        Column("total_open", "Total open", numeric=True, fmt=whole),
        Column("share_percent", "Share (%)", numeric=True, fmt=fixed(1),
               tip="Share of all assigned open items"),
        Column("assigned_in_window", "Assigned in period", numeric=True, fmt=whole,
               tip="Items of any kind created in the period with this assignee"),
    )
