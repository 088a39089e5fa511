"""Files written whole or not at all: written beside their place, moved there when done."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from core.errors import BadInput

PART_SUFFIX = ".part"


def part_path(path: Path) -> Path:
    return path.with_name(path.name + PART_SUFFIX)


@contextmanager
def replaced_when_done(path: str | Path, mode: str = "w",
                       **open_args: Any) -> Iterator[IO[Any]]:
    """Open `path`.part for writing; on success it replaces `path`, on any error it is
    removed (a half-written file never stays behind, under either name)."""
    path = Path(path)
    part = part_path(path)
    if "b" not in mode:
        open_args.setdefault("encoding", "utf-8")
        open_args.setdefault("newline", "")
    try:
        handle = open(part, mode, **open_args)  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BadInput(f"{path}: cannot write the file ({exc.strerror or exc})") from exc
    try:
        with handle:
            yield handle
        os.replace(part, path)
    except BaseException:
        part.unlink(missing_ok=True)
        raise

