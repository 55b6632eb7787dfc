"""File downloads: attachment responses with readable (Chinese) names that every client accepts."""

import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse

_UNSAFE = re.compile(r'[\\/:*?"<>|]+')
# Unicode categories never kept in a file name: controls (Cc), format characters (Cf: the bidi
# embeddings, overrides and isolates U+202A–202E and U+2066–2069, the marks U+200E/200F, zero-width
# characters), surrogates, private use and unassigned code points, line and paragraph separators.
_DROPPED_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def _visible(text: str) -> str:
    """The text without characters that hide or reorder what a user reads (a right-to-left override
    turns "report‮fdp.exe" into "reportexe.pdf" on screen)."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if category == "Cc":
            kept.append(" ")  # tabs, line breaks and other controls separate words
        elif category not in _DROPPED_CATEGORIES:
            kept.append(char)
    return "".join(kept)


def safe_filename(*parts: str) -> str:
    """A readable file name (Chinese kept) without characters file systems or headers refuse, nor
    invisible control, format or bidirectional characters."""
    cleaned = (" ".join(_UNSAFE.sub(" ", _visible(unicodedata.normalize("NFC", part))).split())
               for part in parts if part)
    text = "-".join(part for part in cleaned if part)
    return text[:150].strip(" .-") or "export"


def attachment_disposition(filename: str, *, fallback: str) -> str:
    """The Content-Disposition of an attachment named `filename` (RFC 5987), `fallback` for old clients."""
    filename, fallback = _visible(filename), _visible(fallback)  # whoever built them
    return f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(filename, safe="")}'


def attachment(content: bytes, *, content_type: str, filename: str, fallback: str) -> HttpResponse:
    """`filename` may be Chinese (RFC 5987 filename*); `fallback` is the plain-ASCII name for old clients."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_disposition(filename, fallback=fallback)
    response["X-Content-Type-Options"] = "nosniff"
    return response
