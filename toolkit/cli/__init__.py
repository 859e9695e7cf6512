"""The `toolkit` command: a thin layer over toolkit.plan and toolkit.report.

Ví dụ / examples:
    toolkit validate
    toolkit tasks --agency so_tu_phap
    toolkit export plan --format xlsx --output bang-phan-cong.xlsx
    toolkit questions reports
    toolkit serve
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from toolkit.cli.output import write_output
from toolkit.datafile import DataError


def _plan(args):
    from toolkit.plan.load import load_plan

    return load_plan(args.plan_dir)


def cmd_validate(args) -> int:
    """Validate the plan data, a folder of question banks, or single bank files."""
    from toolkit.plan.load import load_plan, plan_dir, validate_plan_dir

    paths = [Path(p) for p in args.paths] or [None]
    status = 0
    for path in paths:
        # A plan data folder has plan.yaml; anything else given is a bank file or a folder of banks.
        if path is not None and not (path / "plan.yaml").exists():
            status |= _validate_banks(path, load_plan(args.plan_dir))
            continue
        problems = validate_plan_dir(path)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print(f"Có {len(problems)} lỗi; dữ liệu chưa dùng được.", file=sys.stderr)
            status = 1
            continue
        plan = load_plan(path)
        criteria = Path(path or plan_dir()) / "criteria.yaml"
        if criteria.exists():
            from toolkit.assessment.criteria import load_settings

            try:
                load_settings(plan, criteria)
            except DataError as exc:
                for p in exc.problems:
                    print(p, file=sys.stderr)
                status = 1
                continue
        groups = sum(1 for a in plan.agencies.values() if a.is_group)
        print(f"Hợp lệ: {len(plan.tasks)} nhiệm vụ, {len(plan.agencies) - groups} cơ quan, {groups} nhóm, "
              f"{len(plan.units)} đơn vị.")
    return status


def _validate_banks(path: Path, plan) -> int:
    """Banks are checked together, as the app loads them: an id used in two files is an error.

    The retired list (quizzes/retired.yaml) is checked against the whole bank beside it.
    """
    from toolkit.quiz.banks import load_banks
    from toolkit.quiz.retired import RETIRED_FILE

    single = path.is_file() or path.suffix in (".yaml", ".yml")
    found = [path] if single else sorted(path.glob("*.yaml"))
    files = [f for f in found if f.name != RETIRED_FILE]
    if not found:
        print(f"{path}: không có ngân hàng câu hỏi nào (*.yaml).", file=sys.stderr)
        return 1
    banks, problems = load_banks(None, plan, files=files) if files else ([], [])
    for p in problems:
        print(p, file=sys.stderr)
    refused = sorted({p.file for p in problems})
    for f in refused:
        print(f"{f}: ngân hàng câu hỏi này bị từ chối toàn bộ.", file=sys.stderr)
    for bank in banks:
        waiting = (f"; {len(bank.uncited)} câu chưa có trích dẫn Kế hoạch ('uncited'), chưa dùng cho học viên"
                   if bank.uncited else "")
        print(f"Hợp lệ: {bank.file} — {len(bank.questions)} câu hỏi{waiting}.")
    status = 1 if problems else 0
    for listed in (f for f in found if f.name == RETIRED_FILE):
        status |= _validate_retired(listed, plan, None if single else banks)
    return status


def _validate_retired(path: Path, plan, banks) -> int:
    """The retired list, its ids checked against the generated questions and the banks of its folder."""
    from toolkit.datafile import display_name
    from toolkit.quiz.banks import load_banks
    from toolkit.quiz.generate import generate_questions
    from toolkit.quiz.retired import read_retired

    if banks is None:  # the list given alone: its ids still belong to the banks beside it
        banks, _ = load_banks(path.parent, plan)
    known = {q.id for q in generate_questions(plan)} | {q.id for b in banks for q in b.questions}
    entries, problems = read_retired(path, known)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print(f"{display_name(path)}: danh sách câu hỏi ngừng dùng có {len(problems)} lỗi.", file=sys.stderr)
        return 1
    print(f"Hợp lệ: {display_name(path)} — {len(entries)} câu hỏi ngừng dùng.")
    return 0


def cmd_tasks(args) -> int:
    plan = _plan(args)
    if args.agency or args.unit:
        key = args.agency or args.unit
        known = plan.agencies if args.agency else plan.units
        if key not in known:
            print(f"Không có {'cơ quan' if args.agency else 'đơn vị'} '{key}'. Có: {', '.join(known)}", file=sys.stderr)
            return 2
    # "Chủ trì" only where the plan's words say it (Task.role_label), otherwise "Thực hiện", "Phối hợp".
    roles = {a.task.id: a.task.role_label(a.role) + ("" if a.via == key else f" (qua {plan.agency_name(a.via)})")
             for a in plan.assignments(args.agency, unit_key=args.unit)} if (args.agency or args.unit) else {}
    # A duty a unit carries only by the compiler's reading (a ward, a merged department) is never shown as
    # the plan's words.
    for d in plan.duties(args.unit) if args.unit else ():
        if d.from_reading:
            roles[d.task.id] += f" — cách đọc của người biên soạn: {d.reading.title}"
    tasks = plan.filter_tasks(agency=args.agency, unit=args.unit, section=args.section, query=args.search)
    rows = [(t, roles.get(t.id, "")) for t in tasks]
    for t, role in rows:
        given = ", ".join(plan.agency_name(k) for k in t.addressed_to)
        print(f"{t.id:<9} {t.deadline.label:<36} {role or given}\n          {t.summary}")
    print(f"{len(rows)} nhiệm vụ.")
    return 0


def cmd_export_plan(args) -> int:
    from toolkit.plan import export as report

    plan = _plan(args)
    if args.format == "json":
        from toolkit.plan.load import plan_dir

        exported = report.with_review_marks(report.plan_json(plan), args.plan_dir or plan_dir())  # a draft's marks
        data = (json.dumps(exported, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        data = report.table_bytes(report.assignment_table(plan), args.format)
    return write_output(args, data, args.format == "xlsx")


def cmd_export_questions(args) -> int:
    from toolkit.plan.export import table_bytes
    from toolkit.plan.naming import plan_short
    from toolkit.quiz import formats as fmt
    from toolkit.quiz.banks import question_bank

    plan = _plan(args)
    questions, problems = question_bank(plan, args.quizzes)
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        print("Có ngân hàng câu hỏi bị từ chối; chưa xuất.", file=sys.stderr)
        return 1
    if args.format == "json":
        data = fmt.questions_json(questions).encode("utf-8")
    elif args.format == "moodle-xml":
        data = fmt.moodle_xml(questions, plan_short(plan)).encode("utf-8")
    elif args.format == "gift":
        data = fmt.gift(questions, plan_short(plan)).encode("utf-8")
    else:
        data = table_bytes(fmt.questions_table(questions), "xlsx", sheet="Câu hỏi")
    return write_output(args, data, args.format == "xlsx")


def cmd_export_results(args) -> int:
    from toolkit.plan.catalogue import key_of
    from toolkit.quiz import formats as fmt
    from toolkit.quiz.banks import question_bank
    from toolkit.storage.store import Store

    plan = _plan(args)
    questions, _ = question_bank(plan, args.quizzes)
    rows = Store(args.database).results(plan=key_of(plan))  # the answers to this plan's questions
    data = fmt.results_file(plan, rows, {q.id: q for q in questions}, args.format, names=not args.pseudonymise)
    return write_output(args, data, args.format == "xlsx")


def cmd_export_session(args) -> int:
    from toolkit.quiz.banks import question_bank
    from toolkit.quiz.workshop import session_workbook
    from toolkit.storage.sessions import SessionStore
    from toolkit.storage.store import Store

    plan = _plan(args)
    store = Store(args.database)
    session = SessionStore(store).get(args.code)
    if session is None:
        print(f"Không có phiên nào với mã {args.code}.", file=sys.stderr)
        return 2
    questions, _ = question_bank(plan, args.quizzes)
    from toolkit.quiz.retired import retired_ids

    workbook = session_workbook(store, plan, {q.id: q for q in questions}, session.code, retired_ids(args.quizzes),
                                names=not args.pseudonymise)
    return write_output(args, workbook, True)


def _pseudonymise_flag(parser, numbering: str) -> None:
    """`--an-danh` (English: `--pseudonymise`): the file without names. Without it the file has names and its
    first sheet or column says so."""
    parser.add_argument("--an-danh", "--pseudonymise", dest="pseudonymise", action="store_true",
                        help=f"bản ẩn danh: không có họ tên, {numbering}; đơn vị vẫn giữ "
                             "(mặc định: có họ tên, tệp ghi rõ ở trang hoặc cột đầu)")


def cmd_serve(args) -> int:
    from toolkit.serving.serve import serve

    if args.pool < 0:
        print("Số trang chuẩn bị sẵn (--pool) phải từ 0 trở lên.", file=sys.stderr)
        return 2
    return serve(lan=args.lan, port=args.port, pool=args.pool)


def build_parser() -> argparse.ArgumentParser:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="toolkit", formatter_class=fmt,
        description=("Bộ công cụ PBGDPL (Hà Nội): tra cứu, kiểm tra hiểu biết và tự đánh giá việc thực hiện các kế hoạch "
                     "phổ biến, giáo dục pháp luật.\nPBGDPL toolkit (Hanoi): study, quiz and self-assess legal "
                     "dissemination plans."),
        epilog=__doc__.split("\n", 2)[2])
    parser.add_argument("--plan-dir", help="thư mục dữ liệu một kế hoạch (mặc định: TOOLKIT_PLAN_DIR, nếu không có "
                                           "thì kế hoạch mặc định trong data/)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    p = sub.add_parser("validate", formatter_class=fmt,
                       help="kiểm tra dữ liệu Kế hoạch, ngân hàng câu hỏi / validate the data and question banks",
                       epilog="Ví dụ:\n  toolkit validate\n  toolkit validate du-thao-ke-hoach/\n  toolkit validate quizzes/\n"
                              "  toolkit validate quizzes/phan-i.yaml")
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="thư mục dữ liệu một kế hoạch, thư mục hoặc tệp ngân hàng câu hỏi (mặc định: "
                        "TOOLKIT_PLAN_DIR, nếu không có thì kế hoạch mặc định trong data/)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("tasks", formatter_class=fmt, help="liệt kê nhiệm vụ / list tasks",
                       epilog="Ví dụ:\n  toolkit tasks --agency so_tu_phap\n  toolkit tasks --unit quan_ba_dinh --section II.4\n"
                              "  toolkit tasks --search \"chuan tiep can phap luat\"")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--agency", help="mã cơ quan, ví dụ so_tu_phap (kể cả nhiệm vụ giao cho nhóm của cơ quan)")
    who.add_argument("--unit", help="mã đơn vị, ví dụ quan_ba_dinh")
    p.add_argument("--section", help="mục, ví dụ II.3 hoặc III")
    p.add_argument("--search", help="từ khóa, có dấu hoặc không dấu")
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser("export", formatter_class=fmt, help="xuất dữ liệu / export",
                       epilog="Ví dụ:\n  toolkit export plan --format json > ke-hoach.json\n"
                              "  toolkit export plan --format xlsx --output bang-phan-cong.xlsx")
    what = p.add_subparsers(dest="what", required=True, metavar="LOẠI")
    q = what.add_parser("plan", formatter_class=fmt, help="Kế hoạch: nhiệm vụ, cơ quan, thời hạn",
                        epilog="Ví dụ:\n  toolkit export plan --format csv --output bang-phan-cong.csv")
    q.add_argument("--format", choices=["json", "csv", "xlsx"], default="json")
    q.add_argument("--output", "-o", help="tệp đích (mặc định: in ra màn hình)")
    q.set_defaults(func=cmd_export_plan)
    q = what.add_parser("questions", formatter_class=fmt, help="ngân hàng câu hỏi (sinh từ Kế hoạch và soạn tay)",
                        epilog="Ví dụ:\n  toolkit export questions --format moodle-xml --output cau-hoi.xml\n"
                               "  toolkit export questions --format gift > cau-hoi.gift.txt")
    q.add_argument("--format", choices=["json", "moodle-xml", "gift", "xlsx"], default="json")
    q.add_argument("--output", "-o", help="tệp đích (mặc định: in ra màn hình)")
    q.add_argument("--quizzes", help="thư mục ngân hàng câu hỏi soạn tay (mặc định quizzes/)")
    q.set_defaults(func=cmd_export_questions)
    q = what.add_parser("results", formatter_class=fmt, help="kết quả làm bài đã lưu",
                        epilog="Ví dụ:\n  toolkit export results --format xlsx --output ket-qua.xlsx\n"
                               "  toolkit export results --an-danh --output ket-qua-an-danh.csv")
    q.add_argument("--format", choices=["xlsx", "csv"], default="csv")
    _pseudonymise_flag(q, "mỗi bài làm một số thứ tự BL-001…")
    q.add_argument("--output", "-o", help="tệp đích (mặc định: in ra màn hình)")
    q.add_argument("--quizzes", help="thư mục ngân hàng câu hỏi soạn tay (mặc định quizzes/)")
    q.add_argument("--database", help="SQLAlchemy URL (mặc định TOOLKIT_DATABASE_URL hoặc var/toolkit.sqlite3)")
    q.set_defaults(func=cmd_export_results)
    q = what.add_parser("session", formatter_class=fmt, help="kết quả một phiên tập huấn (người tham gia, câu trả "
                        "lời, thống kê câu hỏi, nhầm lẫn cơ quan)",
                        epilog="Ví dụ:\n  toolkit export session K7QM2X --format xlsx --output phien-K7QM2X.xlsx\n"
                               "  toolkit export session K7QM2X --an-danh --output phien-K7QM2X-an-danh.xlsx")
    q.add_argument("code", metavar="MÃ_PHIÊN", help="mã phiên trên trang báo cáo viên, ví dụ K7QM2X")
    _pseudonymise_flag(q, "mỗi người tham gia một số thứ tự NTG-001… theo thứ tự vào phiên")
    q.add_argument("--format", choices=["xlsx"], default="xlsx")
    q.add_argument("--output", "-o", help="tệp đích (mặc định: in ra màn hình nếu không phải terminal)")
    q.add_argument("--quizzes", help="thư mục ngân hàng câu hỏi soạn tay (mặc định quizzes/)")
    q.add_argument("--database", help="SQLAlchemy URL (mặc định TOOLKIT_DATABASE_URL hoặc var/toolkit.sqlite3)")
    q.set_defaults(func=cmd_export_session)

    from toolkit.cli.assess import register as register_assess
    from toolkit.cli.assess import register_import

    register_import(register_assess(sub, fmt))

    from toolkit.cli.questions import register as register_questions

    register_questions(sub, fmt)

    from toolkit.cli.privacy import register as register_privacy

    register_privacy(sub, fmt)
    from toolkit.cli.importing import register as register_importing  # `toolkit import questions`

    register_importing(sub, fmt)

    from toolkit.cli.backup import register_backup, register_restore

    register_backup(sub, fmt)
    register_restore(sub, fmt)
    from toolkit.cli.plan import register as register_plan  # `toolkit plan import|compare` (the group's subparsers)

    register_plan(sub, fmt)

    p = sub.add_parser("serve", formatter_class=fmt, help="chạy ứng dụng Voila / serve the app",
                       epilog="Ví dụ:\n  toolkit serve\n  toolkit serve --lan --port 8866\n"
                              "  toolkit serve --lan --pool 40   # lớp 40 học viên vào cùng lúc")
    p.add_argument("--lan", action="store_true", help="mở cho mạng nội bộ (mặc định chỉ 127.0.0.1)")
    p.add_argument("--port", type=int, default=8866)
    p.add_argument("--pool", type=int, default=0, metavar="N",
                   help="chuẩn bị sẵn N trang tham gia tập huấn trước khi học viên vào (cỡ lớp; mỗi trang ~60 MB)")
    p.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:  # `toolkit … | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except DataError as exc:
        for p in exc.problems:
            print(p, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
