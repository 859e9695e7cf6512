"""`toolkit assess …`: self-assessments from the command line (a thin layer over toolkit.assessment).

`register(sub, fmt)` adds the `assess` group (export, import, city) to the `toolkit` parser.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from toolkit.assessment.importing import import_assessments
from toolkit.vietnamese import number, whole

EXPORT_FORMATS = ("xlsx", "html", "json", "docx")
BINARY_FORMATS = ("xlsx", "docx")
CITY_FORMATS = ("xlsx", "docx")


def cmd_assess_export(args) -> int:
    from toolkit.assessment import report as ar
    from toolkit.assessment.criteria import load_settings
    from toolkit.cli.output import write_output
    from toolkit.plan.load import load_plan
    from toolkit.plan.naming import plan_short
    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.store import Store

    plan = load_plan(getattr(args, "plan_dir", None))
    if args.unit not in plan.units:
        print(f"Không có đơn vị '{args.unit}' trong danh mục đơn vị của {plan_short(plan)}. Có: "
              f"{', '.join(plan.units)}", file=sys.stderr)
        return 2
    settings = load_settings(plan)
    from toolkit.plan.catalogue import key_of

    astore = AssessmentStore(Store(args.database), key_of(plan))  # that plan's assessments only
    record = ar.chosen_record(astore, args.unit, args.year, args.version)
    name = plan.unit(args.unit).name
    if record is None:
        which = f"phiên bản {args.version} của " if args.version is not None else ""
        print(f"Chưa có {which}bản tự đánh giá năm {args.year} của {name}.", file=sys.stderr)
        return 1
    view = ar.load_view(plan, settings, astore, args.unit, args.year, record)
    if args.format == "xlsx":
        data = ar.report_xlsx(plan, settings, view)
    elif args.format == "html":
        data = ar.report_html(plan, settings, view).encode("utf-8")
    elif args.format == "docx":
        from toolkit.assessment.docx_report import report_docx

        data = report_docx(plan, settings, view)
    else:
        data = (json.dumps(ar.report_json(plan, settings, view), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    state = "đã nộp" if record.submitted else "bản nháp"
    print(f"{name}, năm {args.year}, phiên bản {record.version} ({state}): {view.score.rated}/{view.score.to_rate} "
          f"tiêu chí đã đánh giá, {number(view.score.percent)}%.", file=sys.stderr)
    return write_output(args, data, args.format in BINARY_FORMATS, args.format)


def register(sub, fmt):
    """Add `toolkit assess` with `export`; return the group's sub-parsers for more commands."""
    assess = sub.add_parser(
        "assess", formatter_class=fmt, help="tự đánh giá của đơn vị / unit self-assessments",
        epilog="Ví dụ:\n  toolkit assess export --unit quan_ba_dinh --year 2021 --format html --output bao-cao.html")
    what = assess.add_subparsers(dest="assess_command", required=True, metavar="LỆNH")
    p = what.add_parser(
        "export", formatter_class=fmt,
        help="xuất bản tự đánh giá (mới nhất đã nộp, nếu chưa nộp thì bản nháp)",
        epilog="Ví dụ:\n"
               "  toolkit assess export --unit quan_ba_dinh --year 2021 --format xlsx --output tu-danh-gia.xlsx\n"
               "  toolkit assess export --unit so_tu_phap --year 2022 --format html --output bao-cao.html\n"
               "  toolkit assess export --unit so_tu_phap --year 2022 --format docx --output bao-cao.docx\n"
               "  toolkit assess export --unit quan_ba_dinh --year 2021 --format json --version 1 > v1.json")
    p.add_argument("--unit", required=True, help="mã đơn vị, ví dụ quan_ba_dinh")
    p.add_argument("--year", required=True, type=int, help="năm đánh giá, ví dụ 2021")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="xlsx")
    p.add_argument("--version", type=int, help="số phiên bản (mặc định: mới nhất đã nộp, nếu chưa có thì bản nháp)")
    p.add_argument("--output", "-o", help="tệp đích (mặc định: in ra màn hình; Excel và Word cần --output)")
    p.add_argument("--database", help="SQLAlchemy URL (mặc định TOOLKIT_DATABASE_URL hoặc var/toolkit.sqlite3)")
    p.set_defaults(func=cmd_assess_export)
    return what


# ---------------------------------------------------------------- command line


