"""One person's data: everything stored about a participant, as a structure and as files they can take
away (xlsx for reading, JSON for another program), its correction, and its deletion.

A participant reaches their data with their personal code (toolkit.storage.personal); a trainer or an
administrator deletes a participant by id. Deletion is real: rows are removed, and the log keeps only
when, what kind, by whom and how many rows (`PersonalStore.delete_participant`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from toolkit.storage.personal import PersonalRows, PersonalStore
from toolkit.storage.records import Participant

ROLE_LABELS = {"participant": "người tham gia", "trainer": "báo cáo viên", "administrator": "quản trị viên"}
KIND_LABELS = {"participant": "dữ liệu của một người tham gia", "session": "họ tên người tham gia một phiên",
               "retention": "dữ liệu quá hạn lưu giữ"}
COUNT_LABELS = {
    "participants": "người tham gia", "attempts": "bài làm", "responses": "câu trả lời",
    "question_reports": "báo lỗi câu hỏi", "consents": "lần đồng ý", "passcode_attempts": "lần nhập mã truy cập",
    "anonymised_sessions": "phiên được bỏ họ tên", "anonymised_attempts": "bài làm giữ lại không tên",
    "anonymised_responses": "câu trả lời giữ lại không tên", "draft_fillers": "tên người điền bản nháp",
    "review_states": "thẻ ôn tập", "review_log": "dòng nhật ký ôn tập", "review_settings": "cài đặt ôn tập",
}
NOTICE_LABELS = {"quiz": "Kiểm tra hiểu biết", "workshop": "Phiên tập huấn", "assessment": "Tự đánh giá"}
# review_log.rating: FSRS's rating of an answer (toolkit.review.schedule.rating_for; Hard is never given).
RATING_LABELS = {1: "Chưa đúng (ôn lại sớm)", 3: "Đúng", 4: "Đúng, bạn chọn “Dễ”"}


def personal_data(store, participant: Participant | int) -> PersonalRows:
    """Everything stored about a participant: their row, attempts with answers, reported questions, consents,
    and their spaced review (memory of each card, the review log, the daily cap)."""
    pid = participant.id if isinstance(participant, Participant) else int(participant)
    return PersonalStore(store).rows_of(pid)


def counts_text(counts: Mapping[str, int]) -> str:
    """A deletion's counts in words, people first.

    >>> counts_text({"attempts": 2, "participants": 1})
    '1 người tham gia, 2 bài làm'
    """
    order = [*COUNT_LABELS, *sorted(set(counts) - set(COUNT_LABELS))]
    parts = [f"{counts[k]} {COUNT_LABELS.get(k, k)}" for k in order if counts.get(k)]
    return ", ".join(parts) if parts else "không có gì"


def delete_by_code(store, code: str) -> dict[str, int]:
    """A participant deletes their own data with their personal code (NotFound if no one has it)."""
    from toolkit.storage.records import NotFound

    who = PersonalStore(store).by_code(code)
    if who is None:
        raise NotFound("Không có dữ liệu nào với mã cá nhân này (có thể đã bị xóa).")
    return PersonalStore(store).delete_participant(who.id, "participant")


def delete_participant(store, participant_id: int, by: str) -> dict[str, int]:
    """A trainer ("trainer") or administrator ("administrator") deletes one participant's data."""
    return PersonalStore(store).delete_participant(participant_id, by)


def delete_session(store, code: str, by: str) -> dict[str, int]:
    """Take every name out of a closed workshop session, keeping its answers anonymous (its statistics)."""
    return PersonalStore(store).anonymise_session(code.strip().upper(), by)


# ---------------------------------------------------------------- files to take away


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _decoded(row: Mapping, fields=("items", "answer")) -> dict:
    """A row as JSON gives it: times in ISO 8601 (UTC), the JSON the database holds as text decoded."""
    out = {}
    for k, v in row.items():
        if k in fields and isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                pass
        elif isinstance(v, tuple):
            v = [_decoded(x) for x in v]
        out[k] = _jsonable(v)
    return out


