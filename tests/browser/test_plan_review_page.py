"""The plan review page in real Chromium against a Voila server of its own.

- Shut until the passcode: a wrong one is refused, nothing of a draft is in the page.
- 1280 px: a .docx built here with python-docx is uploaded through the file chooser and imported by the
  real importer into a draft; every item is accepted, the draft is published and the published folder loads.
- 1280 px: the hand-made draft of tests/data/plan-review is reviewed: an unsure lead is highlighted with its
  reason, corrected through the form (a wrong deadline refused first), the rest accepted, then published.
- 375 px: the same page fits a phone (no sideways scrolling) and an item can be accepted by touch.

The server gets its own var folder (the drafts) and data folder (where publishing writes, with a copy of
the city registry), so nothing here touches the checkout's data/.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from toolkit.plan.catalogue import review_state
from toolkit.plan.load import load_plan, validate_plan_dir
from toolkit.plan.review import Draft
from toolkit.serving.serve import NOTEBOOK_DIR, REPO_ROOT
from toolkit.ui.plan_review import GROUPS

PAGE = "7-duyet-ke-hoach.ipynb"
ROOT = ".pbgdpl-plan-review"
FIXTURE = Path(__file__).resolve().parents[1] / "data" / "plan-review"
TOLERANCE_PX = 2


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    var, data = tmp_path_factory.mktemp("review-var"), tmp_path_factory.mktemp("review-data")
    shutil.copytree(FIXTURE, var / "drafts")  # the hand-made draft and its small city, side by side
    shutil.copytree(REPO_ROOT / "data" / "hanoi", data / "hanoi")  # the city the importer matches bodies against
    return var, data


@pytest.fixture(scope="module")
def server(voila_factory, folders):
    var, data = folders
    return voila_factory(NOTEBOOK_DIR, extra_env={"TOOLKIT_VAR_DIR": str(var), "TOOLKIT_DATA_DIR": str(data)})


def open_page(page, server, wait_for_widgets, code: str | None = None):
    page.goto(server.url(PAGE))
    wait_for_widgets(page)
    root = page.locator(ROOT)
    root.locator("input[type=password]").fill(code or server.passcode)
    root.locator("button.widget-button", has_text="Mở trang").click()
    return root


def sign_in(root, name: str = "Nguyễn Thị Lan"):
    expect(root.get_by_text("Nhập văn bản kế hoạch")).to_be_visible()
    name_box = root.get_by_label("Người duyệt").first
    name_box.fill(name)
    name_box.press("Tab")  # the box sends its value when it loses focus


def choose(select, prefix: str) -> None:
    """Select the option whose label starts with `prefix` (labels end with a count that changes)."""
    expect(select.locator("option").first).to_be_attached()  # the list arrives after the page that holds it
    labels = select.locator("option").all_text_contents()
    # ipywidgets writes the labels' spaces as no-break spaces.
    select.select_option(label=next(label for label in labels if label.replace("\xa0", " ").startswith(prefix)))


def progress(root) -> tuple[int, int]:
    text = root.locator(".progress-line").inner_text()
    done, total = re.search(r"(\d+)/(\d+) mục đã duyệt", text).groups()
    return int(done), int(total)


def accept_everything(root, folder: Path) -> None:
    """Click “Chấp nhận” until no item is left. How many general items are still to accept is read from the
    draft on disk: the page redraws its rows after each click, and a count read from the page mid-redraw,
    or a click on a row about to be replaced, would race it."""
    while True:
        draft = Draft(folder)
        done, total = draft.progress
        # The page counts last when it redraws: once it shows the disk's count, its rows are the new ones.
        expect(root.locator(".progress-line")).to_contain_text(f"{done}/{total} mục đã duyệt")
        if done == total:
            return
        pending = [i for i in draft.other_items() if not i.reviewed]
        general = root.locator(".general-items button", has_text="Chấp nhận")
        if pending:  # the page shows one group of them at a time
            kind = pending[0].kind
            root.locator(".widget-toggle-button", has_text=GROUPS[kind]).click()
            expect(general).to_have_count(sum(i.kind == kind for i in pending))
            general.first.click()
        else:
            root.locator("button", has_text="Mục chưa duyệt tiếp theo").click()
            accept_task = root.locator("button", has_text="Chấp nhận các mục còn lại của nhiệm vụ")
            expect(accept_task).to_be_enabled()
            accept_task.click()
        expect(root.locator(".progress-line")).not_to_contain_text(f"{done}/{total} mục đã duyệt")


def publish(root, key: str) -> None:
    root.get_by_label("Mã kế hoạch (tên thư mục khi xuất bản)").fill(key)
    root.locator("button", has_text="Xuất bản").click()
    expect(root.get_by_text(f"Đã xuất bản kế hoạch “{key}”")).to_be_visible()


def sample_docx(path: Path) -> None:
    """The sample plan's text as a Word document: the header as a table of two cells (the issuing body, its
    number; the national motto, place and date), as administrative documents lay it out, then a paragraph a
    line."""
    import docx

    text = (FIXTURE / "ke-hoach-mau" / "van-ban" / "ke-hoach-mau.txt").read_text(encoding="utf-8")
    lines = text.splitlines()
    head = [line.split(" | ") for line in lines[:3]]
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    for c in range(2):
        cell = table.cell(0, c)
        cell.text = head[0][c]
        for row in head[1:]:
            cell.add_paragraph(row[c])
    for line in lines[3:]:
        document.add_paragraph(line)
    document.save(path)


def test_is_the_page_shut_until_the_passcode(page, server, wait_for_widgets):
    root = open_page(page, server, wait_for_widgets, code="000000")
    expect(root).to_contain_text("Mã truy cập không đúng")
    assert "ke-hoach-mau" not in page.content() and "Sở Tư pháp" not in page.content()


def test_is_an_uploaded_docx_imported_reviewed_and_published(page, server, wait_for_widgets, folders, tmp_path):
    var, data = folders
    document = tmp_path / "Kế hoạch PBGDPL 2026.docx"
    sample_docx(document)
    root = open_page(page, server, wait_for_widgets)
    sign_in(root)
    with page.expect_file_chooser() as chooser:
        root.locator(".widget-upload").click()
    chooser.value.set_files(str(document))
    expect(root.locator(".task-form")).to_contain_text("Đã nhập “Kế hoạch PBGDPL 2026.docx” thành bản nháp",
                                                       timeout=60_000)
    expect(root.locator(".progress-line")).to_contain_text("mục đã duyệt")
    expect(root.locator(".source-text")).to_contain_text("Thời gian thực hiện")
    accept_everything(root, var / "drafts" / "ke-hoach-pbgdpl-2026")
    publish(root, "ke-hoach-docx")
    published = data / "ke-hoach-docx"
    assert validate_plan_dir(published) == [] and review_state(published) == "published"
    assert load_plan(published).tasks
    page.screenshot(path="/tmp/plan-review-docx-desktop.png", full_page=True)


def test_is_the_hand_made_draft_corrected_and_published(page, server, wait_for_widgets, folders):
    var, data = folders
    root = open_page(page, server, wait_for_widgets)
    sign_in(root)
    choose(root.get_by_label("Bản nháp", exact=True), "ke-hoach-mau — ")
    root.locator("button", has_text="Mở bản nháp").click()
    expect(root.locator(".progress-line")).to_contain_text("0/18 mục đã duyệt")

    choose(root.get_by_label("Nhiệm vụ", exact=True), "II.1.b ")
    lead_row = root.locator(".task-items .item", has_text="Cơ quan chủ trì, thực hiện")
    expect(lead_row).to_have_class(re.compile(r"\bunsure\b"))
    expect(lead_row).to_contain_text("Bộ nhập chưa chắc")
    expect(root.locator(".source-text mark.unsure")).to_have_text("Các sở, ban, ngành, UBND các xã, phường")

    deadline = root.get_by_label("Thời hạn (lời văn bản)")
    deadline.fill("Quý IV năm 2026")
    deadline.press("Tab")
    root.locator("button", has_text="Lưu sửa").click()
    expect(root.locator(".task-form")).to_contain_text("trích dẫn nguyên văn của nhiệm vụ không có năm 2026 và quý IV")
    deadline.fill("Hằng năm")
    deadline.press("Tab")
    for label in ("Cơ quan chủ trì, thực hiện", "Cơ quan được giao (tiêu đề, chủ ngữ)"):
        root.get_by_label(label).select_option(label=["Các sở, ban, ngành", "UBND xã, phường"])
    root.locator("button", has_text="Lưu sửa").click()
    expect(root.locator(".task-form")).to_contain_text("Đã lưu")
    expect(lead_row).to_contain_text("Các sở, ban, ngành, UBND xã, phường")
    expect(lead_row).to_contain_text("Đã sửa")
    expect(root.locator(".progress-line")).to_contain_text("1/18 mục đã duyệt")
    for i, part in enumerate((".progress-line", ".task-items", ".task-form", ".publish")):
        root.locator(part).first.scroll_into_view_if_needed()
        page.screenshot(path=f"/tmp/plan-review-desktop-{i}.png")

    root.locator("button", has_text="Xuất bản").click()
    expect(root.get_by_text("còn 17 mục chưa duyệt")).to_be_visible()
    accept_everything(root, var / "drafts" / "ke-hoach-mau")
    publish(root, "ke-hoach-15-2026")
    published = data / "ke-hoach-15-2026"
    assert review_state(published) == "published"
    assert load_plan(published).task("II.1.b").lead == ("so_ban_nganh", "ubnd_cap_xa")
    page.screenshot(path="/tmp/plan-review-desktop.png", full_page=True)


def test_does_the_review_page_fit_a_phone(phone_page, server, wait_for_widgets, folders):
    var, _data = folders
    shutil.rmtree(var / "drafts" / "dien-thoai", ignore_errors=True)
    shutil.copytree(FIXTURE / "ke-hoach-mau", var / "drafts" / "dien-thoai")
    page = phone_page
    root = open_page(page, server, wait_for_widgets)
    sign_in(root, "Lê Minh")
    choose(root.get_by_label("Bản nháp", exact=True), "dien-thoai — ")
    root.locator("button", has_text="Mở bản nháp").click()
    expect(root.locator(".progress-line")).to_contain_text("0/18 mục đã duyệt")
    root.locator(".task-items button", has_text="Chấp nhận").first.tap()
    expect(root.locator(".progress-line")).to_contain_text("1/18 mục đã duyệt")
    expect(root.locator(".task-items .item").first).to_contain_text("Đã chấp nhận")
    expect(root.locator(".source-text")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + TOLERANCE_PX
    # Fields and the plan's words are stacked, each the width of the screen, not squeezed side by side.
    fields = root.locator(".task-items").bounding_box()
    words = root.locator(".source-text").bounding_box()
    assert words["y"] >= fields["y"] + fields["height"] - TOLERANCE_PX
    root.locator(".task-items").scroll_into_view_if_needed()
    page.screenshot(path="/tmp/plan-review-phone.png")

