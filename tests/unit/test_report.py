"""Is the exported plan (JSON, CSV, xlsx) complete and faithful to the data?"""

import io
import json

from toolkit.exports import figure_png
from toolkit.plan import export as report


def test_json_interface_shape(plan):
    doc = json.loads(json.dumps(report.plan_json(plan), ensure_ascii=False))
    assert doc["plan"]["number"] == "241/KH-UBND"
    assert [t["id"] for t in doc["tasks"]] == [t.id for t in plan.tasks]
    for t, task in zip(doc["tasks"], plan.tasks):
        assert set(t) >= {"id", "section", "lead", "coordinating", "requested", "deadline", "duties", "source"}
        assert [a["key"] for a in t["lead"]] == list(task.lead)
        assert all(set(a) == {"key", "name"} for a in t["lead"] + t["coordinating"])
        assert set(t["deadline"]) == {"kind", "year", "quarter", "text"}
        assert t["source"] == task.source_text
    assert {a["key"] for a in doc["agencies"]} == set(plan.agencies)
    group = next(a for a in doc["agencies"] if a["key"] == "so_ban_nganh")
    assert "so_tu_phap" in group["members"]


def test_json_shows_the_split_item_ii_6_c(plan):
    tasks = {t["id"]: t for t in report.plan_json(plan)["tasks"]}
    assert [a["name"] for a in tasks["II.6.c.2"]["lead"]] == ["Bộ Tư lệnh Thủ đô Hà Nội"]
    assert tasks["II.6.c.2"]["deadline"]["kind"] == "after_central"
    assert tasks["II.6.c.2"]["parent"] == "II.6.c"


def test_xlsx_round_trip(plan):
    import pandas as pd

    data = report.table_bytes(report.assignment_table(plan), "xlsx")
    df = pd.read_excel(io.BytesIO(data))
    assert list(df.columns) == list(report.TABLE_COLUMNS.values())
    assert len(df) == len(plan.tasks)
    row = df[df["Mã nhiệm vụ"] == "II.5.b"].iloc[0]
    assert row["Cơ quan được giao (chủ trì/thực hiện)"] == "Sở Tư pháp" and row["Thời hạn"] == "Năm 2022"
    assert row["Văn bản viết “chủ trì”"] == "Có"  # "b) Sở Tư pháp chủ trì, phối hợp với…"
    # III.4 names no chủ trì: the Office is the body given it, Sở Tư pháp the one it "phối hợp".
    iii4 = df[df["Mã nhiệm vụ"] == "III.4"].iloc[0]
    assert iii4["Cơ quan được giao (chủ trì/thực hiện)"] == "Văn phòng UBND Thành phố"
    assert iii4["Văn bản viết “chủ trì”"] == "Không"
    assert iii4["Phối hợp với (văn bản không nêu cơ quan chủ trì)"] == "Sở Tư pháp"


def test_csv_has_bom_and_diacritics(plan):
    data = report.table_bytes(report.assignment_table(plan), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert "Sở Tư pháp" in data.decode("utf-8-sig")


def test_filtered_table(plan):
    df = report.assignment_table(plan, plan.tasks_of_section("II.6"))
    assert list(df["Mã nhiệm vụ"]) == ["II.6.a", "II.6.b", "II.6.c.1", "II.6.c.2", "II.6.c.3", "II.6.d"]


def test_chart_has_a_row_per_named_body(plan):
    agencies, sections, counts = report.assignment_matrix(plan)
    assert "co_quan_lien_quan" not in agencies and "so_tu_phap" in agencies
    assert counts[("so_tu_phap", "II.4")] == (2, 0)
    fig = report.assignment_chart(plan)
    png = figure_png(fig, dpi=40)
    assert png.startswith(b"\x89PNG")
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == [plan.agency_name(k) for k in agencies]  # the study page's table order
    assert labels[:2] == ["Ban Dân tộc Thành phố", "Bộ Tư lệnh Thủ đô"]
