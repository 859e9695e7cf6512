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


ASSESS, A = "3-tu-danh-gia.ipynb", ".pbgdpl-assess"
CITY, C = "5-tong-hop-thanh-pho.ipynb", ".pbgdpl-city"
FILLER = "Đỗ Thu Hà"


def rating_for(c) -> str:
    if c.status == "overdue":
        return "Hoàn thành chậm so với thời hạn"
    return "Đang thực hiện" if c.role == "coordinating" else "Hoàn thành"


def test_the_ward_submits_its_2026_self_assessment_and_the_city_overview_lists_it(
        phone_page, page, voila_server, wait_for_widgets, plan):
    from toolkit.assessment.criteria import criteria_for, load_settings
    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.store import Store

    criteria = {c.id: c for c in criteria_for(plan, load_settings(plan), WARD_KEY, 2026)}
    scored = [c for c in criteria.values() if c.scored]
    assert any(c.reading for c in scored)  # some of the ward's duties come from the compiler's reading
    phone = phone_page
    phone.goto(voila_server.url(ASSESS))
    wait_for_widgets(phone)
    root = phone.locator(A)
    expect(root.get_by_label("Năm đánh giá").locator("option:checked")).to_have_text("2026")
    root.get_by_label("Tìm đơn vị").fill("phuong hoan kiem")
    root.get_by_label("Cơ quan, đơn vị").select_option(label=f"{WARD} (từ 01/07/2025)")
    expect(root.locator(".status-line")).to_contain_text("năm 2026")
    root.get_by_label("Họ và tên người điền, người nộp").fill(FILLER)
    root.get_by_label("Họ và tên người điền, người nộp").press("Tab")
    rated, total = 0, len([c for c in scored if c.status != "awaiting"])
    expect(root.locator(".progress-text")).to_have_text(f"0/{total} tiêu chí đã đánh giá")
    while rated < total:
        tid = root.locator(".card").get_attribute("data-task")
        c = criteria[tid]
        if c.reading:
            expect(root.locator(".card")).to_contain_text("Ghi chú biên soạn")
        if c.scored and c.status != "awaiting":
            root.get_by_role("radio", name=rating_for(c), exact=True).check()
            rated += 1
            expect(root.locator(".progress-text")).to_have_text(f"{rated}/{total} tiêu chí đã đánh giá")
        if rated < total:
            button(phone, A, "Tiêu chí tiếp theo").click()
            expect(root.locator(".card")).not_to_have_attribute("data-task", tid)
    phone.locator(f"{A} .lm-TabBar-tab", has_text="Nộp và tải về").click()
    expect(root.locator(".ok-box")).to_contain_text("Đã đánh giá đủ")
    button(phone, A, "Nộp bản tự đánh giá").click()
    button(phone, A, "Xác nhận nộp").click()
    expect(root.locator(".submitted-banner")).to_contain_text("Đã nộp phiên bản 1 lúc")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375 + 2
    phone.screenshot(path="/tmp/ward-assessment-phone.png")
    record = AssessmentStore(Store(voila_server.database_url)).latest(WARD_KEY, 2026)
    assert record.submitted and record.submitted_by == FILLER

    # Sở Tư pháp's overview of 2026: the wards and the merged departments, not the districts.
    page.goto(voila_server.url(CITY))
    wait_for_widgets(page)
    city = page.locator(C)
    city.locator("input[type=password]").fill(voila_server.passcode)
    city.locator("button.widget-button", has_text="Mở trang").click()
    page.locator(f"{C} .lm-TabBar-tab", has_text="Chưa nộp").click()
    missing = city.locator("table.city >> visible=true")
    expect(missing).to_contain_text("UBND xã Sóc Sơn")
    expect(missing).to_contain_text("Sở Khoa học và Công nghệ")
    expect(missing).not_to_contain_text(WARD)  # it submitted
    expect(missing).not_to_contain_text("UBND quận")
    page.locator(f"{C} .lm-TabBar-tab", has_text="Xếp hạng").click()
    expect(city.locator("table.city >> visible=true")).to_contain_text(WARD)
