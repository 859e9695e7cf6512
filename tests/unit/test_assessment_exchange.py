"""Is the exchange file (what a unit exports, what Sở Tư pháp imports) described once, by its JSON Schema,
and do the entry fields, labels and limits each have one home?

The schema is read here with the plain `jsonschema` validator, not the toolkit's helper, so these tests
judge the schema file itself as another tool would.
"""

import copy
import datetime
import json
import os
import tomllib
from dataclasses import fields
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.assessment import exchange
from toolkit.assessment import report as ar
from toolkit.assessment.entry import FIELDS, LABELS, TEXT_LIMITS, Entry
from toolkit.assessment.importing import XLSX_COLUMNS, read_assessment_bytes
from toolkit.assessment.scoring import score_of
from toolkit.datafile import DataError
from toolkit.paths import REPO_ROOT
from toolkit.storage.records import ENTRY_FIELDS, AssessmentRecord
from toolkit.storage.schema import assessment_entries

VALID = Path(__file__).resolve().parents[1] / "data" / "imports" / "valid.json"
SETTINGS = settings(max_examples=40, deadline=None, derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def schema_file() -> dict:
    return json.loads(exchange.SCHEMA_PATH.read_text(encoding="utf-8"))


def schema_errors(doc) -> list[str]:
    return [e.message for e in jsonschema.Draft202012Validator(schema_file()).iter_errors(doc)]


def valid_doc() -> dict:
    return json.loads(VALID.read_text(encoding="utf-8"))


def import_problems(plan, settings_, doc) -> list[str]:
    try:
        read_assessment_bytes("don-vi.json", json.dumps(doc, ensure_ascii=False).encode(), plan, settings_)
    except DataError as exc:
        return [str(p) for p in exc.problems]
    return []


# ---------------------------------------------------------------- one home


def test_is_the_schema_a_valid_draft_2020_12_schema_that_names_format_and_version_once():
    schema = schema_file()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert (exchange.FORMAT, exchange.FORMAT_VERSION) == ("pbgdpl-assessment", 1)
    assert schema["properties"]["format"] == {"const": exchange.FORMAT}
    assert ar.FORMAT is exchange.FORMAT and ar.FORMAT_VERSION is exchange.FORMAT_VERSION


def test_does_the_schema_ship_inside_the_package():
    """An installed toolkit has no data/ folder: the importer's schema is package data."""
    assert exchange.SCHEMA_PATH.parent.parent == Path(ar.__file__).resolve().parent
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "schema/*.json" in config["tool"]["setuptools"]["package-data"]["toolkit.assessment"]


def test_does_the_schema_describe_every_entry_field_and_only_those_the_exporter_writes():
    entry = schema_file()["$defs"]["entry"]["properties"]
    assert set(entry) == {"task_id", "role", "status", "points", "max_points", "reading", *FIELDS}


def test_is_the_entry_field_list_the_entry_and_the_stores_columns():
    assert FIELDS == tuple(f.name for f in fields(Entry)) == ENTRY_FIELDS
    assert set(TEXT_LIMITS) | {"rating", "central_issued"} == set(FIELDS) == set(LABELS)


def test_are_the_single_line_limits_the_databases_column_sizes():
    """The limits are counted where the page and the importer judge; the store's columns must hold them."""
    for name, limit in TEXT_LIMITS.items():
        length = getattr(assessment_entries.c[name].type, "length", None)
        assert length in (None, limit), (name, length, limit)  # None: Text, unlimited


def test_are_the_xlsx_headers_the_one_label_map_read_back_by_the_importer():
    sheet_fields = {f for f in FIELDS if f != "central_issued"}  # “Tình trạng” says it
    assert set(ar.SHEET_FIELDS) | {"rating"} == sheet_fields
    assert {LABELS[f] for f in sheet_fields} <= set(ar.COLUMNS)
    assert {XLSX_COLUMNS[LABELS[f]] for f in sheet_fields} == sheet_fields
    assert set(XLSX_COLUMNS) <= set(ar.COLUMNS)


# ---------------------------------------------------------------- the exporter writes what the schema says


texts = st.one_of(st.just(""), st.text(max_size=30))


@SETTINGS
@given(data=st.data())
def test_does_every_exported_json_validate_against_the_schema(plan, settings, data):
    unit = data.draw(st.sampled_from(sorted(plan.units)))
    years = [y for y in range(plan.info.period_start, plan.info.period_end + 1) if plan.unit(unit).active_in(y)]
    year = data.draw(st.sampled_from(years))
    criteria, _ = score_of(plan, settings, [], unit, year, {})
    entries = {}
    for c in criteria:
        if data.draw(st.booleans()):
            entries[c.id] = Entry(data.draw(st.sampled_from([None, *settings.rating_keys])),
                                  central_issued=data.draw(st.booleans()),
                                  **{f: data.draw(texts) for f in TEXT_LIMITS})
    criteria, score = score_of(plan, settings, [], unit, year, entries)
    at = datetime.datetime(2023, 1, 10, 2, 30, tzinfo=datetime.timezone.utc)
    record = data.draw(st.sampled_from([None, AssessmentRecord(1, unit, year, 1, "draft", at, None, None),
                                        AssessmentRecord(3, unit, year, 3, "submitted", at, at, "Nguyễn Thị Lan")]))
    view = ar.AssessmentView(plan.unit(unit), year, tuple(criteria), entries, score, record)
    doc = json.loads(json.dumps(ar.report_json(plan, settings, view), ensure_ascii=False))
    assert schema_errors(doc) == []


# ---------------------------------------------------------------- the schema refuses what the importer refuses


def _drop(*path):
    def apply(d):
        for key in path[:-1]:
            d = d[key]
        del d[path[-1]]
    return apply


def _entry(i, **change):
    def apply(d):
        d["entries"][i].update(change)
    return apply


# case: a change to valid.json (in place, or returning the new document)
STRUCTURE = {
    "root is a list": lambda d: [d],
    "unknown root key": lambda d: d.update(surprise=True),
    "plan missing": _drop("plan"),
    "plan not text": lambda d: d.update(plan=241),
    "unit not an object": lambda d: d.update(unit="quan_ba_dinh"),
    "unit key missing": _drop("unit", "key"),
    "unit key not text": lambda d: d["unit"].update(key=5),
    "unit with an unknown key": lambda d: d["unit"].update(short="x"),
    "year not a number": lambda d: d.update(year="2022"),
    "year fractional": lambda d: d.update(year=2022.5),
    "version zero": lambda d: d.update(version=0),
    "status unknown": lambda d: d.update(status="done"),
    "status missing": _drop("status"),
    "submitted_at a number": lambda d: d.update(submitted_at=20230110),
    "submitted_by a list": lambda d: d.update(submitted_by=["An"]),
    "entries not a list": lambda d: d.update(entries={"II.1.a": {}}),
    "too many entries": lambda d: d.update(entries=d["entries"] * 16),  # 20 × 16 > the schema's 300
    "entry not an object": lambda d: d["entries"].__setitem__(2, "II.2.b"),
    "entry without task id": _drop("entries", 2, "task_id"),
    "task id a number": _entry(2, task_id=2),
    "unknown entry key": _entry(2, extra=1),
    "rating a number": _entry(2, rating=3),
    "text a number": _entry(2, note=12),
    "central_issued text": _entry(2, central_issued="có"),
    "role unknown": _entry(2, role="chu_tri"),
    "entry status unknown": _entry(2, status="late"),
    "points text": _entry(2, points="1"),
    "totals a list": lambda d: d.update(totals=[1]),
    "totals percent text": lambda d: d["totals"].update(percent="25,81"),
}


@pytest.mark.parametrize("case", sorted(STRUCTURE))
def test_does_the_schema_refuse_each_file_the_importer_refuses_for_its_structure(plan, settings, case):
    doc = valid_doc()
    doc = STRUCTURE[case](doc) or doc
    assert isinstance(doc, dict) or case == "root is a list"
    assert schema_errors(doc), "the schema accepts it"
    assert import_problems(plan, settings, doc), "the importer accepts it"


def test_does_a_structure_problem_name_the_file_and_the_json_path(plan, settings):
    doc = valid_doc()
    doc["entries"][2]["rating"] = 3
    doc["entries"][4]["extra"] = 1
    problems = import_problems(plan, settings, doc)
    assert "don-vi.json, entries[2].rating: Nhiệm vụ II.2.b: sai kiểu, cần chuỗi văn bản hoặc rỗng, gặp 3." in problems
    assert "don-vi.json, entries[4].extra: Nhiệm vụ II.3.a: trường không có trong định dạng: “extra”." in problems


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10, 3000) | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=10)


@SETTINGS
@given(data=st.data())
def test_is_a_file_the_schema_refuses_never_imported(plan, settings, data):
    """Mutated exports: schema-invalid implies refused (so whatever is imported follows the published format)."""
    doc = valid_doc()
    for _ in range(data.draw(st.integers(1, 3))):
        parent, node = None, doc
        while isinstance(node, (dict, list)) and node and data.draw(st.booleans()):
            parent = node
            key = data.draw(st.sampled_from(sorted(node) if isinstance(node, dict) else range(len(node))))
            node = node[key]
        if parent is None:
            break
        if data.draw(st.booleans()):
            del parent[key]
        else:
            parent[key] = data.draw(json_values)
    doc = json.loads(json.dumps(doc))
    if schema_errors(copy.deepcopy(doc)):
        assert import_problems(plan, settings, doc)
