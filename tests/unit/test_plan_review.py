"""Reviewing an imported draft (toolkit.plan.review): does every change leave the folder valid or nothing at
all, is nothing published with an item unreviewed, and is publishing all or nothing?

The draft is tests/data/plan-review/ke-hoach-mau (four tasks, a city registry of its own in ../city),
copied for each test: the tests write to it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.plan import review
from toolkit.plan.catalogue import review_state
from toolkit.plan.load import load_plan, validate_plan_dir
from toolkit.plan.review import Draft, ReviewError, check_folder, excerpt, list_drafts, publish

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "plan-review"
REVIEWER = "Nguyễn Thị Lan"


def fresh_copy(root: Path) -> Path:
    shutil.copytree(FIXTURE, root, dirs_exist_ok=True)
    return root / "ke-hoach-mau"


@pytest.fixture
def draft_dir(tmp_path) -> Path:
    return fresh_copy(tmp_path / "work")


@pytest.fixture
def draft(draft_dir) -> Draft:
    return Draft(draft_dir)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def review_all(draft: Draft) -> None:
    for item in draft.unreviewed:
        draft.accept(item, by=REVIEWER)


def test_is_the_fixture_a_valid_draft_with_every_item_unreviewed(draft):
    assert validate_plan_dir(draft.directory) == []
    assert draft.progress == (0, 18)
    assert review_state(draft.directory) == "draft"


# ---------------------------------------------------------------- what the page shows


def test_does_each_task_come_with_its_items_and_the_text_they_came_from(draft):
    reviews = {r.task.id: r for r in draft.task_reviews()}
    assert list(reviews) == ["II.1.a", "II.1.b", "II.2", "III.1"]
    lead = next(i for i in reviews["II.1.b"].items if i.field == "lead")
    assert draft.span_text(lead) == "Các sở, ban, ngành, UBND các xã, phường"
    assert lead.unsure and "UBND các xã, phường" in lead.why
    pieces = {i.field: text for text, i in reviews["II.1.b"].excerpt.segments if i is not None}
    assert pieces["lead"] == "Các sở, ban, ngành, UBND các xã, phường"
    assert pieces["deadline"] == "Thời gian thực hiện: Hằng năm."
    # The excerpt is whole lines of the text, pieces put back together.
    assert reviews["II.1.b"].excerpt.text.startswith("b) Các sở")
    sure = next(i for i in reviews["II.1.a"].items if i.field == "deadline")
    assert not sure.unsure


def test_does_a_span_inside_another_name_its_own_piece():
    items = [review.ReviewItem(0, "task:x", "source", "unreviewed", span=(0, 20)),
             review.ReviewItem(1, "task:x", "lead", "unreviewed", span=(5, 9))]
    cut = excerpt("0123456789abcdefghij", items)
    assert [(t, i.field) for t, i in cut.segments] == [("01234", "source"), ("5678", "lead"),
                                                        ("9abcdefghij", "source")]


def test_are_the_city_and_the_proposed_agencies_the_ones_a_correction_may_name(draft):
    choices = dict((k, label) for label, k in draft.agency_choices())
    assert set(choices) == {"ubnd_tp", "so_tu_phap", "so_noi_vu", "ubmttq_tp", "so_ban_nganh", "ubnd_cap_xa",
                            "trung_tam_truyen_thong_pl"}
    assert choices["trung_tam_truyen_thong_pl"].endswith("(đề xuất mới)")
    assert draft.agency_keys() == set(choices)


def test_are_drafts_listed_newest_import_first(tmp_path):
    folder = tmp_path / "drafts"
    for name, at in (("cu", "2026-01-01T08:00:00+07:00"), ("moi", "2026-06-01T08:00:00+07:00")):
        shutil.copytree(FIXTURE / "ke-hoach-mau", folder / name)
        text = (folder / name / "review.yaml").read_text(encoding="utf-8")
        (folder / name / "review.yaml").write_text(text.replace("2026-12-01T18:40:00+07:00", at), encoding="utf-8")
    (folder / ".hidden").mkdir()
    assert [d.key for d in list_drafts(folder)] == ["moi", "cu"]
    assert list_drafts(tmp_path / "none") == []


# ---------------------------------------------------------------- accepting


def test_does_accepting_mark_the_item_and_record_who_and_when(draft):
    item = draft.items[4]
    draft.accept(item, by="  Nguyễn  Thị Lan ")
    assert draft.items[4].status == "accepted"
    assert draft.progress == (1, 18)
    last = draft.trail[-1]
    assert (last.by, last.action, last.ref, last.field) == (REVIEWER, "accepted", item.ref, item.field)
    assert last.at.endswith("+07:00")
    draft.reopen(draft.items[4], by=REVIEWER)
    assert draft.items[4].status == "unreviewed" and draft.trail[-1].action == "reopened"


def test_is_a_nameless_reviewer_refused(draft_dir, draft):
    before = snapshot(draft_dir)
    with pytest.raises(ReviewError, match="họ tên người duyệt"):
        draft.accept(draft.items[0], by="  ")
    assert snapshot(draft_dir) == before


def test_is_an_item_that_moved_since_the_page_read_it_refused(draft_dir, draft):
    stale = review.ReviewItem(0, "task:II.1.a", "lead", "unreviewed")  # index 0 is the plan's number
    before = snapshot(draft_dir)
    with pytest.raises(ReviewError, match="không còn ở chỗ cũ"):
        draft.accept(stale, by=REVIEWER)
    assert snapshot(draft_dir) == before


def test_does_accepting_twice_write_once(draft):
    draft.accept(draft.items[0], by=REVIEWER)
    draft.accept(draft.items[0], by=REVIEWER)
    assert [e.action for e in draft.trail] == ["accepted"]


# ---------------------------------------------------------------- correcting


def test_does_a_correction_land_in_tasks_yaml_and_mark_its_item(draft_dir, draft):
    draft.correct_task("II.1.b", {"lead": ["so_ban_nganh", "ubnd_cap_xa"],
                                  "addressed_to": ["so_ban_nganh", "ubnd_cap_xa"]}, by=REVIEWER)
    assert draft.plan().task("II.1.b").lead == ("so_ban_nganh", "ubnd_cap_xa")
    lead = next(i for i in draft.items if i.ref == "task:II.1.b" and i.field == "lead")
    assert lead.status == "corrected"
    entry = next(e for e in draft.trail if e.field == "lead")
    assert entry.value == ["so_ban_nganh", "ubnd_cap_xa"] and entry.was == ["so_ban_nganh"]
    assert validate_plan_dir(draft_dir) == []


def test_does_a_correction_change_only_its_own_lines(draft_dir, draft):
    before = (draft_dir / "tasks.yaml").read_text(encoding="utf-8").splitlines()
    draft.correct("II.1.a", "coordinating", ["so_noi_vu", "ubnd_tp"], by=REVIEWER)
    after = (draft_dir / "tasks.yaml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert len(before) == len(after)
    assert changed == [("    coordinating: [so_noi_vu]", "    coordinating: [so_noi_vu, ubnd_tp]")]
    assert after[0].startswith("# Nhiệm vụ nhập tự động")  # comments stay


def test_is_a_deadline_read_from_its_own_words(draft):
    with pytest.raises(ReviewError, match="không nói năm 2027"):
        draft.correct("II.1.a", "deadline", {"text": "Quý II năm 2026", "year": 2027}, by=REVIEWER)
    with pytest.raises(ReviewError, match="không hiểu thời hạn “Quý V năm 2026”"):
        draft.correct("II.1.a", "deadline", "Quý V năm 2026", by=REVIEWER)
    # A year and quarter the task's own words do not give are not the plan's deadline.
    with pytest.raises(ReviewError, match="không có quý III"):
        draft.correct("II.1.a", "deadline", "Quý III năm 2026", by=REVIEWER)
    draft.correct("II.1.a", "deadline", "Thời gian thực hiện: Quý II năm 2026", by=REVIEWER)
    assert draft.plan().task("II.1.a").deadline.quarter == 2
    draft.correct("III.1", "deadline", "", by=REVIEWER)
    assert draft.plan().task("III.1").deadline.kind == "none"


def test_are_wrong_values_refused_in_vietnamese_with_nothing_written(draft_dir, draft):
    before = snapshot(draft_dir)
    cases = [("lead", ["khong_co"], "không có trong danh mục Thành phố"),
             ("lead", "so_tu_phap", "danh sách mã cơ quan"),
             ("requested", "có", "đúng hoặc sai"),
             ("summary", "   ", "không được để trống"),
             ("duties", [], "ít nhất một đoạn"),
             ("signer", "x", "Không sửa được trường"),
             ("lead", ["so_tu_phap"], "giống giá trị đang có"),
             # The validator's own rule and message, with the draft's file and line.
             ("duties", ["một việc văn bản không viết"], r"tasks\.yaml:\d+: Nhiệm vụ II\.1\.a: nội dung không có")]
    for field, value, message in cases:
        with pytest.raises(ReviewError, match=message):
            draft.correct("II.1.a", field, value, by=REVIEWER)
    with pytest.raises(ReviewError, match="Không có nhiệm vụ “II.9”"):
        draft.correct("II.9", "summary", "x", by=REVIEWER)
    assert snapshot(draft_dir) == before


def test_does_a_refusal_name_the_drafts_files_not_the_scratch_copy(draft_dir, draft):
    with pytest.raises(ReviewError) as refused:
        draft.correct("II.1.b", "lead", ["so_tu_phap"], by=REVIEWER)  # not whom II.1.b is addressed to
    assert refused.value.problems
    for problem in refused.value.problems:
        assert ".check-" not in problem.file and problem.file.endswith("ke-hoach-mau/tasks.yaml")
    assert not [p for p in draft_dir.parent.iterdir() if p.name.startswith(".")]  # no scratch copy left


AGENCIES = ["so_tu_phap", "so_noi_vu", "ubmttq_tp", "so_ban_nganh", "ubnd_cap_xa", "ubnd_tp",
            "trung_tam_truyen_thong_pl", "khong_co"]
SOURCE_WORDS = ["tổ chức hội nghị phổ biến pháp luật mới", "cho cán bộ, công chức các sở, ban, ngành",
                "phối hợp tuyên truyền", "một câu văn bản không có"]
DEADLINES = ["Quý II năm 2026", "Quý III năm 2026", "Hằng năm", "Thường xuyên", "Năm 2026", "Năm 2031", "",
             "Quý II năm 2025", "sớm nhất có thể"]
values = {
    "lead": st.lists(st.sampled_from(AGENCIES), max_size=3),
    "coordinating": st.lists(st.sampled_from(AGENCIES), max_size=3),
    "addressed_to": st.lists(st.sampled_from(AGENCIES), max_size=3),
    "requested": st.booleans(),
    "deadline": st.sampled_from(DEADLINES),
    "duties": st.lists(st.sampled_from(SOURCE_WORDS), max_size=3),
    "source": st.lists(st.sampled_from(SOURCE_WORDS + ["a) Sở Tư pháp chủ trì, phối hợp với Sở Nội vụ tổ chức "
                                                       "hội nghị phổ biến pháp luật mới"]), max_size=2),
    "summary": st.text(max_size=20),
}
corrections = st.tuples(st.sampled_from(["II.1.a", "II.1.b", "II.2", "III.1"]),
                        st.dictionaries(st.sampled_from(sorted(values)), st.none(), min_size=1, max_size=3))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_does_every_correction_keep_the_draft_valid_or_change_nothing(tmp_path_factory, data):
    folder = fresh_copy(tmp_path_factory.mktemp("prop"))
    d = Draft(folder)
    for _ in range(data.draw(st.integers(1, 3))):
        task_id, fields = data.draw(corrections)
        changes = {f: data.draw(values[f]) for f in fields}
        before = snapshot(folder)
        try:
            d.correct_task(task_id, changes, by=REVIEWER)
        except ReviewError as refused:
            assert refused.message
            assert snapshot(folder) == before
            continue
        assert validate_plan_dir(folder) == []
        assert review.review_problems(folder) == []
        task = d.plan().task(task_id)
        for field, value in changes.items():
            if field in review.AGENCY_FIELDS:
                assert list(getattr(task, field)) == list(dict.fromkeys(value))


def test_are_the_plans_own_fields_corrected_in_plan_yaml(draft_dir, draft):
    draft.correct_general("plan", "date", "13/1/2026", by=REVIEWER)
    draft.correct_general("plan", "period", "2026 – 2027", by=REVIEWER)
    draft.correct_general("section:II.2", "title", "Phổ biến pháp luật trên môi trường mạng", by=REVIEWER)
    draft.correct_general("document:luat-pbgdpl-2012", "title", "Luật PBGDPL", by=REVIEWER)
    plan = draft.plan()
    assert (str(plan.info.date), plan.info.period_start, plan.info.period_end) == ("2026-01-13", 2026, 2027)
    assert plan.section("II.2").title == "Phổ biến pháp luật trên môi trường mạng"
    assert plan.implements[0].title == "Luật PBGDPL"
    date = next(i for i in draft.items if i.ref == "plan" and i.field == "date")
    assert date.status == "corrected"
    assert (draft_dir / "plan.yaml").read_text(encoding="utf-8").startswith("# Bản nháp nhập từ")


def test_are_wrong_plan_fields_refused_with_nothing_written(draft_dir, draft):
    before = snapshot(draft_dir)
    for ref, field, value, message in [("plan", "date", "31/02/2026", "không có ngày"),
                                       ("plan", "date", "tháng Giêng", "ngày/tháng/năm"),
                                       ("plan", "period", "2030–2026", "năm đầu và năm cuối"),
                                       ("plan", "issuer", "khong_co", "không có trong danh mục"),
                                       ("plan", "purposes", "x", "không sửa được"),
                                       ("plan", "signer", {"name": "An"}, "chức vụ"),
                                       ("plan", "title", "  ", "không được để trống"),
                                       ("section:II.9", "title", "x", "Không có mục “II.9”"),
                                       # A year the tasks' deadlines fall outside of: the validator's rule.
                                       ("plan", "period", "2027–2030", "nằm ngoài thời kỳ")]:
        with pytest.raises(ReviewError, match=message):
            draft.correct_general(ref, field, value, by=REVIEWER)
    assert snapshot(draft_dir) == before


# ---------------------------------------------------------------- a proposed agency


def test_is_a_proposed_agency_replaced_everywhere_by_the_citys_own(draft_dir, draft):
    draft.replace_agency("trung_tam_truyen_thong_pl", "so_tu_phap", by=REVIEWER)
    plan = draft.plan()
    assert plan.task("II.2").lead == ("so_tu_phap",) and "trung_tam_truyen_thong_pl" not in plan.agencies
    assert draft.proposed_agencies() == ()
    assert next(i for i in draft.items if i.ref.startswith("agency:")).status == "corrected"
    with pytest.raises(ReviewError, match="không phải cơ quan mới"):
        draft.replace_agency("so_tu_phap", "ubnd_tp", by=REVIEWER)


def test_is_a_replacement_by_an_unknown_agency_refused(draft_dir, draft):
    before = snapshot(draft_dir)
    with pytest.raises(ReviewError, match="không có trong danh mục"):
        draft.replace_agency("trung_tam_truyen_thong_pl", "khong_co", by=REVIEWER)
    assert snapshot(draft_dir) == before


# ---------------------------------------------------------------- publishing


def test_is_publishing_refused_while_an_item_is_unreviewed(tmp_path, draft):
    data = tmp_path / "data"
    data.mkdir()
    for item in draft.unreviewed[1:]:
        draft.accept(item, by=REVIEWER)
    with pytest.raises(ReviewError, match=r"còn 1 mục chưa duyệt: Thông tin chung — Số và ký hiệu\."):
        publish(draft.directory, data_dir=data)
    assert list(data.iterdir()) == []


def test_does_a_published_plan_validate_load_and_reach_the_same_city(tmp_path, draft):
    review_all(draft)
    data = tmp_path / "elsewhere" / "data"
    out = publish(draft.directory, data_dir=data, key="ke-hoach-15-2026", by=REVIEWER)
    assert out == data / "ke-hoach-15-2026" and sorted(p.name for p in data.iterdir()) == ["ke-hoach-15-2026"]
    assert validate_plan_dir(out) == []
    plan = load_plan(out)
    assert plan.key == "ke-hoach-15-2026" and len(plan.tasks) == 4 and "so_tu_phap" in plan.agencies
    registry = yaml.safe_load((out / "units.yaml").read_text(encoding="utf-8"))["registry"]
    assert (out / registry["agencies"]["file"]).resolve() == (draft.directory.parent / "city" / "agencies.yaml")
    marks = yaml.safe_load((out / "review.yaml").read_text(encoding="utf-8"))
    assert marks["status"] == "published" and marks["trail"][-1]["action"] == "published"
    assert review_state(out) == "published"
    assert Draft(draft.directory).trail[-1].action == "published"  # the draft remembers where it went
    with pytest.raises(ReviewError, match="Đã có kế hoạch mã “ke-hoach-15-2026”"):
        publish(draft.directory, data_dir=data, key="ke-hoach-15-2026")


@pytest.mark.parametrize("key", ["../ra-ngoai", "Kế-hoạch", "", ".an"])
def test_is_a_key_that_is_no_plain_folder_name_refused(tmp_path, draft, key):
    with pytest.raises(ReviewError, match="không dùng được làm tên thư mục"):
        publish(draft.directory, data_dir=tmp_path / "data", key=key or "-")
    assert not (tmp_path / "data").exists() and not (tmp_path / "ra-ngoai").exists()


def test_does_a_failed_publication_leave_no_folder(tmp_path, draft, monkeypatch):
    review_all(draft)
    data = tmp_path / "data"
    data.mkdir()

    def broken_rename(*args):
        raise OSError("disk full")

    monkeypatch.setattr(review.os, "rename", broken_rename)
    with pytest.raises(OSError):
        publish(draft.directory, data_dir=data)
    assert list(data.iterdir()) == []
    monkeypatch.undo()

    # The copy is checked where it stands: a registry path that no longer reaches the city refuses it.
    monkeypatch.setattr(review.os.path, "relpath", lambda *a: "../nowhere/agencies.yaml")
    with pytest.raises(ReviewError, match="bản sao trong thư mục dữ liệu không hợp lệ") as refused:
        publish(draft.directory, data_dir=data)
    assert any("Không tìm thấy danh mục Thành phố" in p.message for p in refused.value.problems)
    assert all(".publishing-" not in p.file for p in refused.value.problems)
    assert list(data.iterdir()) == []
    assert review_state(draft.directory) == "draft"


def test_is_an_invalid_draft_not_published(tmp_path, draft_dir, draft):
    review_all(draft)
    tasks = draft_dir / "tasks.yaml"
    tasks.write_text(tasks.read_text(encoding="utf-8").replace("lead: [so_tu_phap]", "lead: [khong_co]", 1),
                     encoding="utf-8")
    with pytest.raises(ReviewError, match="không hợp lệ") as refused:
        publish(draft_dir, data_dir=tmp_path / "data")
    assert any("khong_co" in p.message for p in refused.value.problems)
    assert not (tmp_path / "data" / "ke-hoach-mau").exists()


def test_is_a_draft_reviewed_in_git_published_where_it_stands(tmp_path, draft):
    review_all(draft)
    out = publish(draft.directory, data_dir=draft.directory.parent)
    assert out == draft.directory and review_state(out) == "published"
    assert sorted(p.name for p in out.parent.iterdir()) == ["city", "ke-hoach-mau"]


def test_does_check_folder_see_the_change_it_is_given(draft_dir):
    tasks = (draft_dir / "tasks.yaml").read_text(encoding="utf-8")
    assert check_folder(draft_dir) == []
    problems = check_folder(draft_dir, {"tasks.yaml": tasks.replace("section: \"II.2\"", "section: \"II.7\"")})
    assert any("Mục 'II.7' không có" in p.message for p in problems)
    assert check_folder(draft_dir) == []


def test_is_a_draft_the_importer_writes_reviewed_and_published(tmp_path):
    """The importer's review.yaml and this module agree: every item can be accepted, the proposed body replaced
    by the city's own, and the result published."""
    from toolkit.plan.importer import import_plan

    text = FIXTURE / "ke-hoach-mau" / "van-ban" / "ke-hoach-mau.txt"
    result = import_plan(text, tmp_path / "drafts" / "mau")
    draft = Draft(result.directory)
    assert draft.progress == (0, len(draft.items)) and draft.items
    assert all(i.span is not None and draft.span_text(i).strip() for i in draft.items)
    for key in draft.proposed_agencies():  # "UBND các xã, phường" is the city's ubnd_cap_xa
        draft.replace_agency(key, "ubnd_cap_xa", by=REVIEWER)
    review_all(draft)
    out = publish(draft.directory, data_dir=tmp_path / "data", by=REVIEWER)
    plan = load_plan(out)
    assert review_state(out) == "published" and plan.task("II.1.b").lead == ("so_ban_nganh", "ubnd_cap_xa")
