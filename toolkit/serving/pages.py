"""The toolkit's pages: one list feeds the home page's links and the notebooks Voila serves.

Notebooks are generated from this list (`python -m toolkit.ui.pages`), never edited by hand,
so a page's title on the home page and in its notebook cannot drift apart.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from toolkit.paths import NOTEBOOK_DIR

# The workshop pages link to each other (join URL, QR code) and `toolkit serve` prints both.
WORKSHOP_JOIN_NOTEBOOK = "4-tap-huan-tham-gia.ipynb"
WORKSHOP_TRAINER_NOTEBOOK = "4-tap-huan-bao-cao-vien.ipynb"
# The results screens link here with the personal code (`?code=`).
MY_DATA_NOTEBOOK = "6-du-lieu-ca-nhan.ipynb"
# … and here, where the same code opens “Ôn tập hôm nay” (toolkit.ui.review).
QUIZ_NOTEBOOK = "2-kiem-tra.ipynb"
# Imported plans are reviewed and published here (toolkit.ui.plan_review).
PLAN_REVIEW_NOTEBOOK = "7-duyet-ke-hoach.ipynb"


@dataclass(frozen=True)
class Page:
    title: str
    intro: str
    notebook: str | None = None  # None: announced on the home page, not built yet
    code: str | None = None


HOME = Page(
    title="Bộ công cụ PBGDPL",
    intro=("Học, tra cứu và tự đánh giá việc thực hiện các kế hoạch phổ biến, giáo dục pháp luật trên địa bàn "
           "thành phố Hà Nội."),
    notebook="0-trang-chu.ipynb",
    code="from toolkit.ui import HomeApp\nHomeApp().widget",
)

PAGES = (
    Page(
        title="Tra cứu Kế hoạch",
        intro=("Cơ quan, đơn vị của bạn chủ trì hay phối hợp những nhiệm vụ nào, thời hạn đến khi nào? "
               "Tìm nhiệm vụ theo mục, cơ quan, thời hạn hoặc từ khóa, đọc nguyên văn Kế hoạch và tải "
               "bảng phân công nhiệm vụ (Excel, CSV)."),
        notebook="1-tra-cuu-ke-hoach.ipynb",
        code="from toolkit.ui import StudyApp\nStudyApp.from_environment().widget",
    ),
    Page(
        title="Kiểm tra hiểu biết về Kế hoạch",
        intro=("Trắc nghiệm về nhiệm vụ, cơ quan chủ trì, phối hợp và thời hạn trong Kế hoạch: chọn chủ đề "
               "(toàn bộ Kế hoạch, một mục, một cơ quan hoặc nhiệm vụ của đơn vị mình), luyện tập với giải "
               "thích trích nguyên văn Kế hoạch, hoặc làm bài kiểm tra có tính giờ. Câu trả lời được lưu ngay; "
               "tải lại trang vẫn làm tiếp được."),
        notebook=QUIZ_NOTEBOOK,
        code="from toolkit.ui import QuizApp\nQuizApp.from_environment().widget",
    ),
    Page(
        title="Tự đánh giá thực hiện Kế hoạch",
        intro=("Từng cơ quan, đơn vị tự chấm mức độ hoàn thành các nhiệm vụ Kế hoạch giao trong năm, kèm văn bản "
               "minh chứng; xem điểm theo mục, so sánh với năm trước, nộp bản tự đánh giá và tải báo cáo để in "
               "(Excel, HTML). Mọi thay đổi được lưu ngay; mở lại trang vẫn làm tiếp được."),
        notebook="3-tu-danh-gia.ipynb",
        code="from toolkit.ui import AssessmentApp\nAssessmentApp.from_environment().widget",
    ),
    Page(
        title="Tham gia phiên tập huấn",
        intro=("Học viên hội nghị, lớp tập huấn: quét mã QR trên màn hình hoặc nhập mã phiên do báo cáo viên đọc, "
               "ghi họ tên và đơn vị một lần, rồi làm các câu hỏi của phiên ngay trên điện thoại. Câu trả lời được "
               "lưu ngay; tải lại trang vẫn làm tiếp được."),
        notebook=WORKSHOP_JOIN_NOTEBOOK,
        code="from toolkit.ui import ParticipantApp\nParticipantApp.from_environment().widget",
    ),
    Page(
        title="Hội nghị, tập huấn: trang báo cáo viên",
        intro=("Dành cho báo cáo viên (cần mã truy cập): mở phiên với mã ngắn và mã QR để chiếu lên màn hình, theo "
               "dõi trực tiếp ai đã tham gia, phân bố điểm và câu nhiều người sai nhất kèm nguyên văn Kế hoạch để "
               "giảng lại; đóng phiên, phân tích câu hỏi và tải kết quả (Excel)."),
        notebook=WORKSHOP_TRAINER_NOTEBOOK,
        code="from toolkit.ui import TrainerApp\nTrainerApp.from_environment().widget",
    ),
    Page(
        title="Tổng hợp toàn Thành phố (Sở Tư pháp)",
        intro=("Dành cho Sở Tư pháp (cần mã truy cập): nhập bản tự đánh giá các đơn vị gửi (.json, .xlsx), xem xếp "
               "hạng, bảng điểm theo mục, đơn vị chưa nộp, nhiệm vụ đã quá hạn và thay đổi so với năm trước; tải "
               "bảng tổng hợp (Excel)."),
        notebook="5-tong-hop-thanh-pho.ipynb",
        code="from toolkit.ui import CityOverviewApp\nCityOverviewApp.from_environment().widget",
    ),
    Page(
        title="Dữ liệu của tôi",
        intro=("Xem, tải về (Excel, JSON), sửa hoặc xóa mọi thứ bộ công cụ lưu về bạn: họ tên, đơn vị, bài làm, câu "
               "trả lời, báo lỗi câu hỏi. Nhập mã cá nhân hiện trên màn hình kết quả khi bạn nộp bài, hoặc mở liên "
               "kết đi kèm mã đó."),
        notebook=MY_DATA_NOTEBOOK,
        code="from toolkit.ui import PersonalDataApp\nPersonalDataApp.from_environment().widget",
    ),
    Page(
        title="Duyệt kế hoạch nhập từ văn bản",
        intro=("Dành cho người duyệt kế hoạch (cần mã truy cập): tải lên văn bản kế hoạch (.docx, .txt, .pdf), "
               "xem từng nhiệm vụ bộ nhập đọc được bên cạnh nguyên văn, chỗ bộ nhập chưa chắc được tô màu; chấp "
               "nhận hoặc sửa cơ quan chủ trì, phối hợp, thời hạn, nội dung; duyệt hết thì xuất bản để học, kiểm "
               "tra và tự đánh giá."),
        notebook=PLAN_REVIEW_NOTEBOOK,
        code="from toolkit.ui import PlanReviewApp\nPlanReviewApp.from_environment().widget",
    ),
)


def notebook_json(page: Page):
    """The notebook for a page: a Markdown title and intro, then one code cell, no outputs."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {page.title}\n\n{page.intro}"),
                nbformat.v4.new_code_cell(page.code)]
    # Fixed ids: regenerating a notebook must not show up as a change in git.
    nb.cells[0].id, nb.cells[1].id = "title", "app"
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_notebooks(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    import nbformat

    written = []
    for page in (HOME, *PAGES):
        if page.notebook:
            path = Path(folder) / page.notebook
            nbformat.write(notebook_json(page), path)
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write_notebooks(Path(sys.argv[1]) if len(sys.argv) > 1 else NOTEBOOK_DIR):
        print(path)
