"""The agent comparison table: one row per role-agent agent (core.team.comparison)."""

from __future__ import annotations

from console.models.table_model import Column, RowTableModel, fixed, whole


class ComparisonModel(RowTableModel):
    AGENT, NAME, SCORE, HANDLED, RESOLVED, RATE, RESPONSE, RESOLUTION, SLA = range(9)
    COLUMNS = (
        Column("agent_id", "Agent"),
        Column("agent_name", "Name"),
        Column("performance_score", "Score", numeric=True, fmt=fixed(1),
               tip="100 × (0.4 resolution + 0.3 response + 0.3 SLA), by default weights"),
        Column("tickets_handled", "Handled", numeric=True, fmt=whole),
        Column("tickets_resolved", "Resolved", numeric=True, fmt=whole),
        Column("resolution_rate_percent", "Resolution\nrate (%)", numeric=True, fmt=fixed(1)),
        Column("avg_response_time_hours", "First\nresponse (h)", numeric=True, fmt=fixed(2),
               tip="Mean hours from creation to first response"),
        Column("avg_resolution_time_hours", "Resolution\ntime (h)", numeric=True, fmt=fixed(2)),
        Column("sla_compliance_rate_percent", "SLA\ncompliance (%)", numeric=True, fmt=fixed(1)),
        Column("median_response_time_hours", "Median first\nresponse (h)", numeric=True,
               fmt=fixed(2)),
        Column("p90_response_time_hours", "P90 first\nresponse (h)", numeric=True, fmt=fixed(2),
               tip="90 % of first responses came within this many hours"),
        Column("median_resolution_time_hours", "Median\nresolution (h)", numeric=True,
               fmt=fixed(2)),
        Column("p90_resolution_time_hours", "P90\nresolution (h)", numeric=True, fmt=fixed(2),
               tip="90 % of resolutions came within this many hours"),
    )
