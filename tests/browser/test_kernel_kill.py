"""A participant's kernel killed with SIGKILL mid-attempt loses no answer.

In real Chromium against the real Voila server: sign in, start a 10-question practice attempt,
answer 3 questions, then SIGKILL the page's kernel process (found among the Voila server's child
processes by the kernel id the page holds). Reloading the page gives a new kernel; signing in
again offers the unfinished attempt with 3/10 answered, and resuming shows each of the three
answers exactly as it was given, locked, with its feedback.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time

import psutil
from playwright.sync_api import expect

QUIZ = "2-kiem-tra.ipynb"
ROOT = ".pbgdpl-quiz"
UNIT_LABEL = "UBND phường Hoàn Kiếm"
UNIT_KEY = "phuong_hoan_kiem"
NAME = "Phạm Thị Kiên Nhẫn"
ANSWERED = 3


def button(page, name: str):
    return page.locator(f'{ROOT} button.widget-button[title="{name}"]')


def sign_in(page) -> None:
    root = page.locator(ROOT)
    root.get_by_label("Họ và tên").fill(NAME)
    root.get_by_label("Đơn vị công tác").select_option(label=UNIT_LABEL)
    button(page, "Tiếp tục").click()


def kernel_id(page) -> str:
    return page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")


def kernel_process(server, kid: str) -> psutil.Process:
    for pid in server.kernel_pids():
        with contextlib.suppress(psutil.Error):
            proc = psutil.Process(pid)
            if any(kid in arg for arg in proc.cmdline()):
                return proc
    raise AssertionError(f"no kernel process with id {kid} under the Voila server {server.pid}")


def question_kind(page) -> str:
    """The kind of the question on screen, once its inputs are rendered and enabled.

    After “Câu tiếp theo” the progress line can update before the new inputs replace the previous
    (answered, disabled) ones, so this waits for enabled inputs rather than counting what is there.
    """
    root = page.locator(ROOT)
    kinds = (("radio", ".widget-radio-box input[type=radio]:enabled"),
             ("checkbox", ".widget-checkbox input[type=checkbox]:enabled"),
             ("matching", ".match-row select:enabled"), ("text", ".typed-answer input:enabled"))
    root.locator(", ".join(sel for _, sel in kinds)).first.wait_for(state="visible", timeout=30_000)
    for kind, selector in kinds:
        if root.locator(selector).count():
            return kind
    raise AssertionError("no answer input on the page")


def give_answer(page, kind: str):
    """The first option (or "2022"): what the participant gave, as the page shows it."""
    root = page.locator(ROOT)
    if kind == "radio":
        root.locator(".widget-radio-box input[type=radio]:enabled").first.check()
    elif kind == "checkbox":
        root.locator(".widget-checkbox input[type=checkbox]:enabled").first.check()
    elif kind == "matching":
        # The rows' dropdowns render one by one: answer only once every row of the question is there
        # (the page refuses a matching answer with a row left unchosen).
        selects = root.locator(".match-row select:enabled")
        count, deadline = -1, time.monotonic() + 30
        while count != selects.count() and time.monotonic() < deadline:
            count = selects.count()
            page.wait_for_timeout(500)
        for select in selects.all():
            select.select_option(index=1)
    else:
        root.locator(".typed-answer input").fill("2022")
    return kind


def expect_answer_kept(page, kind: str) -> None:
    """The question shows the answer given before the kill, locked, with its feedback."""
    root = page.locator(ROOT)
    if kind == "radio":
        first = root.locator(".widget-radio-box input[type=radio]").first
        expect(first).to_be_checked()
        expect(first).to_be_disabled()
    elif kind == "checkbox":
        first = root.locator(".widget-checkbox input[type=checkbox]").first
        expect(first).to_be_checked()
        expect(first).to_be_disabled()
    elif kind == "matching":
        for select in root.locator(".match-row select").all():
            expect(select).to_be_disabled()
            expect(select).to_have_js_property("selectedIndex", 1)
    else:
        expect(root.locator(".typed-answer input")).to_have_value("2022")
        expect(root.locator(".typed-answer input")).to_be_disabled()
    expect(root.locator(".feedback .verdict")).to_be_visible()
    expect(button(page, "Trả lời")).to_be_hidden()


def test_a_killed_kernel_loses_no_answer(voila_server, page, wait_for_widgets):
    root = page.locator(ROOT)
    page.goto(voila_server.url(QUIZ))
    wait_for_widgets(page)
    sign_in(page)
    button(page, "Bắt đầu làm bài").click()
    expect(root.locator(".progress-text")).to_have_text("Câu 1/10 · Đã trả lời 0/10")

    given = []
    for position in range(ANSWERED):
        kind = give_answer(page, question_kind(page))
        button(page, "Trả lời").click()
        expect(root.locator(".feedback .verdict")).to_be_visible()
        expect(root.locator(".progress-text")).to_have_text(
            f"Câu {position + 1}/10 · Đã trả lời {position + 1}/10")
        given.append(kind)
        button(page, "Câu tiếp theo").click()
        expect(root.locator(".progress-text")).to_have_text(
            f"Câu {position + 2}/10 · Đã trả lời {position + 1}/10")

    # Mid-attempt (question 4 on screen), the kernel process dies without any chance to clean up.
    killed_id = kernel_id(page)
    victim = kernel_process(voila_server, killed_id)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    assert not psutil.pid_exists(victim.pid) or victim.status() == psutil.STATUS_ZOMBIE

    # The participant reloads: a new kernel, a fresh page.
    page.reload()
    wait_for_widgets(page)
    assert kernel_id(page) != killed_id
    sign_in(page)
    expect(root).to_contain_text(f"Chào {NAME}. Bạn có bài đang làm dở ({ANSWERED}/10 câu đã trả lời).")
    button(page, "Làm tiếp bài đang dở").click()
    # Resumes at the first unanswered question, with every earlier answer counted.
    expect(root.locator(".progress-text")).to_have_text(f"Câu {ANSWERED + 1}/10 · Đã trả lời {ANSWERED}/10")
    for position in reversed(range(ANSWERED)):
        button(page, "Câu trước").click()
        expect(root.locator(".progress-text")).to_have_text(f"Câu {position + 1}/10 · Đã trả lời {ANSWERED}/10")
        expect_answer_kept(page, given[position])

    # And the database holds exactly those three answers, once each.
    from toolkit.storage.store import Store

    url = getattr(voila_server, "database_url", "") or ""
    if url:
        store = Store(url)
        try:
            person = store.participant(NAME, UNIT_KEY)
            (attempt,) = store.open_attempts(person.id)
            assert [r.position for r in store.responses(attempt.id)] == list(range(ANSWERED))
        finally:
            store.engine.dispose()
