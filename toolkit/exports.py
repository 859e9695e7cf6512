"""Files for people: xlsx sheets and CSV tables laid out to be read and printed, and figures as PNG.

Every xlsx and CSV the toolkit writes goes through `excel_writer` or `csv_bytes`, which keep the text
people typed (names, session titles, notes, typed answers) as text: a cell that starts like a formula
is never one (OWASP, "CSV Injection"). pandas, openpyxl and matplotlib are imported inside the
functions that need them.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator

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
