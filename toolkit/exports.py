"""Files for people: xlsx sheets and CSV tables laid out to be read and printed, and figures as PNG.

Every xlsx and CSV the toolkit writes goes through `excel_writer` or `csv_bytes`, which keep the text
people typed (names, session titles, notes, typed answers) as text: a cell that starts like a formula
is never one (OWASP, "CSV Injection"). pandas, openpyxl and matplotlib are imported inside the
functions that need them.

A file that leaves the server says whether it holds people's names (Luật Bảo vệ dữ liệu cá nhân): a
workbook in the first row of its first sheet (`PERSONAL_DATA`, then the notice), a CSV in its first
column (`with_notice_column`). A pseudonymised export numbers people instead (`numbering`) and takes
their names out of the text they typed (`without_names`).
"""

from __future__ import annotations

import io
import re
import unicodedata
from contextlib import contextmanager
from typing import TYPE_CHECKING, Collection, Hashable, Iterable, Iterator

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.figure import Figure

# A cell starting with one of these is read as a formula by Excel, LibreOffice or Google Sheets
# (OWASP's list: = + - @ tab, carriage return). The fullwidth forms too: spreadsheets set up for
# East Asian input may take them for the ASCII ones, and an apostrophe on such rare text costs little.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def looks_like_formula(value) -> bool:
    """True for text a spreadsheet would take as a formula; numbers never are (−5 stays a number).

    >>> looks_like_formula('=HYPERLINK("http://x.example")'), looks_like_formula("-5"), looks_like_formula(-5)
    (True, True, False)
    """
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """A CSV field that opens as the text it holds: a leading ' before formula-like text (OWASP).

    CSV has no cell types, so the apostrophe is the only marker; Excel and LibreOffice hide it.

    >>> csv_cell("=1+2"), csv_cell("@SUM(A1)"), csv_cell("Nguyễn Văn A"), csv_cell(-5)
    ("'=1+2", "'@SUM(A1)", 'Nguyễn Văn A', -5)
    """
    return "'" + value if looks_like_formula(value) else value


def csv_bytes(df: "pd.DataFrame") -> bytes:
    """A table as CSV with a UTF-8 BOM (so Excel shows Vietnamese diacritics), text cells made safe.

    Lines end in CRLF (RFC 4180): Python's csv quotes a field only for the line end's own characters,
    so with "\\n" alone a carriage return inside a name goes out unquoted, a spreadsheet breaks the row
    there, and what follows it ("\\r=1+1") opens as a formula in a cell of its own.
    """
    import pandas as pd
    from pandas.api.types import is_bool_dtype, is_datetime64_any_dtype, is_numeric_dtype

    def typed(col: "pd.Series") -> bool:
        return is_numeric_dtype(col) or is_bool_dtype(col) or is_datetime64_any_dtype(col)

    safe = pd.DataFrame({i: col if typed(col) else col.map(csv_cell) for i, (_, col) in enumerate(df.items())},
                        index=df.index)
    safe.columns = [csv_cell(c) for c in df.columns]
    return safe.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


@contextmanager
def excel_writer(buf) -> Iterator["pd.ExcelWriter"]:
    """pandas' openpyxl writer; on leaving, every cell of every sheet is made to hold text as text.

    Use it as `with excel_writer(buf) as writer: df.to_excel(writer, ...)`.
    """
    import pandas as pd

    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        yield writer
        for ws in writer.book.worksheets:
            keep_text(ws)


def keep_text(ws) -> None:
    """No cell of the sheet is a formula, and formula-like text stays text when someone edits it.

    openpyxl stores any string that starts with "=" as a formula (data type "f"); typing it back as
    a string ("s") keeps the text exactly as it was given, where a literal leading apostrophe would
    show in the cell and change what an import reads back. Excel's quote prefix (shown only in the
    formula bar, not in the cell) then keeps the cell text if a reader opens it and presses Enter.
    """
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
            if looks_like_formula(cell.value):
                cell.quotePrefix = True


def fit_columns(ws, df) -> None:
    """Readable widths and wrapped text: the sheet is printed and read, not only parsed."""
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    for i, col in enumerate(df.columns, start=1):
        longest = max([len(str(col))] + [len(str(v)) for v in df[col].head(200)])
        ws.column_dimensions[get_column_letter(i)].width = min(max(10, longest + 2), 60)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "B2"


