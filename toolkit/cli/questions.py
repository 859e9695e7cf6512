"""`toolkit questions …`: reported questions and retiring one (a thin layer over toolkit.quiz.reports).

`register(sub, fmt)` adds the `questions` group (reports, retire) to the `toolkit` parser.
"""

from __future__ import annotations

import getpass
import sys

from toolkit.storage.records import InputError


def cmd_questions_reports(args) -> int:
    from toolkit.plan.load import load_plan
    from toolkit.quiz.banks import question_bank
    from toolkit.quiz.reports import key_view, reported_questions
    from toolkit.quiz.retired import retired_ids
    from toolkit.storage.store import Store
    from toolkit.vietnamese import local_time

    plan = load_plan(getattr(args, "plan_dir", None))
    questions, problems = question_bank(plan, args.quizzes)
    for p in problems:
        print(p, file=sys.stderr)
    from toolkit.plan.catalogue import key_of

    items = reported_questions(Store(args.database), questions, retired_ids(args.quizzes), plan=key_of(plan))
    for r in items:
        q, reports = r.question, r.reports
        print(f"{reports.count} người báo lỗi · {r.reports.question_id} · lần gần nhất {local_time(reports.latest_at)}")
        if q is None:
            print("  (không còn trong ngân hàng câu hỏi: ngân hàng chứa nó đang bị bỏ qua vì lỗi)")
        else:
            print(f"  {q.stem}")
            for text, right in key_view(q):
                print(f"  {'✔' if right else ' '} {text}")
            print(f"  Giải thích: {q.explanation}")
            print(f"  Nguyên văn Kế hoạch: {q.source}")
        for n in reports.notes:
            unit = plan.units[n.unit_key].name if n.unit_key in plan.units else "Đơn vị khác"
            print(f"  Ghi chú: “{n.note}” — {n.name} ({unit}), {local_time(n.at)}")
        print()
    print(f"{len(items)} câu hỏi bị báo lỗi." if items else "Chưa có câu hỏi nào bị báo lỗi.")
    return 0


def cmd_questions_retire(args) -> int:
    from toolkit.plan.load import load_plan
    from toolkit.quiz.reports import retire_question
    from toolkit.quiz.retired import retired_name

    plan = load_plan(getattr(args, "plan_dir", None))
    try:
        entry = retire_question(plan, args.id, args.reason, args.by or getpass.getuser(), args.quizzes)
    except InputError as exc:
        print(exc, file=sys.stderr)
        return 2
    path = retired_name(args.quizzes)
    print(f"Đã ngừng dùng câu hỏi {entry.id} (ngày {entry.retired_on:%d/%m/%Y}, {entry.by}).")
    print(f"Đã ghi vào {path}: hãy xem lại và commit tệp này trong git như các ngân hàng câu hỏi.", file=sys.stderr)
    return 0


def register(sub, fmt) -> None:
    """Add `toolkit questions` with `reports` and `retire`."""
    group = sub.add_parser(
        "questions", formatter_class=fmt,
        help="câu hỏi bị báo lỗi, ngừng dùng câu hỏi / reported questions, retiring one",
        epilog="Ví dụ:\n  toolkit questions reports\n"
               "  toolkit questions retire lead:II.3.b:so_tu_phap --reason \"Đáp án sai: Kế hoạch giao Sở Tư pháp chủ trì\"")
    what = group.add_subparsers(dest="questions_command", required=True, metavar="LỆNH")

    p = what.add_parser(
        "reports", formatter_class=fmt,
        help="các câu hỏi học viên đã báo lỗi: số người, ghi chú, câu hỏi, đáp án, nguyên văn Kế hoạch",
        epilog="Ví dụ:\n  toolkit questions reports\n  toolkit questions reports --database postgresql+psycopg://…")
    p.add_argument("--quizzes", help="thư mục ngân hàng câu hỏi soạn tay (mặc định quizzes/)")
    p.add_argument("--database", help="SQLAlchemy URL (mặc định TOOLKIT_DATABASE_URL hoặc var/toolkit.sqlite3)")
    p.set_defaults(func=cmd_questions_reports)

    p = what.add_parser(
        "retire", formatter_class=fmt,
        help="ngừng dùng một câu hỏi (ghi vào quizzes/retired.yaml; xem lại và commit trong git)",
        description="Ghi câu hỏi vào quizzes/retired.yaml: không trang, phiên tập huấn hay tệp xuất nào còn dùng "
                    "nó. Tệp được kiểm tra trước khi ghi; có lỗi thì không ghi gì.",
        epilog="Ví dụ:\n  toolkit questions retire lead:II.3.b:so_tu_phap --reason \"Đáp án sai: Kế hoạch giao Sở Tư pháp "
               "chủ trì\" --by \"Nguyễn Thị Mai\"")
    p.add_argument("id", metavar="MÃ_CÂU_HỎI", help="mã câu hỏi, như trong `toolkit questions reports`")
    p.add_argument("--reason", required=True, help="lý do ngừng dùng (bắt buộc): câu hỏi sai ở đâu")
    p.add_argument("--by", help="người quyết định (mặc định: tên người dùng trên máy)")
    p.add_argument("--quizzes", help="thư mục ngân hàng câu hỏi soạn tay (mặc định quizzes/)")
    p.set_defaults(func=cmd_questions_retire)
