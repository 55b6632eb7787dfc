"""gunicorn settings read by `bin/serve` (command-line options there add to these).

Each worker starts its PDF render server (a forkserver that has imported Django and WeasyPrint and
loaded the CJK fonts) while it boots, so the first report after a start or restart is typeset as fast
as the next one instead of paying those seconds on a user's click (docs/benchmarks.md)."""


def post_worker_init(worker) -> None:
    from assessments.reports import warm_render_server

    warm_render_server()
