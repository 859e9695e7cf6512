"""“Báo lỗi câu hỏi” in real Chromium: a participant on a 375 px phone reports a question of a workshop
session with a short note; the trainer, on a desktop, finds it under “Câu hỏi bị báo lỗi”.

Nothing is retired here: the server reads the checkout's quizzes/, and retiring writes there (the
retiring itself is driven without a browser in tests/ui/test_report_question.py).

Screenshots: /tmp/report-phone.png (the box open on the phone), /tmp/report-trainer.png.
"""

from __future__ import annotations

import html

from helpers import key_leaks
from playwright.sync_api import expect

from tests.browser.workshop_steps import (
    JOIN,
    TRAINER,
    Q,
    T,
    answer,
    attempt_of,
    button,
    close_context,
    create_session,
    join,
    new_phone,
)
from toolkit.plan.load import load_plan
from toolkit.quiz.banks import question_bank
from toolkit.storage.store import Store

PHONE_WIDTH, TOLERANCE_PX = 375, 2
NAME = "Vũ Thị Báo Lỗi"
NOTE = "Kế hoạch giao cơ quan khác chủ trì"
# As in test_quiz_page.py: a box that scrolls sideways while the document does not.
SIDEWAYS_JS = """tolerance => [...document.querySelectorAll('*')].filter(el => {
  const x = getComputedStyle(el).overflowX;
  return (x === 'auto' || x === 'scroll') && el.scrollWidth > el.clientWidth + tolerance;
}).map(el => `${el.tagName}.${el.className} ${el.scrollWidth}>${el.clientWidth}`)"""


def test_a_participant_reports_a_question_on_a_phone_and_the_trainer_sees_it(page, browser, voila_server,
                                                                           wait_for_widgets):
    bank = {q.id: q for q in question_bank(load_plan())[0]}
    store = Store(voila_server.database_url)
    code = create_session(page, voila_server.url(TRAINER), voila_server.passcode, wait_for_widgets)
    context = new_phone(browser)
    try:
        phone = context.new_page()
        join(phone, voila_server.url(JOIN) + f"?code={code}", wait_for_widgets, code, NAME)
        root = phone.locator(Q)
        expect(root.locator(".report-box")).to_be_hidden()  # nothing answered yet: nothing to report
        raw = attempt_of(store, code, NAME).items[0]
        q = bank[raw["q"]]
        answer(phone, q, raw, right=False)
        expect(root.locator(".progress-text")).to_contain_text("Câu 2/5")  # test mode moves on
        button(phone, Q, "Câu trước").click()
        expect(root.locator(".stem")).to_have_text(q.stem)
        button(phone, Q, "Báo lỗi câu hỏi").click()
        root.get_by_label("Ghi chú ngắn (không bắt buộc)").fill(NOTE)
        phone.screenshot(path="/tmp/report-phone.png")
        assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE_WIDTH + TOLERANCE_PX
        assert phone.evaluate(SIDEWAYS_JS, TOLERANCE_PX) == []
        button(phone, Q, "Gửi").click()
        expect(root).to_contain_text("Đã ghi nhận, cảm ơn bạn.")
        expect(root.get_by_label("Ghi chú ngắn (không bắt buộc)")).to_be_hidden()
        body = html.unescape(phone.content())
        assert not key_leaks(q, body)  # test mode: the key still waits

        reported = {r.question_id: r for r in store.question_reports()}[q.id]
        assert [n.note for n in reported.notes if n.name == NAME] == [NOTE]

        # ---- the trainer, back on the list of sessions, opens the reported questions
        trainer = page.locator(T)
        button(page, T, "Về danh sách phiên").click()
        expect(trainer.locator("button.widget-button", has_text="Câu hỏi bị báo lỗi (")).to_be_visible()
        trainer.locator("button.widget-button", has_text="Câu hỏi bị báo lỗi (").click()
        card = trainer.locator(".reported", has_text=q.stem)
        expect(card).to_contain_text(f"“{NOTE}” — {NAME}")
        expect(card).to_contain_text("người báo lỗi")
        expect(card.locator("blockquote")).to_contain_text(q.source[:60])
        expect(card.locator("li.key").first).to_be_visible()
        expect(trainer.get_by_label("Lý do (bắt buộc)")).to_be_visible()
        page.screenshot(path="/tmp/report-trainer.png")
    finally:
        close_context(context)
        store.engine.dispose()
