"""The child side of assessments.reports.typeset_in_child: imported once by the forkserver (Django set
up, WeasyPrint loaded), so each render's process forks ready to typeset in milliseconds."""

import django
from django.apps import apps

if not apps.ready:
    django.setup()

import weasyprint  # noqa: E402, F401 - loaded once in the forkserver, inherited by every render

from assessments.reports import ReportError, html_to_pdf  # noqa: E402


def typeset(html: str, sender) -> None:
    """Typeset the HTML and send ("ok", pdf) or ("error", message) back to the parent."""
    try:
        sender.send(("ok", html_to_pdf(html)))
    except ReportError as error:
        sender.send(("error", str(error)))
    finally:
        sender.close()
