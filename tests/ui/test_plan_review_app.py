"""Does the plan review page stay shut until the passcode, then import, review, correct and publish a draft,
driven without a browser (values set, buttons clicked)?

The drafts are tests/data/plan-review (a four-task draft and its small city registry), copied for each
test; the importer is a stand-in that writes that same draft, so these tests do not depend on how well the
importer reads a document (tests/browser/test_plan_review_page.py imports a real .docx).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

import ipywidgets as widgets
import pytest
from helpers import widget_states

from toolkit.plan.catalogue import review_state
from toolkit.plan.importer.errors import ImportFailure
from toolkit.plan.load import load_plan
from toolkit.plan.review import Draft
from toolkit.serving.access import PasscodeGate
from toolkit.serving.uploads import MAX_FILE_BYTES
from toolkit.ui.plan_review import PlanReviewApp

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "plan-review"
CODE = "864209"
REVIEWER = "Trần Văn Bình"


@pytest.fixture(autouse=True)
def passcode(monkeypatch):
    monkeypatch.setenv("TOOLKIT_PASSCODE", CODE)


@pytest.fixture
def drafts(tmp_path) -> Path:
    shutil.copytree(FIXTURE, tmp_path / "drafts")
    return tmp_path / "drafts"


def fake_importer(path, output, *, key=None, city_dir=None):
    """Writes the fixture's draft, as the importer would write the draft of that document."""
    assert Path(path).read_bytes()  # the uploaded bytes reached a file the importer can read
    shutil.copytree(FIXTURE / "ke-hoach-mau", output, dirs_exist_ok=True)  # the page claims the empty folder first


@pytest.fixture
def app(store, drafts, tmp_path):
    return PlanReviewApp(store, PasscodeGate(store, "plan-review", env={}, clock=lambda: 1000.0), drafts=drafts,
                         data_dir=tmp_path / "data", importer=fake_importer)


