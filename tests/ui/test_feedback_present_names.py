"""Does the quiz's feedback, and the results review, give today's name of a merged department?"""

from __future__ import annotations

import html

from helpers import give, key_for, wrong_for

from toolkit.quiz.questions import present_name_notes
from toolkit.ui.quiz import QuizApp

N = 5  # the smallest quiz the page offers


def start(plan, questions, store):
    app = QuizApp(plan, questions, store)
    app.name.value, app.unit.value = "Phạm Minh Đức", "so_tu_phap"
    app.sign_in.click()
    app.count.value, app.mode.value = N, "practice"
    app.start.click()
    assert app.body.children == (app.quiz_box,), app.notice.value + app.error.value
    return app


def noted(plan, bank):
    """Questions whose texts name a merged department, lead:II.3.c:so_tttt first."""
    found = [q for q in bank if present_name_notes(q, plan, 2026)]
    return sorted(found, key=lambda q: q.id != "lead:II.3.c:so_tttt")


def test_does_practice_feedback_add_todays_name_and_keep_the_plans_key(plan, bank, store):
    app = start(plan, noted(plan, bank), store)
    assert all(present_name_notes(q, plan, 2026) for q in app.run.questions)
    for _ in range(app.run.total):
        q = app.run.questions[app.position]
        give(app, key_for(app))
        assert f"<b>Đáp án đúng:</b> {html.escape(q.correct_text)}</p>" in app.feedback.value
        for note in present_name_notes(q, plan, 2026):
            assert f'<p class="present-name">{html.escape(note)}</p>' in app.feedback.value, q.id
        assert app.feedback.value.count('class="present-name"') == len(present_name_notes(q, plan, 2026))
        if not app.next.disabled:
            app.next.click()


def test_does_the_results_review_show_the_note_of_each_mistake(plan, bank, store):
    app = start(plan, noted(plan, bank), store)
    for _ in range(app.run.total):
        give(app, wrong_for(app))
        if not app.next.disabled:
            app.next.click()
    app.finish.click()
    assert f"Các câu cần xem lại ({app.run.total})" in app.review.value
    for q in app.run.questions:
        for note in present_name_notes(q, plan, 2026):
            assert html.escape(note) in app.review.value, q.id


def test_is_a_question_naming_no_merged_body_left_without_a_note(plan, bank, store):
    plain = [q for q in bank if q.id.startswith("lead:") and not present_name_notes(q, plan, 2026)][:N]
    app = start(plan, plain, store)
    give(app, key_for(app))
    assert "Đáp án đúng" in app.feedback.value and 'class="present-name"' not in app.feedback.value
