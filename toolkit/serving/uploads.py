"""How much a page accepts in one upload, and the kernel's check of what a FileUpload received.

One home for the limits that three places follow:

- the browser guard (``share/jupyter/voila/templates/pbgdpl/static/upload-guard.js``) holds back a file
  over a limit before reading it; it gets the numbers from :func:`guard_resources` through
  ``voila_command``;
- the kernel (:func:`screen_uploads`, called by each page that has a FileUpload) decides, whatever the
  browser did: a page's widgets can be sent any value (VOILA.md);
- the server's websocket limit (``websocket_max_message_size`` in voila.json) is above a whole
  selection, because FileUpload sends every chosen file in one message and Tornado closes the
  connection on a larger one (the page then stops answering, without a message).

Why these numbers: ``MAX_FILE_BYTES`` is the importer's own ceiling for an assessment file
(``toolkit.assessment.importing.MAX_BYTES``, 5 MB for .xlsx); real files exported by the
self-assessment page are about 8 KB (.json) and 11 KB (.xlsx), so only a wrong file comes near it.
``MAX_SELECTION_BYTES`` lets the city page take a whole batch at once (100 files of real size are
about 1 MB) while a selection stays well under the websocket limit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from toolkit.assessment.importing import MAX_BYTES
from toolkit.vietnamese import megabytes

MAX_FILE_BYTES = max(MAX_BYTES.values())
MAX_SELECTION_BYTES = 20_000_000


@dataclass(frozen=True)
class Screened:
    """The files to read, in the order chosen, and a Vietnamese message for each file refused."""

    accepted: tuple[tuple[str, bytes], ...]
    refused: tuple[tuple[str, str], ...]  # (name, message)


def _claimed_size(claimed: object, received: int) -> int:
    # The browser sends File.size; the guard reads an over-limit file as empty, so the claim is what
    # says how large the file is. A crafted claim can only make the kernel refuse, never accept more.
    try:
        size = int(claimed)
    except (TypeError, ValueError):
        size = 0
    return max(size, received)


# What the refusal of a file too large adds, by default for the self-assessment files most pages take.
ASSESSMENT_SIZE_HINT = ("Tệp tự đánh giá xuất từ trang “Tự đánh giá” chỉ khoảng vài chục KB: hãy kiểm tra đã chọn "
                        "đúng tệp.")


def screen_uploads(files: Iterable[tuple[str, object, bytes]], size_hint: str = ASSESSMENT_SIZE_HINT) -> Screened:
    """Check ``(name, size the browser gave, content)`` of each file, in the order chosen.

    A file is refused when it is over ``MAX_FILE_BYTES``; when, with the files accepted before it,
    the selection would pass ``MAX_SELECTION_BYTES``; or when its content is not the size the
    browser gave (the guard held it back, or it changed while being read). The same rule, in the
    same order, as the browser guard, so a file it held back is refused here with its reason.

    >>> s = screen_uploads([("a.json", 10, b"0123456789"), ("b.xlsx", 20_000_000, b"")])
    >>> [name for name, _ in s.accepted], s.refused[0][1][:42]
    (['a.json'], 'Tệp “b.xlsx” lớn 20 MB, vượt giới hạn 5 MB')
    """
    accepted, refused = [], []
    total = 0
    for name, claimed, content in files:
        size = _claimed_size(claimed, len(content))
        if size > MAX_FILE_BYTES:
            refused.append((name, f"Tệp “{name}” lớn {megabytes(size)} MB, vượt giới hạn "
                                  f"{megabytes(MAX_FILE_BYTES)} MB cho mỗi tệp, nên không được đọc. {size_hint}"))
        elif total + size > MAX_SELECTION_BYTES:
            refused.append((name, f"Tệp “{name}” ({megabytes(size)} MB) không được đọc: các tệp chọn cùng lúc "
                                  f"vượt tổng giới hạn {megabytes(MAX_SELECTION_BYTES)} MB. Hãy chọn lại tệp này "
                                  "trong một lần khác."))
        elif len(content) != size:
            refused.append((name, f"Tệp “{name}” không được gửi trọn vẹn ({megabytes(len(content))} trên "
                                  f"{megabytes(size)} MB). Hãy chọn lại tệp."))
        else:
            accepted.append((name, bytes(content)))
            total += size
    return Screened(tuple(accepted), tuple(refused))


def guard_resources() -> dict:
    """What the page template hands the browser guard (``VoilaConfiguration.resources``)."""
    return {"upload_limits": {"max_file_bytes": MAX_FILE_BYTES, "max_selection_bytes": MAX_SELECTION_BYTES}}
