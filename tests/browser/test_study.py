"""The study page in real Chromium: pick Sở Tư pháp in the first tab and read its tasks, on desktop and phone."""

from __future__ import annotations

import pytest

from toolkit.plan.load import load_plan

STUDY = "1-tra-cuu-ke-hoach.ipynb"
PHONE_WIDTH = 375
TOLERANCE_PX = 2  # rounding of sub-pixel borders; a real overflow is far wider


def choose_so_tu_phap(page, voila_server, wait_for_widgets):
    page.goto(voila_server.url(STUDY))
    wait_for_widgets(page)
    # The first tab is open on arrival: choosing is the only step.
    page.locator(".pbgdpl-who select").select_option(label="Cơ quan: Sở Tư pháp")
    page.locator(".pbgdpl-study details.duty").first.wait_for()


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.mark.parametrize("which", ["page", "phone_page"])
def test_does_choosing_so_tu_phap_show_its_tasks_and_deadlines(which, request, voila_server, wait_for_widgets):
    page = request.getfixturevalue(which)
    choose_so_tu_phap(page, voila_server, wait_for_widgets)
    found = load_plan().assignments("so_tu_phap")
    assert page.get_by_text(f"Sở Tư pháp: {len(found)} nhiệm vụ").is_visible()
    row = page.locator('.pbgdpl-study details.duty[data-task="II.5.b"]')
    assert row.is_visible()
    assert "Năm 2022" in row.inner_text() and "Chủ trì" in row.inner_text()
    # Rows open in the browser alone (<details>), down to the plan's own words.
    row.locator("summary").first.click()
    row.get_by_text("Nguyên văn Kế hoạch").click()
    assert row.get_by_text("Thời gian thực hiện: Năm 2022.").is_visible()
    row.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/study-desktop.png" if which == "page" else "/tmp/study-phone.png")


def test_does_the_study_page_fit_a_phone_without_sideways_scrolling(phone_page, voila_server, wait_for_widgets):
    page = phone_page
    choose_so_tu_phap(page, voila_server, wait_for_widgets)
    assert page_width(page) <= PHONE_WIDTH + TOLERANCE_PX, "tab 1 is wider than the phone"

    page.get_by_text("Tra cứu nhiệm vụ", exact=True).click()
    page.locator(".pbgdpl-query input").fill("so tai chinh")
    page.locator('.pbgdpl-study article.card[data-task="II.5.c"]').wait_for()
    assert page_width(page) <= PHONE_WIDTH + TOLERANCE_PX, "the search tab is wider than the phone"

    page.get_by_text("Vai trò theo mục", exact=True).click()
    page.locator(".pbgdpl-study table.grid").wait_for()
    assert page_width(page) <= PHONE_WIDTH + TOLERANCE_PX, "the roles-by-section tab is wider than the phone"


