"""The type checker over core/ and jobs/ (strict, configured in pyproject.toml): a renamed
field or a wrong argument fails here, not on a screen."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_core_and_jobs_pass_the_strict_type_checker():
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Success: no issues found" in done.stdout
