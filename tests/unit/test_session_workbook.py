"""Does the session workbook read in Vietnamese, and say what the store holds?

Issue 12 (10): headers and values were internal codes (participants, mean, alpha, facility,
point_biserial, flag=True, 'all', 'test', unit 'khac'), and "Đã nộp" could disagree with the
trainer's screen. The workbook is read back with openpyxl, as a spreadsheet opens it.
"""

from __future__ import annotations

import io
import re

import pytest
from helpers import shown_key, shown_wrong
from openpyxl import load_workbook

from toolkit.quiz import analytics
from toolkit.quiz.assembly import titles_by_bank
from toolkit.quiz.attempt import MODES
from toolkit.quiz.banks import question_bank
from toolkit.quiz.formats import OTHER_UNIT_NAME, topic_label
from toolkit.quiz.workshop import create_session, dashboard, join_session, session_workbook
from toolkit.storage.store import Store

SHEETS = ["Phiên", "Người tham gia", "Câu trả lời", "Thống kê câu hỏi", "Nhầm lẫn cơ quan"]
CODE = re.compile(r"[A-Za-z0-9_:.\-]+")  # an identifier, a key or a topic string: no Vietnamese word
# Values the store keeps that a reader should never see as they are.
INTERNAL = {"all", "test", "practice", "khac", "True", "False", "open", "closed", "nan"}


@pytest.fixture(scope="module")
def bank(plan):
    return {q.id: q for q in question_bank(plan)[0]}


def sheets(data: bytes) -> dict[str, list[list]]:
    wb = load_workbook(io.BytesIO(data))
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb}


def table(rows: list[list]) -> list[dict]:
    return [dict(zip(rows[0], r)) for r in rows[1:]]


@pytest.fixture
def session(store_url, plan, bank):
    """Three people: one submitted, one answered everything without submitting, one answered once."""
    store = Store(store_url)
    s = create_session(store, plan, list(bank.values()), title="Tập huấn Công an Thành phố",
                       topic="agency:cong_an_tp", n=6, mode="test", seed=3)
    people = [("Phạm Thị Hằng", "quan_ba_dinh"), ("Đỗ Văn Khoa", "khac"), ("Lý Minh", "so_tu_phap")]
    runs = [join_session(store, plan, bank, s.code, store.participant(n, u)) for n, u in people]
    for pos in range(runs[0].total):
        runs[0].answer(pos, shown_key(runs[0], pos))
        runs[1].answer(pos, shown_wrong(runs[1], pos) if pos % 2 else shown_key(runs[1], pos))
    runs[2].answer(0, shown_key(runs[2], 0))
    runs[0].finish()
    yield store, s, runs[2].questions[0].id
    store.engine.dispose()


@pytest.fixture
def store_url(database_url):
    return database_url


