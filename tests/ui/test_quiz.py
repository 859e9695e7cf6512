"""Does the quiz page work without a browser, keep the key in the kernel, and enforce its rules?"""

import html

import pytest
from helpers import give, key_for, key_leaks, widget_states, wrong_for

from toolkit.storage.store import Store
from toolkit.ui.quiz import TEXT, QuizApp


@pytest.fixture
def app(plan, bank, store):
    return QuizApp(plan, bank, store)


def sign_in(app, name="Phạm Minh Đức", unit="quan_ba_dinh"):
    app.name.value, app.unit.value = name, unit
    app.sign_in.click()


def begin(app, n=5, mode="practice", topic=None):
    if topic:
        app.topic.value = topic
    app.count.value, app.mode.value = n, mode
    app.start.click()
    assert app.body.children == (app.quiz_box,), app.notice.value + app.error.value










def test_sign_in_needs_a_name_and_a_unit(app):
    sign_in(app, name="   ")
    assert "Vui lòng nhập họ và tên" in app.notice.value and app.participant is None
    sign_in(app, unit=None)
    assert "Vui lòng chọn đơn vị" in app.notice.value


def test_my_units_duties_is_the_default_topic(app):
    sign_in(app)
    assert app.body.children == (app.setup_box,)
    assert app.topic.value == "unit:quan_ba_dinh"
    assert "Phạm Minh Đức" in app.who.value


def test_a_name_is_shown_as_text_not_html(app):
    sign_in(app, name="<img src=x onerror=alert(1)>")
    assert "<img" not in app.who.value and "&lt;img src=x onerror=alert(1)&gt;" in app.who.value


def test_the_key_is_not_in_any_widget_before_answering(app):
    sign_in(app)
    begin(app, n=10)
    for _ in range(10):
        q = app.run.questions[app.position]
        state = widget_states(app.widget)
        assert not key_leaks(q, state), q.id
        assert '"correct"' not in state
        if q.type in ("single", "true_false"):
            assert app.choice.value is None and app.choice.index is None
        give(app, key_for(app))
        assert html.escape(q.explanation) in app.feedback.value  # revealed only now, after it is stored
        assert len(key_leaks(q, widget_states(app.widget))) >= 1  # the check above can see a key
        if not app.next.disabled:
            app.next.click()


def test_practice_feedback_quotes_the_plan(app, plan):
    sign_in(app)
    begin(app)
    q = app.run.questions[0]
    give(app, key_for(app))
    assert "✔ Đúng" in app.feedback.value and "Nguyên văn Kế hoạch" in app.feedback.value
    assert html.escape(q.source) in app.feedback.value
    if q.template:  # a generated question quotes its whole task
        assert html.escape(plan.task(q.task_ids[0]).source_text) in app.feedback.value


def test_a_disabled_button_clicked_anyway_cannot_change_an_answer(app, store):
    """The browser can click a disabled button with a crafted message; the kernel still refuses."""
    sign_in(app)
    begin(app)
    give(app, wrong_for(app))
    first = store.responses(app.run.attempt.id)
    assert app.submit.disabled
    give(app, key_for(app))  # set the value and click the disabled button
    assert "đã được trả lời" in app.feedback.value
    assert store.responses(app.run.attempt.id) == first


def test_test_mode_hides_feedback_until_submitted(app):
    sign_in(app)
    begin(app, n=5, mode="test")
    q0 = app.run.questions[0]
    give(app, wrong_for(app))
    assert app.position == 1 and q0.explanation not in widget_states(app.widget)
    for _ in range(4):
        give(app, key_for(app))
    app.finish.click()
    assert app.body.children == (app.results_box,)
    assert "4/5 điểm" in app.results.value and html.escape(q0.explanation) in app.review.value


def test_finishing_early_asks_for_confirmation(app):
    sign_in(app)
    begin(app, n=5)
    app.finish.click()
    assert app.body.children == (app.quiz_box,) and "Còn 5 câu chưa trả lời" in app.feedback.value
    app.finish.click()
    assert "0/5 điểm" in app.results.value and "5 câu bỏ trống" in app.results.value
    # Nothing answered is not “all answered right” (the results screen said so).
    assert "chưa trả lời câu nào" in app.review.value and "đúng tất cả" not in app.review.value


