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

    # The chart keeps legible labels by scrolling inside its own box, never the page.
    page.get_by_text("Biểu đồ", exact=True).click()
    page.wait_for_function("() => { const img = document.querySelector('.pbgdpl-study .chart-box img');"
                           " return img && img.naturalWidth > 0; }")
    assert page_width(page) <= PHONE_WIDTH + TOLERANCE_PX, "the chart tab is wider than the phone"
