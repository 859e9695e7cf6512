"""An officer on a phone (375 px): the quiz page says what it stores before a name is stored, the results
screen gives the personal code with its link, and on “Dữ liệu của tôi” the officer sees and deletes their data."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from toolkit.storage import schema

QUIZ, ROOT, MINE = "2-kiem-tra.ipynb", ".pbgdpl-quiz", ".pbgdpl-mydata"
NAME, UNIT_LABEL = "Võ Thị Hạnh", "UBND phường Hoàn Kiếm"


def button(page, root: str, name: str):
    return page.locator(f'{root} button.widget-button[title="{name}"]')


def names_stored(url: str) -> list[str]:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("participants"):
                return []
            return list(conn.execute(sa.select(schema.participants.c.name)).scalars())
    finally:
        engine.dispose()


def consents(url: str, participant_id: int | None) -> list[str]:
    """The notices one participant consented to (the server's database also holds other tests' people)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.select(schema.consents.c.notice).where(
                schema.consents.c.participant_id == participant_id)).scalars())
    finally:
        engine.dispose()


def participant_id(url: str, name: str) -> int | None:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(schema.participants.c.id).where(
                schema.participants.c.name == name)).scalar()
    finally:
        engine.dispose()


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 2


def test_the_notice_comes_before_the_name_and_the_officer_deletes_their_data(phone_page, voila_server,
                                                                              wait_for_widgets):
    page, db = phone_page, voila_server.database_url
    page.goto(voila_server.url(QUIZ))
    wait_for_widgets(page)
    root = page.locator(ROOT)
    note = root.locator(".privacy-notice")
    expect(note).to_be_visible()
    expect(note).to_contain_text("Bấm “Tiếp tục” là bạn đồng ý")
    root.get_by_label("Họ và tên").fill(NAME)
    root.get_by_label("Tìm đơn vị").fill("phuong hoan kiem")
    expect(root.locator(".unit-picker select option").nth(1)).to_have_text(UNIT_LABEL)  # the list narrowed
    root.get_by_label("Đơn vị công tác").select_option(label=UNIT_LABEL)
    expect(root.locator(".unit-picker select option:checked")).to_have_text(UNIT_LABEL)
    # Folded but there: the whole notice opens in place, above “Tiếp tục”, and fits the phone.
    note.locator("summary", has_text="Dữ liệu cá nhân được lưu thế nào?").click()
    expect(note.locator(".item", has_text="Lưu bao lâu")).to_be_visible()
    notice_box, go = note.bounding_box(), button(page, ROOT, "Tiếp tục").bounding_box()
    assert notice_box["y"] + notice_box["height"] <= go["y"]
    fits(page)
    page.screenshot(path="/tmp/privacy-phone-notice.png")
    assert NAME not in names_stored(db)  # typed and read, not stored

    button(page, ROOT, "Tiếp tục").click()
    expect(button(page, ROOT, "Bắt đầu làm bài")).to_be_visible()
    pid = participant_id(db, NAME)
    assert pid is not None and consents(db, pid) == ["quiz"]
    root.get_by_label("Số câu hỏi").select_option(label="5")
    button(page, ROOT, "Bắt đầu làm bài").click()
    expect(root.locator(".progress-text")).to_contain_text("Câu 1/5")
    button(page, ROOT, "Nộp bài").click()
    button(page, ROOT, "Bấm lần nữa để nộp bài").click()
    code_box = root.locator(".personal-code")
    expect(code_box).to_be_visible()
    code = code_box.locator(".code").inner_text().strip()
    assert len(code.replace("-", "")) == 12
    fits(page)
    page.screenshot(path="/tmp/privacy-phone-code.png")

    with page.expect_popup() as opened:
        code_box.locator("a.my-data-link").click()
    mine = opened.value
    wait_for_widgets(mine)
    data = mine.locator(MINE)
    expect(data).to_contain_text(NAME)
    expect(data).to_contain_text("Bài làm (1)")
    assert code not in mine.locator(MINE).inner_text()  # the code is not kept on the page
    fits(mine)
    button(mine, MINE, "Xóa toàn bộ dữ liệu của tôi").click()
    expect(data.locator(".confirm-delete")).to_contain_text(f"Xóa toàn bộ dữ liệu của {NAME}?")
    button(mine, MINE, "Xóa vĩnh viễn").click()
    expect(data).to_contain_text("Đã xóa dữ liệu của bạn")
    fits(mine)
    mine.screenshot(path="/tmp/privacy-phone-deleted.png")
    assert NAME not in names_stored(db) and consents(db, pid) == []
