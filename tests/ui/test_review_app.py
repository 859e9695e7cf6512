"""“Ôn tập hôm nay” and the trainer's view of a group's reviews, driven without a browser, with a fixed clock
(issue 14): does an officer who took a quiz come back days later with the personal code and review exactly
the cards due, see nothing of anyone else's, lose nothing when the page's kernel goes, and does the trainer
see who is due and what the group forgets, in a workbook with no formula and no name unless chosen?"""

from __future__ import annotations

import base64
import html
import io
import re
from datetime import datetime, timedelta, timezone

import pytest
from helpers import give, key_for, shown_key, shown_wrong, widget_states, wrong_for
from openpyxl import load_workbook

from toolkit.exports import PERSONAL_DATA
from toolkit.quiz.retired import retired_ids
from toolkit.quiz.workshop import create_session, join_session
from toolkit.review.cards import build_deck, cards_of
from toolkit.review.days import day_start, vietnam_day
from toolkit.review.schedule import apply_answer
from toolkit.review.today import today
from toolkit.storage.reviews import ReviewStore, record_answer
from toolkit.storage.store import Store
from toolkit.ui.privacy import review_link
from toolkit.ui.quiz import QuizApp
from toolkit.ui.trainer import TrainerApp
from toolkit.vietnamese import percent

PASSCODE = "424242"
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # Monday 08:00 in Vietnam
THU, BINH, LAN = "Phạm Thị Thu", "Trần Văn Bình", "Lê Thị Lan"


@pytest.fixture(autouse=True)
def passcode(monkeypatch, tmp_path):
    monkeypatch.setenv("TOOLKIT_PASSCODE", PASSCODE)
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path))


class Clock:
    def __init__(self, at):
        self.at = at

    def __call__(self):
        return self.at


def take_quiz(plan, bank, store, clock, name=THU, n=10):
    """A practice quiz answered right and wrong in turn; its personal code, read from the results screen."""
    app = QuizApp(plan, bank, store, clock=clock)
    app.name.value, app.unit.value = name, "phuong_hoan_kiem"
    app.sign_in.click()
    app.count.value = n
    app.start.click()
    for i in range(app.run.total):
        give(app, key_for(app) if i % 2 else wrong_for(app))
        if not app.next.disabled:
            app.next.click()
    app.finish.click()
    assert app.body.children == (app.results_box,), app.error.value
    found = re.search(r'aria-label="Mã cá nhân">([A-Z0-9-]+)<', app.personal_code.widget.value)
    return app, found.group(1)


def come_back(plan, bank, store, clock, code):
    """A new page (a new kernel, its own store) opened with the results screen's link."""
    app = QuizApp(plan, bank, Store(store.url), clock=clock)
    app.on_open_review()
    app.daily.open_with(code)
    assert app.daily.officer is not None, app.daily.gate_message.value + app.error.value
    return app


def stored_day(plan, bank, store, pid, at):
    reviews = ReviewStore(store)
    deck = build_deck(plan, [q for q in bank if q.id not in retired_ids(None)])
    return today(deck, reviews.memories(pid), at, new_per_day=reviews.new_per_day(pid),
                 log=reviews.log(pid, since=day_start(vietnam_day(at))))


def test_does_every_quiz_answer_update_the_officers_memory(plan, bank, store):
    clock = Clock(T0)
    quiz, _ = take_quiz(plan, bank, store, clock)
    log = ReviewStore(store).log(quiz.participant.id)
    tested = [c for q in quiz.run.questions for c in cards_of(q)]
    assert len(log) == len(tested) and {e.source for e in log} == {"quiz"} and {e.at for e in log} == {T0}


def test_does_the_results_screen_say_the_code_opens_the_review(plan, bank, store):
    quiz, code = take_quiz(plan, bank, store, Clock(T0))
    html = quiz.personal_code.widget.value
    assert "Ôn tập hôm nay" in html and f'href="{review_link(code)}"' in html
    assert review_link(code).startswith("2-kiem-tra.ipynb?code=")


