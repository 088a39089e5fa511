"""The team dashboard's four charts, each drawn from the dashboard payload."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from console.widgets.charts import (
    KIND_COLOURS,
    SERIES_COLOURS,
    Chart,
    bars,
    horizontal_bars,
    nearest_index,
    plot_line,
)

DAY_S = 86_400.0
KIND_LABELS = (("ticket", "open_tickets", "Tickets"), ("dispute", "open_disputes", "Disputes"),
               ("order", "open_orders", "Orders"))


def week_seconds(week_start: str, tz: ZoneInfo) -> float:
    """Local midnight of an ISO date, as epoch seconds (the date axis unit)."""
    day = date.fromisoformat(week_start)
    return datetime(day.year, day.month, day.day, tzinfo=tz).timestamp()


def week_label(week: dict) -> str:
    return f"week of {week['week_start']} to {week['week_end']}"


def draw_created_vs_resolved(chart: Chart, trends: list[dict], tz: ZoneInfo) -> None:
    chart.reset()
    if not trends:
        chart.show_empty("No weeks in this period")
        return
    starts = [week_seconds(w["week_start"], tz) + 3.5 * DAY_S for w in trends]
    created = [w["tickets_created"] for w in trends]
    resolved = [w["tickets_resolved"] for w in trends]
    chart.addItem(bars([x - 1.5 * DAY_S for x in starts], created, 2.8 * DAY_S,
                       SERIES_COLOURS[0], "Created"))
    chart.addItem(bars([x + 1.5 * DAY_S for x in starts], resolved, 2.8 * DAY_S,
                       SERIES_COLOURS[1], "Resolved"))
    chart.legend_in_one_row()
    chart.set_week_ticks(starts, [w["week_start"] for w in trends])
    chart.getPlotItem().setXRange(starts[0] - 4 * DAY_S, starts[-1] + 4 * DAY_S, padding=0)
    chart.getPlotItem().setYRange(0, max(created + [1]) * 1.35, padding=0)

    def hover(x: float, _y: float) -> str | None:
        i = nearest_index(starts, x, 3.5 * DAY_S)
        if i is None:
            return None
        w = trends[i]
        rate = "—" if w["resolution_rate"] is None else f"{w['resolution_rate']:.1f} %"
        return (f"{week_label(w)}\ncreated: {w['tickets_created']}\n"
                f"resolved: {w['tickets_resolved']}\nresolution rate: {rate}")

    chart.set_hover(hover)


# (field, legend name, colour, dashed) of the weekly percentage lines.
SLA_SERIES = (("sla_compliance_rate_percent", "SLA compliance", SERIES_COLOURS[0], False),
              ("resolution_rate_percent", "Resolution rate", SERIES_COLOURS[1], True))


def draw_sla_by_week(chart: Chart, weeks: list[dict], tz: ZoneInfo) -> None:
    draw_weekly_percentages(chart, weeks, tz, SLA_SERIES)


def draw_weekly_percentages(chart: Chart, weeks: list[dict], tz: ZoneInfo,
                            series: tuple[tuple[str, str, str, bool], ...]) -> None:
    """One line per series over the weeks of a performance trend, on a 0-100 scale."""
    chart.reset()
    if not weeks:
        chart.show_empty("No weeks in this period")
        return
    xs = [week_seconds(w["week_start"], tz) + 3.5 * DAY_S for w in weeks]
    for key, name, colour, dashed in series:
        plot_line(chart, xs, [_nan(w[key]) for w in weeks], colour, name, dashed=dashed)
    chart.legend_in_one_row()
    chart.set_week_ticks(xs, [w["week_start"] for w in weeks])
    chart.getPlotItem().setXRange(xs[0] - 4 * DAY_S, xs[-1] + 4 * DAY_S, padding=0)
    chart.getPlotItem().setYRange(0, 105, padding=0)

    def hover(x: float, _y: float) -> str | None:
        i = nearest_index(xs, x, 3.5 * DAY_S)
        if i is None:
            return None
        w = weeks[i]
        return "\n".join([week_label(w)] + [f"{name}: {_pct(w[key])}"
                                            for key, name, _c, _d in series]
                         + [f"tickets: {w['tickets_handled']}"])

    chart.set_hover(hover)


WORKLOAD_TOP = 20  # bars before the rest become one "others" bar


def top_by_load(agents: list[dict], limit: int = WORKLOAD_TOP) -> list[dict]:
    """Up to `limit` agents as given; more: the `limit` most loaded (ties by id) and one
    row for the others, their mean per agent (on the same scale as the bars above it;
    "others_total" has their sum), so that the chart stays readable at any size."""
    if len(agents) <= limit:
        return agents
    ranked = sorted(agents, key=lambda a: (-a["total_open"], a["agent_id"]))
    rest = ranked[limit:]
    keys = ("open_tickets", "open_disputes", "open_orders", "total_open")
    others = {"agent_id": "", "agent_name": f"{len(rest)} others (mean)",
              "others_total": sum(a["total_open"] for a in rest),
              **{key: round(sum(a[key] for a in rest) / len(rest), 2) for key in keys}}
    return ranked[:limit] + [others]


def draw_workload(chart: Chart, agents: list[dict]) -> None:
    """Open items per agent, stacked by kind; one horizontal bar per agent, first on top
    (past WORKLOAD_TOP agents: the most loaded and an "others" bar)."""
    chart.reset()
    if not agents:
        chart.show_empty("No agents")
        return
    agents = top_by_load(agents)
    ys = list(range(len(agents)))
    base = [0] * len(agents)
    for kind, key, label in KIND_LABELS:
        lengths = [a[key] for a in agents]
        chart.addItem(horizontal_bars(ys, lengths, 0.7, KIND_COLOURS[kind], label, x0=list(base)))
        base = [b + n for b, n in zip(base, lengths)]
    chart.legend_in_one_row()
    chart.set_category_ticks([a["agent_name"] for a in agents], axis="left")
    plot = chart.getPlotItem()
    plot.getAxis("left").setWidth(max(62, 7 * max(len(a["agent_name"]) for a in agents) + 12))
    plot.invertY(True)
    plot.showGrid(x=True, y=False, alpha=0.25)
    plot.setYRange(-0.6, len(agents) - 0.4 + 1.2, padding=0)  # a free row for the legend
    plot.setXRange(0, max(base + [1]) * 1.1, padding=0)

    def hover(_x: float, y: float) -> str | None:
        i = nearest_index(ys, y, 0.45)
        if i is None:
            return None
        a = agents[i]
        who = (f"{a['agent_name']} ({a['agent_id']})" if a["agent_id"]
               else f"{a['agent_name']}, {a['others_total']} open in all")
        return (f"{who}\ntickets: {a['open_tickets']}\n"
                f"disputes: {a['open_disputes']}\norders: {a['open_orders']}\n"
                f"total open: {a['total_open']}")

    chart.set_hover(hover)


def draw_response_histogram(chart: Chart, buckets: list[dict]) -> None:
    chart.reset()
    xs = list(range(len(buckets)))
    counts = [b["count"] for b in buckets]
    chart.addItem(bars(xs, counts, 0.75, SERIES_COLOURS[3], "Tickets"))
    chart.set_category_ticks([b["bucket"].replace(" h", "") for b in buckets])
    chart.getPlotItem().setXRange(-0.6, len(buckets) - 0.4, padding=0)
    chart.getPlotItem().setYRange(0, max(counts + [1]) * 1.15, padding=0)
    total = sum(counts)

    def hover(x: float, _y: float) -> str | None:
        i = nearest_index(xs, x, 0.45)
        if i is None:
            return None
        share = f" ({100 * counts[i] / total:.1f} %)" if total else ""
        return f"first response {buckets[i]['bucket']}: {counts[i]} tickets{share}"

    chart.set_hover(hover)


def short_name(name: str) -> str:
    """'Uma Silva' -> 'Uma S.' (axis labels stay readable with many agents)."""
    parts = name.split()
    return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else name


def _nan(value: float | None) -> float:
    return float("nan") if value is None else float(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"
