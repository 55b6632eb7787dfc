"""`make test` runs the browser tests by collecting tests/browser only (bin/run-suites), and the SQLite run
leaves out what is marked `browser`: a browser test elsewhere would run nowhere."""

from pathlib import Path

TESTS = Path(__file__).resolve().parent


def test_every_browser_test_lives_in_tests_browser():
    elsewhere = [path.relative_to(TESTS).as_posix() for path in TESTS.rglob("*.py")
                 if TESTS / "browser" not in path.parents and path.name != Path(__file__).name
                 and "mark.browser" in path.read_text(encoding="utf-8")]
    assert elsewhere == []
