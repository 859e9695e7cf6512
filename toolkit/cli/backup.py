"""`toolkit backup` and `toolkit restore`: a thin layer over toolkit.storage.backup.

`register_backup(sub, fmt)` and `register_restore(sub, fmt)` add the two commands to the `toolkit` parser.
"""

from __future__ import annotations

import sys

DATABASE_HELP = "SQLAlchemy URL (mặc định TOOLKIT_DATABASE_URL hoặc var/toolkit.sqlite3)"


def _holds(info) -> str:
    return (f"{info.participants} người tham gia, {info.attempts} bài làm, {info.responses} câu trả lời "
            f"(lược đồ {info.revision})")


def cmd_backup(args) -> int:
    from toolkit.storage import backup as bk

    try:
        info = bk.backup(args.database, args.output)
    except bk.ServerDatabase as exc:
        print(exc, file=sys.stderr)
        return 2
    except bk.BackupError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"Đã sao lưu vào {info.path}: {_holds(info)}.")
    print("Tệp chỉ tài khoản này đọc được (quyền 0600), vì nó có họ tên và câu trả lời của cán bộ: hãy cất ở nơi "
          "an toàn.")
    return 0


def cmd_restore(args) -> int:
    from toolkit.storage import backup as bk
    from toolkit.storage.migrations import HEAD

    try:
        done = bk.restore(args.file, args.database, force=args.force)
    except bk.ServerDatabase as exc:
        print(exc, file=sys.stderr)
        return 2
    except bk.BackupError as exc:
        print(exc, file=sys.stderr)
        print("Chưa khôi phục gì: cơ sở dữ liệu vẫn như cũ.", file=sys.stderr)
        return 1
    if done.previous:
        print(f"Đã sao lưu cơ sở dữ liệu trước khi khôi phục vào {done.previous}.")
    else:
        print("Chưa có cơ sở dữ liệu cũ nên không cần sao lưu trước khi khôi phục.")
    upgraded = f", đã nâng cấp lược đồ {done.revision_found} lên {HEAD}" if done.revision_found != HEAD else ""
    print(f"Đã khôi phục {args.file} vào {done.database}{upgraded}: {_holds(done.info)}.")
    return 0


def register_backup(sub, fmt) -> None:
    p = sub.add_parser(
        "backup", formatter_class=fmt,
        help="sao lưu cơ sở dữ liệu, kể cả khi máy chủ đang chạy / back up the database, also while serving",
        description="Chép cơ sở dữ liệu SQLite thành một tệp nhất quán (API sao lưu trực tuyến của SQLite), kể cả\n"
                    "khi `toolkit serve` đang chạy và học viên đang trả lời. Tệp chỉ chủ sở hữu đọc được (0600).\n"
                    "Tên mặc định: var/backups/toolkit-NĂMTHÁNGNGÀY-GIỜPHÚTGIÂY.sqlite3, theo giờ Việt Nam.\n"
                    "Với PostgreSQL, lệnh này chỉ dẫn cách dùng pg_dump và pg_restore.\n"
                    "Back up the SQLite database while the server runs; PostgreSQL: pg_dump.",
        epilog="Ví dụ:\n  toolkit backup\n  toolkit backup --output /media/usb/pbgdpl-2026-03.sqlite3")
    p.add_argument("--output", "-o", metavar="TỆP", help="tệp đích (mặc định var/backups/toolkit-<thời điểm>.sqlite3)")
    p.add_argument("--database", help=DATABASE_HELP)
    p.set_defaults(func=cmd_backup)


def register_restore(sub, fmt) -> None:
    p = sub.add_parser(
        "restore", formatter_class=fmt,
        help="khôi phục cơ sở dữ liệu từ bản sao lưu / restore the database from a backup",
        description="Kiểm tra tệp (cơ sở dữ liệu SQLite, PRAGMA integrity_check, các bảng và phiên bản lược đồ\n"
                    "của bộ công cụ), sao lưu cơ sở dữ liệu hiện có vào var/backups/, rồi thay bằng bản đã kiểm tra\n"
                    "trong một giao dịch: không lúc nào cơ sở dữ liệu ghi dở. Bản sao lưu của phiên bản cũ hơn\n"
                    "được nâng cấp lược đồ. Hãy dừng `toolkit serve` trước: lệnh từ chối khi có trang đang mở,\n"
                    "trừ khi có --force.\n"
                    "Restore a checked backup, keeping a backup of the current database first.",
        epilog="Ví dụ:\n  toolkit restore var/backups/toolkit-20260315-143005.sqlite3\n"
               "  toolkit restore /media/usb/pbgdpl-2026-03.sqlite3 --database sqlite:///du-lieu/toolkit.sqlite3")
    p.add_argument("file", metavar="TỆP", help="bản sao lưu do `toolkit backup` tạo ra")
    p.add_argument("--database", help=DATABASE_HELP)
    p.add_argument("--force", action="store_true",
                   help="khôi phục cả khi máy chủ đang chạy (các trang đang mở thấy ngay dữ liệu đã khôi phục; bài "
                        "đang làm dở có thể không còn)")
    p.set_defaults(func=cmd_restore)
