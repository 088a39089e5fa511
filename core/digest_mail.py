"""The team digest as an e-mail: plain text, HTML with the week's chart, and agents.csv."""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

from PIL import Image, ImageDraw, ImageFont

from core.mailer import TARGET_LABELS, greeting_for, new_message, overdue_text
from core.spreadsheet import report_table, write_csv

ATTACHMENT_NAME = "agents.csv"
LABELS = {
    "tickets_handled": "Tickets handled", "tickets_resolved": "Tickets resolved",
    "resolution_rate_percent": "Resolution rate (%)",
    "avg_resolution_time_hours": "Avg resolution time (h)",
    "avg_response_time_hours": "Avg first response (h)",
    "sla_compliance_rate_percent": "SLA compliance, tickets (%)",
    "performance_score": "Performance score",
    "total_sla_tasks": "SLA-tracked items", "breached_count": "Breached",
    "resolved_on_time": "Resolved on time", "compliance_rate_percent": "SLA compliance (%)",
    "breach_rate_percent": "Breach rate (%)",
}
CREATED_COLOUR, RESOLVED_COLOUR = (52, 101, 164), (78, 154, 6)


def agents_csv(content: dict[str, Any]) -> bytes:
    """The comparison rows in their order, the comparison's field names as header, written
    as `report comparison --format csv` writes them (spreadsheet-safe cells)."""
    headers, rows = report_table({"agents": content["agents"]})
    buffer = io.StringIO(newline="")
    write_csv(buffer, headers or content["agents_header"], rows)
    return buffer.getvalue().encode("utf-8")


def week_chart_png(daily: list[dict[str, Any]], width: int = 560, height: int = 220) -> bytes:
    """Tickets created and resolved per day, as grouped bars (Pillow: no Qt in the jobs)."""
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=13)
    left, right, top, bottom = 40, width - 10, 28, height - 24
    peak = max([1] + [max(day["created"], day["resolved"]) for day in daily])
    draw.text((left, 6), "Tickets created", fill=CREATED_COLOUR, font=font)
    after = left + draw.textlength("Tickets created ", font=font)
    draw.text((after, 6), "and resolved per day", fill=RESOLVED_COLOUR, font=font)
    draw.line([(left, bottom), (right, bottom)], fill="black")
    draw.text((4, top - 6), str(peak), fill="black", font=font)
    draw.text((4, bottom - 12), "0", fill="black", font=font)
    slot = (right - left) / max(1, len(daily))
    bar = slot * 0.35
    for index, day in enumerate(daily):
        x = left + index * slot + slot * 0.12
        for offset, key, colour in ((0, "created", CREATED_COLOUR),
                                    (bar, "resolved", RESOLVED_COLOUR)):
            bar_top = bottom - (bottom - top) * day[key] / peak
            if day[key]:
                draw.rectangle([(x + offset, bar_top), (x + offset + bar - 2, bottom - 1)],
                               fill=colour)
        draw.text((x, bottom + 5), day["day"][5:], fill="black", font=font)
    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def _number(value: Any, signed: bool = False) -> str:
    if value is None:
        return "–"
    text = f"{value:+}" if signed else f"{value}"
    return text


def figure_rows(content: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(LABELS.get(row["field"], row["field"]), _number(row["this_week"]),
             _number(row["previous_week"]), _number(row["change"], signed=True))
            for section in ("performance", "sla") for row in content[section]]


def breach_rows(content: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    return [(entry["item_id"], entry["subject"] or "",
             ", ".join(TARGET_LABELS[target] for target in entry["targets"]),
             overdue_text(entry["overdue_minutes"])) for entry in content["breaches"]]


def _plain(greeting: str, scope: str, content: dict[str, Any]) -> str:
    intro = f"{scope}: the 7 days up to {content['as_of']} beside the 7 days before."
    header = f"{'Figure':34} {'This week':>10} {'Before':>10} {'Change':>10}"
    lines = [greeting, "", intro, "", header]
    lines += [f"{a:34} {b:>10} {c:>10} {d:>10}" for a, b, c, d in figure_rows(content)]
    lines += ["", f"Active breaches: {content['breach_count']}; the longest overdue:"]
    lines += [f"- {item} {subject} ({targets}), overdue by {overdue}"
              for item, subject, targets, overdue in breach_rows(content)] or ["- none"]
    lines += ["", f"Each agent's figures are attached ({ATTACHMENT_NAME}).", "-- Support Console"]
    return "\n".join(lines) + "\n"


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> str:
    cells = "".join(f"<th align='left'>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return (f"<table border='1' cellpadding='4' cellspacing='0'><thead><tr>{cells}</tr>"
            f"</thead><tbody>{body}</tbody></table>")


def digest_message(sender: str, recipient_name: str, recipient_email: str,
                   content: dict[str, Any], msgid: str | None = None) -> EmailMessage:
    """One supervisor's digest: plain and HTML (chart inline), agents.csv attached."""
    scope = f"Team {content['team']}" if content.get("team") else "The whole team"
    message = new_message(sender, recipient_email,
                          f"Support digest: the week to {content['as_of'][:10]}", msgid)
    greeting = greeting_for(recipient_name)
    message.set_content(_plain(greeting, scope, content))
    chart_id = make_msgid(domain="support-console")
    breaches = (_table(("Item", "Subject", "Breached", "Overdue by"), breach_rows(content))
                if content["breaches"] else "<p>None.</p>")
    message.add_alternative(
        f"<html><body><p>{html.escape(greeting)}</p><p>{html.escape(scope)}: the 7 days up to "
        f"{html.escape(content['as_of'])} beside the 7 days before.</p>"
        + _table(("Figure", "This week", "Week before", "Change"), figure_rows(content))
        + f"<p><img src='cid:{chart_id[1:-1]}' alt='Tickets created and resolved per day'></p>"
        f"<h3>Active breaches: {content['breach_count']}, the longest overdue</h3>{breaches}"
        f"<p>Each agent's figures are attached ({ATTACHMENT_NAME}).</p></body></html>",
        subtype="html")
    html_part = message.get_body(preferencelist=("html",))
    assert html_part is not None  # added just above
    html_part.add_related(week_chart_png(content["daily"]), "image", "png", cid=chart_id,
                          filename="week.png")
    message.add_attachment(agents_csv(content), maintype="text", subtype="csv",
                           filename=ATTACHMENT_NAME)
    return message
