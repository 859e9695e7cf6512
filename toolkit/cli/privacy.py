"""`toolkit privacy …`: the record of processing, a person's data, deletion and retention (toolkit.privacy).

`register(sub, fmt)` adds the `privacy` group (report, show, find, delete, log) to the `toolkit` parser.
"""

from __future__ import annotations

import sys

from toolkit.cli.output import write_output
from toolkit.vietnamese import local_time

DATABASE_HELP = "SQLAlchemy URL (mặc định TOOLKIT_DATABASE_URL hoặc var/toolkit.sqlite3)"


def cmd_privacy_report(args) -> int:
    from toolkit.paths import var_dir
    from toolkit.privacy.record import processing_report
    from toolkit.privacy.settings import SettingError
    from toolkit.storage.store import database_url

    try:
        text = processing_report(args.database or database_url(), str(var_dir().resolve()))
    except SettingError as exc:
        print(exc, file=sys.stderr)
        return 2
    sys.stdout.write(text)
    return 0


def cmd_privacy_show(args) -> int:
    from toolkit.privacy.subject import personal_data, personal_json, personal_workbook
    from toolkit.storage.personal import PersonalStore
    from toolkit.storage.store import Store

    store = Store(args.database)
    who = PersonalStore(store).by_code(args.code)
    if who is None:
        print("Không có dữ liệu nào với mã cá nhân này.", file=sys.stderr)
        return 2
    rows = personal_data(store, who)
    if args.format == "json":
        return write_output(args, personal_json(rows), False)
    from toolkit.plan.load import load_plan
    from toolkit.quiz.banks import question_bank

    plan = load_plan(getattr(args, "plan_dir", None))
    questions, _ = question_bank(plan)
    return write_output(args, personal_workbook(rows, plan, {q.id: q for q in questions}), True)


def cmd_privacy_delete(args) -> int:
    from toolkit.privacy.retention import apply_retention
    from toolkit.privacy.settings import SettingError
    from toolkit.privacy.subject import counts_text
    from toolkit.storage.personal import PersonalStore
    from toolkit.storage.records import InputError, NotFound
    from toolkit.storage.store import Store

    store = Store(args.database)
    people = PersonalStore(store)
    done = "Sẽ xóa (chạy thử, chưa xóa gì)" if args.dry_run else "Đã xóa"
    try:
        if args.participant is not None:
            counts = people.delete_participant(args.participant, "administrator", dry_run=args.dry_run)
            print(f"{done} dữ liệu của người tham gia số {args.participant}: {counts_text(counts)}.")
        elif args.session:
            code = args.session.strip().upper()
            counts = people.anonymise_session(code, "administrator", dry_run=args.dry_run)
            print(f"{done} họ tên người tham gia phiên {code}: {counts_text(counts)}. Câu trả lời giữ lại không tên "
                  "cho thống kê câu hỏi.")
        else:
            run = apply_retention(store, "administrator", dry_run=args.dry_run)
            print(f"{done} dữ liệu cũ hơn {run.days} ngày (trước {local_time(run.cutoff)}, giờ Việt Nam): "
                  f"{counts_text(run.counts)}.")
    except (InputError, NotFound, SettingError) as exc:
        print(exc, file=sys.stderr)
        return 2
    if not args.dry_run:
        print("Nhật ký xóa ghi lại lần xóa này (không ghi nội dung, không ghi họ tên).", file=sys.stderr)
    return 0


def cmd_privacy_find(args) -> int:
    from toolkit.plan.load import load_plan
    from toolkit.quiz.formats import unit_label
    from toolkit.storage.personal import PersonalStore
    from toolkit.storage.store import Store

    plan = load_plan(getattr(args, "plan_dir", None))
    found = PersonalStore(Store(args.database)).find(args.name)
    for person, attempts in found:
        print(f"{person.id:>6}  {person.name} — {unit_label(plan, person.unit_key)} · {attempts} bài làm")
    print(f"{len(found)} người tham gia." if found else "Không có người tham gia nào có tên này.")
    return 0


def cmd_privacy_log(args) -> int:
    from toolkit.privacy.subject import KIND_LABELS, ROLE_LABELS, counts_text
    from toolkit.storage.personal import PersonalStore
    from toolkit.storage.store import Store

    rows = PersonalStore(Store(args.database)).deletions()
    for r in rows:
        what = KIND_LABELS.get(r.kind, r.kind) + (f" {r.session_code}" if r.session_code else "")
        print(f"{local_time(r.at)} · {what} · {ROLE_LABELS.get(r.by, r.by)} · {counts_text(r.counts)}")
    print(f"{len(rows)} lần xóa." if rows else "Chưa xóa lần nào.")
    return 0


