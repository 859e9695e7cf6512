"""A second plan, from a .docx to the pages, beside Plan 241, in real Chromium (issue 15's "done when").

The server's data folder holds copies of data/plan-241 and the city registry. The fictional sample plan
(tests/data/plans/ke-hoach-mau, a Quyết định with the plan attached, decimal numbering) is built as a .docx,
uploaded on the review page, imported, every item accepted, and published as “ke-hoach-mau”. Then:
- the study page offers both plans and shows the new one's tasks and number;
- the quiz page asks the new plan's questions to a ward officer, scores an answer in the kernel and stores
  the attempt under the new plan;
- the self-assessment page lists the ward's duties under the new plan and stores a rating under it;
- nothing was studied, quizzed or assessed under the draft before it was published.
"""

from __future__ import annotations

import shutil
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.test_plan_review_page import accept_everything, choose, open_page, publish, sign_in
from toolkit.paths import REPO_ROOT
from toolkit.plan.load import load_plan
from toolkit.serving.serve import NOTEBOOK_DIR
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store

SAMPLE = REPO_ROOT / "tests" / "data" / "plans"
KEY = "ke-hoach-mau"
UNIT_KEY, UNIT_LABEL = "phuong_hoan_kiem", "UBND phường Hoàn Kiếm"
STEP_MS = 30_000


def build_docx(path):
    sys.path.insert(0, str(SAMPLE))
    try:
        from ke_hoach_mau import build_docx as build
    finally:
        sys.path.remove(str(SAMPLE))
    return build(path)


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    var, data = tmp_path_factory.mktemp("second-var"), tmp_path_factory.mktemp("second-data")
    (var / "drafts").mkdir()
    shutil.copytree(REPO_ROOT / "data" / "plan-241", data / "plan-241")
    shutil.copytree(REPO_ROOT / "data" / "hanoi", data / "hanoi")
    return var, data


@pytest.fixture(scope="module")
def server(voila_factory, folders):
    var, data = folders
    return voila_factory(NOTEBOOK_DIR, extra_env={"TOOLKIT_VAR_DIR": str(var), "TOOLKIT_DATA_DIR": str(data)})


def import_review_publish(page, server, wait_for_widgets, folders, tmp_path):
    """The sample plan imported from its .docx on the review page, reviewed and published."""
    var, data = folders
    document = build_docx(tmp_path / "Kế hoạch mẫu.docx")
    root = open_page(page, server, wait_for_widgets)
    sign_in(root)
    with page.expect_file_chooser() as chooser:
        root.locator(".widget-upload").click()
    chooser.value.set_files(str(document))
    expect(root.locator(".task-form")).to_contain_text("thành bản nháp", timeout=120_000)
    (draft,) = [p for p in (var / "drafts").iterdir() if (p / "review.yaml").exists()]
    assert not (data / KEY).exists()
    accept_everything(root, draft)
    publish(root, KEY)
    return load_plan(data / KEY)


def test_the_imported_plan_is_studied_quizzed_and_self_assessed_beside_plan_241(
        page, server, wait_for_widgets, folders, tmp_path):
    plan = import_review_publish(page, server, wait_for_widgets, folders, tmp_path)
    assert plan.info.number == "9901/QĐ-UBND" and len(plan.tasks) >= 20

    # Study: both plans on offer, the new one opened by ?plan=, its words on the page.
    page.goto(server.url("1-tra-cuu-ke-hoach.ipynb") + f"?plan={KEY}")
    wait_for_widgets(page)
    picker = page.locator(".pbgdpl-plan-choice select")
    expect(picker.locator("option")).to_have_count(2)
    expect(picker.locator("option:checked")).to_contain_text("9901/QĐ-UBND")
    task = next(t for t in plan.tasks if t.lead)
    expect(page.locator("body")).to_contain_text(task.summary[:40], timeout=STEP_MS)
    page.screenshot(path="/tmp/second-plan-study.png", full_page=True)

    # Quiz: a ward officer answers a question of the new plan; the kernel scores and stores it under the plan.
    page.goto(server.url("2-kiem-tra.ipynb") + f"?plan={KEY}")
    wait_for_widgets(page)
    root = page.locator(".pbgdpl-quiz")
    root.get_by_label("Họ và tên").fill("Đỗ Thị Mẫu")
    root.get_by_label("Tìm đơn vị").fill("phuong hoan kiem")
    root.get_by_label("Đơn vị công tác").select_option(label=UNIT_LABEL)
    root.locator('button.widget-button[title="Tiếp tục"]').click()
    root.get_by_label("Số câu hỏi").select_option(label="5")
    root.get_by_role("button", name="Luyện tập (xem đáp án ngay)").click()
    root.locator('button.widget-button[title="Bắt đầu làm bài"]').click()
    expect(root.locator(".progress-text")).to_have_text("Câu 1/5 · Đã trả lời 0/5", timeout=STEP_MS)
    assert "241/KH-UBND" not in root.inner_text()
    options = root.locator(".widget-radio-box input[type=radio]")
    if options.count():
        options.first.check()
    else:
        root.locator(".widget-checkbox input[type=checkbox]").first.check()
    root.locator('button.widget-button[title="Trả lời"]').click()
    expect(root.locator(".feedback")).to_contain_text("Nguyên văn Kế hoạch", timeout=STEP_MS)
    page.screenshot(path="/tmp/second-plan-quiz.png", full_page=True)
    store = Store(server.database_url)
    try:
        person = store.participant("Đỗ Thị Mẫu", UNIT_KEY)
        assert store.open_attempts(person.id, plan=KEY) and not store.open_attempts(person.id, plan="plan-241")

        # Self-assessment: the ward's duties under the new plan; a rating is stored under it, not Plan 241.
        page.goto(server.url("3-tu-danh-gia.ipynb") + f"?plan={KEY}")
        wait_for_widgets(page)
        root = page.locator(".pbgdpl-assess")
        expect(root.locator(".pbgdpl-plan-choice select option:checked")).to_contain_text("9901/QĐ-UBND")
        root.get_by_label("Năm đánh giá").select_option(label="2026")
        choose(root.get_by_label("Cơ quan, đơn vị"), UNIT_LABEL)  # the label says since when the ward exists
        card = root.locator(".card")
        expect(card).to_be_visible(timeout=STEP_MS)
        first = card.get_attribute("data-task")
        assert plan.has_task(first), first
        root.get_by_role("radio", name="Đang thực hiện", exact=True).check()
        expect(root.locator(".progress-text")).to_contain_text("1/", timeout=STEP_MS)
        page.screenshot(path="/tmp/second-plan-assessment.png", full_page=True)
        ours = AssessmentStore(store, KEY).latest(UNIT_KEY, 2026)
        assert ours is not None and AssessmentStore(store, KEY).entries(ours.id)[first].get("rating")
        assert AssessmentStore(store, "plan-241").latest(UNIT_KEY, 2026) is None
    finally:
        store.engine.dispose()
