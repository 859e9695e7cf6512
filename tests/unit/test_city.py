"""Does the city overview add up? A small case computed by hand, then the database path and a large case.

Units and their criteria (real plan, weights: lead 1, coordinating 0.5):
  doan_luat_su_hn (D): II.1.b lead (Quý IV/2020: overdue from 2021), II.7.a lead, III.5 lead
  ubmttq_tp       (M): II.1.b lead, II.8.a lead, II.8.b coord, III.3 coord, III.5 lead
  hoi_luat_gia_tp (H): II.1.b lead, II.7.a lead, III.5 lead (as D: both are among "các tổ chức xã hội -
                       nghề nghiệp", issue 10) — submits 2021 only
"""

import math
import time
from io import BytesIO

import pytest

from toolkit.assessment.city import (
    NOT_SUBMITTED,
    Submission,
    city_overview,
    city_summary_xlsx,
    heatmap_figure,
    load_submissions,
    synthetic_plan,
    synthetic_submissions,
)
from toolkit.assessment.scoring import Entry
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.store import Store

D, M, H = "doan_luat_su_hn", "ubmttq_tp", "hoi_luat_gia_tp"
NA = Entry("khong_ap_dung", reason="Không có đối tượng")

SUBMISSIONS = [
    # 2021 — D: 0.75 + 0.5 + 1 = 2.25 of 3 = 75 %
    Submission(D, 2021, {"II.1.b": Entry("hoan_thanh_cham"), "II.7.a": Entry("dang_thuc_hien"),
                         "III.5": Entry("hoan_thanh")}),
    # 2021 — M: 0 + 1 + 0.5 + 0.25 (+ III.5 not applicable) = 1.75 of 3 = 58.33 %
    Submission(M, 2021, {"II.1.b": Entry("chua_thuc_hien"), "II.8.a": Entry("hoan_thanh"),
                         "II.8.b": Entry("hoan_thanh"), "III.3": Entry("dang_thuc_hien"), "III.5": NA}),
    # 2021 — H: 0.75 + 1 + 1 = 2.75 of 3 = 91.67 %
    Submission(H, 2021, {"II.1.b": Entry("hoan_thanh_cham"), "II.7.a": Entry("hoan_thanh"),
                         "III.5": Entry("hoan_thanh")}),
    # 2022 — D: II.1.b was completed (late) in 2021, so it is not assessed again; 1 + 0 = 1 of 2 = 50 %
    Submission(D, 2022, {"II.7.a": Entry("hoan_thanh"), "III.5": Entry("chua_thuc_hien")}),
    # 2022 — M: 0.5 + 1 + 0.5 + 0.5 + 1 = 3.5 of 4 = 87.5 % (passes: threshold 80)
    Submission(M, 2022, {"II.1.b": Entry("dang_thuc_hien"), "II.8.a": Entry("hoan_thanh"),
                         "II.8.b": Entry("hoan_thanh"), "III.3": Entry("hoan_thanh"), "III.5": Entry("hoan_thanh")}),
]


@pytest.fixture(scope="module")
def ov(plan, settings):
    return city_overview(plan, settings, SUBMISSIONS, 2022)


def test_is_the_ranking_computed_by_hand(ov):
    r = ov.ranking
    assert r["unit_key"].tolist() == [M, D]
    assert r["rank"].tolist() == [1, 2]
    assert r["percent"].tolist() == [87.5, 50.0]
    assert r["passed"].tolist() == [True, False]
    assert list(zip(r["points"], r["max_points"])) == [(3.5, 4.0), (1.0, 2.0)]
    assert list(zip(r["rated"], r["to_rate"])) == [(5, 5), (2, 2)]


def test_is_the_section_matrix_computed_by_hand(ov):
    m = ov.sections
    assert list(m.index) == [M, D] and list(m.columns) == ["II.1", "II.7", "II.8", "III"]
    got = {k: [None if math.isnan(v) else v for v in row] for k, row in zip(m.index, m.to_numpy())}
    # M: II.1 0.5/1, II.8 1.5/1.5, III 1.5/1.5;  D: II.7 1/1, III 0/1 (II.1 done earlier: no cell)
    assert got == {M: [50.0, None, 100.0, 100.0], D: [None, 100.0, None, 0.0]}


def test_are_units_that_did_not_submit_listed_from_the_registry(plan, ov):
    active = {k for k, u in plan.units.items() if u.active_in(2022)}
    assert set(ov.not_submitted["unit_key"]) == active - {D, M}
    assert ov.active == len(active)
    row = ov.not_submitted.set_index("unit_key").loc[H]
    assert row["last_year"] == 2021 and row["unit"] == plan.unit(H).name
    assert ov.not_submitted.set_index("unit_key")["last_year"].isna()["quan_ba_dinh"]  # never submitted


def test_are_overdue_duties_those_not_rated_completed(ov):
    o = ov.overdue
    submitted = o[o["submitted"]]
    # M's II.1.b is past its deadline and only "Đang thực hiện"; D completed it in 2021.
    assert submitted[["unit_key", "task_id", "rating"]].values.tolist() == [[M, "II.1.b", "Đang thực hiện"]]
    ba_dinh = o[o["unit_key"] == "quan_ba_dinh"]
    assert ba_dinh["task_id"].tolist() == ["II.1.a", "II.4.b.1"] and set(ba_dinh["rating"]) == {NOT_SUBMITTED}
    assert H not in set(o["unit_key"])  # its dated duty (II.1.b) was completed, late, in 2021