def test_three_days_later_does_the_code_offer_exactly_the_cards_due(plan, bank, store):
    clock = Clock(T0)
    quiz, code = take_quiz(plan, bank, store, clock)
    pid = quiz.participant.id
    clock.at = T0 + timedelta(days=3)
    app = come_back(plan, bank, store, clock, code)
    review = app.daily
    assert app.body.children == (review.widget,) and review.body.children == (review.day_box,)
    expected = stored_day(plan, bank, store, pid, clock.at)
    assert expected.due and expected.new  # the quiz's cards are due again, and others wait to be met
    assert f"<b>{len(expected.due)}</b> thẻ đến hạn" in review.day.value
    assert f"<b>{len(expected.new)}</b> thẻ mới" in review.day.value
    review.start.click()
    assert review.error.value == ""
    asked = [cards_of(q) for q in review.run.questions]
    assert len(asked) == len(expected.queue)
    assert all(card in cards for card, cards in zip(expected.queue, asked))  # due first, in the day's order
    # Each review shows the quiz's question and, once stored, the quiz's feedback with the plan's words.
    assert review.feedback.value == "" and html.escape(review.run.questions[0].stem) in review.heading.value
    q = review.run.questions[0]
    give(review, key_for(review))
    assert "✔ Đúng" in review.feedback.value and "Nguyên văn Kế hoạch" in review.feedback.value
    assert q.source.split("\n")[0][:40].replace("“", "").strip()[:10] in review.feedback.value.replace("“", "")
    entry = ReviewStore(store).log(pid)[-1]
    assert (entry.source, entry.question_id, entry.at, entry.right) == ("review", q.id, clock.at, True)


def test_after_the_days_review_are_no_cards_left_and_the_cap_is_the_officers(plan, bank, store):
    clock = Clock(T0)
    quiz, code = take_quiz(plan, bank, store, clock, n=5)
    pid = quiz.participant.id
    clock.at = T0 + timedelta(days=3)
    review = come_back(plan, bank, store, clock, code).daily
    review.cap.value = "3"
    review.save_cap.click()
    assert ReviewStore(store).new_per_day(pid) == 3 and "tối đa 3 thẻ mới" in review.cap_message.value
    day = stored_day(plan, bank, store, pid, clock.at)
    assert len(day.new) == 3 and f"<b>{len(day.due)}</b> thẻ đến hạn" in review.day.value
    review.start.click()
    for i in range(review.run.total):
        give(review, shown_wrong(review.run, review.position) if i == 0 else key_for(review))
        if not review.next.disabled:
            review.next.click()
    review.finish.click()
    assert review.body.children == (review.results_box,)
    assert "Hẹn gặp lại ngày mai" in review.after.value
    wrong = cards_of(review.run.questions[0])
    review.to_day.click()
    after = stored_day(plan, bank, store, pid, clock.at)
    assert after.remaining == 0 and after.done == day.total and "đã ôn xong hôm nay" in review.day.value
    assert review.start.disabled
    review.cap.value = "100"
    review.save_cap.click()
    assert "từ 0 đến" in review.cap_message.value and ReviewStore(store).new_per_day(pid) == 3
    # The next day, the card answered wrong is due again; the ones answered right are not yet.
    clock.at = T0 + timedelta(days=4)
    assert set(wrong) <= set(stored_day(plan, bank, store, pid, clock.at).due)


def test_is_a_review_stored_before_its_feedback_and_resumed_by_a_new_kernel(plan, bank, store):
    clock = Clock(T0)
    quiz, code = take_quiz(plan, bank, store, clock, n=5)
    pid = quiz.participant.id
    clock.at = T0 + timedelta(days=3)
    first = come_back(plan, bank, store, clock, code).daily
    first.start.click()
    give(first, key_for(first))
    other_kernel = ReviewStore(Store(store.url))  # what another process reads as the feedback appears
    assert "✔ Đúng" in first.feedback.value and other_kernel.log(pid)[-1].source == "review"
    first.next.click()
    give(first, wrong_for(first))
    asked = [q.id for q in first.run.questions]
    memories = other_kernel.memories(pid)
    del first  # the kernel goes away mid-review

    second = come_back(plan, bank, store, clock, code).daily
    assert "Làm tiếp phần ôn đang dở" == second.start.description
    second.start.click()
    assert [q.id for q in second.run.questions] == asked and second.run.answered_count == 2
    assert second.position == 2  # where the first page stood
    assert ReviewStore(store).memories(pid) == memories
    assert [e.source for e in ReviewStore(store).log(pid)].count("review") == 2


