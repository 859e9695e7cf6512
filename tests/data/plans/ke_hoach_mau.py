"""Builds `source.docx` of the fictional plan fixture tests/data/plans/ke-hoach-mau/ from its `source.txt`.

The .txt is the document as a .doc-to-text conversion gives it: the table cells flattened into lines ended by
`|`, long lines wrapped by hand. The .docx is what the office would have sent: the header (and the "Nơi nhận" /
signature block) as real two-column tables, every other logical paragraph as one Word paragraph. The table
cells are written out below, and checked word for word against the .txt, because their line breaks in the .txt
are the conversion's, not the document's; body paragraphs are found by how they begin (`PARAGRAPH_START`).
The result is the same bytes on every run (fixed document properties and zip timestamps), so no binary is kept
in the repository.

In a test: `from data.plans.ke_hoach_mau import build_docx` (pytest puts tests/ on the path), then
`build_docx(tmp_path / "ke-hoach-mau.docx")`. By hand: `.venv/bin/python tests/data/plans/ke_hoach_mau.py OUT.docx`.
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent / "ke-hoach-mau"
SOURCE = FIXTURE / "source.txt"
GOLD = FIXTURE / "gold"
GOLD_TEXT = GOLD / "van-ban" / "ke-hoach-mau.txt"

# The document's date; used for the .docx properties and the zip entries so the bytes never change.
STAMP = datetime(2026, 1, 12, 8, 0, 0)


@dataclass(frozen=True)
class Table:
    starts: str                     # the .txt line the table's first cell begins with
    rows: tuple[tuple[tuple[str, ...], ...], ...]   # rows -> cells -> the cell's paragraphs


TABLES = (
    Table("ỦY BAN", (
        (("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "--------"),
         ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------")),
        (("Số: 9901/QĐ-UBND",),
         ("Hà Nội, ngày 12 tháng 01 năm 2026",)),
    )),
    Table("Nơi nhận:", (
        (("Nơi nhận:", "- Như Điều 3;", "- Bộ Tư pháp;", "- Thường trực Thành ủy;", "- Thường trực HĐND Thành phố;",
          "- Chủ tịch, các PCT UBND Thành phố;", "- Ủy ban MTTQ Việt Nam Thành phố;", "- VPUB: CVP, các PCVP, NC;",
          "- Lưu: VT, STP."),
         ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Mẫu")),
    )),
    Table("ỦY BAN NHÂN DÂN", (
        (("ỦY BAN NHÂN DÂN", "THÀNH PHỐ HÀ NỘI", "-------"),
         ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "---------------")),
    )),
)

# A body line that begins one of these starts a new paragraph; any other line continues the one before
# (the .txt wraps long paragraphs). The last four are the fixture's own lines that begin a paragraph
# without a number or keyword: the Quyết định's and the Kế hoạch's titles and the text of section 2.5.
PARAGRAPH_START = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2})*\.\s|[a-zđ]\)\s|[-+]\s|Căn cứ |Theo đề nghị |Điều \d+\.|Thời hạn|Thời gian |"
    r"QUYẾT ĐỊNH|KẾ HOẠCH$|\(Ban hành |ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI$|Thực hiện |Trên đây |"
    r"Ban hành Kế hoạch |Phổ biến, giáo dục pháp luật năm |Các sở, ban ngành, UBND )")
CENTRED_BOLD = re.compile(r"^(?:QUYẾT ĐỊNH|KẾ HOẠCH$|Ban hành Kế hoạch |Phổ biến, giáo dục pháp luật năm |"
                          r"ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI$)")
HEADING = re.compile(r"^\d{1,2}(?:\.\d{1,2})?\.\s")   # "2." and "2.1." are headings; "2.1.1." is a task


def _squash(text: str) -> str:
    return " ".join(text.split())


def source_text() -> str:
    """The fixture's text; the gold folder's copy (gold/van-ban/) must be the same bytes."""
    text = SOURCE.read_text(encoding="utf-8")
    if GOLD_TEXT.read_text(encoding="utf-8") != text:
        raise ValueError(f"{GOLD_TEXT} khác {SOURCE}: bản văn bản trong gold phải giống hệt source.txt.")
    return text


def blocks(text: str | None = None) -> list[tuple[str, object]]:
    """The document in order: ("table", Table) and ("paragraph", text) blocks."""
    lines = (text if text is not None else source_text()).splitlines()
    out: list[tuple[str, object]] = []
    pending = list(TABLES)
    i = 0
    while i < len(lines):
        line = lines[i]
        if pending and line == pending[0].starts:
            table = pending.pop(0)
            i = _consume_table(lines, i, table)
            out.append(("table", table))
            continue
        if not line.strip():
            i += 1
            continue
        if out and out[-1][0] == "paragraph" and not PARAGRAPH_START.match(line):
            out[-1] = ("paragraph", f"{out[-1][1]} {line.strip()}")
        else:
            out.append(("paragraph", line.strip()))
        i += 1
    if pending:
        raise ValueError(f"source.txt: không thấy bảng bắt đầu bằng dòng “{pending[0].starts}”.")
    return out


def _consume_table(lines: list[str], i: int, table: Table) -> int:
    """Check the table's flattened cells (each ended by a `|` line) against TABLES; the line after it."""
    for cell in (c for row in table.rows for c in row):
        start, words = i, []
        while i < len(lines) and lines[i].strip() != "|":
            words.append(lines[i])
            i += 1
        if i == len(lines):
            raise ValueError(f"source.txt dòng {start + 1}: ô bảng không kết thúc bằng dòng “|”.")
        if _squash(" ".join(words)) != _squash(" ".join(cell)):
            raise ValueError(f"source.txt dòng {start + 1}: ô bảng “{_squash(' '.join(words))}” khác dữ liệu bảng "
                             f"“{_squash(' '.join(cell))}” trong {Path(__file__).name}.")
        i += 1
    return i


