"""Hostile answer files: every one is refused by `import_answers` with a message naming what is wrong,
never a traceback, and the database is unchanged.

Files that could exhaust memory (zip and XML bombs, huge and deep files) run the real
`import_answers` command line in a child process capped at 1 GiB of address space, one child per file,
on a SQLite file of this module's (a copy of the test database's tables); the others run in-process with
`call_command`, like the rest of the suite. Every file is built here."""

import io
import json
import re
import sqlite3
import struct
import zipfile
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from assessments.importing import MAX_SHOWN_PROBLEMS
from assessments.models import Answer, Assessment, Region, StatusChange
from tests.command_server import CommandServer

# Every test may touch the test database (the suite's autouse fixtures clear the database cache).
pytestmark = pytest.mark.django_db

MEMORY_CAP = 1024 * 1024 * 1024  # bytes of address space for the importing process
MB = 1024 * 1024
TABLE = ["--region", "苏州工业园区", "--kind", "park", "--city-type", "industrial"]
CSV_OK = "indicator,level,evidence\nS1.1,3,规划\n"


# --- building hostile files -------------------------------------------------------------------------


def workbook_parts(rows=(("indicator", "level", "evidence"), ("S1.1", 3, "规划"))) -> dict[str, bytes]:
    """The members of a real, valid answer workbook written by openpyxl."""
    book = Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_bytes(parts: dict[str, bytes], *, big: dict[str, tuple] | None = None, level: int = 9) -> bytes:
    """A zip of `parts`, plus members streamed from (chunk, repeat) or (head, chunk, repeat, tail), so
    that no large string is built."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        for name, spec in (big or {}).items():
            head, chunk, repeat, tail = spec if len(spec) == 4 else (b"", *spec, b"")
            with archive.open(name, "w", force_zip64=True) as member:
                member.write(head)
                for _ in range(repeat):
                    member.write(chunk)
                member.write(tail)
    return buffer.getvalue()


def lying_sizes(data: bytes, *, member: str, declared: int) -> bytes:
    """The zip with `member`'s uncompressed size rewritten (local and central headers, zip64 extra)."""
    data = bytearray(data)
    name = member.encode()
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        position = data.find(signature)
        while position != -1:
            name_at = position + (30 if signature == b"PK\x03\x04" else 46)
            name_length = struct.unpack_from("<H", data, position + (26 if size_at == 22 else 28))[0]
            if bytes(data[name_at:name_at + name_length]) == name:
                if struct.unpack_from("<I", data, position + size_at)[0] == 0xFFFFFFFF:  # zip64: in the extra
                    extra_at = name_at + name_length
                    struct.pack_into("<Q", data, extra_at + 4, declared)
                else:
                    struct.pack_into("<I", data, position + size_at, min(declared, 0xFFFFFFFE))
            position = data.find(signature, position + 4)
    return bytes(data)


def billion_laughs(levels: int = 10) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels)]
    return (f'<?xml version="1.0"?><!DOCTYPE worksheet [{"".join(entities)}]>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            f'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol{levels - 1};</t></is></c></row>'
            '</sheetData></worksheet>').encode()


def with_member(name: str, data: bytes) -> bytes:
    return zip_bytes({**workbook_parts(), name: data})


SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
              b'<row><c t="inlineStr"><is><t>indicator</t></is></c><c t="inlineStr"><is><t>level</t></is></c></row>')
SHEET_TAIL = b"</sheetData></worksheet>"


def nested_zip() -> bytes:
    return with_member("xl/embeddings/inner.xlsx", zip_bytes(workbook_parts()))


def many_members() -> bytes:
    return zip_bytes({**workbook_parts(), **{f"customXml/item{n}.xml": b"<a/>" for n in range(3000)}})