def register(sub, fmt) -> None:
    """Add `toolkit privacy` with `report`, `show`, `find`, `delete` and `log`."""
    group = sub.add_parser(
        "privacy", formatter_class=fmt,
        help="dữ liệu cá nhân: ghi chép xử lý, xem, xóa, hạn lưu giữ / personal data: record, access, deletion",
        epilog="Ví dụ:\n  toolkit privacy report\n  toolkit privacy delete --older-than-retention --dry-run\n"
               "  toolkit privacy delete --participant 42\n  toolkit privacy show --code ABCD-EFGH-JKLM --format json")
    what = group.add_subparsers(dest="privacy_command", required=True, metavar="LỆNH")

    p = what.add_parser(
        "report", formatter_class=fmt,
        help="dữ liệu cá nhân được lưu gì, ở đâu, bao lâu, ai xuất được (từ cấu hình đang chạy và lược đồ)",
        epilog="Ví dụ:\n  toolkit privacy report > ghi-chep-xu-ly-du-lieu.txt\n"
               "  TOOLKIT_RETENTION_DAYS=730 toolkit privacy report")
    p.add_argument("--database", help=DATABASE_HELP)
    p.set_defaults(func=cmd_privacy_report)

    p = what.add_parser(
        "show", formatter_class=fmt, help="mọi dữ liệu lưu về một người, theo mã cá nhân của họ (Excel hoặc JSON)",
        epilog="Ví dụ:\n  toolkit privacy show --code ABCD-EFGH-JKLM --format json\n"
               "  toolkit privacy show --code ABCD-EFGH-JKLM --output du-lieu-cua-toi.xlsx")
    p.add_argument("--code", required=True, help="mã cá nhân in trên màn hình kết quả, ví dụ ABCD-EFGH-JKLM")
    p.add_argument("--format", choices=["xlsx", "json"], default="xlsx")
    p.add_argument("--output", "-o", help="tệp đích (mặc định: in ra màn hình nếu không phải terminal)")
    p.add_argument("--database", help=DATABASE_HELP)
    p.set_defaults(func=cmd_privacy_show)

    p = what.add_parser(
        "delete", formatter_class=fmt,
        help="xóa dữ liệu một người, họ tên của một phiên, hoặc dữ liệu quá hạn lưu giữ (ghi nhật ký xóa)",
        description="Xóa thật (dòng dữ liệu bị xóa khỏi cơ sở dữ liệu). Một người: mọi bài làm, câu trả lời, báo lỗi "
                    "câu hỏi và họ tên của họ. Một phiên: bỏ họ tên mọi người tham gia, giữ câu trả lời không tên "
                    "cho thống kê câu hỏi. Quá hạn: theo TOOLKIT_RETENTION_DAYS (mặc định 365 ngày). Bản sao lưu lấy "
                    "trước đó vẫn còn dữ liệu đã xóa.",
        epilog="Ví dụ:\n  toolkit privacy delete --participant 42\n  toolkit privacy delete --session K7QM2X\n"
               "  toolkit privacy delete --older-than-retention --dry-run")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--participant", type=int, metavar="SỐ", help="số người tham gia (trang báo cáo viên)")
    which.add_argument("--session", metavar="MÃ_PHIÊN", help="mã phiên tập huấn đã đóng, ví dụ K7QM2X")
    which.add_argument("--older-than-retention", action="store_true",
                       help="mọi dữ liệu cũ hơn hạn lưu giữ (TOOLKIT_RETENTION_DAYS)")
    p.add_argument("--dry-run", action="store_true", help="chỉ đếm những gì sẽ bị xóa, không xóa")
    p.add_argument("--database", help=DATABASE_HELP)
    p.set_defaults(func=cmd_privacy_delete)

    p = what.add_parser("find", formatter_class=fmt,
                        help="tìm số người tham gia theo họ tên (có dấu hoặc không dấu), để xóa khi họ yêu cầu",
                        epilog="Ví dụ:\n  toolkit privacy find \"Nguyen Van An\"\n  toolkit privacy delete --participant 42")
    p.add_argument("name", metavar="HỌ_TÊN", help="họ tên hoặc một phần, có dấu hoặc không dấu")
    p.add_argument("--database", help=DATABASE_HELP)
    p.set_defaults(func=cmd_privacy_find)

    p = what.add_parser("log", formatter_class=fmt, help="nhật ký xóa (lúc nào, loại gì, ai, bao nhiêu dòng)",
                        epilog="Ví dụ:\n  toolkit privacy log")
    p.add_argument("--database", help=DATABASE_HELP)
    p.set_defaults(func=cmd_privacy_log)
