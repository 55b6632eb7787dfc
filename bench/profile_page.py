"""Profile a page in-process with pyinstrument, as the benchmarks' server runs it (production
settings, the benchmark database): where does a request spend its time?

    DATABASE_URL=sqlite:////tmp/…/bench.sqlite3 SECRET_KEY=… ALLOWED_HOSTS=testserver \\
        .venv/bin/python -m bench.profile_page /assessments/2/results/ --user bench-official-00 [--post-step]

`make bench` leaves its databases in var/bench/last/ for this. --post-step profiles saving the
questionnaire step (one changed answer per request) instead of the GET.
"""

import argparse
import os
import re

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--user", required=True)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--post-step", action="store_true")
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()

    from django.contrib.auth import get_user_model
    from django.test import Client
    from pyinstrument import Profiler

    from bench.common import form_fields

    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))

    def once(number: int) -> None:
        if not args.post_step:
            assert client.get(args.path).status_code == 200  # noqa: S101
            return
        data = form_fields(client.get(args.path).content.decode())
        key = sorted(name for name in data if name.endswith("-level"))[0]
        data[key] = str(number % 5)
        data[key.replace("-level", "-evidence")] = f"profile #{number}"
        assert client.post(args.path, data).status_code == 302  # noqa: S101

    once(0)  # warm-up
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for number in range(1, args.requests + 1):
        once(number)
    profiler.stop()
    print(re.sub(r"\x1b\[[0-9;]*m", "", profiler.output_text(unicode=False, color=False)))
    if args.html:
        with open(args.html, "w", encoding="utf-8") as handle:
            handle.write(profiler.output_html())


if __name__ == "__main__":
    main()
