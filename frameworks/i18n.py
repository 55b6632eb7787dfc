"""Bilingual content fields.

Content (indicator texts, recommendations) is data in two languages, stored side by side as
`<name>_zh` and `<name>_en`. `Localized("name")` reads the one for the active language, so
templates write `{{ indicator.question }}` and get Chinese or English as the page is.
"""

import re

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


_NUMERALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_SECTION = re.compile(r"^\s*([一二三四五六七八九十]+)\s*(?:[(（]\s*([一二三四五六七八九十]+)\s*[)）])?")


def chinese_number(text: str) -> int | None:
    """一 … 九十九 as a number, None for anything else."""
    if not text or any(ch not in _NUMERALS and ch != "十" for ch in text):
        return None
    if "十" not in text:
        return _NUMERALS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if (tens and tens not in _NUMERALS) or (units and units not in _NUMERALS) or "十" in units:
        return None
    return (_NUMERALS[tens] if tens else 1) * 10 + (_NUMERALS[units] if units else 0)


def guide_section_label(section: str, language: str | None = None) -> str:
    """A guide section as the reader's language cites it: Chinese unchanged (二(一)); English
    "Ch. 2 (1)" for 二(一) and "Ch. 4" for 四, anything after the section number kept as written."""
    if content_suffix(language) != "en" or not section:
        return section
    match = _SECTION.match(section)
    if match is None or chinese_number(match.group(1)) is None:
        return section
    label = f"Ch. {chinese_number(match.group(1))}"
    if match.group(2):
        part = chinese_number(match.group(2))
        if part is None:
            return section
        label += f" ({part})"
    rest = section[match.end():]
    return label + (rest if not rest or rest.startswith(" ") else f" {rest}")
