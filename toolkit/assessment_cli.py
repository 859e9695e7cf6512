"""`toolkit assess …`: self-assessments from the command line (a thin layer over toolkit.assessment_report).

`register(sub, fmt)` adds the `assess` group to the `toolkit` parser and returns its sub-parsers,
so other commands (`assess import`) can be added next to `export` by their own modules.
"""

from __future__ import annotations

import json
import sys

EXPORT_FORMATS = ("xlsx", "html", "json")


def cmd_assess_export(args) -> int:
    from toolkit import assessment_report as ar
    from toolkit.assessment import load_settings
    from toolkit.cli import _write
    from toolkit.plan import load_plan
    from toolkit.store import AssessmentStore, Store

    plan = load_plan(getattr(args, "plan_dir", None))
    if args.unit not in plan.units:
        print(f"Không có đơn vị '{args.unit}' trong danh mục (data/plan-241/units.yaml). Có: "
              f"{', '.join(plan.units)}", file=sys.stderr)
        return 2
    settings = load_settings(plan)
    astore = AssessmentStore(Store(args.database))
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
    else:
        data = (json.dumps(ar.report_json(plan, settings, view), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    state = "đã nộp" if record.submitted else "bản nháp"
    print(f"{name}, năm {args.year}, phiên bản {record.version} ({state}): {view.score.rated}/{view.score.to_rate} "
          f"tiêu chí đã đánh giá, {ar.number(view.score.percent)}%.", file=sys.stderr)
    return _write(args, data, args.format == "xlsx")


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
               "  toolkit assess export --unit quan_ba_dinh --year 2021 --format json --version 1 > v1.json")
    p.add_argument("--unit", required=True, help="mã đơn vị, ví dụ quan_ba_dinh")
    p.add_argument("--year", required=True, type=int, help="năm đánh giá, ví dụ 2021")
    p.add_argument("--format", choices=EXPORT_FORMATS, default="xlsx")
    p.add_argument("--version", type=int, help="số phiên bản (mặc định: mới nhất đã nộp, nếu chưa có thì bản nháp)")
    p.add_argument("--output", "-o", help="tệp đích (mặc định: in ra màn hình; Excel cần --output)")
    p.add_argument("--database", help="SQLAlchemy URL (mặc định TOOLKIT_DATABASE_URL hoặc var/toolkit.sqlite3)")
    p.set_defaults(func=cmd_assess_export)
    return what
