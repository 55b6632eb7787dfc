"""The child side of assessments.reports.typeset_in_child: imported once by the forkserver (Django set
up, WeasyPrint loaded), so each render's process forks ready to typeset in milliseconds."""

import contextlib

import django
from django.apps import apps

if not apps.ready:
    django.setup()

import weasyprint  # noqa: E402, F401 - loaded once in the forkserver, inherited by every render

from assessments.reports import ReportError, html_to_pdf  # noqa: E402

# Typeset a line once here, in the forkserver: fontconfig, Pango and the CJK font are then loaded
# in every forked render instead of in each (the slow part of a first render in a fresh process).
WARM_UP = '<p style="font-family: \'Noto Sans CJK SC\', sans-serif">数字孪生城市 SODPA</p>'
with contextlib.suppress(ReportError):  # a broken font set-up shows in the real render, with its message
    html_to_pdf(WARM_UP)


def typeset(html: str, sender) -> None:
    """Typeset the HTML and send ("ok", pdf) or ("error", message) back to the parent."""
    try:
        sender.send(("ok", html_to_pdf(html)))
    except ReportError as error:
        sender.send(("error", str(error)))
    finally:
        sender.close()