def build_docx(path: Path | str) -> Path:
    """Write the fixture's .docx at `path` (same bytes every time) and return the path."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    props = doc.core_properties
    props.title = "Kế hoạch phổ biến, giáo dục pháp luật năm 2026 - 2027 (văn bản giả định dùng để kiểm thử)"
    props.author = props.last_modified_by = "Bộ công cụ PBGDPL (tệp kiểm thử)"
    props.created = props.modified = STAMP
    props.revision = 1

    for kind, value in blocks():
        if kind == "table":
            rows = value.rows
            table = doc.add_table(rows=len(rows), cols=2)
            table.alignment = WD_TABLE_ALIGNMENT.CENTER
            for r, row in enumerate(rows):
                for c, paragraphs in enumerate(row):
                    cell = table.cell(r, c)
                    for n, text in enumerate(paragraphs):
                        p = cell.paragraphs[0] if n == 0 else cell.add_paragraph()
                        run = p.add_run(text)
                        run.bold = text.isupper() or text.startswith("Độc lập")
                        if not text.startswith(("- ", "Nơi nhận")):
                            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            continue
        p = doc.add_paragraph()
        run = p.add_run(value)
        if CENTRED_BOLD.match(value):
            p.alignment, run.bold = WD_ALIGN_PARAGRAPH.CENTER, True
        elif value.startswith("(Ban hành "):
            p.alignment, run.italic = WD_ALIGN_PARAGRAPH.CENTER, True
        else:
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            run.bold = bool(HEADING.match(value)) or value.startswith("Điều ")

    buffer = io.BytesIO()
    doc.save(buffer)
    path = Path(path)
    path.write_bytes(_fixed_zip(buffer.getvalue()))
    return path


def _fixed_zip(data: bytes) -> bytes:
    """The same archive with every entry's timestamp set to STAMP (zipfile stamps entries with the clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=STAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"Cách dùng: {Path(sys.argv[0]).name} TỆP_RA.docx")
    print(build_docx(sys.argv[1]))
