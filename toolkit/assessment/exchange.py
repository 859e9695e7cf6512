"""The exchange file a unit exports and Sở Tư pháp imports: its format name, version and JSON Schema.

The schema (schema/assessment-exchange.schema.json, shipped inside the package) is the one place
the format is written down: `toolkit.assessment.report.report_json` writes it, the importer checks a
received file's structure against it, and people or other tools can validate a file with any JSON
Schema validator. FORMAT and FORMAT_VERSION are read from it. What the schema cannot know (the
plan's tasks, the unit registry, Sở Tư pháp's rating scale, the entry rules of
`toolkit.assessment.entry`) the importer checks in Python.
"""

from __future__ import annotations

from pathlib import Path

from toolkit.datafile import load_schema

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "assessment-exchange.schema.json"


def schema() -> dict:
    """The exchange file's JSON Schema (read once)."""
    return load_schema(SCHEMA_PATH)


FORMAT: str = schema()["properties"]["format"]["const"]  # "pbgdpl-assessment"
FORMAT_VERSION: int = schema()["properties"]["format_version"]["const"]  # 1