def figure_png(fig: "Figure", dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def qr_png(text: str) -> bytes:
    """A QR code of `text` as PNG, 10 px per module: sharp when a projector scales it up."""
    import qrcode
    from qrcode.image.pil import PilImage

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(image_factory=PilImage).save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- personal data in a file

LAW = "Luật Bảo vệ dữ liệu cá nhân (Luật số 91/2025/QH15)"
# The label of the notice: the first row of a workbook's first sheet ("Mục" | "Giá trị"), the first
# column of a CSV. The same words in both, so one search finds every file that holds names.
PERSONAL_DATA = "Dữ liệu cá nhân"
NOTICE_COLUMNS = ("Mục", "Giá trị")
# A CSV repeats its notice on every row (`with_notice_column`), so the value stays short.
CSV_NAMED = "Có họ tên người tham gia (dữ liệu cá nhân)"
CSV_PSEUDONYMISED = "Không có họ tên (số thứ tự thay họ tên)"
NAME_REMOVED = "[họ tên]"


def named_notice(whose: str, where: str, use: str, instead: str = "") -> str:
    """The first words of a file that holds names: whose, where in the file, what for, and what not to do.

    >>> named_notice("người tham gia", "trang “Người tham gia”", "lưu hồ sơ tập huấn")[:40]
    'Tệp này có họ tên người tham gia (trang '
    """
    text = (f"Tệp này có họ tên {whose} ({where}): dữ liệu cá nhân theo {LAW}. Chỉ dùng để {use}; không "
            "chia sẻ hay đăng tải cho người không có trách nhiệm, xóa khi không còn cần dùng.")
    return f"{text} {instead}" if instead else text


def pseudonymised_notice(whose: str, numbering_: str = "", kept: str = "") -> str:
    """The first words of a pseudonymised file: no names, what stands in for them, and what still could
    point to a person (said plainly: a unit with few people in a session is not anonymous)."""
    return (f"Tệp này không có họ tên {whose} (bản ẩn danh)" + (f": {numbering_}" if numbering_ else "") + "."
            + (f" {kept}" if kept else ""))


def notice_row(notice: str) -> tuple[str, str]:
    """The first row of a workbook's first sheet (a "Mục" | "Giá trị" sheet)."""
    return (PERSONAL_DATA, notice)


def with_notice_column(df: "pd.DataFrame", named: bool) -> "pd.DataFrame":
    """The table with a first column "Dữ liệu cá nhân" saying, on every row, whether it holds names.

    A CSV stays plain RFC 4180 (a header line, then records) for every reader: a leading comment line
    is not CSV, and a notice row would be read as data. The header line, the first a person or a
    program sees, names the column, and a row copied elsewhere keeps its notice.
    """
    out = df.copy()
    out.insert(0, PERSONAL_DATA, CSV_NAMED if named else CSV_PSEUDONYMISED)
    return out


def numbering(keys: Iterable[Hashable], prefix: str) -> dict:
    """Keys in the order given → "NTG-001", "NTG-002"…: a number that means something only in one file.

    >>> numbering([12, 7, 12, 30], "NTG")
    {12: 'NTG-001', 7: 'NTG-002', 30: 'NTG-003'}
    """
    unique = list(dict.fromkeys(keys))
    width = max(3, len(str(len(unique))))
    return {k: f"{prefix}-{i:0{width}d}" for i, k in enumerate(unique, start=1)}


def _folded_chars(text: str) -> str:
    """`text` lower-cased without diacritics, one character for each of `text`'s (so spans line up)."""
    out = []
    for ch in text:
        bare = "".join(c for c in unicodedata.normalize("NFD", ch.replace("đ", "d").replace("Đ", "D"))
                       if unicodedata.category(c) != "Mn").casefold()
        out.append(bare[:1] or " ")
    return "".join(out)


def without_names(text, names: Collection[str]):
    """`text` with every one of `names` replaced by "[họ tên]", found with or without diacritics and
    whatever the case or spacing; anything that is not text is returned as it is.

    >>> without_names("Hỏi chị nguyen thi  LAN nhé", ["Nguyễn Thị Lan"])
    'Hỏi chị [họ tên] nhé'
    >>> without_names("Lạng Sơn", ["Lan"])  # a whole name only, never part of another word
    'Lạng Sơn'
    """
    if not isinstance(text, str) or not text or not names:
        return text
    text = unicodedata.normalize("NFC", text)
    folded = _folded_chars(text)
    spans = []
    for name in names:
        parts = _folded_chars(unicodedata.normalize("NFC", name)).split()
        if parts:
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, parts)) + r"(?!\w)"
            spans.extend(m.span() for m in re.finditer(pattern, folded))
    if not spans:
        return text
    out, at = [], 0
    for start, end in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < at:  # inside a longer name already replaced
            continue
        out.append(text[at:start] + NAME_REMOVED)
        at = end
    return "".join(out) + text[at:]
