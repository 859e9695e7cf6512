"""Reading a plan's file as text: .docx (paragraphs and tables in document order), .txt/.md, .pdf with a text layer.

The text keeps the document's own line breaks: a table cell's paragraphs become lines followed by a line
"|" (the way a header table reads when copied from a web page), a PDF page's lines stay lines. Mending
them is toolkit.plan.importer.normalise's job.
"""

from __future__ import annotations

import hashlib
import zipfile
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from toolkit.plan.importer.errors import ImportFailure

FORMATS = {".docx": "docx", ".txt": "txt", ".md": "md", ".pdf": "pdf"}
CELL_END = "|"  # the line that ends a table cell in the text


@dataclass(frozen=True)
class Source:
    """One file's text as read, before any mending; `raw` offsets are what `where` locates."""

    path: Path
    format: str  # docx | txt | md | pdf
    raw: str
    sha256: str
    page_starts: tuple[int, ...] = ()  # offsets in `raw` where each PDF page starts

    @property
    def name(self) -> str:
        return self.path.name

    def where(self, offset: int) -> str:
        """The place of a raw offset as a reader finds it: "dòng 12" (a .docx paragraph: "đoạn 12")."""
        offset = max(0, min(offset, len(self.raw)))
        line = self.raw.count("\n", 0, offset) + 1
        if self.format == "docx":
            return f"đoạn {line}"
        if self.format == "pdf" and self.page_starts:
            page = bisect_right(self.page_starts, offset)
            first = self.page_starts[page - 1]
            return f"trang {page}, dòng {self.raw.count(chr(10), first, offset) + 1}"
        return f"dòng {line}"

    def fail(self, message: str, offset: int | None = None) -> ImportFailure:
        return ImportFailure(self.name, message, self.where(offset) if offset is not None else None)


def read_source(path: Path | str) -> Source:
    """The file's text; ImportFailure (in Vietnamese, naming the file) when it cannot be read as a plan's text."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ImportFailure(path.name, f"không đọc được tệp “{path.suffix or path.name}”: chỉ nhận tệp .docx, .txt, "
                                       ".md hoặc .pdf có lớp chữ.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImportFailure(path.name, f"không mở được tệp ({exc.strerror or exc}).") from None
    digest = hashlib.sha256(data).hexdigest()
    if fmt == "docx":
        raw, pages = _docx_text(path, data), ()
    elif fmt == "pdf":
        raw, pages = _pdf_text(path)
    else:
        raw, pages = _plain_text(path, data), ()
    if not raw.strip():
        raise ImportFailure(path.name, "tệp không có chữ nào." if fmt != "pdf" else
                            "tệp PDF không có lớp chữ (có thể là bản quét): hãy nhận dạng chữ (OCR) hoặc dùng bản "
                            ".docx, .txt.")
    return Source(path, fmt, raw, digest, pages)


def _plain_text(path: Path, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ImportFailure(path.name, "tệp không phải văn bản UTF-8 (có thể là bảng mã TCVN3 hoặc VNI): hãy lưu lại "
                                       "với bảng mã Unicode UTF-8.", f"dòng {line}") from None


def _docx_text(path: Path, data: bytes) -> str:
    """Body paragraphs and tables in document order; each cell's paragraphs, then a line "|"."""
    import io

    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        doc = Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ImportFailure(path.name, f"không đọc được tệp Word .docx (tệp hỏng hoặc không phải .docx: {exc}).") from None
    lines: list[str] = []

    def table(tbl: Table) -> None:
        seen: list = []  # the cells' elements, kept alive so that `is` compares the same node's one proxy
        for row in tbl.rows:
            for cell in row.cells:
                if any(cell._tc is s for s in seen):  # a merged cell is returned once per column it spans
                    continue
                seen.append(cell._tc)
                for child in cell._tc.iterchildren():
                    if child.tag == qn("w:p"):
                        lines.append(Paragraph(child, cell).text)
                    elif child.tag == qn("w:tbl"):
                        table(Table(child, cell))
                lines.append(CELL_END)

    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, doc).text)
        elif child.tag == qn("w:tbl"):
            table(Table(child, doc))
    return "\n".join(lines)


def _pdf_text(path: Path) -> tuple[str, tuple[int, ...]]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            raise ImportFailure(path.name, "tệp PDF được đặt mật khẩu: hãy mở khóa rồi nhập lại.")
        texts = [page.extract_text() or "" for page in reader.pages]
    except ImportFailure:
        raise
    except (PdfReadError, OSError, ValueError, KeyError) as exc:
        raise ImportFailure(path.name, f"không đọc được tệp PDF (tệp hỏng hoặc không phải PDF: {exc}).") from None
    starts, out, at = [], [], 0
    for text in texts:
        starts.append(at)
        out.append(text)
        at += len(text) + 1
    return "\n".join(out), tuple(starts)
