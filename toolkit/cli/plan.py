"""`toolkit plan …`: importing a plan's text as a draft folder, measuring a draft against a reviewed plan,
a draft's review status and publishing it (a thin layer over toolkit.plan.importer and toolkit.plan.review).
"""

from __future__ import annotations

import re
import sys


def cmd_plan_import(args) -> int:
    from toolkit.datafile import display_name
    from toolkit.plan.importer import ImportFailure, import_plan

    if args.key is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", args.key):
        print(f"Mã kế hoạch “{args.key}” không hợp lệ: chỉ dùng chữ thường không dấu, chữ số và dấu “-” (ví dụ "
              "ke-hoach-15-2026).", file=sys.stderr)
        return 2
    try:
        result = import_plan(args.file, args.output, city_dir=args.city, key=args.key)
    except ImportFailure as exc:
        print(f"{exc}\nChưa ghi gì.", file=sys.stderr)
        return 1
    new = f", đề xuất {len(result.proposed_agencies)} cơ quan mới ({', '.join(result.proposed_agencies)})" \
        if result.proposed_agencies else ""
    print(f"Đã ghi bản nháp {display_name(result.directory)}: {result.tasks} nhiệm vụ trong {result.sections} mục{new}; "
          f"{result.review_items} mục chờ duyệt, {result.unsure} mục công cụ chưa chắc chắn.")
    print("Bản nháp chưa được học, kiểm tra hay tự đánh giá: hãy duyệt từng mục (trang “Duyệt kế hoạch” hoặc "
          "review.yaml) rồi xuất bản.", file=sys.stderr)
    return 0


def cmd_plan_compare(args) -> int:
    from toolkit.plan.importer import compare

    agreement = compare(args.draft, args.reference)
    for line in agreement.lines():
        print(line)
    if args.details:
        for line in agreement.differences():
            print(f"  {line}")
    return 0


def cmd_plan_status(args) -> int:
    from toolkit.plan.review import Draft, ReviewError

    try:
        draft = Draft(args.draft)
        done, total = draft.progress
    except ReviewError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"{draft.key}: {done}/{total} mục đã duyệt ({draft.status}).")
    for item in draft.unreviewed:
        print(f"  chưa duyệt: {item.label}" + (f" — {item.why}" if item.why else ""))
    return 0 if done == total else 3


def cmd_plan_publish(args) -> int:
    from toolkit.plan.review import ReviewError, publish

    try:
        folder = publish(args.draft, data_dir=args.data_dir, key=args.key, by=args.by)
    except ReviewError as exc:
        print(f"{exc}\nChưa xuất bản.", file=sys.stderr)
        return 1
    print(f"Đã xuất bản {folder}: kế hoạch có ở các trang tra cứu, kiểm tra và tự đánh giá.")
    return 0


