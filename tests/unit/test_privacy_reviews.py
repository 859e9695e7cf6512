"""Does “Dữ liệu của tôi” hold a participant's spaced review (their cards, review log and daily cap) in what
it reads back, in the JSON and in the Excel file, with nothing of another officer's, and none after deletion?
(issue 17 for the review tables of issue 14)"""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pandas as pd
import pytest
import sqlalchemy as sa
from helpers import shown_key, shown_wrong

from toolkit.privacy.subject import COUNT_LABELS, personal_data, personal_json, personal_workbook
from toolkit.quiz.attempt import QuizRun
from toolkit.review.cards import build_deck, cards_of
from toolkit.review.days import shown_time
from toolkit.review.today import DAILY_NEW_CARDS
from toolkit.storage import schema
from toolkit.storage.personal import PersonalStore
from toolkit.storage.records import NotFound
from toolkit.storage.reviews import ReviewStore, record_answer

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 08:00 in Vietnam
THU, BINH = "Phạm Thị Thu", "Trần Văn Bình"


def two_pools(questions, n=3):
    """Two lists of `n` single-choice questions, each testing one card, no card in both (whose is whose)."""
    pools: list[list] = [[], []]
    seen: set[str] = set()
    for q in questions:
        cards = cards_of(q)
        if q.type != "single" or len(cards) != 1 or cards[0] in seen:
            continue
        seen.add(cards[0])
        short = next((p for p in pools if len(p) < n), None)
        if short is None:
            break
        short.append(q)
    return pools


def quiz(store, plan, person, pool, right: int) -> QuizRun:
    run = QuizRun.start(store, person, pool, plan, topic="all", n=len(pool), mode="practice", clock=lambda: T0,
                        memory=record_answer)
    for i in range(run.total):
        run.answer(i, shown_key(run, i) if i < right else shown_wrong(run, i))
    run.finish()
    return run


def review_rows(store, officer: int) -> dict[str, int]:
    with store.engine.connect() as conn:
        return {t.name: conn.execute(sa.select(sa.func.count()).select_from(t).where(t.c.officer == officer)).scalar()
                for t in (schema.review_states, schema.review_log, schema.review_settings)}


def test_are_a_participants_review_rows_in_their_data_and_files_and_no_one_elses(store, plan, questions):
    mine, theirs = two_pools(questions)
    thu = store.participant(THU, "phuong_hoan_kiem")
    binh = store.participant(BINH, "phuong_ba_dinh")
    run = quiz(store, plan, thu, mine, right=2)
    quiz(store, plan, binh, theirs, right=3)
    reviews = ReviewStore(store)
    reviews.set_new_per_day(thu.id, 4)
    reviews.set_new_per_day(binh.id, 7)
    my_cards = {cards_of(q)[0] for q in mine}
    their_cards = {cards_of(q)[0] for q in theirs}
    assert review_rows(store, binh.id) == {"review_states": 3, "review_log": 3, "review_settings": 1}

    rows = personal_data(store, thu)
    memories = reviews.memories(thu.id)
    assert {r["card_id"] for r in rows.review_states} == set(memories) == my_cards
    assert {r["officer"] for r in rows.review_states} | {e["officer"] for e in rows.review_log} == {thu.id}
    assert [r["due"] for r in rows.review_states] == sorted(m.due for m in memories.values())  # soonest first
    assert [e["card_id"] for e in rows.review_log] == [cards_of(q)[0] for q in run.questions]
    assert [e["rating"] for e in rows.review_log] == [3, 3, 1]  # two right, one wrong
    assert [e["answer_ref"] for e in rows.review_log] == [f"{run.attempt.id}:{s}" for s in run.slots]
    assert rows.review_settings["officer"] == thu.id and rows.review_settings["new_per_day"] == 4

    data = json.loads(personal_json(rows))
    assert {r["card_id"] for r in data["review_states"]} == my_cards and len(data["review_log"]) == 3
    assert data["review_settings"]["new_per_day"] == 4
    assert datetime.fromisoformat(data["review_log"][0]["at"]) == T0
    text = json.dumps(data, ensure_ascii=False)
    assert not [c for c in their_cards if c in text] and BINH not in text

    by_id = {q.id: q for q in questions}
    book = pd.read_excel(io.BytesIO(personal_workbook(rows, plan, by_id)), sheet_name=None)
    assert list(book)[-2:] == ["Lịch ôn tập", "Nhật ký ôn tập"]
    deck = build_deck(plan, questions)
    schedule, log = book["Lịch ôn tập"], book["Nhật ký ôn tập"]
    assert set(schedule["Mã thẻ"]) == my_cards
    assert sorted(schedule["Nội dung"]) == sorted(deck.card(c).label for c in my_cards)  # the card's words
    assert schedule["Cần ôn lại từ"].tolist() == [shown_time(memories[c].due) for c in schedule["Mã thẻ"]]
    assert log["Kết quả"].tolist() == ["Đúng", "Đúng", "Chưa đúng (ôn lại sớm)"]
    assert log["Câu trả lời"].tolist() == [f"bài làm số {run.attempt.id}, câu {s + 1}" for s in run.slots]
    assert set(log["Trả lời trong"]) == {"Bài luyện tập, kiểm tra"} and set(log["Lúc"]) == {"02/03/2026 08:00"}
    person = dict(zip(book["Người tham gia"].iloc[:, 0], book["Người tham gia"]["Giá trị"].astype(str)))
    assert person["Số thẻ ôn tập"] == "3" and person["Số dòng nhật ký ôn tập"] == "3"
    assert person["Số thẻ mới mỗi ngày"] == "4"
    cells = " ".join(str(v) for frame in book.values() for v in frame.to_numpy().ravel())
    assert not [c for c in their_cards if c in cells] and BINH not in cells

    counts = PersonalStore(store).delete_participant(thu.id, "participant")
    assert {k: counts[k] for k in ("review_states", "review_log", "review_settings")} == {
        "review_states": 3, "review_log": 3, "review_settings": 1}
    assert set(counts) <= set(COUNT_LABELS)
    assert review_rows(store, thu.id) == {"review_states": 0, "review_log": 0, "review_settings": 0}
    with pytest.raises(NotFound):
        personal_data(store, thu)
    after = personal_data(store, binh)  # the other officer's review is untouched
    assert {r["card_id"] for r in after.review_states} == their_cards and len(after.review_log) == 3
    assert after.review_settings["new_per_day"] == 7


def test_does_someone_who_never_reviewed_get_empty_review_sheets_and_the_default_cap(store, plan, questions):
    lan = store.participant("Lê Thị Lan", "phuong_hoan_kiem")
    rows = personal_data(store, lan)
    assert rows.review_states == () and rows.review_log == () and rows.review_settings is None
    data = json.loads(personal_json(rows))
    assert data["review_states"] == [] and data["review_log"] == [] and data["review_settings"] is None
    book = pd.read_excel(io.BytesIO(personal_workbook(rows, plan, {q.id: q for q in questions})), sheet_name=None)
    assert book["Lịch ôn tập"].empty and "Cần ôn lại từ" in book["Lịch ôn tập"].columns
    assert book["Nhật ký ôn tập"].empty and "Kết quả" in book["Nhật ký ôn tập"].columns
    person = dict(zip(book["Người tham gia"].iloc[:, 0], book["Người tham gia"]["Giá trị"].astype(str)))
    assert person["Số thẻ mới mỗi ngày"] == f"chưa chọn (mặc định {DAILY_NEW_CARDS})"
