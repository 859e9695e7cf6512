"""Do the workshop pages keep data behind the passcode, run a round end to end, and keep people apart?"""

import base64
import html
import io
import json
import re

import pandas as pd
import pytest
from helpers import give, key_for, shown_key, widget_states, wrong_for

from toolkit.serving.access import PasscodeGate
from toolkit.serving.links import join_url
from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store
from toolkit.ui.participant import ParticipantApp
from toolkit.ui.trainer import TrainerApp

PASSCODE = "424242"
NAMES = ("Nguyễn Thị Mai", "Trần Văn Bình", "Lê Hoàng Yến")
REQUEST = {"VOILA_REQUEST_URL": "http://192.168.1.20:8866/voila/render/4-tap-huan-bao-cao-vien.ipynb"}


@pytest.fixture(autouse=True)
def passcode(monkeypatch):
    monkeypatch.setenv("TOOLKIT_PASSCODE", PASSCODE)


@pytest.fixture
def trainer(plan, bank, store):
    return TrainerApp(plan, bank, store, env=REQUEST)




def unlock(app, code=PASSCODE):
    app.passcode.value = code
    app.unlock.click()


def create(app, title="Tập huấn Kế hoạch 241, quận Ba Đình", n=5, mode="test", show_rank=True):
    app.title.value, app.count.value, app.mode.value, app.show_rank.value = title, n, mode, show_rank
    app.create.click()
    assert app.current, app.create_message.value + app.error.value
    return app.current


def close(app):
    app.close_session.click()
    app.close_confirm.click()


def join(plan, bank, store, code, name, unit="quan_ba_dinh"):
    # Each participant is a page of their own: a new kernel, a new app, the same database.
    app = ParticipantApp(plan, bank, Store(store.url), code=code)
    app.name.value, app.unit.value = name, unit
    app.sign_in.click()
    assert app.body.children == (app.quiz_box,), app.notice.value + app.error.value
    return app








def answer_all(app, right: int):
    """Answer every question (the first `right` of them correctly, in the participant's own order) and submit."""
    for i in range(app.run.total):
        give(app, key_for(app) if i < right else wrong_for(app))
        if app.run.next_unanswered() is not None and app.position == i:
            app.next.click()
    app.finish.click()
    assert app.body.children == (app.results_box,)


# ---------------------------------------------------------------- the passcode


def test_a_locked_trainer_page_holds_no_data_widgets(trainer, store, plan, bank):
    """Before the passcode: only the gate's widgets exist, so the browser has nothing else to read."""
    SessionStore(store).create("Phiên bí mật của lớp A", "all", "test", [bank[0].id], None, False, False)
    state = widget_states(trainer.widget)
    assert "Phiên bí mật" not in state and "Tạo phiên" not in state
    assert not hasattr(trainer, "title") and not hasattr(trainer, "history") and not hasattr(trainer, "ticker")
    assert trainer.body.children == (trainer.gate_box,)


def test_trainer_handlers_refuse_while_locked(trainer, store):
    """A crafted message can call any handler; each checks the gate in the kernel first."""
    for handler in (trainer.on_create, trainer.on_open_history, trainer.on_tick, trainer.on_refresh,
                    trainer.on_close, trainer.on_download, trainer.on_back, trainer.on_people_view):
        handler(None)
        assert "Trang đang khóa" in trainer.gate_message.value, handler.__name__
        assert trainer.error.value == ""  # refused, not crashed on a widget that does not exist
    assert SessionStore(store).all() == []


def test_a_wrong_passcode_keeps_the_page_locked(trainer):
    unlock(trainer, "000000")
    assert "Mã truy cập không đúng" in trainer.gate_message.value
    assert not trainer.gate.unlocked and trainer.body.children == (trainer.gate_box,)
    assert trainer.passcode.value == ""  # what was typed does not stay in the widget state


def test_relocking_refuses_actions_of_an_unlocked_page(trainer, store):
    unlock(trainer)
    code = create(trainer)
    trainer.gate.unlocked = False  # e.g. a future lock button: every handler checks again
    close(trainer)
    assert SessionStore(store).get(code).is_open


# ---------------------------------------------------------------- a whole round