def test_is_the_change_from_last_year_computed_by_hand(ov):
    c = ov.change.set_index("unit_key")
    assert c.index.tolist() == [M, D, H]  # biggest rise first, no comparison last
    assert c.loc[M, "previous"] == 58.33 and c.loc[M, "percent"] == 87.5 and c.loc[M, "delta"] == 29.17
    assert (c.loc[D, "previous"], c.loc[D, "percent"], c.loc[D, "delta"]) == (75.0, 50.0, -25.0)
    assert c.loc[H, "previous"] == 91.67 and math.isnan(c.loc[H, "percent"]) and math.isnan(c.loc[H, "delta"])


def test_does_last_year_list_the_overdue_duty_rated_not_done(plan, settings):
    ov = city_overview(plan, settings, SUBMISSIONS, 2021)
    o = ov.overdue[ov.overdue["submitted"]]
    assert o[["unit_key", "task_id", "rating"]].values.tolist() == [[M, "II.1.b", "Chưa thực hiện"]]
    assert ov.ranking["unit_key"].tolist() == [H, D, M] and ov.ranking["percent"].tolist() == [91.67, 75.0, 58.33]


def test_do_equal_percents_share_a_rank_and_nothing_scored_has_none(plan, settings):
    subs = [Submission(H, 2022, {"II.7.a": Entry("hoan_thanh"), "II.1.b": NA, "III.5": NA}),
            Submission("tand_tp", 2022, {"III.3": Entry("hoan_thanh")}),
            Submission("cong_an_tp", 2022, {"II.6.c.1": NA})]  # nothing left to score
    r = city_overview(plan, settings, subs, 2022).ranking
    assert r["unit_key"].tolist()[-1] == "cong_an_tp"
    assert r["rank"].tolist()[:2] == [1, 1] and r["rank"].isna().tolist()[-1]
    assert math.isnan(r["percent"].iloc[-1]) and r["passed"].iloc[-1] is None


def test_does_the_database_give_the_same_overview(plan, settings, ov, tmp_path):
    astore = AssessmentStore(Store(f"sqlite:///{tmp_path / 'a.sqlite3'}"))
    for s in SUBMISSIONS:
        d = astore.open_draft(s.unit_key, s.year)
        for tid, e in s.entries.items():
            astore.save_entry(d.id, tid, e.__dict__)
        astore.submit(d.id, "Lê Hoa")
    d = astore.open_draft(M, 2022)  # a newer draft does not count; only submitted versions do
    astore.save_entry(d.id, "II.1.b", {"rating": "chua_thuc_hien"})
    again = city_overview(plan, settings, load_submissions(astore), 2022)
    assert again.ranking[["unit_key", "percent"]].values.tolist() == ov.ranking[["unit_key", "percent"]].values.tolist()
    assert again.sections.equals(ov.sections)
    assert again.change.equals(ov.change)


def test_does_the_summary_workbook_have_its_sheets(plan, settings):
    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(city_summary_xlsx(plan, settings, SUBMISSIONS, 2022)))
    assert wb.sheetnames == ["Thông tin", "Xếp hạng", "Theo mục", "Chưa nộp", "Nhiệm vụ quá hạn",
                             "So sánh năm trước", "Đơn vị trong năm"]
    rank = list(wb["Xếp hạng"].values)
    assert rank[0][:4] == ("Hạng", "Đơn vị", "Loại đơn vị", "Tỷ lệ điểm (%)")
    assert rank[1][:4] == (1, plan.unit(M).name, "Mặt trận Tổ quốc", 87.5) and rank[1][6] == "Đạt"
    heat = list(wb["Theo mục"].values)
    assert heat[0] == ("Đơn vị", "II.1 (%)", "II.7 (%)", "II.8 (%)", "III (%)")
    assert wb["Theo mục"].conditional_formatting  # coloured like a heatmap
    change = list(wb["So sánh năm trước"].values)
    assert change[0] == ("Đơn vị", "Năm 2021 (%)", "Năm 2022 (%)", "Thay đổi (điểm %)", "So sánh năm 2021 với")
    assert rank[0][-3:] == ("Kỳ đánh giá", "Mã đơn vị", "Mã số đơn vị hành chính")


def test_does_an_empty_year_still_give_tables_and_a_figure(plan, settings):
    ov = city_overview(plan, settings, [], 2023)
    assert ov.ranking.empty and ov.sections.empty and len(ov.not_submitted) == ov.active
    heatmap_figure(plan, ov)
    city_summary_xlsx(plan, settings, [], 2023)


def test_is_600_units_over_3_years_quick(plan, settings):
    big = synthetic_plan(plan, 600)
    keys = [k for k in big.units if k.startswith("tong_hop_")]
    subs = synthetic_submissions(big, settings, [2022, 2023, 2024], keys)
    assert len(subs) > 1500
    start = time.perf_counter()
    ov = city_overview(big, settings, subs, 2024)
    elapsed = time.perf_counter() - start
    assert len(ov.ranking) + len([k for k in ov.not_submitted["unit_key"] if k.startswith("tong_hop_")]) == 600
    assert elapsed < 2.0, f"{elapsed:.2f} s"  # benchmarks/city_overview.py prints the figure