def walk(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from walk(child)


def unlock(app, name: str = REVIEWER):
    app.passcode.value = CODE
    app.unlock.click()
    assert app.unlocked, app.gate_message.value
    app.reviewer.value = name


def open_draft(app, key: str = "ke-hoach-mau"):
    app.draft_list.value = key
    app.open_draft.click()
    assert app.draft is not None and app.draft.key == key


def row_of(app, field: str) -> widgets.HBox:
    """The row of the task on screen that shows `field`."""
    label = {"lead": "Cơ quan chủ trì", "coordinating": "Cơ quan phối hợp", "deadline": "Thời hạn",
             "duties": "Nội dung nhiệm vụ", "requested": "Chỉ đạo hay đề nghị"}[field]
    return next(r for r in app.fields.children if f"<b>{label}" in r.children[0].value)


def general_rows(app, kind: str) -> list:
    """The rows of one group of general items (the page shows one group at a time)."""
    app.general_group.value = kind
    return list(app.general.children)


def show_task(app, task_id: str):
    app.task_picker.value = task_id
    assert app._current().task.id == task_id


# ---------------------------------------------------------------- the gate


def test_before_unlocking_is_there_nothing_but_the_passcode_field(app):
    kinds = {type(w) for w in walk(app.widget)}
    assert kinds <= {widgets.VBox, widgets.HTML, widgets.Password, widgets.Button}
    text = widget_states(app.widget)
    assert "ke-hoach-mau" not in text and "Sở Tư pháp" not in text
    assert app.upload is None and app.draft is None


def test_is_a_wrong_passcode_refused_and_every_action_locked(app):
    app.passcode.value = "000000"
    app.unlock.click()
    assert not app.unlocked and "không đúng" in app.gate_message.value
    app.on_publish()
    app.on_open_draft()
    app.on_upload({"new": ({"name": "a.txt", "size": 1, "content": b"x"},)})
    assert "Trang đang khóa" in app.gate_message.value
    assert app.draft is None and not (app.drafts / "a").exists()


# ---------------------------------------------------------------- reviewing


def test_does_the_page_list_drafts_and_show_a_task_beside_its_words(app):
    unlock(app)
    assert [v for _l, v in app.draft_list.options] == ["ke-hoach-mau"]
    assert "0/18 mục đã duyệt" in app.draft_list.options[0][0]
    open_draft(app)
    assert "0/18 mục đã duyệt" in app.progress.value
    assert "15/KH-UBND" in app.header.value
    assert app._current().task.id == "II.1.a"
    assert '<mark class="" title="Cơ quan chủ trì, thực hiện">Sở Tư pháp chủ trì</mark>' in app.source.value
    show_task(app, "II.1.b")
    lead = row_of(app, "lead")
    # The importer was unsure of II.1.b's lead: a coloured border, and its reason beside the value.
    assert "unsure" in lead._dom_classes
    assert "Bộ nhập chưa chắc" in lead.children[0].value and "UBND các xã, phường" in lead.children[0].value
    assert 'class="unsure"' in app.source.value
    assert "unsure" not in row_of(app, "deadline")._dom_classes


def test_does_accepting_an_item_count_it_and_record_the_reviewer(app):
    unlock(app)
    open_draft(app)
    row_of(app, "lead").children[1].click()
    assert "1/18 mục đã duyệt" in app.progress.value
    assert "accepted" in row_of(app, "lead")._dom_classes
    assert "Đã chấp nhận" in app.task_message.value
    assert app.draft.trail[-1].by == REVIEWER
    row_of(app, "lead").children[1].click()  # now “Bỏ duyệt”
    assert "0/18 mục đã duyệt" in app.progress.value


def test_is_a_reviewer_without_a_name_refused(app):
    unlock(app, name="")
    open_draft(app)
    row_of(app, "lead").children[1].click()
    assert "họ tên người duyệt" in app.task_message.value
    assert "0/18 mục đã duyệt" in app.progress.value


def test_does_the_form_correct_lead_and_addressee_together(app):
    unlock(app)
    open_draft(app)
    show_task(app, "II.1.b")
    app.lead.value = ("so_ban_nganh", "ubnd_cap_xa")
    app.addressed_to.value = ("so_ban_nganh", "ubnd_cap_xa")
    app.save.click()
    assert "Đã lưu" in app.task_message.value, app.task_message.value
    assert app.draft.plan().task("II.1.b").lead == ("so_ban_nganh", "ubnd_cap_xa")
    assert "corrected" in row_of(app, "lead")._dom_classes
    assert "1/18 mục đã duyệt" in app.progress.value
    assert app._current().task.id == "II.1.b"  # the page stays on the task


def test_is_an_invalid_correction_refused_with_the_validators_words(app):
    unlock(app)
    open_draft(app)
    before = (app.draft.directory / "tasks.yaml").read_bytes()
    app.duties.value = "một việc văn bản không hề viết"
    app.save.click()
    assert "nội dung không có trong trích dẫn nguồn" in app.task_message.value
    assert "tasks.yaml:" in app.task_message.value
    app.duties.value = "tổ chức hội nghị phổ biến pháp luật mới cho cán bộ, công chức các sở, ban, ngành"
    app.deadline.value = "Quý III năm 2026"  # not what the task's words say
    app.save.click()
    assert "không có quý III" in app.task_message.value
    assert (app.draft.directory / "tasks.yaml").read_bytes() == before
    app.deadline.value = "Quý II năm 2026"
    app.save.click()
    assert "Chưa có thay đổi nào" in app.task_message.value


def test_can_a_proposed_agency_be_accepted_or_replaced(app):
    unlock(app)
    open_draft(app)
    assert [v for _l, v in app.general_group.options] == ["plan", "agency"]
    assert app.general_group.options[0][0] == "Thông tin chung (4 chưa duyệt)"
    rows = general_rows(app, "agency")
    agency_row = next(r for r in rows if isinstance(r, widgets.HBox) and "Tên cơ quan" in r.children[0].value)
    assert "đề xuất thêm vào danh mục" in agency_row.children[0].value
    replace = rows[rows.index(agency_row) + 1]
    picker, button = replace.children
    picker.value = "so_tu_phap"
    button.click()
    assert "Đã thay cơ quan đề xuất" in app.general_message.value
    assert app.draft.proposed_agencies() == ()
    show_task(app, "II.2")
    assert "Sở Tư pháp" in row_of(app, "lead").children[0].value


def test_can_the_plans_own_fields_be_corrected_where_they_are_shown(app):
    unlock(app)
    open_draft(app)
    rows = general_rows(app, "plan")
    title_row = next(r for r in rows if isinstance(r, widgets.HBox) and "<b>Trích yếu" in r.children[0].value)
    box, button = rows[rows.index(title_row) + 1].children
    assert box.value == "Phổ biến, giáo dục pháp luật năm 2026 trên địa bàn thành phố Hà Nội"
    box.value = "Kế hoạch phổ biến, giáo dục pháp luật năm 2026"
    button.click()
    assert "Đã sửa: Thông tin chung — Trích yếu" in app.general_message.value, app.general_message.value
    assert app.draft.plan().info.title == "Kế hoạch phổ biến, giáo dục pháp luật năm 2026"
    assert "Kế hoạch phổ biến" in app.header.value
    # The signer has three parts: accepted here, or corrected in plan.yaml; no box for it.
    signer_row = next(r for r in app.general.children if isinstance(r, widgets.HBox)
                      and "<b>Người ký" in r.children[0].value)
    rows = list(app.general.children)
    after = rows[rows.index(signer_row) + 1:rows.index(signer_row) + 2]
    assert not any("correct-general" in r._dom_classes for r in after)
    assert any("correct-general" in r._dom_classes for r in rows)  # the check can see such a box


def test_does_next_unreviewed_skip_the_tasks_already_done(app):
    unlock(app)
    open_draft(app)
    app.accept_task.click()
    assert "Đã chấp nhận 4 mục của nhiệm vụ II.1.a" in app.task_message.value
    show_task(app, "II.1.a")
    app.next_unreviewed.click()
    assert app._current().task.id == "II.1.b"
    app.next_task.click()
    assert app._current().task.id == "II.2"
    app.prev_task.click()
    assert app._current().task.id == "II.1.b"


# ---------------------------------------------------------------- publishing


def test_is_publishing_refused_until_everything_is_reviewed_then_done(app, tmp_path):
    unlock(app)
    open_draft(app)
    app.publish_button.click()
    assert "còn 18 mục chưa duyệt" in app.publish_result.value
    assert not (tmp_path / "data" / "ke-hoach-mau").exists()
    for kind in ("plan", "agency"):
        while True:
            waiting = [r for r in general_rows(app, kind) if isinstance(r, widgets.HBox)
                       and r.children[1].description == "Chấp nhận"]
            if not waiting:
                break
            waiting[0].children[1].click()
    assert app.general_group.options[0][0] == "Thông tin chung ✓"
    for task_id in ("II.1.a", "II.1.b", "II.2", "III.1"):
        show_task(app, task_id)
        app.accept_task.click()
    assert "18/18 mục đã duyệt" in app.progress.value and "có thể xuất bản" in app.progress.value
    app.publish_key.value = "ke-hoach-15-2026"
    app.publish_button.click()
    assert "Đã xuất bản kế hoạch “ke-hoach-15-2026”" in app.publish_result.value, app.publish_result.value
    published = tmp_path / "data" / "ke-hoach-15-2026"
    assert review_state(published) == "published"
    assert len(load_plan(published).tasks) == 4
    assert "Đã xuất bản" in app.header.value
    app.publish_button.click()
    assert "Đã có kế hoạch mã “ke-hoach-15-2026”" in app.publish_result.value


# ---------------------------------------------------------------- importing


def upload(app, name: str, content: bytes, size: int | None = None):
    app.upload.value = ({"name": name, "type": "", "size": len(content) if size is None else size,
                         "content": memoryview(content),
                         "last_modified": datetime(2026, 12, 1, tzinfo=timezone.utc)},)


def test_does_an_uploaded_document_become_a_draft_on_screen(app):
    unlock(app)
    upload(app, "Kế hoạch mẫu.docx", b"PK fake docx bytes")
    assert "Đã nhập “Kế hoạch mẫu.docx” thành bản nháp “ke-hoach-mau-2”" in app.task_message.value
    assert app.draft.key == "ke-hoach-mau-2" and isinstance(app.draft, Draft)
    assert app.upload.value == ()  # the bytes do not stay in widget state
    app.back.click()
    assert {v for _l, v in app.draft_list.options} == {"ke-hoach-mau", "ke-hoach-mau-2"}


def test_are_wrong_files_refused_before_the_importer_sees_them(app):
    unlock(app)
    upload(app, "bang-tinh.xlsx", b"x")
    assert "chỉ nhận tệp .docx, .txt, .md, .pdf" in app.upload_result.value
    upload(app, "rat-lon.pdf", b"", size=MAX_FILE_BYTES + 1)
    assert "vượt giới hạn" in app.upload_result.value and "Văn bản kế hoạch" in app.upload_result.value
    assert "Tệp tự đánh giá" not in app.upload_result.value
    assert sorted(p.name for p in app.drafts.iterdir()) == ["city", "ke-hoach-mau"]


def test_does_an_importer_error_leave_no_draft_and_say_why(app):
    def refusing(path, output, *, key=None, city_dir=None):
        (Path(output) / "nua-chung.yaml").write_text("x", encoding="utf-8")  # half written, then it fails
        raise ValueError("/secret/path/x")

    app.importer = refusing
    unlock(app)
    upload(app, "hong.pdf", b"%PDF-1.4")
    assert "Không nhập được “hong.pdf”" in app.upload_result.value
    assert "/secret/path" not in app.upload_result.value  # not the importer's own failure: its text is not shown
    assert sorted(p.name for p in app.drafts.iterdir()) == ["city", "ke-hoach-mau"]

    def failing(path, output, *, key=None, city_dir=None):
        raise ImportFailure(str(path), "Tệp PDF không có lớp chữ (bản chụp): hãy dùng bản .docx.", "trang 1")

    app.importer = failing
    upload(app, "ban-chup.pdf", b"%PDF-1.4")
    assert "Không nhập được “ban-chup.pdf”, trang 1: Tệp PDF không có lớp chữ" in app.upload_result.value
    assert "/tmp" not in app.upload_result.value
