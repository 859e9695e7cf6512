"""The question screen built once and reused (issue 16), in Chromium: each kind of question after any
other shows its own options, nothing chosen, enabled; once answered, what was chosen, disabled.

A practice-mode workshop session of ten questions of every kind, so that the same inputs serve
several questions in a row and are handed from one kind to another.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.workshop_steps import JOIN, UNIT_LABEL, Q, answer, attempt_of, button
from toolkit.plan.catalogue import key_of
from toolkit.plan.load import load_plan
from toolkit.quiz.banks import question_bank
from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store

MIX = {"single": 3, "true_false": 2, "multiple": 2, "matching": 1, "text": 2}
NAME = "Đỗ Thị Hạnh"


@pytest.fixture(scope="module")
def bank():
    questions, problems = question_bank(load_plan())
    assert not problems
    return questions


@pytest.fixture
def store(voila_server):
    db = Store(voila_server.database_url)
    yield db
    db.engine.dispose()


def labels(q, raw) -> list[str]:
    shown = [q.options[i] for i in raw["o"]]
    return shown if q.type in ("true_false", "matching") else [f"{chr(65 + i)}. {o}" for i, o in enumerate(shown)]


def expect_fresh(root, q, raw) -> None:
    """Question q on screen with its own options, nothing chosen, every input enabled."""
    expect(root.locator(".stem")).to_have_text(q.stem)
    if q.type in ("single", "true_false"):
        radios = root.locator(".widget-radio-box input[type=radio]")
        expect(root.locator(".widget-radio-box label")).to_have_text(labels(q, raw))
        for i in range(len(raw["o"])):
            expect(radios.nth(i)).not_to_be_checked()
            expect(radios.nth(i)).to_be_enabled()
    elif q.type == "multiple":
        boxes = root.locator(".widget-checkbox input[type=checkbox]")
        expect(root.locator(".widget-checkbox")).to_have_text(labels(q, raw))
        for i in range(len(raw["o"])):
            expect(boxes.nth(i)).not_to_be_checked()
            expect(boxes.nth(i)).to_be_enabled()
    elif q.type == "matching":
        rows = root.locator(".match-row")
        expect(rows.locator("label")).to_have_text([q.rows[r] for r in raw["r"]])
        for r in range(len(raw["r"])):
            select = rows.nth(r).locator("select")
            expect(select.locator("option")).to_have_text(["— chọn —", *labels(q, raw)])
            expect(select).to_be_enabled()
            assert select.evaluate("s => s.selectedIndex") == 0
    else:
        expect(root.locator(".typed-answer input")).to_have_value("")
        expect(root.locator(".typed-answer input")).to_be_enabled()
    expect(root.locator(".feedback")).to_have_count(0)


def expect_answered(root, q) -> None:
    expect(root.locator(".feedback .verdict")).to_be_visible()
    inputs = {"single": ".widget-radio-box input", "true_false": ".widget-radio-box input",
              "multiple": ".widget-checkbox input", "matching": ".match-row select", "text": ".typed-answer input"}
    expect(root.locator(inputs[q.type]).first).to_be_disabled()
    if q.type in ("single", "true_false"):
        expect(root.locator(".widget-radio-box input:checked")).to_have_count(1)


def test_every_kind_of_question_after_any_other_on_the_same_inputs(page, voila_server, wait_for_widgets, store,
                                                                    bank):
    plan = load_plan()
    ids = []
    for qtype, n in MIX.items():
        ids += [q.id for q in bank if q.type == qtype][:n]
    session = SessionStore(store).create("Thử dùng lại câu hỏi", "all", "practice", ids, None, show_rank=False,
                                         tie_break_time=False, plan=key_of(plan))
    page.goto(voila_server.url(JOIN) + f"?code={session.code}")
    wait_for_widgets(page)
    root = page.locator(Q)
    root.get_by_label("Họ và tên").fill(NAME)
    root.get_by_label("Đơn vị công tác").select_option(label=UNIT_LABEL)
    button(page, Q, "Tham gia").click()
    total = len(ids)
    expect(root.locator(".progress-text")).to_have_text(f"Câu 1/{total} · Đã trả lời 0/{total}")
    items = attempt_of(store, session.code, NAME).items
    by_id = {q.id: q for q in bank}
    for pos, raw in enumerate(items):
        q = by_id[raw["q"]]
        expect(root.locator(".progress-text")).to_have_text(f"Câu {pos + 1}/{total} · Đã trả lời {pos}/{total}")
        expect_fresh(root, q, raw)
        answer(page, q, raw, right=pos % 2 == 0)
        expect_answered(root, q)
        if pos < total - 1:
            button(page, Q, "Câu tiếp theo").click()
    # Back to the first question: shown as answered, with what was chosen, on the same inputs.
    for _ in range(total - 1):
        button(page, Q, "Câu trước").click()
    expect(root.locator(".progress-text")).to_have_text(f"Câu 1/{total} · Đã trả lời {total}/{total}")
    expect_answered(root, by_id[items[0]["q"]])
