"""Steps of a workshop round in Chromium, shared by the workshop test and the two-server deployment test."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import expect

from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store

TRAINER = "4-tap-huan-bao-cao-vien.ipynb"
JOIN = "4-tap-huan-tham-gia.ipynb"
T = ".pbgdpl-trainer"
Q = ".pbgdpl-quiz"
STEP_MS = 30_000
UNIT_LABEL, UNIT_KEY = "UBND phường Hoàn Kiếm", "phuong_hoan_kiem"
TITLE = "Tập huấn Kế hoạch 241 — thử nghiệm"


def button(page, root: str, name: str):
    return page.locator(f'{root} button.widget-button[title="{name}"]')


def new_phone(browser):
    context = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(STEP_MS)
    return context


def close_context(context) -> None:
    for open_page in context.pages:
        with contextlib.suppress(Exception):
            open_page.goto("about:blank", timeout=10_000)  # fires Voila's shutdown beacon, as closing a tab does
    context.close()


def create_session(page, trainer_url: str, passcode: str, wait_for_widgets, show_rank: bool = False) -> str:
    """Unlock the trainer page, create a 5-question test-mode session; return its join code."""
    page.goto(trainer_url)
    wait_for_widgets(page)
    trainer = page.locator(T)
    expect(trainer.get_by_label("Mã truy cập")).to_be_visible()
    trainer.get_by_label("Mã truy cập").fill(passcode)
    button(page, T, "Mở trang").click()
    trainer.get_by_label("Tên buổi tập huấn").fill(TITLE)
    trainer.get_by_label("Số câu hỏi").select_option(label="5")
    mode = trainer.locator(".widget-toggle-button", has_text="Kiểm tra (xem đáp án khi nộp bài)")
    expect(mode).to_have_class(re.compile(r"\bmod-active\b"))  # test mode is the default
    if show_rank:
        trainer.get_by_text("Học viên xem được thứ hạng của mình khi nộp bài").click()
    button(page, T, "Tạo phiên").click()
    expect(trainer.locator(".join-code")).to_have_text(re.compile(r"^[A-Z2-9]{6}$"))
    return trainer.locator(".join-code").inner_text()


def shown_answer(q, raw: dict, right: bool):
    """What to click (display positions) for question q shown in the stored order `raw`."""
    order, rows = raw["o"], raw.get("r", [])
    if q.type in ("single", "true_false"):
        good = order.index(q.correct[0])
        return good if right else next(i for i in range(len(order)) if i != good)
    if q.type == "multiple":
        good = sorted(order.index(c) for c in q.correct)
        bad = [i for i in range(len(order)) if order[i] not in q.correct][:1]
        return good if right else (bad or good[:1])
    if q.type == "matching":
        good = [order.index(q.correct[r]) for r in rows]
        return good if right else good[1:] + good[:1]
    return q.answers[0] if right else "không nhớ"


def answer(page, q, raw: dict, right: bool) -> None:
    root = page.locator(Q)
    expect(root.locator(".stem")).to_have_text(q.stem)
    shown = shown_answer(q, raw, right)
    if q.type in ("single", "true_false"):
        root.locator(".widget-radio-box input[type=radio]").nth(shown).check()
    elif q.type == "multiple":
        for i in shown:
            root.locator(".widget-checkbox input[type=checkbox]").nth(i).check()
    elif q.type == "matching":
        for row, choice in enumerate(shown):
            root.locator(".match-row select").nth(row).select_option(index=choice + 1)
    else:
        root.locator(".typed-answer input").fill(shown)
    button(page, Q, "Trả lời").click()


def join(page, join_url: str, wait_for_widgets, code: str, name: str) -> None:
    """Open the participant page at `join_url` (with ?code=…, as the QR code gives it) and sign in."""
    page.goto(join_url)
    wait_for_widgets(page)
    root = page.locator(Q)
    expect(root.get_by_label("Mã phiên")).to_have_value(code)  # filled in from the QR code's URL
    root.get_by_label("Họ và tên").fill(name)
    root.get_by_label("Đơn vị công tác").select_option(label=UNIT_LABEL)
    button(page, Q, "Tham gia").click()
    expect(root.locator(".progress-text")).to_have_text("Câu 1/5 · Đã trả lời 0/5")
    expect(page.locator(Q)).to_contain_text(TITLE)


def attempt_of(store: Store, code: str, name: str):
    participant = store.participant(name, UNIT_KEY)
    mine = [a for a in SessionStore(store).attempts(code) if a.pid == participant.id]
    assert len(mine) == 1, mine
    return store.attempt(mine[0].id)