def test_a_round_from_creation_to_export(trainer, plan, bank, store):
    unlock(trainer)
    assert trainer.body.children == (trainer.home_box,)
    code = create(trainer, n=5, mode="test", show_rank=True)
    session = SessionStore(store).get(code)
    assert len(session.question_ids) == 5 and session.mode == "test" and session.show_rank
    assert not session.tie_break_time  # default: accuracy only
    # The join code big, the join URL from the request, and its QR code.
    assert f'<div class="join-code" aria-label="Mã phiên">{code}</div>' in trainer.join_text.value
    url = f"http://192.168.1.20:8866/voila/render/4-tap-huan-tham-gia.ipynb?code={code}"
    assert url in trainer.join_text.value
    assert trainer.qr.value[:8] == b"\x89PNG\r\n\x1a\n" and trainer.qr.layout.display is None
    assert "Đã tham gia: <b>0</b>" in trainer.counts.value

    people = [join(plan, bank, store, code.lower(), name) for name in NAMES]
    trainer.on_tick({"new": 1})  # the browser's ticker
    assert "Đã tham gia: <b>3</b>" in trainer.counts.value and "Đã nộp bài: <b>0</b>" in trainer.counts.value
    assert all(html.escape(n) in trainer.people.value for n in NAMES)

    for app, right in zip(people, (5, 3, 1)):
        answer_all(app, right)
    trainer.on_tick({"new": 2})
    assert "Đã nộp bài: <b>3</b>" in trainer.counts.value
    assert trainer.histogram.value[:4] == b"\x89PNG" and trainer.histogram.layout.display is None
    # Most missed: the question fewest answered right, with everything needed to discuss it.
    board = trainer.most_missed.value
    shares = {}
    for app in people:
        for pos, q in enumerate(app.run.questions):
            r = app.run.responses[pos]
            shares.setdefault(q.id, []).append(r.points >= r.max_points)
    worst = min(session.question_ids, key=lambda q: sum(shares[q]))
    q = next(x for x in bank if x.id == worst)
    assert f"({100 * sum(shares[worst]) / 3:.0f}% trả lời đúng, 3/3 người đã trả lời" in board
    assert html.escape(q.stem) in board
    # Test mode, session open: the projected screen holds no key, not even in a hidden widget.
    states = widget_states(trainer.widget)
    # A true/false key (“Đúng”) is also a table heading and begins the stem: the explanation and the plan's
    # words are what would give it away, and for other types the key's own text.
    secrets = (q.explanation, q.source) + (() if q.type == "true_false" else (q.correct_text,))
    for text in secrets:
        assert html.escape(text) not in states and text not in states
    assert "chỉ hiện khi phiên đã đóng" in board and trainer.reveal_key.layout.display == "none"
    trainer.reveal_key.click()  # a hidden button the browser can still click: the kernel refuses
    assert html.escape(q.explanation) not in trainer.most_missed.value
    assert trainer.per_question.value.count('class="bar') == 5

    # Ranks: each participant sees their own, and in test mode no key while the session is open.
    assert "Thứ hạng của bạn: <b>1</b>/3 người" in people[0].rank.value  # 5/5; the others are below 5
    assert all("/3 người tham gia" in app.rank.value for app in people)
    assert "Các câu cần xem lại" not in people[2].review.value

    trainer.close_session.click()
    assert SessionStore(store).get(code).is_open  # it asks first, saying what closing does
    assert trainer.close_box.layout.display is None and "Mọi người tham gia đã nộp bài" in trainer.close_question.value
    trainer.close_cancel.click()
    assert trainer.close_box.layout.display == "none" and SessionStore(store).get(code).is_open
    trainer.close_session.click()
    trainer.close_confirm.click()
    assert not SessionStore(store).get(code).is_open and trainer.ticker.playing is False
    assert trainer.close_box.layout.display == "none"
    # Closed: the key is one click away, for the discussion.
    assert trainer.reveal_key.layout.display is None and html.escape(q.explanation) not in trainer.most_missed.value
    trainer.reveal_key.click()
    for text in (q.correct_text, q.explanation, q.source):
        assert html.escape(text) in trainer.most_missed.value
    analysis = trainer.analysis.value
    for heading in ("Phân tích sau buổi tập huấn", "Độ phân biệt D", "r điểm-nhị phân", "Các phương án đã chọn",
                    "Nhầm lẫn cơ quan trong phiên này", "Nhầm lẫn cơ quan qua tất cả các phiên tập huấn",
                    "Cronbach"):
        assert heading in analysis, heading
    assert "Chỉ có 3 người làm bài" in analysis  # three people: the figures come with a caution

    people[2].refresh_results.click()  # closed now: the mistakes and their keys are shown
    assert "Các câu cần xem lại (4)" in people[2].review.value

    trainer.export_names.value = "ho-ten"  # the trainer's own record, with names
    trainer.download.click()
    link = trainer.download_link.value
    assert f'download="phien-{code}-ho-ten.xlsx"' in link
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", link)[1])
    sheets = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert len(sheets) >= 4 and {"Người tham gia", "Câu trả lời", "Thống kê câu hỏi"} <= set(sheets)
    assert sorted(sheets["Người tham gia"]["Họ và tên"]) == sorted(NAMES)


