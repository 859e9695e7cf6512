"""A ward officer in 2026, on a phone: Hanoi as it is today (issue 11's “done when”).

The officer of Phường Hoàn Kiếm finds the ward by typing its name without diacritics, and separately by
a former ward's name (Hàng Bạc, merged into it on 01/7/2025); reads the ward's duties, with the
compiler's reading noted as such; takes a quiz on “my unit's duties”; fills and submits the ward's
2026 self-assessment; and Sở Tư pháp's 2026 overview lists the wards and the merged departments.
"""

from __future__ import annotations

from playwright.sync_api import expect

QUIZ = "2-kiem-tra.ipynb"
Q = ".pbgdpl-quiz"
WARD, WARD_KEY = "UBND phường Hoàn Kiếm", "phuong_hoan_kiem"


def button(page, root: str, name: str):
    return page.locator(f'{root} button.widget-button[title="{name}"]')


def test_a_former_ward_s_name_finds_the_ward_and_its_duties_make_a_quiz(phone_page, voila_server, wait_for_widgets):
    page = phone_page
    page.goto(voila_server.url(QUIZ))
    wait_for_widgets(page)
    root = page.locator(Q)
    root.get_by_label("Họ và tên").fill("Đỗ Thu Hà")
    root.get_by_label("Tìm đơn vị").fill("hang bac")
    # One unit has Hàng Bạc: it is chosen, and the list says why.
    expect(root.locator(".unit-picker select option:checked")).to_have_text(
        f"{WARD} — Phường Hàng Bạc → Phường Hoàn Kiếm")
    expect(root.locator(".unit-picker")).to_contain_text("1 đơn vị khớp “hang bac”")
    expect(root.locator(".unit-picker b")).to_have_text("Phường Hàng Bạc → Phường Hoàn Kiếm")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 2
    page.screenshot(path="/tmp/ward-picker-phone.png")
    button(page, Q, "Tiếp tục").click()
    expect(root).to_contain_text(f"Người làm bài: Đỗ Thu Hà — {WARD}")
    expect(root.get_by_label("Chủ đề").locator("option:checked")).to_have_text(f"Nhiệm vụ của đơn vị tôi ({WARD})")
    button(page, Q, "Bắt đầu làm bài").click()
    expect(root.locator(".progress-text")).to_contain_text("Câu 1/")
