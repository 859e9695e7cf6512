"""Does the trainer's workbook download name participants only when the trainer chooses so?

Issue 17: next to “Tải kết quả (Excel)” the trainer chooses “Số thứ tự người tham gia (ẩn danh)”
(the default: the downloaded file is the one that travels) or “Họ tên” (their own records). The
produced bytes are read back and scanned for every participant's name.
"""

from __future__ import annotations

import base64
import io
import re

import pytest
from named_session import NAMES, make_session, names_in
from openpyxl import load_workbook

from toolkit.exports import PERSONAL_DATA
from toolkit.ui.trainer import NAMED, PSEUDONYMISED, TrainerApp

PASSCODE = "424242"


@pytest.fixture(autouse=True)
def passcode(monkeypatch):
    monkeypatch.setenv("TOOLKIT_PASSCODE", PASSCODE)


@pytest.fixture
def opened(plan, bank, store):
    """The trainer's page, unlocked, on a finished session full of names."""
    session = make_session(store, plan, {q.id: q for q in bank})
    trainer = TrainerApp(plan, bank, store, env={})
    trainer.passcode.value = PASSCODE
    trainer.unlock.click()
    trainer.history.value = session.code
    trainer.open_history.click()
    assert trainer.current == session.code, trainer.error.value
    return trainer


def downloaded(trainer) -> tuple[str, dict[str, list[list]]]:
    trainer.download.click()
    link = trainer.download_link.value
    assert trainer.error.value == "" and "base64," in link, trainer.error.value + link
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", link)[1])
    wb = load_workbook(io.BytesIO(data))
    return link, {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def values(book) -> list:
    return [v for rows in book.values() for row in rows for v in row]


def test_is_the_workbook_pseudonymised_unless_names_are_chosen(opened):
    code = opened.current
    assert opened.export_names.value == PSEUDONYMISED
    assert [label for label, _ in opened.export_names.options] == ["Số thứ tự người tham gia (ẩn danh)", "Họ tên"]
    link, book = downloaded(opened)
    assert f'download="phien-{code}-an-danh.xlsx"' in link and "(ẩn danh)" in link
    assert names_in(values(book)) == []
    assert book["Phiên"][1][0] == PERSONAL_DATA and book["Phiên"][1][1].startswith("Tệp này không có họ tên")

    opened.export_names.value = NAMED
    assert opened.download_link.value == ""  # the file made with the other choice is gone
    link, book = downloaded(opened)
    assert f'download="phien-{code}-ho-ten.xlsx"' in link and "(có họ tên)" in link
    assert {n for n, _ in names_in(values(book))} == set(NAMES)
    assert book["Phiên"][1][0] == PERSONAL_DATA and book["Phiên"][1][1].startswith("Tệp này có họ tên")


def test_does_a_locked_page_offer_no_choice_and_no_file(plan, bank, store):
    trainer = TrainerApp(plan, bank, store, env={})
    assert not hasattr(trainer, "export_names")  # built only once the passcode is accepted
