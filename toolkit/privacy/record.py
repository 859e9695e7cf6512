"""The record of processing (`toolkit privacy report`): what personal data the toolkit stores, where, for how
long and who can export it, from the running configuration and the schema.

`INVENTORY` is the one place that says, for every table of toolkit/storage/schema.py, whether it holds
personal data and, if it does, which of its columns are personal. tests/unit/test_privacy_record.py fails
when a table or a column of such a table is not in it, so a new column cannot slip in unclassified.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from toolkit.privacy.notices import LAW, MY_DATA_TITLE, PURPOSES
from toolkit.privacy.settings import controller, retention_days

PERSONAL, LINK, OTHER = "cá nhân", "liên kết", "không"  # about a person / points to one / neither


@dataclass(frozen=True)
class TableUse:
    """One table: what it is, whose data, why, how long, who sees and exports it, and each column's class."""

    what: str
    columns: Mapping[str, tuple[str, str]]  # column → (PERSONAL | LINK | OTHER, what it holds); {} = none personal
    purpose: str = ""
    kept: str = ""
    seen_by: str = ""

    @property
    def personal(self) -> tuple[str, ...]:
        return tuple(c for c, (kind, _) in self.columns.items() if kind == PERSONAL)


def _days(days: int) -> str:
    return f"{days} ngày"