def test_is_nothing_of_another_officer_shown_and_a_wrong_code_opens_nothing(plan, bank, store):
    clock = Clock(T0)
    _, thu_code = take_quiz(plan, bank, store, clock, name=THU)
    binh_quiz, _ = take_quiz(plan, bank, store, clock, name=BINH, n=15)
    clock.at = T0 + timedelta(days=3)
    page = QuizApp(plan, bank, Store(store.url), clock=clock)
    page.on_open_review()
    page.daily.open_with("ABCD-EFGH-JKLM")
    assert page.daily.officer is None and "không đúng" in page.daily.gate_message.value
    page.daily.start.click()  # a crafted click with no code opens nothing
    assert page.daily.run is None
    page.daily.open_with(thu_code)
    states = widget_states(page.widget)
    assert THU in states and BINH not in states
    page.daily.start.click()
    assert BINH not in widget_states(page.widget)
    assert page.daily.run.attempt.participant_id == page.daily.officer.id != binh_quiz.participant.id
    assert "Nhập mã cá nhân" not in states or page.daily.code.value == ""  # the code does not stay in a widget
    assert thu_code not in states and thu_code.replace("-", "") not in states


# ---------------------------------------------------------------- the trainer's view


def answered(store, pid, q, right: bool, at) -> None:
    """One answer of an officer on a question, reviewed as a page would store it."""
    reviews = ReviewStore(store)
    answer = q.correct[0] if right else next(i for i in range(len(q.options)) if i not in q.correct)
    reviews.save(apply_answer(reviews.memories(pid, cards_of(q)), q, answer, at, officer=str(pid), source="review"))


@pytest.fixture
def group(plan, bank, store):
    """A closed session of Thu, Bình (who answered) and Lan (who joined and answered nothing); then Thu and
    Bình recall one fact on later days: 5 recall answers, 3 of them forgotten."""
    by_id = {q.id: q for q in bank}
    session = create_session(store, plan, bank, title="Lớp Hoàn Kiếm", topic="all", n=3)
    people = {}
    for name in (THU, BINH, LAN):
        person = store.participant(name, "phuong_hoan_kiem")
        run = join_session(store, plan, by_id, session.code, person)
        run.memory, run.clock = record_answer, (lambda: T0)
        if name != LAN:
            for i in range(run.total):
                run.answer(i, shown_key(run, i) if name == THU else shown_wrong(run, i))
        people[name] = person
    fact = next(q for q in bank if q.type == "single" and len(cards_of(q)) == 1 and q.template == "lead"
                and q.section != by_id[session.question_ids[0]].section
                and not set(cards_of(q)) & {c for i in session.question_ids for c in cards_of(by_id[i])})
    # The first answer on a day learns the fact; the later ones recall it.
    for name, pattern in ((THU, (True, False, True, False)), (BINH, (True, True, False))):
        for day, right in enumerate(pattern, start=1):
            answered(store, people[name].id, fact, right, T0 + timedelta(days=day))
    return session, people, fact


def opened_trainer(plan, bank, store, at):
    trainer = TrainerApp(plan, bank, store, env={})
    trainer.passcode.value = PASSCODE
    trainer.unlock.click()
    trainer.reviews.clock = lambda: at
    return trainer


def test_does_the_trainer_see_who_is_due_what_the_group_forgets_and_who_stopped(plan, bank, store, group):
    session, people, fact = group
    at = T0 + timedelta(days=10)
    trainer = opened_trainer(plan, bank, store, at)
    view = trainer.reviews
    assert view.home_part in trainer.home_box.children
    view.sessions.value = (session.code,)
    view.show.click()
    assert trainer.error.value == "", trainer.error.value
    g = view.group
    assert [p.name for p in g.people] == [THU, BINH, LAN] and g.reviewing == 2
    reviews = ReviewStore(store)
    for name in (THU, BINH):
        pid = people[name].id
        due = sum(1 for m in reviews.memories(pid).values() if vietnam_day(m.due) <= vietnam_day(at))
        row = next(d for d in g.due if d.officer == str(pid))
        assert row.due == due > 0
        assert f"{THU if name == THU else BINH} <span" in view.figures.value
    (forgotten,) = g.forgotten
    assert (forgotten.card_id, forgotten.reviews, forgotten.again, forgotten.officers) == (cards_of(fact)[0], 5, 3, 2)
    assert f"3/5</td><td class=\"n\">{percent(0.6)}" in view.figures.value
    section = next(r for r in g.retention if r.section == fact.section)
    assert (section.reviews, section.right) == (5, 2)
    assert [(i.officer, i.days) for i in g.idle] == [(str(people[LAN].id), None)]  # 6 and 7 days are not two weeks
    later = opened_trainer(plan, bank, store, T0 + timedelta(days=18)).reviews
    later.sessions.value = (session.code,)
    later.show.click()
    assert [(i.officer, i.days) for i in later.group.idle] == [
        (str(people[LAN].id), None), (str(people[BINH].id), 15), (str(people[THU].id), 14)]