def register_import(what) -> None:
    """Add `import` and `city` to the `toolkit assess` group (`what` is its argparse subparsers)."""
    import argparse

    fmt = argparse.RawDescriptionHelpFormatter
    p = what.add_parser("import", formatter_class=fmt,
                        help="nhập bản tự đánh giá các đơn vị gửi (.json, .xlsx) / import units' files",
                        epilog="Ví dụ:\n  toolkit assess import tu-danh-gia-quan-ba-dinh-2022.json\n"
                               "  toolkit assess import thu-muc-nhan/*.json thu-muc-nhan/*.xlsx\n\n"
                               "Mỗi tệp được kiểm tra toàn bộ trước khi ghi; tệp có lỗi bị từ chối nguyên tệp,\n"
                               "các tệp khác vẫn được nhập. Nhập lại tệp đã nhập không tạo bản trùng.\n"
                               "Mã thoát 1 nếu có tệp bị từ chối.")
    p.add_argument("files", nargs="+", metavar="TỆP", help="tệp .json hoặc .xlsx xuất từ trang Tự đánh giá")
    p.add_argument("--database", help="SQLAlchemy URL (mặc định TOOLKIT_DATABASE_URL hoặc var/toolkit.sqlite3)")
    p.set_defaults(func=cmd_import)

    p = what.add_parser("city", formatter_class=fmt,
                        help="tổng hợp toàn Thành phố (Excel, Word) / city summary",
                        epilog="Ví dụ:\n  toolkit assess city --year 2022 --format xlsx --output tong-hop-2022.xlsx\n"
                               "  toolkit assess city --year 2022 --format docx --output bao-cao-tong-hop-2022.docx\n\n"
                               "Excel, các trang: Xếp hạng, Theo mục, Chưa nộp, Nhiệm vụ quá hạn, So sánh năm trước.\n"
                               "Word: báo cáo của Sở Tư pháp theo thể thức Nghị định 30/2020/NĐ-CP, cùng các bảng ấy.")
    p.add_argument("--year", type=int, required=True, help="năm đánh giá, ví dụ 2022")
    p.add_argument("--format", choices=CITY_FORMATS, default="xlsx")
    p.add_argument("--output", "-o", required=True, help="tệp đích .xlsx hoặc .docx")
    p.add_argument("--database", help="SQLAlchemy URL (mặc định TOOLKIT_DATABASE_URL hoặc var/toolkit.sqlite3)")
    p.set_defaults(func=cmd_city)


def _plan_and_settings(args):
    from toolkit.assessment.criteria import load_settings
    from toolkit.plan.load import load_plan, plan_dir

    plan = load_plan(getattr(args, "plan_dir", None))
    criteria = Path(getattr(args, "plan_dir", None) or plan_dir()) / "criteria.yaml"
    return plan, load_settings(plan, criteria if criteria.exists() else None)


def cmd_import(args) -> int:
    import sys

    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.store import Store

    plan, settings = _plan_and_settings(args)
    from toolkit.plan.catalogue import key_of

    report = import_assessments([Path(f) for f in args.files], plan, settings,
                                AssessmentStore(Store(args.database), key_of(plan)))
    for r in report.results:
        stream = sys.stderr if r.outcome == "rejected" else sys.stdout
        print(r.message, file=stream)
        for p in r.problems:
            print(f"  - {p}", file=stream)
        for n in r.notes:
            print(f"  · {n}", file=stream)
    print(f"{len(report.imported)} tệp đã nhập, {len(report.results) - len(report.imported) - len(report.rejected)} "
          f"tệp trùng nội dung, {len(report.rejected)} tệp bị từ chối.")
    return 1 if report.rejected else 0


def cmd_city(args) -> int:
    import sys

    from toolkit.assessment.city import city_summary_xlsx, load_submissions
    from toolkit.datafile import write_atomic
    from toolkit.storage.assessments import AssessmentStore
    from toolkit.storage.store import Store

    plan, settings = _plan_and_settings(args)
    if not plan.info.period_start <= args.year <= plan.info.period_end:
        print(f"Năm {args.year} nằm ngoài thời kỳ của Kế hoạch ({plan.info.period_start}–{plan.info.period_end}).",
              file=sys.stderr)
        return 2
    from toolkit.plan.catalogue import key_of

    submissions = load_submissions(AssessmentStore(Store(args.database), key_of(plan)))
    if args.format == "docx":
        from toolkit.assessment.city import city_overview
        from toolkit.assessment.docx_report import city_docx

        data = city_docx(plan, city_overview(plan, settings, submissions, args.year))
    else:
        data = city_summary_xlsx(plan, settings, submissions, args.year)
    write_atomic(Path(args.output), data)
    print(f"Đã ghi {args.output} ({whole(len(data))} byte).", file=sys.stderr)
    return 0
