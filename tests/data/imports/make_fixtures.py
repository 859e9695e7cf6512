"""Writes the import fixtures: valid.json / valid.xlsx from the real exporter, and one file per failure mode.

Run from the repository root: `.venv/bin/python tests/data/imports/make_fixtures.py`.
Each bad file differs from valid.json (or valid.xlsx) in one place; tests/unit/test_assessment_import.py
says what each one must be refused for. The exporter is toolkit.assessment_report, so a change of the
exchange format shows up here as a changed fixture.
"""

import json
import unicodedata
from datetime import datetime, timezone
from pathlib import Path

from toolkit.assessment.criteria import load_settings
from toolkit.assessment.report import AssessmentView, report_json, report_xlsx
from toolkit.assessment.scoring import Entry, score_of
from toolkit.plan.load import load_plan
from toolkit.storage.records import AssessmentRecord

HERE = Path(__file__).resolve().parent
UNIT, YEAR = "quan_ba_dinh", 2022
AT = datetime(2023, 1, 10, 2, 30, tzinfo=timezone.utc)  # 09:30 10/01/2023 in Việt Nam

ENTRIES = {
    "II.1.a": Entry("hoan_thanh_cham", evidence_number="12/KH-UBND", evidence_date="2021-03-10",
                    evidence_text="Kế hoạch triển khai ban hành muộn một quý."),
    "II.2.a": Entry("hoan_thanh", evidence_number="45/BC-UBND", evidence_date="2022-12-05",
                    evidence_text="Báo cáo kết quả PBGDPL năm 2022",
                    evidence_link="https://example.gov.vn/bao-cao-45"),
    "II.2.b": Entry("dang_thuc_hien"),
    "II.3.a": Entry("khong_ap_dung", reason="Năm 2022 không có đợt cao điểm nào do quận tổ chức"),
    "II.4.b.1": Entry("chua_thuc_hien"),
    "II.4.b.2": Entry("dang_thuc_hien", central_issued=True),
    "II.5.b": Entry("hoan_thanh", evidence_number="88/QĐ-UBND"),
    # Written decomposed (NFD), as some Windows keyboards do: the importer must store it in NFC.
    "II.9": Entry("hoan_thanh", note=unicodedata.normalize("NFD", "Đã tổ chức 3 hội nghị tập huấn")),
}


def valid_doc(plan, settings):
    criteria, score = score_of(plan, settings, [], UNIT, YEAR, ENTRIES)
    record = AssessmentRecord(1, UNIT, YEAR, 2, "submitted", AT, AT, "Nguyễn Thị Lan")
    view = AssessmentView(plan.unit(UNIT), YEAR, tuple(criteria), ENTRIES, score, record)
    return view, report_json(plan, settings, view)


def write_json(name, doc):
    (HERE / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def entry(doc, task_id):
    return next(e for e in doc["entries"] if e["task_id"] == task_id)


def main():
    plan = load_plan()
    settings = load_settings(plan)
    view, doc = valid_doc(plan, settings)
    write_json("valid.json", doc)

    def variant(name, change):
        d = json.loads(json.dumps(doc))
        change(d)
        write_json(name, d)

    variant("wrong_format.json", lambda d: d.update(format="pbgdpl-plan"))
    variant("format_version.json", lambda d: d.update(format_version=2))
    variant("wrong_plan.json", lambda d: d.update(plan="123/KH-UBND"))
    variant("unknown_unit.json", lambda d: d["unit"].update(key="quan_khong_co"))
    variant("year_outside.json", lambda d: d.update(year=2031))
    variant("unit_inactive.json", lambda d: d.update(year=2026))  # districts end on 30/6/2025
    variant("draft.json", lambda d: d.update(status="draft"))
    variant("unknown_task.json", lambda d: entry(d, "II.2.c").update(task_id="II.7.a"))  # a task of other bodies
    variant("bad_rating.json", lambda d: entry(d, "II.2.b").update(rating="xong"))
    variant("na_without_reason.json", lambda d: entry(d, "II.3.a").update(reason="  "))
    variant("duplicate_task.json", lambda d: d["entries"].append(dict(entry(d, "II.2.a"), rating="dang_thuc_hien")))
    variant("on_time_but_overdue.json", lambda d: entry(d, "II.1.a").update(rating="hoan_thanh"))
    variant("bad_link.json", lambda d: entry(d, "II.2.a").update(evidence_link="javascript:alert(1)"))
    variant("bad_date.json", lambda d: entry(d, "II.2.a").update(evidence_date="31/02/2022"))
    variant("bad_submitted_at.json", lambda d: d.update(submitted_at="hôm qua"))
    text = (HERE / "valid.json").read_text(encoding="utf-8")
    (HERE / "truncated.json").write_text(text[: len(text) // 2], encoding="utf-8")
    (HERE / "not_json.json").write_text("Kính gửi Sở Tư pháp,\nđơn vị gửi kèm bản tự đánh giá.\n", encoding="utf-8")

    (HERE / "valid.xlsx").write_bytes(report_xlsx(plan, settings, view))
    from io import BytesIO

    from openpyxl import load_workbook

    wb = load_workbook(BytesIO(report_xlsx(plan, settings, view)))
    ws = wb["Tự đánh giá"]
    col = [c.value for c in ws[1]].index("Mức đánh giá") + 1
    assert ws.cell(row=7, column=1).value == "II.4.a"
    ws.cell(row=7, column=col).value = "Xong"
    wb.save(HERE / "bad_label.xlsx")


if __name__ == "__main__":
    main()
