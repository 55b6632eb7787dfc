"""Small helpers shared by the benchmark driver (bench/run.py) and its Django-side steps
(bench/inproc.py): statistics and the one-line JSON a step hands back."""

import html
import json
import math
import re
import statistics
import sys


def percentile(values: list[float], fraction: float) -> float:
    """The `fraction` quantile with linear interpolation (numpy's default), without numpy."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


RESULT_PREFIX = "BENCH-RESULT "


def hand_back(data: dict) -> None:
    """A Django-side step's result, on stdout after whatever else the step printed."""
    sys.stdout.write(RESULT_PREFIX + json.dumps(data) + "\n")
    sys.stdout.flush()


def read_back(output: str) -> dict:
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX):])
    raise ValueError("the step handed back no result")


INPUT = re.compile(r"<input\b[^>]*>", re.S)
TEXTAREA = re.compile(r"<textarea\b([^>]*)>(.*?)</textarea>", re.S)
ATTRIBUTE = re.compile(r'([\w-]+)(?:="([^"]*)")?')


def form_fields(page: str) -> dict[str, str]:
    """What a browser submits for the questionnaire form as the page shows it."""
    start = page.index('id="questionnaire-form"')
    form = page[start:page.index("</form>", start)]
    data = {}
    for tag in INPUT.findall(form):
        attrs = {name: html.unescape(value or "") for name, value in ATTRIBUTE.findall(tag[6:-1])}
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if not name or kind == "submit":
            continue
        if kind == "radio":
            data.setdefault(name, "")
            if "checked" in attrs:
                data[name] = attrs.get("value", "")
        else:
            data[name] = attrs.get("value", "")
    for attributes, text in TEXTAREA.findall(form):
        name = dict(ATTRIBUTE.findall(attributes)).get("name")
        if name:
            data[name] = html.unescape(text).removeprefix("\n")
    return data