def test_is_every_header_and_value_in_vietnamese_and_true_to_the_store(session, plan, bank):
    store, s, minh_question = session
    book = sheets(session_workbook(store, plan, bank, s.code))
    assert list(book) == SHEETS

    # Every header (row 1; the "Mục" column of the summary) is words, never an identifier.
    headers = [h for rows in book.values() for h in rows[0]] + [r[0] for r in book["Phiên"][1:]]
    assert [h for h in headers if not isinstance(h, str) or CODE.fullmatch(h)] == []
    # No value is a bare code or a Python truth value; codes stay only in the columns named "Mã …".
    for name, rows in book.items():
        for row in table(rows):
            shown = {k: v for k, v in row.items() if not str(k).startswith("Mã")}
            assert [v for v in shown.values() if isinstance(v, bool) or str(v) in INTERNAL] == [], (name, row)

    summary = {r[0]: r[1] for r in book["Phiên"][1:]}
    assert summary["Chủ đề"] == "Cơ quan: Công an Thành phố" and summary["Chế độ"] == MODES["test"]
    assert summary["Trạng thái"] == "Đang mở" and summary["Thời gian làm bài (phút)"] == "Không giới hạn"
    assert (summary["Số câu hỏi"], summary["Số người tham gia"], summary["Số người đã nộp bài"]) == (6, 3, 1)
    assert isinstance(summary["Điểm trung bình (% điểm tối đa)"], float)

    people = {r["Họ và tên"]: r for r in table(book["Người tham gia"])}
    hang, khoa, minh = people["Phạm Thị Hằng"], people["Đỗ Văn Khoa"], people["Lý Minh"]
    assert hang["Đã nộp bài"] == "Có" and hang["Nộp bài"] and hang["Đơn vị"] == "UBND quận Ba Đình"
    # Every question answered, "Nộp bài" not pressed: not submitted, as the store and the dashboard say.
    assert khoa["Đã nộp bài"] == "Không" and not khoa["Nộp bài"] and khoa["Số câu đã trả lời"] == 6
    assert khoa["Đơn vị"] == OTHER_UNIT_NAME and minh["Đã nộp bài"] == "Không" and minh["Bắt đầu"]
    assert (hang["Hạng"], hang["Điểm"]) == (1, 6) and isinstance(khoa["Điểm"], (int, float))
    board = dashboard(store, plan, bank, s.code)
    assert board["finished"] == 1 and board["joined"] == 3
    assert {x.name: x.finished for x in board["standings"]} == {n: r["Đã nộp bài"] == "Có" for n, r in people.items()}

    answers = table(book["Câu trả lời"])
    assert len(answers) == 13
    assert {a["Chủ đề"] for a in answers} == {"Cơ quan: Công an Thành phố"} and {a["Chế độ"] for a in answers} == {
        MODES["test"]}
    assert {a["Đơn vị"] for a in answers if a["Họ và tên"] == "Đỗ Văn Khoa"} == {OTHER_UNIT_NAME}
    assert all(not a["Nộp bài"] for a in answers if a["Họ và tên"] != "Phạm Thị Hằng")
    assert all(a["Nộp bài"] for a in answers if a["Họ và tên"] == "Phạm Thị Hằng")

    items = table(book["Thống kê câu hỏi"])
    assert book["Thống kê câu hỏi"][0] == ["Câu số", "Mã câu hỏi", "Câu hỏi",
                                           *(analytics.ITEM_HEADERS[k] for k in list(analytics.ITEM_HEADERS)[1:])]
    assert [i["Câu số"] for i in items] == [1, 2, 3, 4, 5, 6]
    assert [i["Mã câu hỏi"] for i in items] == list(s.question_ids)
    assert {i["Cần xem lại cách hỏi"] for i in items} <= {"Có", "Không"}
    # Counted from the stored answers: facility over the three people (a question not answered is 0), in %.
    from toolkit.storage.sessions import SessionStore

    stored = SessionStore(store).responses(s.code)
    for item in items:
        mine = [r for r in stored if r.question_id == item["Mã câu hỏi"]]
        assert item["Số người trả lời"] == len(mine) == (3 if item["Mã câu hỏi"] == minh_question else 2)
        facility = round(100 * sum(r.points / r.max_points for r in mine) / 3, 1)
        assert item["Độ khó: tỉ lệ trả lời đúng (%)"] == pytest.approx(facility)

    confusion = book["Nhầm lẫn cơ quan"]
    assert "Đáp án đúng" in confusion[0][0] and "Đã chọn" in confusion[0][0]


def test_does_a_closed_session_without_answers_keep_its_headers(store_url, plan, bank):
    store = Store(store_url)
    s = create_session(store, plan, list(bank.values()), title="Lớp trống", topic="all", n=3, mode="practice",
                       time_limit_s=600)
    from toolkit.storage.sessions import SessionStore

    SessionStore(store).close(s.code)
    book = sheets(session_workbook(store, plan, bank, s.code))
    summary = {r[0]: r[1] for r in book["Phiên"][1:]}
    assert summary["Chủ đề"] == "Toàn bộ Kế hoạch" and summary["Chế độ"] == MODES["practice"]
    assert summary["Trạng thái"] == "Đã đóng" and summary["Đóng lúc"] and summary["Thời gian làm bài (phút)"] == 10
    assert summary["Số người tham gia"] == 0 and summary["Điểm trung bình (% điểm tối đa)"] is None
    assert book["Người tham gia"][0][:3] == ["Hạng", "Họ và tên", "Đơn vị"] and len(book["Người tham gia"]) == 1
    assert book["Câu trả lời"][0][0] == "Họ và tên" and len(book["Câu trả lời"]) == 1
    assert book["Thống kê câu hỏi"][0][0] == "Câu số" and len(book["Thống kê câu hỏi"]) == 1
    assert book["Nhầm lẫn cơ quan"][0] == ["Ghi chú"]
    store.engine.dispose()


def test_is_a_topic_named_in_words(plan):
    titles = titles_by_bank(question_bank(plan)[0])
    assert topic_label(plan, "all") == "Toàn bộ Kế hoạch"
    assert topic_label(plan, "section:II.6") == f"Mục {next(s.label for s in plan.sections if s.id == 'II.6')}"
    assert topic_label(plan, "unit:quan_ba_dinh") == "Nhiệm vụ của UBND quận Ba Đình"
    assert topic_label(plan, "bank:ly-do-nhiem-vu", titles) == f"Câu hỏi soạn sẵn: {titles['ly-do-nhiem-vu']}"
    assert "ly-do-nhiem-vu" not in topic_label(plan, "bank:ly-do-nhiem-vu", titles)
