"""Importing a plan's text (.docx, .txt/.md, .pdf with a text layer) as a draft plan folder to review.

The steps, one module each: read (the file's text), normalise (NFC, broken lines and words mended, with
offsets kept), structure (header, Quyết định wrapper, parts, sections, items), tasks (who leads,
coordinates, is requested; deadlines; duties; source excerpts), bodies (names matched to the city
registry by name and alias only, the rest proposed as new), documents (what the plan implements and
cites), draft (the folder, validated, written atomically) and compare (a draft against a reviewed plan).

>>> from toolkit.plan.importer import import_plan, compare  # doctest: +SKIP
"""

from toolkit.plan.importer.compare import Agreement, compare
from toolkit.plan.importer.draft import ImportResult, import_plan
from toolkit.plan.importer.errors import ImportFailure

__all__ = ["Agreement", "ImportFailure", "ImportResult", "compare", "import_plan"]
