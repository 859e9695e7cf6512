"""Files for people: xlsx sheets laid out to be read and printed, and figures as PNG.

pandas, openpyxl and matplotlib are imported inside the functions that need them.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

from typing import TYPE_CHECKING


def excel_writer(buf):
    import pandas as pd

    return pd.ExcelWriter(buf, engine="openpyxl")


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
