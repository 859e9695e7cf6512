"""What each page says before it stores a name: what is kept, for what, who sees it, for how long, and how to
see, download, correct or delete it. Continuing past the notice is the consent, recorded with its version.

A notice's version is its base version (changed by hand when the wording changes) and a fingerprint of
the text as shown, which holds the retention period and the body responsible: a consent names exactly the
words the person read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass

from toolkit.privacy.settings import controller, retention_days

MY_DATA_TITLE = "Dữ liệu của tôi"  # the page where a person sees, downloads, corrects and deletes their data
DETAILS_LABEL = "Dữ liệu cá nhân được lưu thế nào?"
LAW = "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15"

_CODE = (f"Khi nộp bài, màn hình kết quả cho bạn một mã cá nhân (chỉ hiện một lần: hãy chụp màn hình hoặc lưu "
         f"liên kết). Với mã đó, trang “{MY_DATA_TITLE}” cho bạn xem, tải về, sửa họ tên, đơn vị hoặc xóa toàn "
         "bộ dữ liệu của mình. Không có mã: nhờ báo cáo viên hoặc người quản trị máy chủ xóa.")


@dataclass(frozen=True)
class Notice:
    key: str  # quiz | workshop | assessment: what the consent row says it was given to
    base_version: str
    short: str  # the line always in view
    items: tuple[tuple[str, str], ...]  # (heading, text), behind DETAILS_LABEL

    @property
    def text(self) -> str:
        """The whole notice as plain text (what the fingerprint is of)."""
        return "\n".join([self.short, *(f"{h}: {t}" for h, t in self.items)])

    @property
    def version(self) -> str:
        return f"{self.base_version}#{hashlib.sha256(self.text.encode('utf-8')).hexdigest()[:8]}"


def _quiz(days: int, who: str) -> Notice:
    return Notice("quiz", "2026-12", (
        "Trang này lưu họ tên, đơn vị và bài làm của bạn để bạn làm tiếp và xem lại kết quả. Bấm “Tiếp tục” là bạn "
        "đồng ý."), (
        ("Dữ liệu được lưu", "Họ và tên, đơn vị công tác; từng câu trả lời, điểm, thời điểm bắt đầu, trả lời và nộp "
                             "bài; ghi chú của bạn khi báo lỗi một câu hỏi; lịch ôn tập (bạn nhớ từng nội dung của Kế hoạch đến đâu, khi "
                             "nào cần ôn lại), tính từ các câu trả lời."),
        ("Để làm gì", "Để bạn làm tiếp bài đang dở (kể cả sau khi tải lại trang), xem kết quả, luyện lại câu sai và "
                      "“Ôn tập hôm nay” những nội dung sắp quên. Thống kê câu hỏi (độ khó, nhầm lẫn cơ quan) được "
                      "tính không cần họ tên."),
        ("Ai xem được", "Bạn, trên trang này. Báo cáo viên (có mã truy cập) thấy họ tên, đơn vị của người báo lỗi "
                        "câu hỏi, và khi xem theo phiên tập huấn hoặc theo đơn vị: ai có nội dung cần ôn, ai lâu không ôn; "
                        "người quản trị máy chủ xuất được kết quả đã lưu. Người làm bài khác không xem được."),
        ("Lưu bao lâu", f"{days} ngày kể từ khi bắt đầu bài làm (ghi chú báo lỗi: kể từ lần báo cuối); sau đó bài làm "
                        "bị xóa, và họ tên bị xóa khi không còn bài làm nào."),
        ("Xem, tải về, sửa, xóa", _CODE),
        ("Nơi chịu trách nhiệm", who),
        ("Không đồng ý", "Đừng bấm “Tiếp tục”: chưa có gì được lưu. Trang “Tra cứu Kế hoạch” dùng được "
                         "mà không cần họ tên."),
    ))


def _workshop(days: int, who: str) -> Notice:
    return Notice("workshop", "2026-01", (
        "Phiên tập huấn lưu họ tên, đơn vị và câu trả lời của bạn; báo cáo viên của phiên xem được kết quả. Bấm "
        "“Tham gia” là bạn đồng ý."), (
        ("Dữ liệu được lưu", "Họ và tên, đơn vị công tác; từng câu trả lời, điểm, thời điểm vào phiên, trả lời và "
                             "nộp bài; ghi chú của bạn khi báo lỗi một câu hỏi; lịch ôn tập tính từ các câu trả lời."),
        ("Để làm gì", "Ghi nhận kết quả tập huấn của bạn; báo cáo viên theo dõi phiên, giảng lại câu nhiều người sai "
                      "và lưu kết quả phiên; bạn “Ôn tập hôm nay” những nội dung sắp quên, báo cáo viên thấy ai trong "
                      "phiên có nội dung cần ôn. Thống kê câu hỏi được tính không cần họ tên."),
        ("Ai xem được", "Báo cáo viên của phiên (trang báo cáo viên, có mã truy cập) thấy họ tên, đơn vị, điểm và câu "
                        "trả lời của bạn và tải được tệp Excel kết quả phiên (có họ tên, hoặc bản ẩn danh). Người "
                        "tham gia khác không thấy gì của bạn; phiên cho xem thứ hạng thì bạn chỉ thấy thứ hạng của "
                        "mình."),
        ("Lưu bao lâu", f"{days} ngày kể từ khi phiên đóng (ghi chú báo lỗi: kể từ lần báo cuối); sau đó họ tên, đơn vị "
                        "được bỏ khỏi kết quả phiên, chỉ còn câu trả lời không tên cho thống kê câu hỏi."),
        ("Xem, tải về, sửa, xóa", _CODE + " Dữ liệu của bạn bị xóa thì kết quả phiên không còn tính bạn."),
        ("Nơi chịu trách nhiệm", who),
        ("Không đồng ý", "Đừng bấm “Tham gia”: chưa có gì được lưu."),
    ))


def _assessment(days: int, who: str) -> Notice:
    return Notice("assessment", "2026-01", (
        "Họ tên người điền, người nộp được lưu cùng bản tự đánh giá của đơn vị và gửi Sở Tư pháp. Ghi họ tên là "
        "bạn đồng ý."), (
        ("Dữ liệu được lưu", "Họ và tên người điền, người nộp; thời điểm nộp."),
        ("Để làm gì", "Bản tự đánh giá đã nộp là báo cáo của đơn vị: ghi ai nộp, khi nào để Sở Tư pháp đối chiếu khi "
                      "tổng hợp."),
        ("Ai xem được", "Người mở trang tự đánh giá của đơn vị (bản nháp và bản đã nộp); Sở Tư pháp (trang tổng hợp, "
                        "có mã truy cập); người nhận các tệp báo cáo tải từ trang này."),
        ("Lưu bao lâu", "Bản đã nộp là hồ sơ công việc của đơn vị, được lưu cùng báo cáo, không tự xóa. Họ tên trong "
                        f"bản nháp chưa nộp được xóa khi bản nháp không được sửa trong {days} ngày."),
        ("Xem, sửa, xóa", "Sửa họ tên người nộp: bấm “Sửa (tạo phiên bản mới)” rồi nộp lại. Xóa họ tên trong bản "
                          "nháp: xóa ô họ tên. Bản đã nộp là hồ sơ của đơn vị: muốn xóa, liên hệ Sở Tư pháp."),
        ("Nơi chịu trách nhiệm", who),
        ("Không đồng ý", "Để trống ô họ tên: không có tên nào được lưu; bản tự đánh giá chỉ nộp được khi có họ tên "
                         "người nộp."),
    ))


_BUILDERS = {"quiz": _quiz, "workshop": _workshop, "assessment": _assessment}
NOTICE_KEYS = tuple(_BUILDERS)
PURPOSES = {"quiz": "kiểm tra hiểu biết (trang “Kiểm tra hiểu biết về Kế hoạch”)",
            "workshop": "phiên tập huấn (trang “Tham gia phiên tập huấn”)",
            "assessment": "tự đánh giá của đơn vị (trang “Tự đánh giá thực hiện Kế hoạch”)"}


def notice(key: str, env: Mapping[str, str] | None = None) -> Notice:
    """The notice of a page ("quiz", "workshop", "assessment") with this deployment's period and body.

    >>> notice("quiz", {"TOOLKIT_RETENTION_DAYS": "30"}).items[3][1][:8]
    '30 ngày '
    """
    return _BUILDERS[key](retention_days(env), controller(env))
