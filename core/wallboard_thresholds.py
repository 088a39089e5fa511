"""The wallboard's tiles and their thresholds: caution and warning, and each tile's direction."""

from __future__ import annotations

from dataclasses import dataclass

from core.errors import BadInput

TILE_NAMES = (
    "open_items", "unassigned_open", "active_breaches", "at_risk", "oldest_breach_hours",
    "tickets_created", "tickets_resolved", "sla_compliance_percent", "avg_first_response_hours",
)
NORMAL, CAUTION, WARNING = "normal", "caution", "warning"
STATES = (NORMAL, CAUTION, WARNING)


@dataclass(frozen=True)
class Threshold:
    caution: float
    warning: float
    higher_is_better: bool = False

    def state(self, value: float | None) -> str:
        if value is None:
            return NORMAL
        if self.higher_is_better:
            return WARNING if value <= self.warning else CAUTION if value <= self.caution else NORMAL
        return WARNING if value >= self.warning else CAUTION if value >= self.caution else NORMAL


# The direction belongs to the figure, the two numbers to the site (wallboard_thresholds).
HIGHER_IS_BETTER = {"sla_compliance_percent"}
DEFAULT_THRESHOLDS: dict[str, Threshold] = {
    "unassigned_open": Threshold(5, 20),
    "active_breaches": Threshold(1, 10),
    "at_risk": Threshold(1, 5),
    "oldest_breach_hours": Threshold(4, 24),
    "sla_compliance_percent": Threshold(90, 80, higher_is_better=True),
    "avg_first_response_hours": Threshold(2, 4),
}


def parse_thresholds(text: str) -> dict[str, Threshold]:
    """The setting `wallboard_thresholds`: space- or comma-separated `tile=caution:warning`
    entries over the defaults, e.g. "active_breaches=2:8 sla_compliance_percent=95:85"."""
    thresholds = dict(DEFAULT_THRESHOLDS)
    for entry in text.replace(",", " ").split():
        name, _, pair = entry.partition("=")
        if name not in TILE_NAMES:
            raise BadInput(f"wallboard_thresholds: unknown tile {name!r} "
                           f"(one of: {', '.join(DEFAULT_THRESHOLDS)})")
        if name not in DEFAULT_THRESHOLDS:
            raise BadInput(f"wallboard_thresholds: {name} has no thresholds (always normal)")
        try:
            caution, warning = (float(part) for part in pair.split(":"))
        except ValueError:
            raise BadInput(f"wallboard_thresholds: {entry!r} must be {name}=CAUTION:WARNING")
        better = name in HIGHER_IS_BETTER
        if (warning > caution) if better else (warning < caution):
            order = "at or below" if better else "at or above"
            raise BadInput(f"wallboard_thresholds: {name}'s warning ({pair.split(':')[1]}) must "
                           f"be {order} its caution ({pair.split(':')[0]})")
        thresholds[name] = Threshold(caution, warning, better)
    return thresholds


def tile_state(name: str, value: float | None, thresholds: dict[str, Threshold]) -> str:
    threshold = thresholds.get(name)
    return NORMAL if threshold is None else threshold.state(value)