def personal_json(rows: PersonalRows) -> bytes:
    """Everything stored about one participant, as JSON: the tables' own columns, times in UTC."""
    from toolkit.exports import named_notice

    data = {
        "notice": named_notice("của chính bạn", "mục “participant”", "giữ cho riêng bạn hoặc chuyển sang nơi khác"),
        "participant": _decoded(rows.participant),
        "attempts": [_decoded(a) for a in rows.attempts],
        "question_reports": [_decoded(r) for r in rows.question_reports],
        "consents": [_decoded(c) for c in rows.consents],
        "review_states": [_decoded(r) for r in rows.review_states],
        "review_log": [_decoded(e) for e in rows.review_log],
        "review_settings": _decoded(rows.review_settings) if rows.review_settings else None,
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def personal_workbook(rows: PersonalRows, plan=None, questions: Mapping | None = None) -> bytes:
    """Everything stored about one participant as an xlsx to read: what the JSON holds, in words.

    With the plan and the bank, units and topics are named, each answer is shown as its options read and
    each review card by what it is about. Review times are written as the review pages show them.
    """
    import io

    import pandas as pd

    from toolkit.exports import NOTICE_COLUMNS, excel_writer, fit_columns, named_notice, notice_row
    from toolkit.quiz.attempt import MODES
    from toolkit.quiz.formats import sheet_time, topic_label, unit_label
    from toolkit.review.days import shown_time
    from toolkit.review.schedule import SOURCES
    from toolkit.review.today import DAILY_NEW_CARDS

    questions = questions or {}
    cap = rows.review_settings
    p = rows.participant
    unit = unit_label(plan, p["unit_key"]) if plan is not None else p["unit_key"]
    person = pd.DataFrame([
        notice_row(named_notice("của chính bạn", "trang “Người tham gia”", "giữ cho riêng bạn")),
        ("Họ và tên", p["name"]), ("Đơn vị", unit), ("Lưu lần đầu", sheet_time(p["created_at"])),
        ("Mã cá nhân cấp lúc", sheet_time(p.get("code_issued_at")) or "chưa cấp"),
        ("Số bài làm", len(rows.attempts)), ("Số câu trả lời", sum(len(a["responses"]) for a in rows.attempts)),
        ("Số thẻ ôn tập", len(rows.review_states)), ("Số dòng nhật ký ôn tập", len(rows.review_log)),
        ("Số thẻ mới mỗi ngày", cap["new_per_day"] if cap else f"chưa chọn (mặc định {DAILY_NEW_CARDS})"),
        ("Đổi số thẻ mới lúc", sheet_time(cap["updated_at"]) if cap else ""),
    ], columns=list(NOTICE_COLUMNS)).astype({"Giá trị": str})

    def topic(a):
        return topic_label(plan, a["topic"]) if plan is not None else a["topic"]

    tries = pd.DataFrame([{
        "Bài làm số": a["id"], "Chủ đề": topic(a), "Chế độ": MODES.get(a["mode"], a["mode"]),
        "Phiên tập huấn": a["session_code"] or "", "Bắt đầu": sheet_time(a["started_at"]),
        "Nộp bài": sheet_time(a["finished_at"]), "Số câu": len(json.loads(a["items"])),
        "Đã trả lời": len(a["responses"]), "Điểm": sum(r["points"] for r in a["responses"]),
    } for a in rows.attempts], columns=["Bài làm số", "Chủ đề", "Chế độ", "Phiên tập huấn", "Bắt đầu", "Nộp bài",
                                        "Số câu", "Đã trả lời", "Điểm"])

    def said(r):
        q = questions.get(r["question_id"])
        answer = json.loads(r["answer"])
        return q.describe(answer) if q else json.dumps(answer, ensure_ascii=False)

    answers = pd.DataFrame([{
        "Bài làm số": a["id"], "Câu": r["position"] + 1, "Mã câu hỏi": r["question_id"],
        "Câu hỏi": questions[r["question_id"]].stem if r["question_id"] in questions else "",
        "Bạn đã trả lời": said(r), "Điểm": r["points"], "Điểm tối đa": r["max_points"],
        "Trả lời lúc": sheet_time(r["answered_at"]),
    } for a in rows.attempts for r in a["responses"]],
        columns=["Bài làm số", "Câu", "Mã câu hỏi", "Câu hỏi", "Bạn đã trả lời", "Điểm", "Điểm tối đa", "Trả lời lúc"])
    reports = pd.DataFrame([{"Mã câu hỏi": r["question_id"], "Ghi chú": r["note"],
                             "Báo lần đầu": sheet_time(r["created_at"]), "Sửa lần cuối": sheet_time(r["updated_at"])}
                            for r in rows.question_reports],
                           columns=["Mã câu hỏi", "Ghi chú", "Báo lần đầu", "Sửa lần cuối"])
    given = pd.DataFrame([{"Thông báo": NOTICE_LABELS.get(c["notice"], c["notice"]), "Phiên bản": c["version"],
                           "Trang": c["page"], "Lúc": sheet_time(c["given_at"])} for c in rows.consents],
                         columns=["Thông báo", "Phiên bản", "Trang", "Lúc"])
    labels = {}
    if plan is not None and questions:
        from toolkit.review.cards import build_deck

        labels = {c.id: c.label for c in build_deck(plan, questions.values()).cards}

    def card(cid):  # a card no question of the bank tests any more is named by its id
        return labels.get(cid, cid)

    def answered(ref):  # "<attempt id>:<position>" (toolkit.storage.reviews.answer_ref)
        attempt, _, position = (ref or "").partition(":")
        return f"bài làm số {attempt}, câu {int(position) + 1}" if position.isdigit() else ""

    schedule = pd.DataFrame([{
        "Nội dung": card(r["card_id"]), "Mã thẻ": r["card_id"], "Cần ôn lại từ": shown_time(r["due"]),
        "Trả lời gần nhất": shown_time(r["last_review"]), "Số lần trả lời": r["reps"], "Số lần quên": r["lapses"],
        "Độ bền trí nhớ (ngày)": r["stability"], "Độ khó (1–10)": r["difficulty"],
        "Cập nhật lúc": shown_time(r["updated_at"]),
    } for r in rows.review_states], columns=["Nội dung", "Mã thẻ", "Cần ôn lại từ", "Trả lời gần nhất",
                                             "Số lần trả lời", "Số lần quên", "Độ bền trí nhớ (ngày)",
                                             "Độ khó (1–10)", "Cập nhật lúc"])
    log = pd.DataFrame([{
        "Lúc": shown_time(e["at"]), "Nội dung": card(e["card_id"]), "Mã thẻ": e["card_id"],
        "Trả lời trong": SOURCES.get(e["source"], e["source"]), "Mã câu hỏi": e["question_id"] or "",
        "Câu trả lời": answered(e["answer_ref"]), "Kết quả": RATING_LABELS.get(e["rating"], str(e["rating"])),
        "Số ngày từ lần trước": e["elapsed_days"], "Khả năng nhớ trước khi trả lời": e["retrievability"],
        "Cần ôn lại từ": shown_time(e["due"]), "Độ bền trí nhớ (ngày)": e["stability"],
        "Độ khó (1–10)": e["difficulty"],
    } for e in rows.review_log], columns=["Lúc", "Nội dung", "Mã thẻ", "Trả lời trong", "Mã câu hỏi", "Câu trả lời",
                                          "Kết quả", "Số ngày từ lần trước", "Khả năng nhớ trước khi trả lời",
                                          "Cần ôn lại từ", "Độ bền trí nhớ (ngày)", "Độ khó (1–10)"])
    buf = io.BytesIO()
    with excel_writer(buf) as writer:
        for name, df in (("Người tham gia", person), ("Bài làm", tries), ("Câu trả lời", answers),
                         ("Báo lỗi câu hỏi", reports), ("Đồng ý", given), ("Lịch ôn tập", schedule),
                         ("Nhật ký ôn tập", log)):
            df.to_excel(writer, index=False, sheet_name=name)
            fit_columns(writer.sheets[name], df)
    return buf.getvalue()
