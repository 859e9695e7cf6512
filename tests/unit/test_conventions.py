"""Is every text a user reads written with Vietnamese official conventions?

Quotation marks are “ ” (not « »): the toolkit's messages, templates, banks, plan data, notebooks and
README are read as source text, so a guillemet anywhere in them is caught, not only in a few strings.
"""

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*ROOT.glob("toolkit/**/*.py"), *ROOT.glob("toolkit/**/*.j2"), *ROOT.glob("quizzes/*.yaml"),
                *ROOT.glob("data/plan-241/*.yaml"), *ROOT.glob("notebooks/*.ipynb"), ROOT / "README.md"])


def guillemet_lines(path: Path) -> list[int]:
    return [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "«" in line or "»" in line]


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_are_quotation_marks_the_vietnamese_ones(path):
    lines = guillemet_lines(path)
    assert lines == [], f"{path.relative_to(ROOT)}: « » on lines {lines}; Vietnamese official writing uses “ ”"


def test_does_the_check_see_a_guillemet(tmp_path):
    bad = tmp_path / "x.py"
    bad.write_text('MESSAGE = "bấm «Nộp»"\n', encoding="utf-8")
    assert guillemet_lines(bad) == [1]
