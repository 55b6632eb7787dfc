"""Management commands in child processes of one Django start-up (tests/test_import_hostile.py): each command
runs in its own forked child, capped in address space, as manage.py runs it (execute_from_command_line)."""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

# A process that has set Django up once, on the module's database file, and forks one child per command: each
# child is capped, runs the command as manage.py does (execute_from_command_line) and exits, so one bomb's
# memory cannot hide another's, without a Python and Django start-up for each file (2 s of CPU each).
COMMAND_SERVER = r"""
import json, os, resource, sys, traceback
import django
django.setup()
from django.core.management import execute_from_command_line
for line in sys.stdin:
    request = json.loads(line)
    pid = os.fork()
    if pid == 0:
        for fd, name in ((1, request["stdout"]), (2, request["stderr"])):
            os.dup2(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), fd)
        if request["cap"]:
            resource.setrlimit(resource.RLIMIT_AS, (request["cap"], request["cap"]))
        code = 0
        try:
            execute_from_command_line(["manage.py", *request["args"]])
        except SystemExit as exit:
            code = exit.code if isinstance(exit.code, int) else 1
        except BaseException:
            traceback.print_exc()
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    print(os.waitstatus_to_exitcode(status), flush=True)
"""


class CommandServer:
    """Runs management commands, one forked child each, on `database`; their output goes through files."""

    def __init__(self, database: Path, folder: Path, *, cap: int):
        environment = {key: value for key, value in os.environ.items()
                       if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
        environment.update(DEBUG="1", DATABASE_URL=f"sqlite:///{database}", PYTHONDONTWRITEBYTECODE="1",
                           DJANGO_SETTINGS_MODULE="sodpa_portal.settings")
        self.database, self.folder, self.cap = database, folder, cap
        self.process = subprocess.Popen([sys.executable, "-c", COMMAND_SERVER], cwd=settings.BASE_DIR,
                                        env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.process.stdin and self.process.stdout
        self.requests, self.codes = self.process.stdin, self.process.stdout

    def run(self, *args: str, capped: bool = True) -> subprocess.CompletedProcess:
        """The command's exit code and output; its child is capped at `cap` bytes of address space unless
        `capped` is false."""
        out, err = self.folder / "stdout.txt", self.folder / "stderr.txt"
        request = {"args": list(args), "cap": self.cap if capped else 0, "stdout": str(out), "stderr": str(err)}
        self.requests.write(json.dumps(request) + "\n")
        self.requests.flush()
        code = int(self.codes.readline())
        return subprocess.CompletedProcess(args, code, out.read_text(encoding="utf-8"), err.read_text(encoding="utf-8"))

    def close(self) -> None:
        self.requests.close()
        self.process.wait(timeout=60)