def register(sub, fmt):
    """Add `toolkit plan` with `import` and `compare`; return the group's subparsers."""
    group = sub.add_parser(
        "plan", formatter_class=fmt,
        help="nhập văn bản kế hoạch thành bản nháp, đối chiếu bản nháp / import a plan's text as a draft, compare",
        epilog="Ví dụ:\n  toolkit plan import ke-hoach-15.docx --output du-thao/ke-hoach-15-2026\n"
               "  toolkit plan compare du-thao/ke-hoach-15-2026 data/ke-hoach-15-2026")
    what = group.add_subparsers(dest="plan_command", required=True, metavar="LỆNH")

    p = what.add_parser(
        "import", formatter_class=fmt,
        help="đọc .docx, .txt, .md hoặc .pdf (có lớp chữ) thành thư mục kế hoạch nháp, mọi trường chờ duyệt",
        description="Đọc văn bản kế hoạch và ghi một thư mục kế hoạch nháp (plan.yaml, tasks.yaml, agencies.yaml, "
                    "units.yaml, criteria.yaml, van-ban/, review.yaml). Cơ quan được đối chiếu với danh mục của "
                    "Thành phố chỉ theo tên và tên gọi; tên không có trong danh mục được đề xuất thành cơ quan mới. "
                    "Không ghi đè thư mục đã có dữ liệu; lỗi thì không ghi gì.",
        epilog="Ví dụ:\n  toolkit plan import ke-hoach-15.docx --output du-thao/ke-hoach-15-2026\n"
               "  toolkit plan import ke-hoach.pdf --output du-thao/kh --city data/hanoi --key ke-hoach-15-2026")
    p.add_argument("file", metavar="TỆP", help="văn bản kế hoạch: .docx, .txt, .md hoặc .pdf có lớp chữ")
    p.add_argument("--output", "-o", required=True, metavar="THƯ_MỤC",
                   help="thư mục bản nháp (chưa có, hoặc rỗng)")
    p.add_argument("--city", metavar="THƯ_MỤC", help="danh mục cơ quan, đơn vị của Thành phố (mặc định data/hanoi)")
    p.add_argument("--key", metavar="MÃ", help="mã kế hoạch dự kiến khi xuất bản, ghi ở review.yaml "
                                                "(mặc định: tên thư mục bản nháp)")
    p.set_defaults(func=cmd_plan_import)

    p = what.add_parser(
        "compare", formatter_class=fmt,
        help="đối chiếu bản nháp với kế hoạch đã rà soát: tỷ lệ nhiệm vụ, cơ quan chủ trì, phối hợp, thời hạn khớp",
        description="Ghép từng nhiệm vụ của bản đối chiếu với nhiệm vụ của bản nháp theo nguyên văn (không theo mã) và "
                    "in tỷ lệ khớp, cùng số cơ quan bị ghép nhầm với danh mục.",
        epilog="Ví dụ:\n  toolkit plan compare du-thao/ke-hoach-15-2026 data/ke-hoach-15-2026\n"
               "  toolkit plan compare du-thao/ke-hoach-15-2026 data/ke-hoach-15-2026 --details")
    p.add_argument("draft", metavar="BẢN_NHÁP", help="thư mục bản nháp (từ `toolkit plan import`)")
    p.add_argument("reference", metavar="BẢN_ĐỐI_CHIẾU", help="thư mục kế hoạch đã rà soát của cùng văn bản")
    p.add_argument("--details", action="store_true", help="liệt kê từng nhiệm vụ không khớp")
    p.set_defaults(func=cmd_plan_compare)
    p = what.add_parser(
        "status", formatter_class=fmt, help="bản nháp đã duyệt được bao nhiêu mục; liệt kê mục chưa duyệt",
        description="In số mục đã duyệt và từng mục chưa duyệt (review.yaml). Mã thoát 3 khi còn mục chưa duyệt.")
    p.add_argument("draft", metavar="BẢN_NHÁP", help="thư mục bản nháp")
    p.set_defaults(func=cmd_plan_status)

    p = what.add_parser(
        "publish", formatter_class=fmt,
        help="xuất bản bản nháp đã duyệt hết: kiểm tra lại rồi chép vào thư mục dữ liệu",
        description="Cho người duyệt trong git: khi mọi mục của review.yaml đã “accepted” hoặc “corrected”, kiểm tra "
                    "lại toàn bộ thư mục rồi chép vào thư mục dữ liệu (mặc định data/ hoặc TOOLKIT_DATA_DIR) với "
                    "status: published. Còn mục chưa duyệt, dữ liệu không hợp lệ hoặc mã đã có thì không chép gì.",
        epilog="Ví dụ:\n  toolkit plan publish du-thao/ke-hoach-15-2026 --by \"Nguyễn Văn A\"\n"
               "  toolkit plan publish du-thao/kh --key ke-hoach-15-2026 --data-dir /srv/pbgdpl/data --by \"Nguyễn Văn A\"")
    p.add_argument("draft", metavar="BẢN_NHÁP", help="thư mục bản nháp đã duyệt")
    p.add_argument("--key", metavar="MÃ", help="tên thư mục kế hoạch khi xuất bản (mặc định: mã của bản nháp)")
    p.add_argument("--data-dir", metavar="THƯ_MỤC", help="thư mục dữ liệu (mặc định data/ hoặc TOOLKIT_DATA_DIR)")
    p.add_argument("--by", required=True, metavar="HỌ_TÊN", help="người xuất bản (ghi vào review.yaml)")
    p.set_defaults(func=cmd_plan_publish)
    return what