def test_practice_mode_shows_a_key_once_everyone_answered_it_and_only_on_request(trainer, plan, bank, store):
    unlock(trainer)
    code = create(trainer, mode="practice")
    first, second = (join(plan, bank, store, code, n) for n in NAMES[:2])
    give(first, wrong_for(first))  # one of two has answered: the other may still need the key
    trainer.on_tick({"new": 1})
    q = first.run.questions[0]
    assert "Đáp án hiện được khi mọi người trong phiên đã trả lời" in trainer.most_missed.value
    assert trainer.reveal_key.layout.display == "none"
    trainer.reveal_key.click()
    assert html.escape(q.explanation) not in widget_states(trainer.widget)
    answer_all(second, 0)  # now everyone has answered every question the most-missed one can be
    answer_all(first, 0)
    trainer.on_tick({"new": 2})
    missed = trainer.most_missed.value
    assert trainer.reveal_key.layout.display is None and "Đáp án đúng" not in missed  # behind a click
    trainer.reveal_key.click()
    assert "Đáp án đúng:" in trainer.most_missed.value


def test_a_closed_session_refuses_the_next_answer_with_a_message(trainer, plan, bank, store):
    unlock(trainer)
    code = create(trainer, mode="practice")
    app = join(plan, bank, store, code, NAMES[0])
    give(app, key_for(app))
    close(trainer)
    app.next.click()
    give(app, key_for(app))
    assert "Phiên đã đóng" in app.notice.value
    assert len(store.responses(app.run.attempt.id)) == 1
    assert app.body.children == (app.results_box,)
    # A new participant cannot join a closed session.
    late = ParticipantApp(plan, bank, Store(store.url), code=code)
    late.name.value, late.unit.value = "Người đến muộn", "quan_ba_dinh"
    late.sign_in.click()
    assert "Phiên đã đóng" in late.notice.value and late.run is None


def test_the_quiz_page_cannot_resume_a_closed_sessions_attempt(trainer, plan, bank, store):
    """The quiz page offers unfinished attempts; a workshop attempt keeps its session's rule there."""
    from toolkit.ui.quiz import QuizApp

    unlock(trainer)
    code = create(trainer, mode="practice")
    join(plan, bank, store, code, NAMES[1])
    SessionStore(store).close(code)
    quiz = QuizApp(plan, bank, Store(store.url))
    quiz.name.value, quiz.unit.value = NAMES[1], "quan_ba_dinh"
    quiz.sign_in.click()
    quiz.resume_box.children[1].children[0].click()
    give(quiz, key_for(quiz))
    assert "Phiên đã đóng" in quiz.feedback.value
    assert store.responses(quiz.run.attempt.id) == []


def test_joining_again_resumes_and_a_wrong_code_is_explained(trainer, plan, bank, store):
    unlock(trainer)
    code = create(trainer)
    first = join(plan, bank, store, code, NAMES[0])
    give(first, key_for(first))
    again = join(plan, bank, store, f" {code[:3]}-{code[3:]} ", "nguyen thi mai")  # typed loosely
    assert again.run.attempt.id == first.run.attempt.id and again.run.answered_count == 1
    bad = ParticipantApp(plan, bank, Store(store.url), code="ZZZZZZ")
    bad.name.value, bad.unit.value = NAMES[1], "quan_ba_dinh"
    bad.sign_in.click()
    assert "Không có phiên nào với mã này" in bad.notice.value


def test_a_participant_page_never_holds_other_participants(trainer, plan, bank, store):
    unlock(trainer)
    code = create(trainer, show_rank=True)
    people = [join(plan, bank, store, code, name) for name in NAMES]
    for app, right in zip(people, (2, 4, 3)):
        answer_all(app, right)
    for app, me in zip(people, NAMES):
        app.refresh_results.click()
        state = widget_states(app.widget)
        assert me in state
        for other in set(NAMES) - {me}:
            assert other not in state and html.escape(other) not in state


