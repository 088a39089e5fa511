"""The score's formula is written once: its parts add up to the score the reports print."""

import pytest

from core.performance import ScoreWeights, performance_score
from core.score_components import score_components

WEIGHTS = ScoreWeights(0.5, 0.25, 0.25, 12.0)


@pytest.mark.parametrize(("rate", "response", "compliance"), [
    (80.0, 3.0, 90.0), (0.0, None, None), (100.0, 30.0, 50.0), (33.3, 11.99, 0.0)])
def test_the_parts_add_up_to_the_score(rate, response, compliance):
    fields = {"tickets_handled": 7, "resolution_rate_percent": rate,
              "avg_response_time_hours": response, "sla_compliance_rate_percent": compliance}
    parts = score_components(fields, WEIGHTS)
    score = performance_score(7, rate, response, compliance, WEIGHTS)
    assert parts["max"] == {"resolution": 50.0, "response": 25.0, "sla": 25.0}
    assert abs(parts["resolution"] + parts["response"] + parts["sla"] - score) <= 0.15


def test_nothing_handled_means_no_score_and_no_parts():
    fields = {"tickets_handled": 0, "resolution_rate": None, "avg_response_time_hours": None,
              "sla_compliance_rate": None}
    assert performance_score(0, None, None, None, WEIGHTS) is None
    assert score_components(fields, WEIGHTS)["sla"] is None
