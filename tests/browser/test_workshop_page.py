"""A workshop round in real Chromium: the trainer on a desktop, three participants on phones.

- The trainer unlocks the page with the server's passcode, creates a 5-question session and reads
  its join code; the join URL and QR code point at the participant page with `?code=`.
- Three participants, each in their own browser context (their own phone), open that URL, sign
  in and answer; the trainer's dashboard follows without a reload (the browser-driven ticker).
- Closing the session refuses the last participant's next answer, with a message on their page.
- Someone who opens the trainer page without the passcode gets the passcode field and nothing else.

Screenshots: /tmp/trainer.png (1280×800), /tmp/trainer-full.png, /tmp/trainer-1920.png (projector),
/tmp/trainer-closed.png, /tmp/participant-question.png, /tmp/participant-phone.png, /tmp/participant-closed.png.
"""

from __future__ import annotations

import html

import pytest
from helpers import key_leaks
from playwright.sync_api import expect

from tests.browser.workshop_steps import (
    JOIN,
    TITLE,
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
from toolkit.paths import NOTEBOOK_DIR
from toolkit.plan.load import load_plan
from toolkit.quiz.banks import question_bank
from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store

PEOPLE = (("Nguyễn Thị Mai", 5), ("Trần Văn Bình", 3), ("Lê Hoàng Yến", 1))


@pytest.fixture(scope="module")
def bank():
    questions, problems = question_bank(load_plan())
    assert not problems
    return {q.id: q for q in questions}


@pytest.fixture
def store(voila_server):
    db = Store(voila_server.database_url)
    yield db
    db.engine.dispose()


def test_a_workshop_round_trainer_and_three_phones(page, browser, voila_server, wait_for_widgets, store, bank):
    # ---- the trainer unlocks and creates a session
    code = create_session(page, voila_server.url(TRAINER), voila_server.passcode, wait_for_widgets, show_rank=True)
    trainer = page.locator(T)
    url = voila_server.url(JOIN) + f"?code={code}"
    expect(trainer.locator(".join-url")).to_have_text(url)
    # This server listens on 127.0.0.1 only: phones cannot open it, so the page says so, loudly, and
    # shows no QR code to scan in vain (test_the_qr_code_points_at_the_public_address has the QR).
    expect(trainer.locator(".lan-warning")).to_be_visible()
    expect(trainer.locator(".lan-warning")).to_contain_text("toolkit serve --lan")
    expect(trainer.locator("img.qr")).to_be_hidden()
    expect(trainer.locator(".counts")).to_have_text("Đã tham gia: 0 · Đã nộp bài: 0 · Đang làm: 0")
    page.evaluate("window.__sameDocument = true")  # gone if the page reloads

    # ---- three participants on their own phones
    contexts = [new_phone(browser) for _ in PEOPLE]
    try:
        phones = [c.new_page() for c in contexts]
        for phone, (name, _right) in zip(phones, PEOPLE):
            join(phone, url, wait_for_widgets, code, name)
        expect(trainer.locator(".counts")).to_have_text("Đã tham gia: 3 · Đã nộp bài: 0 · Đang làm: 3")

        # The first two answer everything and submit; the third stops before the last question.
        items = {}
        for phone, (name, right) in zip(phones, PEOPLE):
            items[name] = attempt_of(store, code, name).items
            stop = 5 if right != 1 else 4
            for pos in range(stop):
                raw = items[name][pos]
                if name == PEOPLE[1][0] and pos == 1:
                    phone.screenshot(path="/tmp/participant-question.png")
                answer(phone, bank[raw["q"]], raw, right=pos < right)
                expect(phone.locator(f"{Q} .progress-text")).to_contain_text(f"Đã trả lời {pos + 1}/5")
            if stop == 5:
                button(phone, Q, "Nộp bài").click()
                expect(phone.locator(f"{Q} .score")).to_be_visible()
                expect(phone.locator(f"{Q} .rank")).to_contain_text("/3 người tham gia")
        expect(phones[0].locator(f"{Q} .score")).to_have_text("5/5 điểm (100%)")
        expect(phones[0].locator(f"{Q} .rank")).to_contain_text("Thứ hạng của bạn: 1/3")
        phones[1].locator(f"{Q} .rank").scroll_into_view_if_needed()
        phones[1].screenshot(path="/tmp/participant-phone.png")

        # ---- the dashboard followed, without a reload
        expect(trainer.locator(".counts")).to_have_text("Đã tham gia: 3 · Đã nộp bài: 2 · Đang làm: 1")
        for name, _ in PEOPLE:
            expect(trainer.locator("table.people")).to_contain_text(name)
        expect(trainer.locator("table.people tr").nth(1)).to_contain_text(PEOPLE[0][0])  # 5/5 ranks first
        expect(trainer.locator(".missed .stem")).to_be_visible()
        # Test mode and still open: the projected screen holds no key, explanation or plan excerpt.
        body = html.unescape(page.content())
        for raw in items[PEOPLE[0][0]]:
            q = bank[raw["q"]]
            assert not key_leaks(q, body), q.id
        expect(trainer.locator(".missed")).to_contain_text("chỉ hiện khi phiên đã đóng")
        expect(button(page, T, "Hiện đáp án")).to_be_hidden()
        expect(trainer.locator("table.per-question tr")).to_have_count(6)
        page.wait_for_function(f"() => {{ const i = document.querySelector('{T} img.histogram');"
                               " return i && i.naturalWidth > 0; }")
        assert page.evaluate("window.__sameDocument") is True
        page.screenshot(path="/tmp/trainer.png")
        # Voila scrolls inside its own box: a tall viewport shows the whole dashboard in one picture.
        page.set_viewport_size({"width": 1280, "height": 2600})
        page.screenshot(path="/tmp/trainer-full.png")
        page.set_viewport_size({"width": 1920, "height": 1080})
        page.screenshot(path="/tmp/trainer-1920.png")
        # A projector at 1280×900: with answers in, the join code has shrunk and the live results are
        # on screen without scrolling.
        page.set_viewport_size({"width": 1280, "height": 900})
        expect(trainer.locator(".join-row.compact")).to_be_visible()
        for live in (".counts", ".live-row h3", "table.people tr >> nth=1"):
            box = trainer.locator(live).first.bounding_box()
            assert box and box["y"] + box["height"] <= 900, f"{live} below the fold: {box}"
        page.screenshot(path="/tmp/trainer-900.png")
        page.set_viewport_size({"width": 1280, "height": 800})

        # ---- closing asks first, then refuses the next answer, on the participant's page
        button(page, T, "Đóng phiên").click()
        expect(trainer.locator(".confirm-close", has_text="Đóng phiên ngay")).to_contain_text("1 người chưa nộp bài")
        assert SessionStore(store).get(code).is_open
        button(page, T, "Đóng phiên ngay").click()
        expect(trainer.locator(".status-closed")).to_be_visible()
        expect(trainer.locator(".confirm-close", has_text="Đóng phiên ngay")).to_be_hidden()
        button(page, T, "Hiện đáp án").click()
        expect(trainer.locator(".missed")).to_contain_text("Đáp án đúng:")
        expect(trainer).to_contain_text("Phân tích sau buổi tập huấn")
        expect(trainer).to_contain_text("Nhầm lẫn cơ quan qua tất cả các phiên tập huấn")
        assert not SessionStore(store).get(code).is_open
        page.set_viewport_size({"width": 1280, "height": 5000})
        page.screenshot(path="/tmp/trainer-closed.png")
        page.set_viewport_size({"width": 1280, "height": 800})

        last, (name, _right) = phones[2], PEOPLE[2]
        raw = items[name][4]
        answer(last, bank[raw["q"]], raw, right=True)
        expect(last.locator(f"{Q} .pbgdpl-alert").first).to_contain_text("Phiên đã đóng")
        expect(last.locator(f"{Q} .score")).to_be_visible()
        last.screenshot(path="/tmp/participant-closed.png")
        assert len(store.responses(attempt_of(store, code, name).id)) == 4

        # ---- a participant opens the trainer page: the passcode field and nothing else
        snoop = phones[0]
        snoop.goto(voila_server.url(TRAINER))
        wait_for_widgets(snoop)
        expect(snoop.locator(T).get_by_label("Mã truy cập")).to_be_visible()
        content = snoop.content()
        for secret in (code, TITLE, *(n for n, _ in PEOPLE), "Tạo phiên"):
            assert secret not in content, secret
        assert "Traceback" not in page.inner_text("body")
    finally:
        for context in contexts:
            close_context(context)


@pytest.fixture(scope="module")
def public_server(voila_factory):
    # As `toolkit serve --lan` sets it: the address phones reach (a documentation address: nothing opens it).
    return voila_factory(NOTEBOOK_DIR, extra_env={"TOOLKIT_PUBLIC_URL": "http://192.0.2.10:8866"})


def test_the_qr_code_points_at_the_public_address(public_server, page, wait_for_widgets):
    create_session(page, public_server.url(TRAINER), public_server.passcode, wait_for_widgets)
    trainer = page.locator(T)
    expect(trainer.locator(".join-url")).to_contain_text("http://192.0.2.10:8866/voila/render/" + JOIN + "?code=")
    expect(trainer.locator(".lan-warning")).to_have_count(0)
    page.wait_for_function(f"() => {{ const i = document.querySelector('{T} img.qr');"
                           " return i && i.naturalWidth >= 200 && i.getBoundingClientRect().width >= 200; }")
