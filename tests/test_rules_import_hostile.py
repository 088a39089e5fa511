"""Input that used to slip through the import and the export (issue 13, item 8)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from tests.rules_helpers import (
    ITEM_HEADER,
    NOW,
    D,
    agent,
    item,
    load,
    mentions_line,
    report,
    run,
    write_csv,
    write_folder,
)


@pytest.fixture
def base(capsys, db_url, tmp_path):
    load(capsys, db_url, tmp_path / "base", agents=[agent("a1")],
         items=[item("i0", NOW - D, assignee="a1")])
    return db_url


def _import(capsys, db_url, folder):
    return run(capsys, "--db", db_url, "import", folder)


def _nothing_written(capsys, db_url):
    assert report(capsys, db_url, "performance")["tickets_handled"] == 1


def test_a_nul_byte_is_refused_by_file_and_line(capsys, base, tmp_path):
    rows = [item("i1", NOW - D), item("i2", NOW - D, subject="bad\x00subject"), item("i3", NOW)]
    folder = write_folder(tmp_path / "in", items=rows)
    code, _, err = _import(capsys, base, folder)
    assert code == 2, err
    assert "items.csv" in err and mentions_line(err, 3) and "NUL" in err
    assert "unexpected" not in err
    _nothing_written(capsys, base)


def test_a_nul_byte_in_the_agents_file_too(capsys, base, tmp_path):
    folder = write_folder(tmp_path / "in", agents=[agent("a2", name="Nu\x00ll")])
    code, _, err = _import(capsys, base, folder)
    assert code == 2 and "agents.csv" in err and mentions_line(err, 2) and "NUL" in err


@pytest.mark.parametrize("when", ["9999-12-31T23:00:00-05:00", "1969-12-31T23:59:59+00:00",
                                  "2201-01-01T00:00:00+00:00"])
def test_times_outside_a_sane_range_are_refused(capsys, base, tmp_path, when):
    rows = [item("i1", NOW - D), item("i2", NOW - 2 * D, resolved=when)
            if when.startswith("9") else item("i2", when)]
    folder = write_folder(tmp_path / "in", items=rows)
    code, _, err = _import(capsys, base, folder)
    assert code == 2, err
    assert "items.csv" in err and mentions_line(err, 3) and "1970" in err and "2200" in err
    _nothing_written(capsys, base)


def test_a_latin1_byte_is_reported_on_its_line(capsys, base, tmp_path):
    rows = [item(f"i{n}", NOW - D, subject="x" * 80) for n in range(1, 400)]
    path = write_csv(tmp_path / "in", "items.csv", ITEM_HEADER, rows)
    lines = path.read_bytes().split(b"\r\n")
    lines[299] = lines[299].replace(b"xxxx", b"caf\xe9", 1)  # line 300 of the file
    path.write_bytes(b"\r\n".join(lines))
    code, _, err = _import(capsys, base, tmp_path / "in")
    assert code == 2, err
    assert mentions_line(err, 300) and "UTF-8" in err
    assert not mentions_line(err, 1)
    _nothing_written(capsys, base)


def test_a_duplicated_header_column_is_refused(capsys, base, tmp_path):
    header = ITEM_HEADER + ["subject"]
    write_csv(tmp_path / "in", "items.csv", header,
              [list(item("i1", NOW - D).values()) + ["shadow"]])
    code, _, err = _import(capsys, base, tmp_path / "in")
    assert code == 2, err
    assert "items.csv" in err and mentions_line(err, 1) and "'subject'" in err
    _nothing_written(capsys, base)


def test_a_failed_export_leaves_no_part_file_and_the_old_files(capsys, base, tmp_path):
    from core.db import make_engine
    from core.schema import items

    out = tmp_path / "out"
    code, _, err = run(capsys, "--db", base, "export", out)
    assert code == 0, err
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    engine = make_engine(base)  # a time from before the range checks: no export can write it
    with engine.begin() as conn:
        conn.execute(update(items).where(items.c.id == "i0").values(created_at=2**62))
    engine.dispose()
    code, _, err = run(capsys, "--db", base, "export", out)
    assert code == 2, err
    assert "i0" in err and "created_at" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
