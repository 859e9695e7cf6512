"""`toolkit import questions …`: a Moodle XML or GIFT bank as an authored bank in quizzes/ (a thin layer over
toolkit.quiz.importing).

`register(sub, fmt)` adds the `import` group to the `toolkit` parser. (`toolkit assess import` is another
thing: it reads a unit's self-assessment exchange file.)
"""

from __future__ import annotations

import sys
from collections import Counter

TYPE_NAMES = {"single": "chọn một", "multiple": "chọn nhiều", "true_false": "đúng/sai", "matching": "ghép",
              "text": "trả lời ngắn"}


def cmd_import_questions(args) -> int:
    from toolkit.plan.load import load_plan
    from toolkit.quiz.importing import import_questions

    plan = load_plan(getattr(args, "plan_dir", None))
    outcome = import_questions(args.file, args.output, plan, title=args.title, force=args.force)
    files = list(dict.fromkeys(f.file for f in outcome.findings))
    for f in sorted(outcome.findings, key=lambda f: (files.index(f.file), f.line or 0)):
        print(f, file=sys.stderr)
    if outcome.errors:
        print(f"Có {len(outcome.errors)} lỗi; chưa ghi tệp nào.", file=sys.stderr)
        return 1
    counts = Counter(q.type for q in outcome.questions)
    kinds = ", ".join(f"{counts[t]} {name}" for t, name in TYPE_NAMES.items() if counts[t])
    skipped = f"; bỏ qua {len(outcome.skipped)} câu không hỗ trợ" if outcome.skipped else ""
    print(f"Đã ghi {args.output}: ngân hàng “{outcome.title}”, {len(outcome.questions)} câu hỏi ({kinds}) từ "
          f"{outcome.format}{skipped}.")
    print("Các câu chưa có trích dẫn Kế hoạch ('uncited: true') nên chưa dùng cho học viên: thêm 'section', "
          "'source', 'explanation' cho từng câu, xóa 'uncited', rồi chạy `toolkit validate quizzes/`.", file=sys.stderr)
    return 0


def register(sub, fmt) -> None:
    """Add `toolkit import` with `questions`."""
    group = sub.add_parser(
        "import", formatter_class=fmt,
        help="nhập ngân hàng câu hỏi từ Moodle (Moodle XML, GIFT) / import Moodle question banks",
        epilog="Ví dụ:\n  toolkit import questions cau-hoi-moodle.xml --output quizzes/luat-pbgdpl.yaml\n"
               "  toolkit import questions cau-hoi.gift.txt --output quizzes/hoi-dap.yaml --title \"Hỏi đáp pháp luật\"")
    what = group.add_subparsers(dest="import_what", required=True, metavar="LOẠI")
    p = what.add_parser(
        "questions", formatter_class=fmt,
        help="ngân hàng câu hỏi Moodle XML hoặc GIFT thành ngân hàng soạn tay (quizzes/*.yaml)",
        description="Nhập câu chọn một, chọn nhiều, đúng/sai, ghép và trả lời ngắn; loại khác được bỏ qua và nêu "
                    "tệp, dòng. Các câu chưa có trích dẫn Kế hoạch ('uncited: true') nên chưa dùng cho học viên cho "
                    "tới khi người biên soạn bổ sung. Có lỗi thì không ghi gì.",
        epilog="Ví dụ:\n  toolkit import questions cau-hoi-moodle.xml --output quizzes/luat-pbgdpl.yaml\n"
               "  toolkit import questions cau-hoi.gift.txt --output quizzes/hoi-dap.yaml --title \"Hỏi đáp pháp luật\" "
               "--force")
    p.add_argument("file", metavar="TỆP", help="tệp Moodle XML hoặc GIFT (nhận biết theo nội dung, không theo đuôi)")
    p.add_argument("--output", "-o", required=True, metavar="quizzes/TÊN.yaml",
                   help="ngân hàng câu hỏi sẽ ghi; tên tệp là mã ngân hàng (chữ thường không dấu, số, dấu gạch ngang)")
    p.add_argument("--title", help="tên ngân hàng (mặc định: tên danh mục Moodle chung của các câu, hoặc tên tệp)")
    p.add_argument("--force", action="store_true", help="ghi đè tệp đích nếu đã có")
    p.set_defaults(func=cmd_import_questions)