def test_rank_is_hidden_unless_the_session_allows_it(trainer, plan, bank, store):
    unlock(trainer)
    code = create(trainer, show_rank=False, mode="practice")
    app = join(plan, bank, store, code, NAMES[0])
    answer_all(app, 2)
    assert "Thứ hạng" not in app.rank.value and app.refresh_results.layout.display == "none"
    assert "Các câu cần xem lại" in app.review.value  # practice mode: feedback was shown already


def test_previous_sessions_reopen_their_dashboard(trainer, plan, bank, store):
    unlock(trainer)
    first = create(trainer, title="Buổi sáng")
    join(plan, bank, store, first, NAMES[0])
    trainer.back.click()
    create(trainer, title="Buổi chiều")
    trainer.back.click()
    labels = [label for label, _ in trainer.history.options]
    assert len(labels) == 2 and "Buổi chiều" in labels[0] and "Buổi sáng" in labels[1]
    trainer.history.value = first
    trainer.open_history.click()
    assert trainer.current == first and "Đã tham gia: <b>1</b>" in trainer.counts.value


def test_unchanged_ticks_redraw_nothing(trainer, plan, bank, store, monkeypatch):
    unlock(trainer)
    code = create(trainer)
    app = join(plan, bank, store, code, NAMES[0])
    give(app, key_for(app))
    trainer.on_tick({"new": 1})
    drawn = []
    monkeypatch.setattr("toolkit.quiz.analytics.score_histogram", lambda *a: drawn.append(a) or b"\x89PNG")
    monkeypatch.setattr("toolkit.ui.trainer.dashboard", lambda *a: pytest.fail("dashboard rebuilt"))
    trainer.on_tick({"new": 2})
    assert drawn == [] and trainer.error.value == ""


def test_form_values_the_kernel_did_not_offer_are_refused(trainer, store):
    """The browser picks among the options it was sent; the kernel still checks against its own list."""
    unlock(trainer)
    trainer.title.value = "Lớp thử"
    trainer.count.options = (5, 10, 999)  # as if the page's list had been tampered with
    trainer.count.value = 999
    trainer.create.click()
    assert "Lựa chọn không hợp lệ" in trainer.create_message.value and SessionStore(store).all() == []


def test_a_failing_tick_shows_vietnamese_not_a_traceback(trainer, monkeypatch):
    unlock(trainer)
    create(trainer)
    monkeypatch.setattr(trainer.sessions, "attempts", lambda code: 1 / 0)
    trainer.on_tick({"new": 1})
    assert "Không thể cập nhật bảng kết quả" in trainer.error.value
    assert "ZeroDivisionError" not in widget_states(trainer.widget)


@pytest.mark.parametrize("env,url,warned", [
    ({"TOOLKIT_PUBLIC_URL": "http://10.1.2.3:8866/"}, "http://10.1.2.3:8866/voila/render/4-tap-huan-tham-gia.ipynb"
                                                      "?code=ABC234", False),
    (REQUEST, "http://192.168.1.20:8866/voila/render/4-tap-huan-tham-gia.ipynb?code=ABC234", False),
    ({"VOILA_REQUEST_URL": "http://127.0.0.1:8866/voila/render/4-tap-huan-bao-cao-vien.ipynb?x=1"},
     "http://127.0.0.1:8866/voila/render/4-tap-huan-tham-gia.ipynb?code=ABC234", True),
    ({}, "4-tap-huan-tham-gia.ipynb?code=ABC234", True),
])
def test_join_url_prefers_the_public_address(env, url, warned):
    got, warning = join_url("ABC234", env)
    assert got == url and bool(warning) == warned


def test_participant_code_comes_from_the_query_string(monkeypatch, tmp_path):
    monkeypatch.setenv("QUERY_STRING", "code=k7qm2x")
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'q.sqlite3'}")
    assert ParticipantApp.from_environment().code.value == "K7QM2X"


