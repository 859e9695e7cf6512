"""An officer on a phone (375 px) takes a quiz, follows the results screen's link to “Ôn tập hôm nay” with their
personal code, answers one review and sees the quiz's feedback, with no sideways scrolling (issue 14)."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from toolkit.storage import schema

QUIZ, ROOT = "2-kiem-tra.ipynb", ".pbgdpl-quiz"
NAME, UNIT_LABEL = "Đinh Thị Mai", "UBND phường Hoàn Kiếm"


def button(page, name: str):
    return page.locator(f'{ROOT} button.widget-button[title="{name}"]')


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 2


def review_sources(url: str, name: str) -> list[str]:
    """Where one officer's reviews came from (the server's database also holds other tests' people)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            log, people = schema.review_log, schema.participants
            return list(conn.execute(sa.select(log.c.source).select_from(log.join(people))
                                     .where(people.c.name == name)).scalars())
    finally:
        engine.dispose()


def answer_something(screen) -> None:
    """Give the question on screen some answer, whatever its type (right or wrong does not matter here)."""
    radios = screen.locator(".widget-radio-box input")
    if radios.count():
        radios.first.check()
    elif screen.locator(".widget-checkbox input").count():
        screen.locator(".widget-checkbox input").first.check()
    elif screen.locator(".match-row select").count():
        rows = screen.locator(".match-row select")
        for i in range(rows.count()):
            rows.nth(i).select_option(index=i + 1)
    else:
        screen.locator(".typed-answer input").fill("Sở Tư pháp")
        screen.locator(".typed-answer input").press("Tab")


def test_the_code_opens_todays_review_and_one_review_shows_its_feedback(phone_page, voila_server, wait_for_widgets):
    page, db = phone_page, voila_server.database_url
    page.goto(voila_server.url(QUIZ))
    wait_for_widgets(page)
    root = page.locator(ROOT)
    root.get_by_label("Họ và tên").fill(NAME)
    root.get_by_label("Tìm đơn vị").fill("phuong hoan kiem")
    expect(root.locator(".unit-picker select option").nth(1)).to_have_text(UNIT_LABEL)
    root.get_by_label("Đơn vị công tác").select_option(label=UNIT_LABEL)
    button(page, "Tiếp tục").click()
    root.get_by_label("Số câu hỏi").select_option(label="5")
    button(page, "Bắt đầu làm bài").click()
    expect(root.locator(".progress-text")).to_contain_text("Câu 1/5")
    answer_something(root)
    button(page, "Trả lời").click()
    expect(root.locator(".feedback")).to_be_visible()
    assert review_sources(db, NAME) and set(review_sources(db, NAME)) == {"quiz"}  # the quiz's answer reviewed its fact
    button(page, "Nộp bài").click()
    button(page, "Bấm lần nữa để nộp bài").click()
    code_box = root.locator(".personal-code")
    expect(code_box).to_contain_text("Ôn tập hôm nay")

    with page.expect_popup() as opened:
        code_box.locator("a.review-link").click()
    review = opened.value
    wait_for_widgets(review)
    daily = review.locator(f"{ROOT} .daily-review")
    expect(daily).to_contain_text(NAME)
    expect(daily.locator(".day-figures")).to_contain_text("thẻ mới")
    fits(review)
    review.screenshot(path="/tmp/review-phone-day.png")
    review.locator(f'{ROOT} button.widget-button[title="Bắt đầu ôn tập"]').click()
    expect(daily.locator(".progress-text")).to_contain_text("Câu 1/")
    expect(daily.locator(".feedback")).to_have_count(0)  # nothing of the key before the answer
    answer_something(daily)
    review.locator(f'{ROOT} button.widget-button[title="Trả lời"]').click()
    feedback = daily.locator(".feedback")
    expect(feedback).to_be_visible()
    expect(feedback).to_contain_text("Đáp án đúng")
    expect(feedback.locator("summary", has_text="Nguyên văn Kế hoạch")).to_be_visible()
    assert "review" in review_sources(db, NAME)
    fits(review)
    review.screenshot(path="/tmp/review-phone-feedback.png")
