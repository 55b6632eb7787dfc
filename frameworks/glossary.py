"""One vocabulary: wherever a glossary term appears in a Chinese text, the paired English text must
use the glossary's English rendering of it (case-insensitive; a plural or singular form of its last
word counts, so "scene" matches "scenes" and "classified strategies" matches "classified strategy").
A longer term governs the shorter ones inside it: with 特色引领场景 = "feature-led scenes" in the
glossary, 特色引领 within 特色引领场景 need not read "feature-led development".

`document_text_pairs` lists every (where, Chinese, English) text of a framework document:
questions, help, levels, criteria, measures, names, reasons, guide quotes and the
recommendation content. `glossary_mismatches` checks them. Pure functions, no database."""

import re
from collections.abc import Iterable, Iterator

TextPair = tuple[str, str, str]  # (where, zh-hans, en)


def _forms(term: str) -> set[str]:
    """The term and its last word's singular/plural variants, lower-case."""
    term = " ".join(_normalise(term).split())
    head, _, last = term.rpartition(" ")
    prefix = f"{head} " if head else ""
    forms = {term}
    if last.endswith("ies"):
        forms.add(prefix + last[:-3] + "y")
    elif last.endswith("y"):
        forms.add(prefix + last[:-1] + "ies")
    if last.endswith("s") and not last.endswith("ss"):
        forms.add(prefix + last[:-1])
    else:
        forms.add(prefix + last + "s")
    return forms


def _normalise(text: str) -> str:
    # one space for any run of white space; straight quotes for their typographic forms; a hyphen as a
    # space, so that a term used as a compound adjective ("an edge-computing pilot") still matches
    text = text.replace("’", "'").replace("‘", "'").replace("‐", "-").replace("‑", "-").replace("-", " ")
    return re.sub(r"\s+", " ", text.lower())


def glossary_mismatches(*, glossary: Iterable[tuple[str, str]], pairs: Iterable[TextPair]) -> list[str]:
    """Every place where a Chinese text uses a glossary term and its English text does not render
    it as the glossary says; each message names the place, the term and the expected English."""
    terms = sorted(((zh.strip(), en.strip(), [_normalise(form) for form in _forms(en)])
                    for zh, en in glossary if zh.strip() and en.strip()), key=lambda term: -len(term[0]))
    problems = []
    for where, zh, en in pairs:
        english = _normalise(en or "")
        claimed = [False] * len(zh or "")
        found = set()
        for term, _, _ in terms:  # longest first: each occurrence not inside a longer term's
            for match in re.finditer(re.escape(term), zh or ""):
                span = range(match.start(), match.end())
                if not all(claimed[i] for i in span):
                    found.add(term)
                for i in span:
                    claimed[i] = True
        for term, rendering, forms in terms:
            if term in found and not any(form in english for form in forms):
                problems.append(f"{where}: “{term}” is in the Chinese text but the English lacks “{rendering}”")
    return problems


def _text(where: str, value) -> Iterator[TextPair]:
    if isinstance(value, dict) and isinstance(value.get("zh-hans"), str):
        yield where, value.get("zh-hans") or "", value.get("en") or ""


def _indicator_pairs(indicator: dict) -> Iterator[TextPair]:
    code = indicator.get("code", "?")
    for key in ("question", "help", "rationale", "guide_quote"):
        yield from _text(f"{code}.{key}", indicator.get(key))
    for level in indicator.get("levels") or []:
        yield from _text(f"{code}.levels[{level.get('level')}]", level)
        for number, criterion in enumerate(level.get("criteria") or [], start=1):
            yield from _text(f"{code}.levels[{level.get('level')}].criteria[{number}]", criterion)


def _recommendation_pairs(recommendations: dict) -> Iterator[TextPair]:
    for kind, items in (recommendations or {}).items():
        for position, item in enumerate(items or [], start=1):
            for key in ("title", "body", "name", "description", "summary"):
                yield from _text(f"recommendations.{kind}[{position}].{key}", item.get(key))


def document_text_pairs(document: dict) -> Iterator[TextPair]:
    yield from _text("framework.name", document.get("name"))
    for dimension in document.get("dimensions") or []:
        for key in ("name", "description", "rationale"):
            yield from _text(f"{dimension.get('code')}.{key}", dimension.get(key))
        for sub in dimension.get("subdimensions") or []:
            for key in ("name", "measures", "rationale"):
                yield from _text(f"{sub.get('code')}.{key}", sub.get(key))
            for indicator in sub.get("indicators") or []:
                yield from _indicator_pairs(indicator)
    yield from _recommendation_pairs(document.get("recommendations") or {})


def document_glossary(document: dict) -> list[tuple[str, str]]:
    return [(entry["zh-hans"], entry["en"]) for entry in document.get("glossary") or []
            if isinstance(entry, dict) and entry.get("zh-hans") and entry.get("en")]