def test_the_participant_page_in_english(plan, bank, store):
    app = ParticipantApp(plan, bank, store, code="ABC234")
    app.unit.value = "quan_ba_dinh"
    app.language.value = "en"
    assert (app.code.description, app.sign_in.description, app.name.description) == ("Session code", "Join",
                                                                                      "Full name")
    assert app.submit.description == "Answer" and app.refresh_results.description == "Update results"
    assert app.unit.value == "quan_ba_dinh"  # the unit already chosen stays chosen


def test_trainer_page_builds_without_a_passcode_or_request(monkeypatch, tmp_path):
    monkeypatch.delenv("TOOLKIT_PASSCODE")
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'q.sqlite3'}")
    app = TrainerApp.from_environment()
    assert isinstance(app.gate, PasscodeGate) and not app.gate.unlocked


# ---------------------------------------------------------------- the participant page is not the quiz page


def _widgets_made_by(action) -> list:
    """Every widget created while `action` runs: each one's state reaches the browser, displayed or not."""
    import warnings

    import ipywidgets as widgets

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Widget.widgets: the kernel's own registry
        before = set(widgets.Widget.widgets)
        action()
        return [w for k, w in widgets.Widget.widgets.items() if k not in before]


QUIZ_PAGE_WAYS_IN = ("Bắt đầu làm bài", "Luyện lại các câu sai", "Làm bài mới", "Đổi người làm bài",
                     "Làm tiếp bài đang dở", "Bắt đầu bài mới")


def test_the_participant_page_has_no_quiz_setup_retry_or_sign_out_at_all(trainer, plan, bank, store):
    """Not hidden or switched off: the quiz page's other ways into a quiz are simply not there."""
    from toolkit.quiz.attempt import MODES
    from toolkit.ui.quiz import QuizApp

    assert QuizApp not in ParticipantApp.__mro__
    unlock(trainer)
    code = create(trainer, mode="practice", show_rank=True)
    made = []

    def a_whole_round():
        app = join(plan, bank, store, code, NAMES[0])
        answer_all(app, 2)
        app.refresh_results.click()
        made.append(app)

    created = _widgets_made_by(a_whole_round)
    app = made[0]
    for name in ("topic", "count", "mode", "limit", "start", "signout", "who", "setup_box", "resume_box", "retry",
                 "again", "on_setup", "on_start", "on_resume", "on_retry", "on_again", "on_signout", "_begin"):
        assert not hasattr(app, name) and not hasattr(app.screens, name), name
    buttons = {w.description for w in created if type(w).__name__ == "Button"}
    assert buttons == {"Tham gia", "Trả lời", "Câu trước", "Câu tiếp theo", "Nộp bài", "Cập nhật kết quả",
                       "Báo lỗi câu hỏi", "Gửi"}  # the shared report box: one for the whole run
    assert not any(label in str(w.get_state()) for w in created for label in QUIZ_PAGE_WAYS_IN)
    toggles = [w for w in created if type(w).__name__ == "ToggleButtons"]
    assert [w.options for w in toggles] == [(("Tiếng Việt", "vi"), ("English", "en"))]  # no quiz mode to pick
    assert not {MODES[m] for m in MODES} & {label for w in toggles for label in w._options_labels}
    assert app.results_box.children == (app.rank, app.results, app.pending, app.refresh_results,
                                       app.personal_code.widget, app.review, app.report_box)


def test_a_participant_clicking_disabled_or_hidden_widgets_changes_nothing_stored(trainer, plan, bank, store):
    """The browser can click any widget it was sent; the kernel's rules hold on the participant page too."""
    unlock(trainer)
    code = create(trainer, mode="practice")
    app = join(plan, bank, store, code, NAMES[0])
    give(app, wrong_for(app))
    first = store.responses(app.run.attempt.id)
    assert app.submit.disabled  # and so hidden by the page's CSS (tests/browser/test_quiz_page.py)
    give(app, key_for(app))  # the same question again, through the disabled and hidden “Trả lời”
    assert "đã được trả lời" in app.feedback.value and store.responses(app.run.attempt.id) == first
    app.refresh_results.click()  # not on screen while answering: nothing to refresh
    assert app.body.children == (app.quiz_box,) and app.error.value == ""
    attempt = app.run.attempt.id
    app.sign_in.click()  # the join button, clicked again from the question screen: the same attempt
    assert app.run.attempt.id == attempt and len(SessionStore(store).attempts(code)) == 1

    close(trainer)
    app.next.click()
    give(app, key_for(app))
    assert app.body.children == (app.results_box,) and "Phiên đã đóng" in app.notice.value
    # Closed and on the results screen: the question screen's buttons, hidden now, are clicked anyway.
    for _ in range(2):
        app.next.click()
        give(app, key_for(app))
        app.finish.click()
    assert store.responses(app.run.attempt.id) == first and app.run.finished
    assert app.body.children == (app.results_box,) and app.error.value == ""


