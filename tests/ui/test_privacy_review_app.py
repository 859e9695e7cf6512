"""Does “Dữ liệu của tôi” show and download the spaced review a quiz gave its holder (issue 14's tables under
issue 17), nothing of another officer's, and say that deleting removes it?"""

from __future__ import annotations

import base64
import io
import re
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from helpers import give, key_for

from toolkit.storage import schema
from toolkit.storage.reviews import ReviewStore
from toolkit.storage.store import Store
from toolkit.ui.privacy import PersonalDataApp
from toolkit.ui.quiz import QuizApp

THU, BINH = "Phạm Thị Thu", "Trần Văn Bình"


@pytest.fixture(autouse=True)
def var_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path))


def quiz_to_results(app, name, n=5):
    app.name.value, app.unit.value = name, "phuong_hoan_kiem"
    app.sign_in.click()
    app.count.value = n
    app.start.click()
    for _ in range(app.run.total):
        give(app, key_for(app))
        if not app.next.disabled:
            app.next.click()
    app.finish.click()
    assert app.body.children == (app.results_box,), app.error.value + app.notice.value


def test_does_my_data_show_download_and_delete_the_review_a_quiz_gave(plan, bank, store):
    quiz = QuizApp(plan, bank, store)
    quiz_to_results(quiz, THU)
    code = re.search(r'aria-label="Mã cá nhân">([A-Z0-9-]+)<', quiz.personal_code.widget.value).group(1)
    other = QuizApp(plan, bank, Store(store.url))
    quiz_to_results(other, BINH)
    reviews = ReviewStore(store)
    mine, theirs = reviews.memories(quiz.participant.id), reviews.memories(other.participant.id)
    logged = len(reviews.log(quiz.participant.id))
    assert mine and theirs and logged  # the quiz page reviews every answer

    page = PersonalDataApp(plan, Store(store.url), env={}, questions={q.id: q for q in bank}, today=date(2026, 3, 1))
    page.code.value = code
    page.open.click()
    assert page.body.children == (page.data_box,), page.gate_message.value + page.error.value
    assert f"Lưu {len(mine)} thẻ ôn tập, {logged} dòng nhật ký ôn tập." in page.summary.value
    assert "Số thẻ mới mỗi ngày: bạn chưa chọn" in page.summary.value

    page.download_xlsx.click()
    data = base64.b64decode(re.search(r"base64,([^\"]+)\"", page.download.value).group(1))
    book = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert set(book["Lịch ôn tập"]["Mã thẻ"]) == set(mine) and len(book["Nhật ký ôn tập"]) == logged
    assert not set(book["Nhật ký ôn tập"]["Mã thẻ"]) & (set(theirs) - set(mine))

    page.delete.click()
    assert f"{len(mine)} thẻ ôn tập, {logged} dòng nhật ký ôn tập" in page.confirm_text.value
    page.confirm_delete.click()
    assert "Đã xóa dữ liệu của bạn" in page.done.value
    with store.engine.connect() as conn:
        left = {t.name: conn.execute(sa.select(t.c.officer).distinct()).scalars().all()
                for t in (schema.review_states, schema.review_log)}
    assert left == {"review_states": [other.participant.id], "review_log": [other.participant.id]}