def test_can_the_trainer_choose_a_unit_and_is_a_choice_the_page_did_not_offer_refused(plan, bank, store, group):
    _, people, _ = group
    view = opened_trainer(plan, bank, store, T0 + timedelta(days=10)).reviews
    view.kind.value = "don-vi"
    assert view.unit.options and "phuong_hoan_kiem" in dict(view.unit.options).values()
    view.unit.value = "phuong_hoan_kiem"
    view.show.click()
    assert [p.name for p in view.group.people] == [THU, BINH, LAN]
    view.kind.value = "phien"
    view.sessions.options = [("Lớp giả", "ZZZZZZ")]  # the browser can send options the kernel never offered…
    view.sessions.value = ("ZZZZZZ",)
    view.show.click()  # … and the group is what the store holds for it: nobody
    assert view.group is None or view.group.people == ()


def workbook(view):
    view.download.click()
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", view.download_link.value)[1])
    return load_workbook(io.BytesIO(data))


def test_is_the_groups_workbook_free_of_formulas_and_of_names_unless_chosen(plan, bank, store, group):
    from toolkit.storage.personal import PersonalStore

    session, people, _ = group
    PersonalStore(store).correct(people[BINH].id, "=HYPERLINK(\"http://x.example\",\"Bình\")", "phuong_hoan_kiem")
    view = opened_trainer(plan, bank, store, T0 + timedelta(days=10)).reviews
    view.sessions.value = (session.code,)
    view.show.click()
    for choice in ("an-danh", "ho-ten"):
        view.names.value = choice
        wb = workbook(view)
        assert wb.sheetnames == ["Nhóm", "Cần ôn", "Theo mục", "Hay quên", "Lâu không ôn"]
        cells = [c for ws in wb for row in ws.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"]
        first = wb["Nhóm"]
        assert first["A2"].value == PERSONAL_DATA
        text = " ".join(str(c.value) for c in cells if c.value is not None)
        if choice == "an-danh":
            assert "không có họ tên" in first["B2"].value and "NTG-001" in text
            assert THU not in text and LAN not in text and "HYPERLINK" not in text
        else:
            assert first["B2"].value.startswith("Tệp này có họ tên") and THU in text and LAN in text
            assert "=HYPERLINK" in text  # kept as the text it is, not run


def test_does_a_workshop_participant_come_back_with_the_code_to_the_workshops_facts(plan, bank, store):
    """Issue 14's whole path: answers given on the workshop page (a page of its own, its own kernel) schedule
    the officer's cards; days later the personal code from that page's results screen opens the review of
    exactly the cards due, the workshop's first among them."""
    from toolkit.ui.participant import ParticipantApp

    session = create_session(store, plan, bank, title="Lớp Hoàn Kiếm", topic="all", n=5)
    page = ParticipantApp(plan, bank, Store(store.url), code=session.code)
    page.name.value, page.unit.value = THU, "phuong_hoan_kiem"
    page.sign_in.click()
    assert page.body.children == (page.quiz_box,), page.notice.value + page.error.value
    for i in range(page.run.total):
        give(page, wrong_for(page) if i == 0 else key_for(page))  # the first answered wrong
        if page.run.next_unanswered() is not None and page.position == i:
            page.next.click()
    page.finish.click()
    assert page.body.children == (page.results_box,)
    code = re.search(r'aria-label="Mã cá nhân">([A-Z0-9-]+)<', page.personal_code.widget.value).group(1)
    pid = page.participant.id
    by_id = {q.id: q for q in bank}
    workshop_cards = {c for qid in session.question_ids for c in cards_of(by_id[qid])}
    logged = ReviewStore(store).log(pid)
    assert {e.card_id for e in logged} == workshop_cards and {e.source for e in logged} == {"workshop"}

    later = max(e.at for e in logged) + timedelta(days=3)
    app = come_back(plan, bank, store, Clock(later), code)
    expected = stored_day(plan, bank, store, pid, later)
    assert set(expected.due) <= workshop_cards and expected.due  # the wrong one (due after a day) at least
    app.daily.start.click()
    asked = [cards_of(q) for q in app.daily.run.questions]
    assert [card in cards for card, cards in zip(expected.queue, asked)] == [True] * len(expected.queue)
    assert len(asked) == len(expected.queue)
