"""`python -m cli`: the same program as `support-console`."""

from cli.main import run

run()
