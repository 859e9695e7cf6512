"""“Báo lỗi câu hỏi” without a browser: is a report stored from both pages only for an answered question,
with nothing revealed, and can a trainer behind the passcode read the reports and retire a question?"""

from __future__ import annotations

import html
import shutil

import pytest
from helpers import give, key_for, key_leaks, widget_states, wrong_for

from toolkit.quiz.banks import DEFAULT_QUIZ_DIR, question_bank, refresh_question_bank
from toolkit.quiz.retired import RETIRED_FILE, read_retired, retired_ids
from toolkit.storage.records import MAX_NOTE
from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store
from toolkit.ui.participant import ParticipantApp
from toolkit.ui.quiz import QuizApp
from toolkit.ui.trainer import TrainerApp

PASSCODE = "424242"
REQUEST = {"VOILA_REQUEST_URL": "http://192.168.1.20:8866/voila/render/4-tap-huan-bao-cao-vien.ipynb"}
DONE = "Đã ghi nhận, cảm ơn bạn."


@pytest.fixture(autouse=True)
def environment(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_PASSCODE", PASSCODE)
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path / "var"))
    yield
    refresh_question_bank()


@pytest.fixture
def quizzes(tmp_path):
    """A copy of the real banks: the trainer retires questions here, never in quizzes/."""
    folder = tmp_path / "quizzes"
    shutil.copytree(DEFAULT_QUIZ_DIR, folder)
    return folder


def quiz(plan, bank, store, mode="practice", n=5, lang="vi", topic=None, quiz_dir=None):
    app = QuizApp(plan, bank, store, lang=lang, quiz_dir=quiz_dir)
    app.name.value, app.unit.value = "Phạm Minh Đức", "quan_ba_dinh"
    app.sign_in.click()
    if topic:
        app.topic.value = topic
    app.count.value, app.mode.value = n, mode
    app.start.click()
    assert app.body.children == (app.quiz_box,), app.notice.value + app.error.value
    return app


def reports(store):
    return {r.question_id: r for r in store.question_reports()}


def shown(widget) -> bool:
    return widget.layout.display != "none"


def box_shown(app) -> bool:
    """The report box as the browser shows it: on the question screen the page's CSS hides it until
    “Trả lời” is disabled (tests/browser/test_report_question_page.py sees the real rule)."""
    on_question = app.screens.screen == "question"
    return shown(app.report_box) and (not on_question or app.submit.disabled)


def report(app, note: str = "") -> None:
    app.report.click()
    app.report_note.value = note
    app.report_send.click()


# ---------------------------------------------------------------- the participant's side


def test_is_the_report_box_under_an_answered_question_only(plan, bank, store):
    app = quiz(plan, bank, store)
    assert not box_shown(app)  # nothing answered yet: no box
    give(app, wrong_for(app))
    assert box_shown(app) and not shown(app.report_form)
    app.report.click()
    assert shown(app.report_form) and not shown(app.report_which)  # the question on screen: no number to pick
    app.report_note.value = "Kế hoạch giao Sở Tư pháp chủ trì"
    app.report_send.click()
    assert DONE in app.report_message.value and not shown(app.report_form) and app.report_note.value == ""
    (only,) = store.question_reports()
    assert only.question_id == app.run.questions[0].id and only.count == 1
    assert [(n.note, n.name) for n in only.notes] == [("Kế hoạch giao Sở Tư pháp chủ trì", "Phạm Minh Đức")]
    with store.engine.connect() as conn:
        import sqlalchemy as sa

        from toolkit.storage.schema import question_reports

        row = conn.execute(sa.select(question_reports)).one()
    assert (row.participant_id, row.attempt_id) == (app.participant.id, app.run.attempt.id)
    app.next.click()
    assert not box_shown(app) and app.report_message.value == ""  # one box, reset for each question


def test_is_a_crafted_click_on_an_unanswered_question_ignored(plan, bank, store):
    app = quiz(plan, bank, store)
    app.report.click()  # the box is hidden, but the browser can click it anyway
    assert not shown(app.report_form)
    app.report_note.value = "không có gì"
    app.report_send.click()
    give(app, key_for(app))
    app.next.click()
    app.report_send.click()  # the second question, still unanswered
    assert store.question_reports() == [] and app.error.value == "" and app.report_message.value == ""
    app.screens.close()
    app.report_send.click()  # no run at all (another participant signed in)
    assert store.question_reports() == [] and app.error.value == ""


def test_does_reporting_again_update_the_note_and_say_so(plan, bank, store):
    app = quiz(plan, bank, store)
    give(app, key_for(app))
    report(app, "lần đầu")
    app.next.click()
    app.prev.click()
    assert "Bạn đã báo lỗi câu này" in app.report_message.value
    report(app, "sửa lại ghi chú")
    (only,) = store.question_reports()
    assert only.count == 1 and [n.note for n in only.notes] == ["sửa lại ghi chú"]


