"""`bin/serve` as an operator restarts it: its own gunicorn control socket (not the per-user default
every other gunicorn on the machine shares), no collectstatic or migrate when nothing changed, and each
worker's PDF render server already running when it answers."""

import json
import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

from django.conf import settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(env: dict) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen([str(Path(settings.BASE_DIR) / "bin" / "serve")], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
    url = f"http://{env['BIND']}/api/openapi.json"
    deadline = time.monotonic() + 300  # a loaded machine; the outcome does not depend on it
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    stop(process)
    raise AssertionError(f"bin/serve did not answer: {process.stdout.read()}")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    output, _ = process.communicate(timeout=60)
    return output


def test_serve_has_its_own_control_socket_and_skips_work_already_done(tmp_path):
    static_root = tmp_path / "static"
    static_root.mkdir()
    manifest = static_root / "staticfiles.json"
    manifest.write_text(json.dumps({"paths": {}, "version": "1.1", "hash": ""}))
    future = time.time() + 3600  # collected after every source file: up to date
    os.utime(manifest, (future, future))
    env = {key: value for key, value in os.environ.items()
           if key not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(SECRET_KEY="s" * 60, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", STATIC_ROOT=str(static_root),
               BIND=f"127.0.0.1:{free_port()}", WORKERS="1", CONTROL_SOCKET=str(tmp_path / "gunicorn.ctl"),
               PID_FILE=str(tmp_path / "gunicorn.pid"))

    first, _ = start(env)
    assert (tmp_path / "gunicorn.ctl").is_socket()
    # The worker started its PDF render server while booting (sodpa_portal/gunicorn_conf.py), so the
    # first report after a start is typeset as fast as the next one.
    session = subprocess.run(["ps", "-o", "args=", "--sid", str(first.pid)], capture_output=True, text=True).stdout
    assert "forkserver" in session, session
    assert int((tmp_path / "gunicorn.pid").read_text()) == first.pid or (tmp_path / "gunicorn.pid").exists()
    output = stop(first)
    assert "serve: applying migrations" in output and "serve: static files up to date" in output

    second, _ = start(env)
    output = stop(second)
    assert "serve: migrations up to date" in output and "applying migrations" not in output
    assert "collecting static files" not in output
