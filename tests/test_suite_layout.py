"""`make test` runs the browser tests by collecting tests/browser only (bin/run-suites), and the SQLite run
leaves out what is marked `browser`: a browser test elsewhere would run nowhere. The PostgreSQL, Redis and S3
runs collect only the modules that name their markers: a test marked elsewhere would run nowhere either."""

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_every_browser_test_lives_in_tests_browser():
    elsewhere = [path.relative_to(TESTS).as_posix() for path in TESTS.rglob("*.py")
                 if TESTS / "browser" not in path.parents and path.name != Path(__file__).name
                 and "mark.browser" in path.read_text(encoding="utf-8")]
    assert elsewhere == []


MARKERS_RUN_ALONE = ("postgres", "redis", "s3")


def collected_by_the_runs_alone(path: Path, marker: str) -> bool:
    """What `grep -lw <marker> tests/test_*.py` in bin/run-suites selects."""
    return (path.parent == TESTS and path.name.startswith("test_")
            and re.search(rf"\b{marker}\b", path.read_text(encoding="utf-8")) is not None)


def test_every_test_of_the_postgres_redis_and_s3_runs_is_in_a_module_that_names_its_marker(request):
    """bin/run-suites gives those runs only the modules of tests/ in which `grep -w` finds the marker's name."""
    missed = sorted({f"{item.nodeid} ({marker})" for item in request.session.items for marker in MARKERS_RUN_ALONE
                     if item.get_closest_marker(marker)
                     and not collected_by_the_runs_alone(Path(str(item.fspath)).resolve(), marker)})
    assert missed == []