def test_test_mode_keeps_the_key_from_a_participant_who_clicks_around(trainer, plan, bank, store):
    """Submitted early in an open test-mode session: hidden buttons reopen questions, never their keys."""
    unlock(trainer)
    code = create(trainer, mode="test")
    made = []

    def answer_one_and_submit():
        app = join(plan, bank, store, code, NAMES[0])
        made.append(app)
        give(app, wrong_for(app))
        app.submit.click()  # a double click: it lands on the next question, which has no answer yet
        assert app.position == 1 and "pbgdpl-alert" in app.feedback.value
        assert len(store.responses(app.run.attempt.id)) == 1
        app.prev.click()
        give(app, key_for(app))  # the answered question, its disabled “Trả lời” clicked anyway
        assert "đã được trả lời" in app.feedback.value
        app.finish.click()
        app.finish.click()
        assert app.body.children == (app.results_box,) and "Các câu cần xem lại" not in app.review.value
        app.prev.click()  # hidden on the results screen; shows the stored answer, not the key
        app.next.click()
        app.finish.click()
        app.refresh_results.click()

    created = _widgets_made_by(answer_one_and_submit)
    app = made[0]
    assert len(store.responses(app.run.attempt.id)) == 1 and app.run.finished
    wrong = app.run.questions[0]
    state = "\n".join(json.dumps(w.get_state(), default=str, ensure_ascii=False) for w in created)
    assert wrong.explanation not in state and html.escape(wrong.explanation) not in state
    close(trainer)
    app.refresh_results.click()  # closed: now the key may be shown
    assert "Các câu cần xem lại (1)" in app.review.value and html.escape(wrong.explanation) in app.review.value


def test_does_a_halls_dashboard_show_the_top_and_count_the_rest(trainer, plan, bank, store):
    """A hall of more than PEOPLE_SHOWN: the projector lists the top of the standings (or, with scores
    hidden, the latest to join, in the order they joined) and counts the rest, so a tick does not re-send
    every row; all of them when the trainer asks."""
    from toolkit.quiz.workshop import join_session
    from toolkit.ui.trainer import EVERYONE, PEOPLE_SHOWN

    unlock(trainer)
    code = create(trainer, n=5, mode="practice")
    trainer.on_refresh()
    assert trainer.everyone.layout.display == "none"  # nobody yet: nothing to cut
    n = PEOPLE_SHOWN + 7
    names = [f"Học viên {i:02d}" for i in range(n)]
    right = {name: (i * 3) % 5 for i, name in enumerate(names)}  # 0 to 4 answers right, not in joining order
    questions = {q.id: q for q in bank}
    for name in names:
        run = join_session(store, plan, questions, code, store.participant(name, "quan_ba_dinh"))
        for position in range(right[name]):
            run.answer(position, shown_key(run, position))
    trainer.on_refresh()
    people = trainer.people.value
    shown = [name for name in names if html.escape(name) in people]
    assert len(shown) == PEOPLE_SHOWN and f"còn {n - PEOPLE_SHOWN} người khác" in people and EVERYONE in people
    assert f"Người tham gia ({n})" in people and trainer.everyone.layout.display is None
    assert min(right[x] for x in shown) >= max(right[x] for x in names if x not in shown)  # the top, not any 20
    trainer.hide_scores.value = True  # the latest to join, in joining order, whatever their score
    chips = re.findall(r'<span class="chip[^"]*">([^<]*)</span>', trainer.people.value)
    assert chips == [html.escape(x) for x in names[-PEOPLE_SHOWN:]]
    trainer.everyone.value = True  # all of them, still in joining order: the ranking stays hidden
    chips = re.findall(r'<span class="chip[^"]*">([^<]*)</span>', trainer.people.value)
    assert chips == [html.escape(x) for x in names] and "người khác" not in trainer.people.value
    trainer.hide_scores.value = False
    assert all(html.escape(x) in trainer.people.value for x in names)
    other = create(trainer, title="Phiên sau", n=5)
    assert trainer.current == other and trainer.everyone.value is False  # a new session opens on the top
