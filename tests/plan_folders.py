"""Data folders holding several plans, for tests of the catalogue and of pages with a plan picker.

A second plan is a copy of data/plan-241 under another folder name (its key), number and date, with one
task's summary changed so that a test can tell which plan a page shows. The city registry (data/hanoi)
is copied beside the plans, since a plan's units.yaml names it by a relative path. Imported as
`plan_folders` (pyproject puts tests/ on the test path).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from toolkit.paths import DEFAULT_PLAN_DIR

DATA = DEFAULT_PLAN_DIR.parent
FIRST_SUMMARY = ("Quán triệt, triển khai Kết luận 80-KL/TW, Quyết định 1521/QĐ-TTg, Kế hoạch 02-KH/TU đến cơ quan, "
                 "đơn vị thuộc phạm vi quản lý; ban hành hoặc tham mưu cấp ủy ban hành văn bản lãnh đạo, chỉ đạo")
SECOND_SUMMARY = "Rà soát việc phổ biến pháp luật về chuyển đổi số tại cơ quan, đơn vị"  # II.1.a in the copies
DRAFT_REVIEW = """schema_version: 1
status: draft
imported: {file: "ke-hoach-mau.docx", sha256: "0", format: docx, at: "2026-12-01T18:40:00+07:00"}
text: van-ban/KH-241-UBND-2020.txt
items:
  - {ref: plan, field: number, confidence: 0.9, span: [0, 10], status: unreviewed}
"""


def registry(root: Path) -> Path:
    """A data folder with the city registry and no plan yet."""
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "hanoi").exists():
        shutil.copytree(DATA / "hanoi", root / "hanoi")
    return root


def plan_copy(root: Path, key: str, number: str, date: str, summary: str | None = SECOND_SUMMARY) -> Path:
    """data/plan-241 copied to root/key, numbered and dated anew; II.1.a's summary replaced by `summary`."""
    folder = registry(root) / key
    shutil.copytree(DEFAULT_PLAN_DIR, folder)
    plan_yaml = folder / "plan.yaml"
    text = plan_yaml.read_text(encoding="utf-8")
    assert 'number: "241/KH-UBND"' in text and "date: 2020-12-15" in text
    plan_yaml.write_text(text.replace('number: "241/KH-UBND"', f'number: "{number}"', 1)
                         .replace("date: 2020-12-15", f"date: {date}", 1), encoding="utf-8")
    if summary is not None:
        tasks = folder / "tasks.yaml"
        text = tasks.read_text(encoding="utf-8")
        assert text.count(FIRST_SUMMARY) == 1
        tasks.write_text(text.replace(FIRST_SUMMARY, summary), encoding="utf-8")
    return folder


def draft_copy(root: Path, key: str = "plan-nhap") -> Path:
    """An imported plan still under review: a valid plan folder with review.yaml, one item unreviewed."""
    folder = plan_copy(root, key, "99/KH-UBND", "2027-03-01", summary="Nhiệm vụ của bản nháp chưa rà soát")
    (folder / "review.yaml").write_text(DRAFT_REVIEW, encoding="utf-8")
    return folder


def broken_copy(root: Path, key: str = "plan-hong") -> Path:
    """A plan folder that does not load: its plan.yaml names no number."""
    folder = plan_copy(root, key, "77/KH-UBND", "2028-01-01", summary=None)
    plan_yaml = folder / "plan.yaml"
    plan_yaml.write_text(plan_yaml.read_text(encoding="utf-8").replace('number: "77/KH-UBND"', "", 1),
                         encoding="utf-8")
    return folder


def two_plans(root: Path) -> Path:
    """Plan 241 (data/plan-241 as it is) and a newer plan-2026 (15/KH-UBND, 10/01/2026): the data folder."""
    plan_copy(root, "plan-241", "241/KH-UBND", "2020-12-15", summary=None)
    plan_copy(root, "plan-2026", "15/KH-UBND", "2026-01-10")
    return root