def test_does_the_roles_table_keep_agency_names_in_view_when_swiped_on_a_phone(phone_page, voila_server,
                                                                               wait_for_widgets):
    """The issue: on a phone only two sections fitted, and a swipe took the agency names away."""
    page = phone_page
    page.goto(voila_server.url(STUDY))
    wait_for_widgets(page)
    page.get_by_text("Vai trò theo mục", exact=True).click()
    box = page.locator(".pbgdpl-study .grid-box")
    box.wait_for()
    name = page.locator(".pbgdpl-study table.grid th[scope=row]", has_text="Sở Tư pháp")
    name.scroll_into_view_if_needed()  # down inside the box (and the page) to its row
    last_section = page.locator(".pbgdpl-study table.grid thead th").last
    assert not inside_viewport(last_section), "the table is narrow enough to need no swipe: the test tests nothing"

    box.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    page.wait_for_function("() => { const b = document.querySelector('.pbgdpl-study .grid-box');"
                           " return b.scrollLeft > 0 && b.scrollLeft + b.clientWidth >= b.scrollWidth - 1; }")
    assert inside_viewport(last_section), "scrolling did not bring the last section into view"
    assert inside_viewport(name), "the agency name scrolled away with the sections"
    # The name is drawn over the cells it labels, not under them.
    x, y = centre(name)
    assert "Sở Tư pháp" in page.evaluate("([x, y]) => document.elementFromPoint(x, y).textContent", [x, y])
    assert page_width(page) <= PHONE_WIDTH + TOLERANCE_PX, "the table pushed the page wider than the phone"
    # Text stays readable: no smaller than 14 px anywhere in the table.
    smallest = page.evaluate("() => Math.min(...[...document.querySelectorAll('.pbgdpl-study table.grid *')]"
                             ".filter(e => e.childNodes.length && [...e.childNodes].some(n => n.nodeType === 3"
                             " && n.textContent.trim())).map(e => parseFloat(getComputedStyle(e).fontSize)))")
    assert smallest >= 14, f"text of {smallest} px in the table"

    # Read down: the header row with the section ids stays on top of the box.
    box.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    page.wait_for_function("() => document.querySelector('.pbgdpl-study .grid-box').scrollTop > 0")
    header = last_section.bounding_box()
    frame = box.bounding_box()
    assert frame["y"] - 1 <= header["y"] <= frame["y"] + 4, (header, frame)
    # For the eye: Sở Tư pháp's row under the header, the last sections beside its name.
    name.evaluate("th => { const box = th.closest('.grid-box'), head = box.querySelector('thead th');"
                  " box.scrollTop += th.getBoundingClientRect().top - head.getBoundingClientRect().bottom; }")
    page.screenshot(path="/tmp/study-phone-chart.png")


def inside_viewport(locator) -> bool:
    b = locator.bounding_box()
    v = locator.page.viewport_size
    return b is not None and b["x"] >= 0 and b["x"] + b["width"] <= v["width"] + TOLERANCE_PX \
        and b["y"] >= 0 and b["y"] + b["height"] <= v["height"]


def centre(locator) -> tuple[float, float]:
    b = locator.bounding_box()
    return b["x"] + b["width"] / 2, b["y"] + b["height"] / 2


def test_does_a_ward_see_its_duties_with_the_compilers_note_on_a_phone(phone_page, voila_server, wait_for_widgets):
    """Issue 11: a ward officer in 2026 picks the ward and reads where each duty comes from."""
    page = phone_page
    page.goto(voila_server.url(STUDY))
    wait_for_widgets(page)
    # Typed without diacritics, as on every page that asks for a unit.
    page.locator(".pbgdpl-study").get_by_label("Tìm đơn vị").fill("phuong hoan kiem")
    page.locator(".pbgdpl-unit-choice select").select_option(label="UBND phường Hoàn Kiếm")
    row = page.locator('.pbgdpl-study details.duty[data-task="II.1.a"]')
    row.wait_for()
    summary = row.locator("summary").first
    assert "Theo cách đọc của người biên soạn" in summary.inner_text()
    assert "từ UBND quận Ba Đình, UBND quận Hoàn Kiếm" in summary.inner_text()
    note = load_plan().reading("xa_phuong_mang_nhiem_vu_cap_huyen").note
    block = page.locator('.pbgdpl-study .reading[data-reading="xa_phuong_mang_nhiem_vu_cap_huyen"]')
    assert block.get_by_text("Ghi chú biên soạn:").is_visible()
    assert note[:60] in block.inner_text()
    summary.click()  # the row opens to the same note
    assert row.locator(".reading-note").is_visible() and note[:60] in row.locator(".reading-note").inner_text()
    unknown = page.locator('.pbgdpl-study .unknown[data-reading="phong_tu_phap_cap_huyen"]')
    assert "Các nguồn không nói ai mang" in unknown.inner_text()
    assert page_width(page) <= PHONE_WIDTH + TOLERANCE_PX, "the ward's duties are wider than the phone"
    row.scroll_into_view_if_needed()
    page.screenshot(path="/tmp/study-phone-ward.png")