@cache
def honest_bomb() -> bytes:  # a valid sheet of 64 MB of rows behind about 100 KB
    parts = workbook_parts()
    del parts[SHEET]
    row = b'<row><c t="inlineStr"><is><t>S1.1</t></is></c><c><v>3</v></c></row>'
    return zip_bytes(parts, big={SHEET: (SHEET_HEAD, row * 1024, 64 * MB // (len(row) * 1024), SHEET_TAIL)})


def spread_bomb() -> bytes:  # 30 members of 1 MB each: every one small, together too big
    return zip_bytes(workbook_parts(), big={f"xl/media/image{n}.xml": (b" " * MB, 1) for n in range(30)})


def ratio_bomb() -> bytes:  # 8 MB in one member compressed about 1000 to 1
    return zip_bytes(workbook_parts(), big={"xl/media/blank.xml": (b"\0" * MB, 8)})


def oversized_member() -> bytes:  # 15 MB of not-so-compressible XML: over the per-member limit
    rows = b"".join(b'<row><c><v>%d</v></c></row>' % (n * 7919) for n in range(1, 20000))
    parts = workbook_parts()
    del parts[SHEET]
    return zip_bytes(parts, big={SHEET: (SHEET_HEAD, rows, 15 * MB // len(rows) + 1, SHEET_TAIL)}, level=1)


def lying_bomb() -> bytes:  # the headers say 24 GiB
    return lying_sizes(honest_bomb(), member=SHEET, declared=24 * 1024 * MB)


def understated_member() -> bytes:  # the headers say 1 KB, the data is 64 MB
    return lying_sizes(honest_bomb(), member=SHEET, declared=1024)


def utf16_entities() -> bytes:
    return with_member(SHEET, billion_laughs().decode().replace('<?xml version="1.0"?>', "")
                       .encode("utf-16"))


def external_entity() -> bytes:  # the evidence would be the content of /etc/passwd
    xml = (b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
           + SHEET_HEAD[:-6] + b'<c t="inlineStr"><is><t>evidence</t></is></c></row><row><c t="inlineStr"><is>'
           b'<t>S1.1</t></is></c><c><v>3</v></c><c t="inlineStr"><is><t>&xxe;</t></is></c></row>' + SHEET_TAIL)
    return with_member(SHEET, xml)


def huge_dimension() -> bytes:  # declares the whole sheet and puts one cell in its last row
    sheet = ('<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             '<dimension ref="A1:XFD1048576"/><sheetData>'
             '<row r="1"><c r="A1" t="inlineStr"><is><t>indicator</t></is></c>'
             '<c r="B1" t="inlineStr"><is><t>level</t></is></c></row>'
             '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>')
    return with_member(SHEET, sheet.encode())


def many_rows_xlsx() -> bytes:
    return zip_bytes(workbook_parts([("indicator", "level", "evidence")]
                                    + [(f"S{n}.1", 1, "x") for n in range(5000)]))


def pk_garbage() -> bytes:
    return b"PK\x03\x04" + bytes(range(256)) * 64


def truncated_workbook() -> bytes:
    data = zip_bytes(workbook_parts())
    return data[: len(data) // 2]


def deep_json() -> bytes:
    return b'{"framework": "sodpa-2023", "answers": ' + b"[" * 2_000_000 + b"]" * 2_000_000 + b"}"


def wide_json() -> bytes:  # 400,000 answers, just under the size limit
    answers = ",".join(f'"X{n}":1' for n in range(400_000))
    return ('{"framework": "sodpa-2023", "region": {"name": "R", "kind": "park", "city_type": "port"}, '
            f'"answers": {{{answers}}}}}').encode()


def long_csv() -> bytes:  # 400,000 lines
    return ("indicator,level,evidence\n" + "X9.9,7,\n" * 400_000).encode()


def unclosed_quote_csv() -> bytes:
    return ('indicator,level,evidence\nS1.1,3,"规划的第一部分\n' + "S1.2,2,x\n" * 200_000).encode()


BOMBS = [
    pytest.param("bomb.xlsx", honest_bomb, "a workbook is limited to 20 MB unpacked", id="zip-bomb-64MB"),
    pytest.param("bomb.xlsx", lying_bomb, "a workbook is limited to 20 MB unpacked", id="zip-bomb-declared-24GiB"),
    pytest.param("bomb.xlsx", understated_member, "damaged zip archive", id="zip-bomb-understated-size"),
    pytest.param("bomb.xlsx", spread_bomb, "a workbook is limited to 20 MB unpacked", id="zip-bomb-30-members"),
    pytest.param("bomb.xlsx", ratio_bomb, "compressed", id="zip-bomb-ratio"),
    pytest.param("bomb.xlsx", oversized_member, "a part of a workbook is limited to 10 MB", id="zip-member-15MB"),
    pytest.param("laughs.xlsx", lambda: with_member(SHEET, billion_laughs()), "entity declaration",
                 id="xml-billion-laughs"),
    pytest.param("laughs.xlsx", utf16_entities, "entity declaration", id="xml-billion-laughs-utf16"),
    pytest.param("xxe.xlsx", external_entity, "entity declaration", id="xml-external-entity"),
    pytest.param("wide.xlsx", huge_dimension, "nothing to import", id="xlsx-dimension-XFD1048576"),
]
# Bounded by the 5 MB limit on the file itself: in-process.
HEAVY = [
    pytest.param("bomb.xlsx", many_members, "the archive has 3,0", id="zip-3000-members"),
    pytest.param("bomb.xlsx", nested_zip, "nested archives are refused", id="zip-nested"),
    pytest.param("rows.xlsx", many_rows_xlsx, "line 1002: more than 1000 rows", id="xlsx-5000-rows"),
    pytest.param("fake.xlsx", pk_garbage, "damaged zip archive", id="pk-magic-not-a-zip"),
    pytest.param("cut.xlsx", truncated_workbook, "damaged zip archive", id="xlsx-truncated"),
    pytest.param("deep.json", deep_json, "nested too deeply", id="json-nested-2-million"),
    pytest.param("wide.json", wide_json, "answers: 400,000 entries", id="json-400000-answers"),
    pytest.param("long.csv", long_csv, "line 1002: more than 1000 rows", id="csv-400000-lines"),
    pytest.param("quote.csv", unclosed_quote_csv, "line 2: a value of more than 131,072 characters: is a closing "
                 "quote (\") missing?",
                 id="csv-unclosed-quote-200000-lines"),
]


# --- the capped child process -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def manage(tmp_path_factory, django_db_setup, django_db_blocker):
    """`manage.run(*args)` runs a management command in a capped child process, on a SQLite file of this
    module's: the test database's tables, the framework and one imported assessment."""
    folder = tmp_path_factory.mktemp("hostile-db")
    path = folder / "db.sqlite3"
    with django_db_blocker.unblock():  # the test database's schema (and what is committed in it)
        test_database = settings.DATABASES["default"]["NAME"]
    with sqlite3.connect(test_database) as source, sqlite3.connect(path) as copy:
        source.backup(copy)
    seed = folder / "seed.csv"
    seed.write_text(CSV_OK, encoding="utf-8")
    server = CommandServer(path, folder, cap=MEMORY_CAP)
    for args in (("loaddata", "sodpa-2023", "-v", "0"), ("import_answers", str(seed), *TABLE)):
        result = server.run(*args, capped=False)
        assert result.returncode == 0, result.stderr
    yield server
    server.close()


def rows_in(database: Path) -> tuple[int, ...]:
    with sqlite3.connect(database) as connection:
        return tuple(connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608
                     for table in ("assessments_region", "assessments_assessment", "assessments_answer",
                                   "assessments_statuschange"))


@pytest.mark.parametrize(("name", "build", "message"), BOMBS)
def test_a_bomb_is_refused_within_the_memory_cap(manage, tmp_path, name, build, message):
    path = tmp_path / name
    path.write_bytes(build())
    before = rows_in(manage.database)
    result = manage.run("import_answers", str(path), *TABLE)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output and "MemoryError" not in output
    assert f"{path}: " in result.stderr and "nothing was imported" in result.stderr
    assert message in result.stderr, result.stderr
    assert rows_in(manage.database) == before


def test_the_capped_process_still_imports_a_good_file(manage, tmp_path):
    path = tmp_path / "good.xlsx"
    path.write_bytes(zip_bytes(workbook_parts()))
    before = rows_in(manage.database)
    result = manage.run("import_answers", str(path), *TABLE, "--title", "合格的工作簿")
    assert result.returncode == 0, result.stderr
    assert rows_in(manage.database) == (before[0], before[1] + 1, before[2] + 1, before[3])


def test_openpyxl_parses_with_defusedxml():
    """A second line of defence behind the scan for declarations."""
    import openpyxl

    assert openpyxl.DEFUSEDXML is True


# --- in-process cases -------------------------------------------------------------------------------


def _json(**document) -> bytes:
    base = {"framework": "sodpa-2023", "region": {"name": "苏州工业园区", "kind": "park", "city_type": "industrial"},
            "answers": {"S1.1": 3}}
    return json.dumps({**base, **document}, ensure_ascii=False).encode()


def _raw_json(text: str) -> bytes:
    return text.encode()


CASES = [
    # levels: only the ASCII digits 0-4
    pytest.param("a.csv", "indicator,level\nS1.1,²\n", [], "line 2 (S1.1): level must be 0, 1, 2, 3, 4 or \"na\", "
                 "got '²'", id="level-superscript-two"),
    pytest.param("a.csv", "indicator,level\nS1.1,３\n", [], "got '３'", id="level-fullwidth-three"),
    pytest.param("a.csv", "indicator,level\nS1.1,٣\n", [], "got '٣'", id="level-arabic-indic-three"),
    pytest.param("a.csv", "indicator,level\nS1.1," + "9" * 5000 + "\n", [], "got '999999", id="level-5000-digits"),
    pytest.param("a.json", _json(answers={"S1.1": "²"}), None, "answers.S1.1: level must be", id="json-level-²"),
    pytest.param("a.json", _json(answers={"S1.1": [[[[3]]]]}), None, "got a list", id="json-level-a-list"),
    pytest.param("a.json", _raw_json('{"answers": {"S1.1": 1' + "0" * 5000 + "}}"), None, "malformed JSON",
                 id="json-level-5000-digits"),
    # encodings: UTF-8 with or without BOM only
    pytest.param("a.csv", CSV_OK.encode("utf-16"), [], "the file is UTF-16 text; save it as UTF-8", id="csv-utf16-bom"),
    pytest.param("a.csv", CSV_OK.encode("utf-16-le"), [], "the file is UTF-16 text", id="csv-utf16le-no-bom"),
    pytest.param("a.csv", CSV_OK.encode("utf-16-be"), [], "the file is UTF-16 text", id="csv-utf16be-no-bom"),
    pytest.param("a.csv", CSV_OK.encode("gbk"), [], "line 2 is not UTF-8 text (byte 0xb9) (it looks like "
                 "GBK/GB18030); save it as UTF-8", id="csv-gbk"),
    pytest.param("a.csv", b"indicator,level\nS1.1,3\n\xc3\x28\n", [], "line 3 is not UTF-8 text (byte 0xc3)",
                 id="csv-invalid-utf8"),
    pytest.param("a.json", _json().decode().encode("utf-16"), None, "the file is UTF-16 text", id="json-utf16"),
    pytest.param("a.json", _json().decode().encode("gb18030"), None, "not UTF-8 text", id="json-gb18030"),
    # NUL bytes and other control characters
    pytest.param("a.csv", b"indicator,level,evidence\nS1.1,3,a\x00b\n", [],
                 "a.csv: line 2, column 9: control character U+0000", id="csv-nul-byte"),
    pytest.param("a.csv", b"indicator,level,evidence\nS1.1,3,a\x1bb\n", [], "control character U+001B",
                 id="csv-escape-character"),
    pytest.param("a.json", _json(evidence={"S1.1": "a\u0000b"}), None,
                 "evidence.S1.1: control character U+0000 at position 2", id="json-nul-in-evidence"),
    pytest.param("a.json", _json(title="标题\u0007"), None, "title: control character U+0007", id="json-bell-in-title"),
    pytest.param("a.json", _json(title="两行\n标题"), None, "title: control character U+000A",
                 id="json-newline-in-title"),
    pytest.param("a.json", _raw_json('{"framework": "sodpa-2023", "region": {"name": "R", "kind": "park", '
                                     '"city_type": "port"}, "answers": {"S1.1": 3}, "evidence": {"S1.1": "\\ud800"}}'),
                 None, "evidence.S1.1: lone surrogate U+D800 at position 1", id="json-lone-surrogate"),
    pytest.param("a.csv", CSV_OK, ["--title", "a\x00b"], "--title: control character U+0000", id="option-nul-in-title"),
    pytest.param("a.csv", CSV_OK, ["--region", "区\x01"], "--region: control character U+0001", id="option-region"),
    # text that does not fit
    pytest.param("a.json", _json(title="长" * 500), None, "title: 500 characters; at most 200 are allowed",
                 id="json-title-500"),
    pytest.param("a.csv", CSV_OK, ["--title", "t" * 201], "--title: 201 characters; at most 200",
                 id="option-title-201"),
    pytest.param("a.json", _json(region={"name": "区" * 300, "kind": "park", "city_type": "port"}), None,
                 "region.name: 300 characters; at most 200", id="json-region-name-300"),
    pytest.param("a.csv", "indicator,level,evidence\nS1.1,3," + "证" * 5001 + "\n", [],
                 "line 2 (S1.1) evidence: 5,001 characters; at most 5000", id="csv-evidence-5001"),
    # wrong types
    pytest.param("a.json", _json(region={"name": 42, "kind": "park", "city_type": "port"}), None,
                 "region.name: must be text, got 42", id="json-region-name-number"),
    pytest.param("a.json", _json(region={"name": ["区"], "kind": "park", "city_type": "port"}), None,
                 "region.name: must be text, got a list", id="json-region-name-list"),
    pytest.param("a.json", _json(region={"name": "新区", "kind": {"x": 1}, "city_type": "port"}), None,
                 "region.kind: must be one of city, district, park, got an object", id="json-region-kind-object"),
    pytest.param("a.json", _json(answers={"S1.1\n\x1b[2J": 3}), None,
                 "answers.'S1.1\\n\\x1b[2J': unknown indicator code 'S1.1\\n\\x1b[2J'", id="json-key-terminal-escape"),
    pytest.param("a.json", _json(title=2026), None, "title: must be text, got 2026", id="json-title-number"),
    pytest.param("a.json", _json(framework={"code": "sodpa-2023"}), None, "framework: must be text, got an object",
                 id="json-framework-object"),
    # JSON structure
    pytest.param("a.json", _raw_json('{"framework": "sodpa-2023", "framework": "x", "answers": {"S1.1": 3}}'), None,
                 "framework: key 'framework' is given more than once", id="json-duplicate-top-key"),
    pytest.param("a.json", _raw_json('{"framework": "sodpa-2023", "region": {"name": "R", "kind": "park", '
                                     '"city_type": "port"}, "answers": {"S1.1": 3, "S1.1": 0}}'), None,
                 "answers.S1.1: key 'S1.1' is given more than once", id="json-duplicate-answer"),
    pytest.param("a.json", _raw_json('{"framework": "sodpa-2023", "region": {"name": "R", "name": "S", "kind": '
                                     '"park", "city_type": "port"}, "answers": {"S1.1": 3}}'), None,
                 "region.name: key 'name' is given more than once", id="json-duplicate-region-key"),
    pytest.param("a.json", _raw_json("[" * 5000 + "]" * 5000), None, "nested too deeply", id="json-nested-5000"),
    pytest.param("a.json", _raw_json('{"answers": ' + "{\"a\": " * 3000 + "1" + "}" * 3000 + "}"), None,
                 "nested too deeply", id="json-objects-nested-3000"),
    pytest.param("a.json", _json(answers={}), None, "nothing to import: the file answers no indicator",
                 id="json-no-answers"),
    pytest.param("a.json", _json(answers={"S1.1": None}), None, "nothing to import", id="json-only-nulls"),
    # CSV structure
    pytest.param("a.csv", "indicator,level,evidence\n", [], "nothing to import: the file answers no indicator",
                 id="csv-header-only"),
    pytest.param("a.csv", "indicator,level,evidence\n,,\n\n", [], "nothing to import", id="csv-header-and-blanks"),
    pytest.param("a.csv", 'indicator,level,evidence\nS1.1,3,"unclosed\nS1.2,2,x\nS1.3,1,y\n', [],
                 "line 2: a quoted value starting on this line is never closed", id="csv-unclosed-quote"),
    pytest.param("a.csv", 'indicator,level,evidence\nS1.1,3,"opened\nS1.2,2,closed later"\n', [],
                 "line 2 (S1.1): the evidence spans several lines and one of them looks like a row of its own "
                 "(S1.2,…): is a closing quote (\") missing?", id="csv-quote-closed-rows-later"),
    pytest.param("a.csv", 'indicator,level,evidence\nS1.1,3,"quoted"after\n', [],
                 "line 2: a quote (\") inside a quoted value must be doubled", id="csv-text-after-closing-quote"),
    pytest.param("a.csv", "indicator,level,level\nS1.1,3,4\n", [], "line 1: column(s) level appear more than once",
                 id="csv-duplicate-column"),
    pytest.param("a.csv", "indicator,level,evidence\nS1.1,3," + "x" * 200_000 + "\n", [],
                 "line 2: a value of more than 131,072 characters", id="csv-field-200000"),
]


@pytest.fixture
def rows():
    def current():
        return (Region.objects.count(), Assessment.objects.count(), Answer.objects.count(),
                StatusChange.objects.count())

    return current


@pytest.fixture
def existing(sodpa, tmp_path):
    path = tmp_path / "existing.csv"
    path.write_text(CSV_OK, encoding="utf-8")
    call_command("import_answers", str(path), *TABLE, stdout=io.StringIO())


@pytest.mark.parametrize(("name", "build", "message"), HEAVY)
def test_a_large_hostile_file_is_refused(existing, rows, tmp_path, name, build, message):
    path = tmp_path / name
    path.write_bytes(build())
    before = rows()
    with pytest.raises(CommandError) as error:
        call_command("import_answers", str(path), *TABLE, stdout=io.StringIO())
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)
    assert rows() == before == (1, 1, 1, 0)


@pytest.mark.parametrize(("name", "content", "options", "message"), CASES)
def test_a_hostile_file_is_refused_naming_the_problem(existing, rows, tmp_path, name, content, options, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    before = rows()
    args = (TABLE if options is not None else [])
    # an option given twice: the last one wins (argparse), so the hostile one replaces the good one
    with pytest.raises(CommandError) as error:
        call_command("import_answers", str(path), *args, *(options or []), stdout=io.StringIO())
    text = str(error.value)
    assert text.startswith(f"{path}: ") and "nothing was imported" in text.splitlines()[0]
    assert message in text
    assert not re.search(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]", text)  # nothing from the file reaches the terminal raw
    assert rows() == before == (1, 1, 1, 0)


def test_utf8_with_and_without_bom_is_accepted(sodpa, rows, tmp_path):
    for n, data in enumerate((CSV_OK.encode("utf-8"), CSV_OK.encode("utf-8-sig"))):
        path = tmp_path / f"a{n}.csv"
        path.write_bytes(data)
        call_command("import_answers", str(path), *TABLE, stdout=io.StringIO())
    assert rows() == (1, 2, 2, 0)
    assert set(Answer.objects.values_list("indicator__code", "level", "evidence")) == {("S1.1", 3, "规划")}


def test_a_long_problem_list_is_cut_and_says_how_many_more(existing, rows, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("indicator,level\n" + "".join(f"X1.{n},9\n" for n in range(1, 401)), encoding="utf-8")
    before = rows()
    with pytest.raises(CommandError) as error:
        call_command("import_answers", str(path), *TABLE, stdout=io.StringIO())
    lines = str(error.value).splitlines()
    assert lines[0] == f"{path}: 800 problem(s), nothing was imported:"  # a bad level, an unknown code each
    assert len(lines) == 1 + MAX_SHOWN_PROBLEMS + 1
    assert lines[1] == '  line 2 (X1.1): level must be 0, 1, 2, 3, 4 or "na", got 9'
    assert lines[-1] == "  … and 750 more problems"
    assert rows() == before


def test_problems_in_chinese_with_lang(existing, rows, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("indicator,level,evidence\n" + "".join(f"X1.{n},9,\n" for n in range(1, 60)), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        call_command("import_answers", str(path), *TABLE, "--lang", "zh-hans", stdout=io.StringIO())
    lines = str(error.value).splitlines()
    assert lines[0] == f"{path}：发现 118 个问题，未导入任何内容："
    assert lines[1] == '  第 2 行 (X1.1)：等级必须是 0、1、2、3、4 或 "na"，而不是 9'
    assert lines[-1] == "  …… 另有 68 个问题"