def inventory(days: int) -> dict[str, TableUse]:
    """Every table of the schema, for a retention period of `days`."""
    trainer = "báo cáo viên trên trang báo cáo viên (có mã truy cập)"
    admin = "người quản trị máy chủ: lệnh toolkit, tệp cơ sở dữ liệu, bản sao lưu"
    return {
        "participants": TableUse(
            "người làm bài, người tham gia tập huấn", {
                "id": (LINK, "số nội bộ"), "name": (PERSONAL, "họ và tên"),
                "name_key": (PERSONAL, "họ và tên viết thường, không dấu, để tìm"),
                "unit_key": (PERSONAL, "đơn vị công tác"), "created_at": (PERSONAL, "lúc lưu lần đầu"),
                "code_hash": (PERSONAL, "mã băm SHA-256 của mã cá nhân; mã không được lưu"),
                "code_issued_at": (PERSONAL, "lúc cấp mã cá nhân")},
            f"{PURPOSES['quiz']}; {PURPOSES['workshop']}",
            f"{_days(days)} sau hoạt động cuối (bài làm, báo lỗi câu hỏi); xóa khi người đó yêu cầu",
            f"chính người đó (trang “{MY_DATA_TITLE}”, với mã cá nhân); {trainer} với người tham gia phiên của mình; "
            f"{admin}"),
        "attempts": TableUse(
            "bài làm", {
                "id": (LINK, "số bài làm"), "token": (OTHER, "chuỗi ngẫu nhiên"),
                "participant_id": (LINK, "người làm bài"), "topic": (PERSONAL, "chủ đề đã chọn"),
                "mode": (PERSONAL, "chế độ"), "time_limit_s": (OTHER, "giới hạn thời gian"),
                "seed": (OTHER, "hạt giống xáo trộn"), "items": (PERSONAL, "câu hỏi và thứ tự phương án được giao"),
                "session_code": (PERSONAL, "phiên tập huấn đã tham gia"), "started_at": (PERSONAL, "lúc bắt đầu"),
                "finished_at": (PERSONAL, "lúc nộp bài"), "plan": (OTHER, "kế hoạch của các câu hỏi")},
            f"{PURPOSES['quiz']}; {PURPOSES['workshop']}",
            f"bài luyện tập: {_days(days)} từ lúc bắt đầu; bài trong phiên tập huấn: {_days(days)} từ lúc phiên "
            "đóng, sau đó giữ không tên (ẩn danh) để thống kê câu hỏi",
            f"chính người đó; {trainer}: bài trong phiên của mình, tải được tệp Excel có họ tên hoặc ẩn danh; {admin} "
            "(toolkit export results xuất có họ tên, hoặc ẩn danh với --an-danh)"),
        "responses": TableUse(
            "câu trả lời", {
                "id": (OTHER, "số nội bộ"), "attempt_id": (LINK, "bài làm"), "position": (OTHER, "số thứ tự câu"),
                "question_id": (OTHER, "mã câu hỏi"), "answer": (PERSONAL, "câu trả lời"),
                "points": (PERSONAL, "điểm"), "max_points": (OTHER, "điểm tối đa"),
                "answered_at": (PERSONAL, "lúc trả lời")},
            "như bài làm; thống kê câu hỏi (độ khó, độ phân biệt, nhầm lẫn cơ quan) tính không cần họ tên",
            "như bài làm chứa nó", "như bài làm chứa nó"),
        "question_reports": TableUse(
            "báo lỗi câu hỏi", {
                "id": (OTHER, "số nội bộ"), "question_id": (OTHER, "mã câu hỏi"),
                "participant_id": (LINK, "người báo"), "attempt_id": (LINK, "bài làm lúc báo"),
                "note": (PERSONAL, "ghi chú tự nhập"), "created_at": (PERSONAL, "lúc báo"),
                "updated_at": (PERSONAL, "lúc sửa"), "plan": (OTHER, "kế hoạch của câu hỏi")},
            "sửa câu hỏi sai trong ngân hàng câu hỏi",
            f"{_days(days)} từ lần báo cuối; xóa cùng người báo",
            f"{trainer}: thấy họ tên, đơn vị người báo và ghi chú; {admin} (toolkit questions reports)"),
        "consents": TableUse(
            "sự đồng ý với thông báo về dữ liệu cá nhân", {
                "id": (OTHER, "số nội bộ"), "participant_id": (LINK, "người đồng ý"),
                "assessment_id": (LINK, "bản tự đánh giá có tên người điền"), "notice": (OTHER, "thông báo nào"),
                "version": (OTHER, "phiên bản thông báo"), "page": (OTHER, "trang"),
                "given_at": (PERSONAL, "lúc đồng ý")},
            "chứng minh đã thông báo và được đồng ý trước khi lưu họ tên",
            "cùng dữ liệu mà nó cho phép lưu", f"chính người đó; {admin}"),
        "assessments": TableUse(
            "bản tự đánh giá của đơn vị", {
                "id": (OTHER, "số nội bộ"), "unit_key": (OTHER, "đơn vị"), "year": (OTHER, "năm"),
                "version": (OTHER, "phiên bản"), "status": (OTHER, "nháp hay đã nộp"),
                "created_at": (OTHER, "lúc tạo"), "submitted_at": (PERSONAL, "lúc nộp"),
                "submitted_by": (PERSONAL, "họ tên người điền bản nháp, người nộp bản đã nộp"),
                "plan": (OTHER, "kế hoạch được tự đánh giá")},
            PURPOSES["assessment"],
            "bản đã nộp: là báo cáo, hồ sơ công việc của đơn vị gửi Sở Tư pháp, lưu cùng báo cáo, không tự xóa; "
            f"họ tên người điền bản nháp: xóa khi bản nháp không được sửa trong {_days(days)}",
            "người mở trang tự đánh giá của đơn vị; Sở Tư pháp (trang tổng hợp, có mã truy cập); người nhận các tệp "
            "báo cáo tải về"),
        "passcode_attempts": TableUse(
            "lần nhập mã truy cập, mã cá nhân", {
                "id": (OTHER, "số nội bộ"), "at": (PERSONAL, "lúc nhập"),
                "client": (PERSONAL, "địa chỉ IP của máy nhập khi có proxy, không có thì để trống"),
                "page": (OTHER, "trang"), "ok": (OTHER, "đúng hay sai")},
            "chống dò mã (chỉ các lần trong 6 giờ gần nhất được tính)",
            f"{_days(days)}", admin),
        "review_states": TableUse(
            "mức ghi nhớ từng nội dung Kế hoạch của từng người (ôn tập ngắt quãng)", {
                "officer": (LINK, "người ôn tập"), "card_id": (OTHER, "mã nội dung (thẻ)"),
                "stability": (PERSONAL, "độ bền trí nhớ ước tính"), "difficulty": (PERSONAL, "độ khó ước tính"),
                "due": (PERSONAL, "ngày cần ôn lại"), "last_review": (PERSONAL, "lúc trả lời gần nhất"),
                "reps": (PERSONAL, "số lần trả lời"), "lapses": (PERSONAL, "số lần quên"),
                "updated_at": (PERSONAL, "lúc cập nhật"), "plan": (OTHER, "kế hoạch của nội dung")},
            "nhắc người học ôn lại đúng lúc (“Ôn tập hôm nay”); báo cáo viên xem nhóm của mình cần ôn gì",
            "như người tham gia: xóa cùng người đó (khi họ yêu cầu, hoặc khi hết hạn lưu giữ)",
            f"chính người đó (với mã cá nhân); {trainer}: số thẻ cần ôn, thời điểm ôn gần nhất của người tham gia "
            f"các phiên của mình, tải được tệp Excel có họ tên hoặc ẩn danh; {admin}"),
        "review_log": TableUse(
            "nhật ký ôn tập: mỗi câu trả lời tác động thế nào đến mức ghi nhớ", {
                "id": (OTHER, "số nội bộ"), "officer": (LINK, "người trả lời"), "card_id": (OTHER, "mã nội dung"),
                "at": (PERSONAL, "lúc trả lời"), "rating": (PERSONAL, "đúng hay sai"),
                "source": (PERSONAL, "ôn tập, bài luyện tập hay buổi tập huấn"), "question_id": (OTHER, "mã câu hỏi"),
                "elapsed_days": (PERSONAL, "số ngày từ lần trả lời trước"),
                "retrievability": (PERSONAL, "khả năng nhớ ước tính trước khi trả lời"),
                "due": (PERSONAL, "ngày cần ôn lại"), "stability": (PERSONAL, "độ bền trí nhớ ước tính"),
                "difficulty": (PERSONAL, "độ khó ước tính"), "answer_ref": (LINK, "câu trả lời đã lưu"),
                "plan": (OTHER, "kế hoạch của nội dung")},
            "như mức ghi nhớ; thống kê nội dung hay quên của một nhóm",
            "như người tham gia; mục của một phiên tập huấn bị xóa khi phiên được bỏ họ tên",
            f"chính người đó; {trainer}: tỷ lệ nhớ theo mục, nội dung nhóm hay quên (không theo từng người); {admin}"),
        "review_settings": TableUse(
            "số thẻ mới mỗi ngày người học tự chọn", {
                "officer": (LINK, "người ôn tập"), "new_per_day": (PERSONAL, "số thẻ mới mỗi ngày"),
                "updated_at": (PERSONAL, "lúc đổi")},
            "“Ôn tập hôm nay”", "như người tham gia", f"chính người đó; {admin}"),
        "workshop_sessions": TableUse("phiên tập huấn (tên buổi, chủ đề, câu hỏi, số người đã xóa dữ liệu)", {}),
        "assessment_entries": TableUse("mức đánh giá và minh chứng từng tiêu chí (hồ sơ của đơn vị)", {}),
        "deletions": TableUse("nhật ký xóa: lúc nào, loại gì, ai xóa (vai trò), bao nhiêu dòng; không có nội dung, "
                              "không có họ tên", {}),
    }


