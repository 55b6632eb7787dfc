"""sodpa_portal/env.py: strict readers for settings taken from the environment."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from sodpa_portal.env import env_bool, env_choice, env_int, env_list, env_required

NAME = "SODPA_TEST_SETTING"


@pytest.fixture(autouse=True)
def unset(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)


@pytest.mark.parametrize(
    ("raw", "value"),
    [("1", True), ("true", True), ("True", True), ("yes", True), ("on", True), (" ON ", True),
     ("0", False), ("false", False), ("FALSE", False), ("no", False), ("off", False), ("", False)],
)
def test_env_bool_understands_the_usual_spellings(monkeypatch, raw, value):
    monkeypatch.setenv(NAME, raw)
    assert env_bool(NAME, default=not value) is value


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_falls_back_to_the_default_when_unset(default):
    assert env_bool(NAME, default=default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "y", "enabled"])
def test_env_bool_refuses_anything_else_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured) as error:
        env_bool(NAME, default=False)
    assert str(error.value) == (
        f"{NAME} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


@pytest.mark.parametrize(
    ("raw", "value"),
    [("example.org", ["example.org"]),
     ("example.org, www.example.org", ["example.org", "www.example.org"]),
     (" a ,, b ,", ["a", "b"])],
)
def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch, raw, value):
    monkeypatch.setenv(NAME, raw)
    assert env_list(NAME, default=["unused"]) == value


def test_env_list_falls_back_to_the_default_when_unset():
    assert env_list(NAME, default=["localhost"]) == ["localhost"]


@pytest.mark.parametrize("raw", ["", " , ,"])
def test_env_list_refuses_a_set_but_empty_list(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured) as error:
        env_list(NAME, default=["localhost"])
    assert str(error.value) == f"{NAME} is set but lists no value"


@pytest.mark.parametrize(("raw", "value"), [("0", 0), ("600", 600), (" 30 ", 30), ("-1", -1)])
def test_env_int_reads_integers(monkeypatch, raw, value):
    monkeypatch.setenv(NAME, raw)
    assert env_int(NAME, default=7) == value


def test_env_int_falls_back_to_the_default_when_unset():
    assert env_int(NAME, default=7) == 7


@pytest.mark.parametrize("raw", ["", "ten", "1.5", "60s"])
def test_env_int_refuses_non_integers_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured) as error:
        env_int(NAME, default=7)
    assert str(error.value) == f"{NAME} must be an integer; got {raw!r}"


def test_env_required_returns_the_stripped_value(monkeypatch):
    monkeypatch.setenv(NAME, "  s3cr3t-value  ")
    assert env_required(NAME) == "s3cr3t-value"


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_env_required_refuses_a_missing_or_blank_value(monkeypatch, raw):
    if raw is not None:
        monkeypatch.setenv(NAME, raw)
    with pytest.raises(ImproperlyConfigured) as error:
        env_required(NAME)
    assert str(error.value) == f"{NAME} must be set when DEBUG is off"


@pytest.mark.parametrize(("raw", "value"), [(None, "immediate"), ("", "immediate"), ("database", "database"),
                                            (" Database ", "database"), ("immediate", "immediate")])
def test_env_choice_reads_one_of_the_choices(monkeypatch, raw, value):
    if raw is not None:
        monkeypatch.setenv(NAME, raw)
    assert env_choice(NAME, choices=("immediate", "database"), default="immediate") == value


def test_env_choice_refuses_anything_else_naming_the_variable(monkeypatch):
    monkeypatch.setenv(NAME, "redis")
    with pytest.raises(ImproperlyConfigured) as error:
        env_choice(NAME, choices=("immediate", "database"), default="immediate")
    assert str(error.value) == f"{NAME} must be one of immediate, database; got 'redis'"


@pytest.mark.parametrize(("raw", "backend"), [(None, "django_tasks.backends.immediate.ImmediateBackend"),
                                              ("database", "django_tasks_db.DatabaseBackend")])
def test_tasks_backend_chooses_where_background_work_runs(raw, backend):
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DEBUG": "1"}
    env.pop("TASKS_BACKEND", None)
    if raw is not None:
        env["TASKS_BACKEND"] = raw
    out = subprocess.run([sys.executable, "-c", "from sodpa_portal import settings; "
                          "print(settings.TASKS['default']['BACKEND'])"],
                         env=env, cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == backend
