"""Bilingual content fields.

Content (indicator texts, recommendations) is data in two languages, stored side by side as
`<name>_zh` and `<name>_en`. `Localized("name")` reads the one for the active language, so
templates write `{{ indicator.question }}` and get Chinese or English as the page is.
"""

from django.utils import translation

from frameworks.enums import Language

CONTENT_LANGUAGES = tuple(Language.values)
_SUFFIX = {"zh-hans": "zh", "en": "en"}


def content_suffix(language: str | None = None) -> str:
    language = language or translation.get_language() or "zh-hans"
    return "en" if language.lower().startswith("en") else "zh"


def field_name(name: str, language: str) -> str:
    return f"{name}_{_SUFFIX[language]}"


class Localized:
    """Descriptor returning `<name>_zh` or `<name>_en` for the active language."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return getattr(instance, f"{self.name}_{content_suffix()}")