def test_reload_resumes_where_the_participant_was(plan, bank, store):
    first = QuizApp(plan, bank, store)
    sign_in(first)
    begin(first, n=5)
    give(first, key_for(first))
    first.next.click()
    give(first, wrong_for(first))
    # A reload is a new kernel: a new app over the same database.
    second = QuizApp(plan, bank, Store(store.url))
    sign_in(second, name="pham minh duc")  # typed without diacritics: the same person
    assert "2/5 câu đã trả lời" in widget_states(second.resume_box)
    second.resume_box.children[1].children[0].click()
    assert second.position == 2 and second.run.answered_count == 2
    second.prev.click()
    assert second.position == 1 and second.submit.disabled  # shown as answered, with what was chosen
    assert second._read_answer() == second.run.shown_answer(1) is not None


def test_score_by_section_and_practise_mistakes(app):
    sign_in(app)
    begin(app, n=5, mode="practice")
    for i in range(5):
        give(app, wrong_for(app) if i < 2 else key_for(app))
        if not app.next.disabled:
            app.next.click()
    app.finish.click()
    assert "3/5 điểm (60%)" in app.results.value and "Các câu cần xem lại (2)" in app.review.value
    wrong_ids = {q.id for q in app.run.mistake_questions()}
    app.retry.click()
    assert {q.id for q in app.run.questions} == wrong_ids and app.run.mode == "practice"


def test_time_limit_is_enforced_by_the_kernel(app):
    from datetime import timedelta

    sign_in(app)
    app.limit.value = 5
    begin(app, n=5)
    assert "Hạn nộp" in app.heading.value
    later = app.run.attempt.started_at + timedelta(minutes=6)
    app.run.clock = lambda: later
    give(app, key_for(app))
    assert app.body.children == (app.results_box,) and "0/5" in app.results.value


def test_a_failing_callback_shows_vietnamese_not_a_traceback(app, monkeypatch):
    sign_in(app)
    begin(app)
    monkeypatch.setattr(app.run, "answer", lambda *a: 1 / 0)
    give(app, key_for(app))
    assert "Không thể ghi câu trả lời" in app.error.value
    assert "Traceback" not in widget_states(app.widget) and "ZeroDivisionError" not in widget_states(app.widget)


def test_english_interface(app):
    app.language.value = "en"
    assert app.sign_in.description == "Continue" and app.name.description == "Full name"
    assert app.submit.description == "Answer" and app.retry.description == "Practise my mistakes"
    assert app.unit.label == "— Choose your unit —"
    app.language.value = "vi"
    assert app.sign_in.description == "Tiếp tục" and app.submit.description == "Trả lời"


@pytest.mark.parametrize("query,unit,lang", [("", None, "vi"), ("unit=quan_hoan_kiem&lang=en", "quan_hoan_kiem", "en"),
                                             ("unit=khong_co", None, "vi")])
def test_query_string_prefills_unit_and_language(monkeypatch, tmp_path, query, unit, lang):
    monkeypatch.setenv("QUERY_STRING", query)
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'q.sqlite3'}")
    app = QuizApp.from_environment()
    assert (app.unit.value, app.lang) == (unit, lang)


def test_the_page_opens_the_database_only_when_someone_signs_in(plan, bank, tmp_path):
    from toolkit.storage.deferred import DeferredStore

    store = DeferredStore(f"sqlite:///{tmp_path / 'later.sqlite3'}")
    app = QuizApp(plan, bank, store)
    assert not store.opened and not (tmp_path / "later.sqlite3").exists()
    sign_in(app)
    assert store.opened
    assert store.participant("Phạm Minh Đức", "quan_ba_dinh").name == "Phạm Minh Đức"


def test_a_participant_page_loads_without_sqlalchemy_or_jsonschema(tmp_path):
    # What a room of 60 pays before anyone can type a name: the page's imports, in a fresh process as a
    # kernel would be (the second process reads the validated data from the cache the first one wrote).
    import os
    import subprocess
    import sys

    script = (
        "import os, sys\n"
        "os.environ['QUERY_STRING'] = 'code=ABC234'\n"
        "from toolkit.ui.participant import ParticipantApp\n"
        "app = ParticipantApp.from_environment()\n"
        "assert app.code.value == 'ABC234'\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'jsonschema', 'voila', 'pandas',"
        " 'matplotlib'}))\n")
    env = {**os.environ, "TOOLKIT_VAR_DIR": str(tmp_path), "TOOLKIT_DATABASE_URL": ""}
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], [r.stderr[-2000:] for r in runs]
    assert runs[0].stdout.strip() == "['jsonschema']"  # the first kernel validates the data, once
    assert runs[1].stdout.strip() == "[]"
    assert not list(tmp_path.glob("*.sqlite3"))  # nobody signed in: no database opened