def _database(url: str) -> str:
    """The database URL as it may be printed: no password."""
    try:
        import sqlalchemy as sa

        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot read is shown without what could be a secret
        return url.split("@")[-1]


def processing_report(database_url: str, var: str, env: Mapping[str, str] | None = None,
                      tables: Mapping[str, object] | None = None) -> str:
    """The record of processing as text (Vietnamese), for a unit to attach to its own records.

    `tables` is the schema's (name → sa.Table); the report lists the personal columns of each.
    """
    env = os.environ if env is None else env
    days = retention_days(env)
    uses = inventory(days)
    if tables is None:
        from toolkit.storage.schema import metadata

        tables = metadata.tables
    lines = [
        "GHI CHÉP HOẠT ĐỘNG XỬ LÝ DỮ LIỆU CÁ NHÂN — Bộ công cụ PBGDPL",
        f"Theo {LAW}.", "",
        f"Nơi chịu trách nhiệm (bên kiểm soát dữ liệu): {controller(env)}",
        f"Cơ sở dữ liệu: {_database(database_url)}",
        f"Thư mục dữ liệu (var): {var}",
        f"Hạn lưu giữ: {days} ngày (TOOLKIT_RETENTION_DAYS; mặc định 365 ngày, một kỳ báo cáo năm của Kế hoạch)", "",
        "Mục đích xử lý:",
        *(f"- {p}" for p in PURPOSES.values()), "",
        "Dữ liệu cá nhân được lưu (bảng: cột cá nhân):",
    ]
    for name in sorted(tables):
        use = uses.get(name)
        if use is None:
            lines.append(f"- {name}: CHƯA PHÂN LOẠI (thêm vào toolkit/privacy/record.py)")
            continue
        if not use.personal:
            continue
        cols = "; ".join(f"{c} ({use.columns[c][1]})" for c in use.personal)
        lines += [f"- {name} — {use.what}", f"    cột cá nhân: {cols}", f"    để làm gì: {use.purpose}",
                  f"    lưu bao lâu: {use.kept}", f"    ai xem, ai xuất được: {use.seen_by}"]
    others = [f"{n} ({uses[n].what})" for n in sorted(tables) if n in uses and not uses[n].personal]
    lines += ["", "Bảng không chứa dữ liệu cá nhân: " + "; ".join(others) + ".", "",
              "Ngoài cơ sở dữ liệu:",
              f"- Bản sao lưu cơ sở dữ liệu (trong {var}, chỉ chủ sở hữu đọc được) chứa mọi bảng trên; một bản sao "
              "lưu lấy trước khi xóa vẫn còn dữ liệu đã xóa cho đến khi chính bản đó bị xóa.",
              "- Tệp Excel, CSV, JSON do báo cáo viên, người quản trị tải về: dòng đầu hoặc trang đầu của tệp ghi tệp có "
              "họ tên hay là bản ẩn danh; người tải chịu trách nhiệm giữ và xóa tệp.",
              "- Nhật ký máy chủ: địa chỉ IP (khi có proxy) của các lần nhập sai mã truy cập.", "",
              "Quyền của người có dữ liệu và nơi thực hiện:",
              "- Được biết: thông báo ngắn ngay trên trang trước khi lưu họ tên, bấm “Dữ liệu cá nhân được lưu thế nào?” "
              "để xem đủ; báo cáo này.",
              "- Đồng ý, không đồng ý, rút lại: tiếp tục (bấm “Tiếp tục”, “Tham gia”, ghi họ tên người nộp) là đồng ý, "
              "được ghi lại cùng phiên bản thông báo; không tiếp tục thì không lưu gì; rút lại là xóa dữ liệu.",
              f"- Xem, tải về, sửa: trang “{MY_DATA_TITLE}” với mã cá nhân (Excel, JSON; sửa họ tên, đơn vị); lệnh "
              "toolkit privacy show --code MÃ.",
              f"- Xóa: trang “{MY_DATA_TITLE}”; trang báo cáo viên (một người, cả phiên, dữ liệu quá hạn); lệnh toolkit "
              "privacy find HỌ_TÊN rồi toolkit privacy delete --participant SỐ (hoặc --session MÃ, "
              "--older-than-retention); mỗi lần xóa ghi vào nhật ký xóa (toolkit privacy log), không ghi nội dung.",
              "- Hạn chế, phản đối: không tiếp tục, hoặc xóa; thống kê câu hỏi không dùng họ tên.",
              "- Bản tự đánh giá đã nộp là báo cáo của đơn vị theo Kế hoạch (thực hiện nhiệm vụ theo quy định): họ tên "
              "người nộp được sửa bằng một phiên bản mới, không tự xóa; muốn xóa, liên hệ Sở Tư pháp."]
    return "\n".join(lines) + "\n"
