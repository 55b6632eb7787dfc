"""Reading untrusted answer files safely: size, encoding and structure checks before any parser runs.

Each reader returns plain Python data or raises `ImportProblems` with messages that name the file,
the line or the archive member. Limits (README.md, "import_answers"):
- every file: at most MAX_FILE_BYTES on disk;
- JSON: duplicate keys refused, nesting deeper than the recursion limit refused;
- CSV: UTF-8 with or without BOM (UTF-16 and GBK/GB18030 named as such), strict quoting, at most
  MAX_ROWS rows;
- XLSX: the zip is inspected before openpyxl sees it (member count, uncompressed size per member and
  in total, compression ratio, no nested archives, no DTD or entity declaration in any member), then
  read in read-only mode, at most MAX_ROWS rows and MAX_COLUMNS columns of the first sheet.
"""

import csv
import io
import json
import re
import warnings
import zipfile
from pathlib import Path

from django.utils.translation import gettext as _


class ImportProblems(Exception):
    """Raised with every problem found; nothing has been written."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


MAX_FILE_BYTES = 5 * 1024 * 1024  # a complete answer file is a few hundred KB at most
MAX_ROWS = 1000  # a framework has about 60 indicators: one row each
MAX_COLUMNS = 50
XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip archive
XLSX_MAX_MEMBERS = 200  # a workbook written by Excel, LibreOffice or pandas has 10–30
XLSX_MAX_MEMBER_BYTES = 10 * 1024 * 1024
XLSX_MAX_TOTAL_BYTES = 20 * 1024 * 1024
XLSX_MAX_RATIO = 100  # uncompressed / compressed, for members above XLSX_RATIO_FROM bytes
XLSX_RATIO_FROM = 1024 * 1024
XLSX_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
ARCHIVE_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", b"\x1f\x8b", b"7z\xbc\xaf", b"BZh")
# A DTD is where entity bombs and external entities live; a workbook never has one. Searched for in
# UTF-8 and in both UTF-16 byte orders, case-insensitively.
DECLARATIONS = re.compile(
    b"|".join(re.escape(word.encode(encoding)) for word in ("<!doctype", "<!entity")
              for encoding in ("utf-8", "utf-16-le", "utf-16-be")),
    re.IGNORECASE,
)
# Control characters other than tab, line feed and carriage return (NUL included).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
UTF8_BOM = b"\xef\xbb\xbf"


def _kb(size: int) -> str:
    """5 MB for a limit, 5,121 KB for a file just over it, 24.0 GB for a bomb."""
    mib = 1024 * 1024
    if size and size % mib == 0:
        return f"{size // mib} MB"
    if size >= 1024 * mib:
        return f"{size / (1024 * mib):,.1f} GB"
    return f"{-(-size // 1024):,} KB"


def check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ImportProblems([_("%(file)s: the file is %(size)s; answer files are limited to %(limit)s")
                              % {"file": path.name, "size": _kb(size), "limit": _kb(MAX_FILE_BYTES)}])


# --- JSON -------------------------------------------------------------------------------------------


class JsonObject(dict):
    """A JSON object that remembers the keys it was given more than once."""

    duplicates: list[str]


def _object(pairs: list[tuple[str, object]]) -> JsonObject:
    result = JsonObject()
    result.duplicates = []
    for key, value in pairs:
        if key in result and key not in result.duplicates:
            result.duplicates.append(key)
        result[key] = value
    return result


def read_json(path: Path) -> object:
    """The parsed document; objects are `JsonObject`s (see `duplicates`)."""
    raw = path.read_bytes()
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM):]
    text = _decode_utf8(raw, path)
    try:
        return json.loads(text, object_pairs_hook=_object)
    except json.JSONDecodeError as error:
        raise ImportProblems([_("malformed JSON at line %(line)s, column %(column)s: %(error)s")
                              % {"line": error.lineno, "column": error.colno, "error": error.msg}]) from error
    except RecursionError as error:
        raise ImportProblems([_("%(file)s: the JSON is nested too deeply; an answer file has two levels")
                              % {"file": path.name}]) from error
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        raise ImportProblems([_("malformed JSON: %(error)s") % {"error": str(error)[:200]}]) from error


# --- CSV --------------------------------------------------------------------------------------------


def _looks_like_utf16(raw: bytes) -> bool:
    """Without a BOM: every other byte is zero, as in UTF-16 ASCII text."""
    sample = raw[:4096]
    half = len(sample) // 2
    return half >= 4 and max(sample[0::2].count(0), sample[1::2].count(0)) > 0.8 * half


def _decode_utf8(raw: bytes, path: Path) -> str:
    """UTF-8 text without control characters, or a problem naming the line and the expected encoding."""
    save_as = _("save it as UTF-8 (with or without BOM), e.g. Excel's \"CSV UTF-8\"")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_like_utf16(raw):
        raise ImportProblems([_("%(file)s: the file is UTF-16 text; %(save_as)s")
                              % {"file": path.name, "save_as": save_as}])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        try:
            raw.decode("gb18030")
        except UnicodeDecodeError:
            looks_like = ""
        else:
            looks_like = _(" (it looks like GBK/GB18030)")
        raise ImportProblems([
            _("%(file)s: line %(line)s is not UTF-8 text (byte 0x%(byte)02x)%(looks_like)s; %(save_as)s")
            % {"file": path.name, "line": line, "byte": raw[error.start], "looks_like": looks_like,
               "save_as": save_as}
        ]) from error
    if found := CONTROL.search(text):
        raise ImportProblems([control_character_problem(text, found.start(), path.name)])
    return text


def control_character_problem(text: str, position: int, where: str) -> str:
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    return (_("%(where)s: line %(line)s, column %(column)s: control character U+%(code)04X; NUL bytes and other "
              "control characters are not allowed in answer files")
            % {"where": where, "line": line, "column": column, "code": ord(text[position])})


CSV_ERRORS = {
    "field larger than field limit": lambda: _("a value of more than %(limit)s characters: is a closing quote "
                                               "(\") missing?") % {"limit": f"{csv.field_size_limit():,}"},
    "unexpected end of data": lambda: _("a quoted value starting on this line is never closed: a closing "
                                        "quote (\") is missing, so the rest of the file would be its text"),
    "',' expected after '\"'": lambda: _("a quote (\") inside a quoted value must be doubled (\"\"), "
                                         "or a closing quote is missing"),
}


def read_csv(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """The header, the rows (padded to the header's width) and the line each row starts on: a quoted
    value may span lines and blank lines are skipped, so the row number is not the line number."""
    raw = path.read_bytes()
    if raw.startswith(UTF8_BOM):
        raw = raw[len(UTF8_BOM):]
    text = _decode_utf8(raw, path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[list[str]] = []
    lines: list[int] = []
    problems: list[str] = []
    header: list[str] = []
    start = 1
    try:
        first = next(reader, None)
        if first is None:
            raise ImportProblems([_("malformed file %(file)s: the file is empty") % {"file": path.name}])
        header = first
        start = reader.line_num + 1
        for row in reader:
            if len(rows) >= MAX_ROWS:
                problems.append(_("line %(line)s: more than %(limit)s rows; an answer file has one row per "
                                  "indicator") % {"line": start, "limit": MAX_ROWS})
                break
            if len(row) > len(header):
                problems.append(_("line %(line)s: %(count)s fields, but the header has %(columns)s: %(header)s")
                                % {"line": start, "count": len(row), "columns": len(header),
                                   "header": ", ".join(header)[:200]})
            elif row:
                rows.append(row + [""] * (len(header) - len(row)))
                lines.append(start)
            start = reader.line_num + 1
    except csv.Error as error:
        explain = CSV_ERRORS.get(str(error).split(" (")[0])
        problems.append(_("line %(line)s: %(problem)s") % {
            "line": start, "problem": explain() if explain else _("not valid CSV (%(error)s)") % {"error": error}})
    if problems:
        raise ImportProblems(problems)
    return header, rows, lines


# --- XLSX -------------------------------------------------------------------------------------------


def _inspect_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, unpacked: list[int]) -> list[str]:
    """Problems of one member; `unpacked` holds the bytes unpacked so far, all members together."""
    where = f"{name} [{info.filename[:80]}]"
    if info.flag_bits & 0x1:
        return [_("%(where)s: the member is encrypted") % {"where": where}]
    if info.compress_type not in XLSX_METHODS:
        return [_("%(where)s: unsupported compression method %(method)s") % {"where": where,
                                                                              "method": info.compress_type}]
    if info.file_size > XLSX_MAX_MEMBER_BYTES:
        return [_("%(where)s: unpacks to %(size)s; a part of a workbook is limited to %(limit)s")
                % {"where": where, "size": _kb(info.file_size), "limit": _kb(XLSX_MAX_MEMBER_BYTES)}]
    if info.file_size > XLSX_RATIO_FROM and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
        return [_("%(where)s: compressed %(ratio)s to 1 (at most %(limit)s to 1): a decompression bomb?")
                % {"where": where, "ratio": f"{info.file_size // max(info.compress_size, 1):,}",
                   "limit": XLSX_MAX_RATIO}]
    seen, tail = 0, b""
    with archive.open(info) as member:
        while chunk := member.read(64 * 1024):
            if seen == 0 and chunk.startswith(ARCHIVE_MAGICS):
                return [_("%(where)s: an archive inside the workbook; nested archives are refused")
                        % {"where": where}]
            seen += len(chunk)
            unpacked[0] += len(chunk)
            if unpacked[0] > XLSX_MAX_TOTAL_BYTES:  # the headers lied about the sizes
                return [_("%(where)s: the workbook unpacks to more than %(limit)s")
                        % {"where": where, "limit": _kb(XLSX_MAX_TOTAL_BYTES)}]
            if seen > XLSX_MAX_MEMBER_BYTES:  # the header lied about the size
                return [_("%(where)s: unpacks to more than %(limit)s") % {"where": where,
                                                                          "limit": _kb(XLSX_MAX_MEMBER_BYTES)}]
            if DECLARATIONS.search(tail + chunk):
                return [_("%(where)s: contains an XML document type or entity declaration (<!DOCTYPE or "
                          "<!ENTITY); workbooks never do, and they are refused (entity expansion, "
                          "external entities)") % {"where": where}]
            tail = chunk[-32:]
    return []


def inspect_xlsx(path: Path) -> None:
    """Refuses anything but a plain zip of modest XML parts, before openpyxl opens it."""
    name = path.name
    with path.open("rb") as handle:
        if handle.read(4) != XLSX_MAGIC:
            raise ImportProblems([_("%(file)s: not an Excel workbook (.xlsx) although it is named so")
                                  % {"file": name}])
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            if len(members) > XLSX_MAX_MEMBERS:
                raise ImportProblems([_("%(file)s: the archive has %(count)s members; a workbook has at most "
                                        "%(limit)s") % {"file": name, "count": f"{len(members):,}",
                                                       "limit": XLSX_MAX_MEMBERS}])
            total = sum(info.file_size for info in members)
            if total > XLSX_MAX_TOTAL_BYTES:
                raise ImportProblems([_("%(file)s: unpacks to %(size)s; a workbook is limited to %(limit)s "
                                        "unpacked (a decompression bomb?)")
                                      % {"file": name, "size": _kb(total), "limit": _kb(XLSX_MAX_TOTAL_BYTES)}])
            unpacked = [0]
            problems = []
            for info in members:
                problems += _inspect_member(archive, info, name, unpacked)
                if unpacked[0] > XLSX_MAX_TOTAL_BYTES:
                    break
    except ImportProblems:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the zip reader on a hostile file
        raise ImportProblems([_("%(file)s: not a readable Excel workbook (a damaged zip archive: %(error)s)")
                              % {"file": name, "error": str(error)[:200] or type(error).__name__}]) from error
    if problems:
        raise ImportProblems(problems)


def read_xlsx(path: Path) -> tuple[list, list[list], list[int]]:
    """The first sheet's header, rows and row numbers, after `inspect_xlsx`."""
    inspect_xlsx(path)
    from openpyxl import load_workbook

    header, rows, lines, problems = None, [], [], []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's "no default style" and the like
            workbook = load_workbook(path, read_only=True, data_only=True, keep_links=False)
            try:
                sheet = workbook.worksheets[0]
                for number, row in enumerate(sheet.iter_rows(max_row=MAX_ROWS + 2, max_col=MAX_COLUMNS,
                                                             values_only=True), start=1):
                    if header is None:
                        header = list(row)
                    elif number > MAX_ROWS + 1:
                        if any(value is not None for value in row):
                            problems.append(_("line %(line)s: more than %(limit)s rows; an answer file has one "
                                              "row per indicator") % {"line": number, "limit": MAX_ROWS})
                    else:
                        rows.append(list(row))
                        lines.append(number)
            finally:
                workbook.close()
    except Exception as error:  # noqa: BLE001 - any failure of openpyxl on a hostile workbook
        raise ImportProblems([_("%(file)s: not a readable Excel workbook (%(error)s)")
                              % {"file": path.name, "error": str(error)[:200] or type(error).__name__}]) from error
    if header is None:
        raise ImportProblems([_("malformed file %(file)s: the file is empty") % {"file": path.name}])
    if problems:
        raise ImportProblems(problems)
    width = len(header)
    return header, [row + [None] * (width - len(row)) for row in rows], lines
