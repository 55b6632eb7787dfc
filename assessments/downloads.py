"""File downloads: attachment responses with readable (Chinese) names that every client accepts."""

import re
import unicodedata
from urllib.parse import quote

from django.http import HttpResponse

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')


def safe_filename(*parts: str) -> str:
    """A readable file name (Chinese kept) without characters file systems or headers refuse."""
    text = "-".join(" ".join(_UNSAFE.sub(" ", unicodedata.normalize("NFC", part)).split()) for part in parts if part)
    return text[:150].strip(" .-") or "export"


def attachment(content: bytes, *, content_type: str, filename: str, fallback: str) -> HttpResponse:
    """`filename` may be Chinese (RFC 5987 filename*); `fallback` is the plain-ASCII name for old clients."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="{fallback}"; filename*=UTF-8\'\'{quote(filename, safe="")}'
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
