"""The three parts of the performance score (resolution, response, SLA), for showing how it adds up."""

from __future__ import annotations

from typing import Any

from core.performance import ScoreWeights, score_factors


def score_components(fields: dict[str, Any], weights: ScoreWeights) -> dict[str, Any]:
    """Points each part adds to the score, from the performance fields (rules.md, Performance).

    `fields` has resolution_rate_percent (or resolution_rate), avg_response_time_hours and
    sla_compliance_rate_percent (or sla_compliance_rate), as the reports print them. The
    parts add up to the score within rounding; all are None when nothing was handled."""
    handled = fields.get("tickets_handled")
    rate = fields.get("resolution_rate_percent", fields.get("resolution_rate"))
    response = fields.get("avg_response_time_hours")
    compliance = fields.get("sla_compliance_rate_percent", fields.get("sla_compliance_rate"))
    maximum = {"resolution": 100.0 * weights.resolution, "response": 100.0 * weights.response,
               "sla": 100.0 * weights.sla}
    factors = score_factors(handled, rate, response, compliance, weights)
    if factors is None:
        return {"resolution": None, "response": None, "sla": None, "max": maximum}
    r, s, c = factors
    return {
        "resolution": round(maximum["resolution"] * r, 1),
        "response": round(maximum["response"] * s, 1),
        "sla": round(maximum["sla"] * c, 1),
        "max": maximum,
    }
