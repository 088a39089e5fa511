"""The job registry: exactly the jobs of the seeds, with their default schedules."""

from core.settings import Settings
from tests.jobs_helpers import JOB_NAMES


def test_registry_has_exactly_the_seven_jobs_with_plain_functions():
    from jobs.registry import JOBS

    assert tuple(JOBS) == JOB_NAMES
    for name, spec in JOBS.items():
        assert spec.function.__name__ == "run_" + name.replace("-", "_")


def test_default_schedules_are_the_seeds():
    from jobs.registry import JOBS
    from jobs.schedule import describe_schedule

    described = {name: describe_schedule(spec, Settings(timezone="Europe/Berlin"))
                 for name, spec in JOBS.items()}
    assert described == {
        "check-sla-breaches": "every 5 minutes",
        "send-sla-breach-alerts": "every 15 minutes",
        "auto-reassign-unresolved-tasks": "every 30 minutes",
        "update-support-workload-trackers": "every 10 minutes",
        "refresh-support-dashboards": "every 15 minutes",
        "calculate-support-performance-metrics": "daily at 02:00 (Europe/Berlin)",
        "send-team-digest": "weekly on Monday at 08:00 (Europe/Berlin)",
    }