@pytest.mark.parametrize("note, words", [("x" * (MAX_NOTE + 1), "Ghi chú quá dài"),
                                         ("sai\x1b[31m", "ký tự điều khiển")])
def test_is_a_note_that_cannot_be_stored_explained_and_not_stored(plan, bank, store, note, words):
    app = quiz(plan, bank, store)
    give(app, key_for(app))
    report(app, note)
    assert words in app.report_message.value and store.question_reports() == []
    assert shown(app.report_form)  # still open, to shorten the note


def test_does_reporting_in_test_mode_reveal_no_key(plan, bank, store):
    app = quiz(plan, bank, store, mode="test")
    q0 = app.run.questions[0]
    give(app, wrong_for(app))
    assert app.position == 1 and not box_shown(app)
    app.prev.click()
    assert box_shown(app)
    report(app, "câu này khó hiểu")
    state = widget_states(app.widget)
    assert not key_leaks(q0, state) and '"correct"' not in state
    assert reports(store)[q0.id].count == 1


def test_can_a_question_be_reported_from_the_results_screen(plan, bank, store):
    app = quiz(plan, bank, store, mode="test", n=5)
    for _ in range(3):
        give(app, wrong_for(app))
    app.finish.click()
    app.finish.click()
    assert app.body.children == (app.results_box,) and box_shown(app)
    labels = [label for label, _value in app.report_which.options]
    assert labels[1:] == [f"Câu {p + 1}" for p in range(5) if app.run.is_answered(p)] and len(labels) == 4
    app.report.click()
    assert shown(app.report_form) and shown(app.report_which)
    app.report_send.click()  # no question chosen yet
    assert "Hãy chọn câu hỏi" in app.report_message.value and store.question_reports() == []
    unanswered = next(p for p in range(5) if not app.run.is_answered(p))
    assert unanswered not in [value for _label, value in app.report_which.options]
    for crafted in (unanswered, 99, -1, True, "0"):
        app.report_which._trait_values["value"] = crafted  # as if the options had been tampered with
        app.report_send.click()
    assert store.question_reports() == [] and app.error.value == ""
    answered = next(p for p in range(5) if app.run.is_answered(p))
    app.report_which.value = answered
    app.report_note.value = "Đáp án thiếu một cơ quan"
    app.report_send.click()
    assert DONE in app.report_message.value
    assert list(reports(store)) == [app.run.questions[answered].id]


def test_does_the_report_box_speak_english(plan, bank, store):
    app = quiz(plan, bank, store, lang="en")
    give(app, key_for(app))
    assert app.report.description == "Report this question" and app.report_send.description == "Send"
    report(app, "The key is wrong")
    assert "Thank you, your report has been recorded." in app.report_message.value
    app.language.value = "vi"
    assert app.report.description == "Báo lỗi câu hỏi" and app.report_send.description == "Gửi"


# ---------------------------------------------------------------- the workshop, and the trainer's side


def unlock(trainer):
    trainer.passcode.value = PASSCODE
    trainer.unlock.click()
    assert trainer.body.children == (trainer.home_box,), trainer.gate_message.value + trainer.error.value


def test_a_participant_reports_and_the_trainer_reads_it_with_the_key(plan, bank, store):
    trainer = TrainerApp(plan, bank, store, env=REQUEST)
    unlock(trainer)
    trainer.title.value, trainer.count.value, trainer.mode.value = "Tập huấn Ba Đình", 5, "practice"
    trainer.create.click()
    code = trainer.current
    app = ParticipantApp(plan, bank, Store(store.url), code=code)
    app.name.value, app.unit.value = "Nguyễn Thị Mai", "quan_ba_dinh"
    app.sign_in.click()
    assert app.body.children == (app.quiz_box,)
    give(app, wrong_for(app))
    report(app, "Thời hạn ghi sai <b>năm</b>")
    assert DONE in app.report_message.value
    q = app.run.questions[0]
    (row,) = store.question_reports()
    assert row.question_id == q.id and row.notes[0].name == "Nguyễn Thị Mai"

    trainer.back.click()
    assert trainer.open_reports.description == "Câu hỏi bị báo lỗi (1)"
    trainer.open_reports.click()
    assert trainer.body.children == (trainer.reports_box,)
    listing = trainer.reports_list.value
    assert "1 người báo lỗi" in listing and html.escape(q.stem) in listing
    assert "“Thời hạn ghi sai &lt;b&gt;năm&lt;/b&gt;”" in listing and "<b>năm</b>" not in listing  # text, not HTML
    assert html.escape(q.explanation) in listing and html.escape(q.source) in listing
    assert f"✔ {html.escape(q.correct_text)}" in listing or q.type in ("multiple", "matching")
    assert trainer.retire_which.value == q.id
    participant_state = widget_states(app.widget)
    assert "Câu hỏi bị báo lỗi" not in participant_state  # the trainer's list never reaches a participant