def test_a_matching_answer_needs_every_row(plan, bank, store):
    app = QuizApp(plan, tuple(q for q in bank if q.type == "matching"), store)
    sign_in(app)
    begin(app, n=5, topic="all")
    assert app.run.questions[0].type == "matching" and len(app.pairs) >= 2
    assert all(d.index == 0 and d.value is None for d in app.pairs)  # each row shows “— chọn —”, not a blank box
    app.pairs[0].value = 0  # one row chosen, the others left on “— chọn —”
    app.submit.click()
    assert "Hãy chọn cho mọi dòng trước khi trả lời." in app.feedback.value
    assert store.responses(app.run.attempt.id) == []  # nothing stored, nothing scored
    give(app, key_for(app))
    assert len(store.responses(app.run.attempt.id)) == 1


def test_the_unit_box_shows_its_prompt_until_a_unit_is_chosen(app):
    # A Dropdown with value None shows an empty box in the browser; index 0 shows “— Chọn đơn vị —”.
    assert app.unit.index == 0 and app.unit.value is None and app.unit.label == "— Chọn đơn vị —"


def test_an_empty_typed_answer_is_not_stored_and_a_value_landing_after_the_click_is_answered(
        plan, bank, store, monkeypatch):
    import toolkit.ui.answering as answering

    app = QuizApp(plan, tuple(q for q in bank if q.type == "text"), store)
    sign_in(app)
    begin(app, n=5, topic="all")
    clock = [1000.0]
    monkeypatch.setattr(answering.time, "monotonic", lambda: clock[0])
    app.typed.value = "   "
    app.submit.click()
    assert "Hãy gõ câu trả lời" in app.feedback.value
    assert store.responses(app.run.attempt.id) == []  # an empty box is no answer: nothing stored as wrong
    # The browser sent the click before the box's value: the value lands a moment later and is answered.
    clock[0] += 0.3
    app.typed.value = app.run.questions[0].answers[0]
    (stored,) = store.responses(app.run.attempt.id)
    assert stored.points == stored.max_points and "feedback ok" in app.feedback.value

    # Later than that, the participant is typing again: they tap “Trả lời” themself.
    app.next.click()
    app.submit.click()
    clock[0] += answering.TYPED_LATE_S + 0.1
    app.typed.value = "tôi gõ lại"
    assert len(store.responses(app.run.attempt.id)) == 1
    app.submit.click()
    assert len(store.responses(app.run.attempt.id)) == 2


@pytest.mark.parametrize("preheated", [True, False])
@pytest.mark.parametrize("query,lang", [("unit=quan_hoan_kiem", "vi"), ("unit=quan_hoan_kiem&lang=en", "en")])
def test_is_a_preheated_page_built_before_its_request_and_again_only_if_it_asks(monkeypatch, tmp_path, query, lang,
                                                                                  preheated):
    """What a preheated kernel can do in the pool, it does there (issue 16): the page is built before the
    request; a request for English gets a page built in English, and the first page's widgets are closed.
    An ordinary kernel knows its request from the start and builds once."""
    from ipywidgets.widgets.widget import _instances

    from toolkit.serving import request

    seen = []

    def arrives():  # what Voila's request does: the query lands in the environment
        seen.append(len(_instances))
        monkeypatch.setenv("QUERY_STRING", query)

    monkeypatch.setenv("QUERY_STRING", "")
    monkeypatch.setenv("VOILA_PREHEAT", str(preheated))
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", f"sqlite:///{tmp_path / 'q.sqlite3'}")
    monkeypatch.setattr(request, "wait_for_request", arrives)
    before = len(_instances)
    app = QuizApp.from_environment()
    built_when_asked = seen[0] - before
    assert built_when_asked > 50 if preheated else built_when_asked == 0  # the sign-in page, or nothing yet
    assert (app.unit.value, app.lang, app.sign_in.description) == ("quan_hoan_kiem", lang, TEXT[lang]["continue"])
    built = len(_instances) - before
    again = len(_instances)
    plans = list(app.plan_picker.plans.values())
    QuizApp(app.plan, app.all_questions, Store(f"sqlite:///{tmp_path / 'q.sqlite3'}"), lang=lang, plans=plans)
    assert built == len(_instances) - again  # one page's widgets alive, not two


def test_is_the_daily_review_built_only_when_someone_opens_it(app):
    """Its widgets are a quarter of the page; most who take a quiz never open it (issue 16)."""
    from ipywidgets.widgets.widget import _instances

    before = len(_instances)
    assert app._daily is None
    app.open_review.click()
    assert app.error.value == "" and app.body.children == (app.daily.widget,)
    assert len(_instances) > before and "Mở ôn tập hôm nay" in widget_states(app.widget)
    daily = app.daily
    app.daily.back.click()
    app.open_review.click()
    assert app.daily is daily  # built once, then reused