def test_are_the_reports_and_retiring_behind_the_passcode(plan, bank, store, quizzes):
    trainer = TrainerApp(plan, bank, store, env=REQUEST, quiz_dir=quizzes)
    person = store.participant("Nguyễn Thị Mai", "quan_ba_dinh")
    store.report_question(person.id, bank[0].id, "ghi chú riêng")
    assert "ghi chú riêng" not in widget_states(trainer.widget) and not hasattr(trainer, "reports_list")
    before = (quizzes / RETIRED_FILE).read_bytes()
    for handler in (trainer.on_open_reports, trainer.on_retire):
        handler(None)
        assert "Trang đang khóa" in trainer.gate_message.value and trainer.error.value == ""
    assert (quizzes / RETIRED_FILE).read_bytes() == before


def test_a_trainer_retires_a_reported_question_and_nothing_serves_it_after(plan, store, quizzes):
    bank, _ = question_bank(plan, quizzes)
    by_id = {q.id: q for q in bank}
    gone = "docs-kl80-co-quan"
    person = store.participant("Nguyễn Thị Mai", "quan_ba_dinh")
    store.report_question(person.id, gone, "Thiếu Ban Bí thư")
    store.report_question(store.participant("Lê Văn An", "khac").id, gone, "")  # two people: listed first
    store.report_question(person.id, "ld-dai-hoi-dang-bo-xvii", "")
    early_page = QuizApp(plan, bank, Store(store.url), quiz_dir=quizzes)  # opened before the retirement
    trainer = TrainerApp(plan, bank, store, env=REQUEST, quiz_dir=quizzes)
    unlock(trainer)
    old = SessionStore(store).create("Phiên cũ", "all", "practice", [gone, "ld-dai-hoi-dang-bo-xvii"], None,
                                     False, False)
    trainer.open_reports.click()
    assert [v for _label, v in trainer.retire_which.options] == [gone, "ld-dai-hoi-dang-bo-xvii"]
    trainer.retire_which.value = gone
    trainer.retire_by.value = "Trần Văn Bình"
    trainer.retire.click()  # no reason
    assert "Vui lòng ghi lý do" in trainer.retire_message.value and retired_ids(quizzes) == frozenset()
    trainer.retire_which._trait_values["value"] = "lead:khong-co"  # crafted: never offered
    trainer.retire_reason.value = "Sai."
    trainer.retire.click()
    assert "Hãy chọn một câu hỏi trong danh sách" in trainer.retire_message.value
    trainer.retire_which.value = gone
    trainer.retire_reason.value = "Đáp án thiếu Ban Bí thư Trung ương Đảng."
    trainer.retire.click()
    assert trainer.error.value == "", trainer.error.value
    message = trainer.retire_message.value
    assert "Đã ngừng dùng câu hỏi" in message and "commit tệp" in message and "retired.yaml" in message
    (entry,) = read_retired(quizzes / RETIRED_FILE)[0]
    assert (entry.id, entry.reason, entry.by) == (gone, "Đáp án thiếu Ban Bí thư Trung ương Đảng.", "Trần Văn Bình")
    # Gone from the list, from the page's bank, from new sessions and from a page opened before.
    assert [v for _label, v in trainer.retire_which.options] == ["ld-dai-hoi-dang-bo-xvii"]
    assert html.escape(by_id[gone].stem) not in trainer.reports_list.value
    assert gone not in trainer.questions
    trainer.back.click()
    trainer.title.value, trainer.topic.value, trainer.count.value = "Phiên mới", "bank:van-ban-can-cu", 20
    trainer.create.click()
    new = SessionStore(store).get(trainer.current)
    assert gone not in new.question_ids and len(new.question_ids) == 13
    trainer.back.click()
    early_page.on_signout()
    early_page.name.value, early_page.unit.value = "Lê Văn Bình", "quan_ba_dinh"
    early_page.sign_in.click()
    early_page.topic.value, early_page.count.value = "bank:van-ban-can-cu", 20
    early_page.start.click()
    assert gone not in {q.id for q in early_page.run.questions} and early_page.run.total == 13
    # The session made before: its dashboard counts without the retired question, and nobody is served it.
    trainer.history.value = old.code
    trainer.open_history.click()
    assert trainer.error.value == "" and "1 câu" in trainer.session_head.value
    joiner = ParticipantApp(plan, bank, Store(store.url), code=old.code, quiz_dir=quizzes)  # bank from before
    joiner.name.value, joiner.unit.value = "Hồ Văn Cường", "quan_ba_dinh"
    joiner.sign_in.click()
    assert [q.id for q in joiner.run.questions] == ["ld-dai-hoi-dang-bo-xvii"]
