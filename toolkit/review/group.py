"""A trainer's group in review (the participants of some workshop sessions, or of a unit): its figures
(toolkit.review.cohort) with the people they are about, and the workbook a trainer downloads.

The figures never read a name: who is who is the trainer's own table of their participants, and the
workbook numbers them instead when it is pseudonymised (toolkit.exports.numbering), saying which it is
in its first row as every export that leaves the server does.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Mapping, Sequence

from toolkit.plan.model import Plan
from toolkit.quiz.workshop import PARTICIPANT_NUMBER, PARTICIPANT_PREFIX  # numbered as the session workbook
from toolkit.review.cards import Deck
from toolkit.review.cohort import (
    Forgotten,
    Inactive,
    OfficerDue,
    SectionRetention,
    due_by_officer,
    inactive,
    most_forgotten,
    retention_by_section,
)
from toolkit.review.days import shown_time
from toolkit.review.schedule import Memory, ReviewEntry
from toolkit.storage.records import Participant


@dataclass(frozen=True)
class GroupReview:
    label: str  # the group in words ("Phiên ABC234, XYZ789", "Đơn vị: Phường Hoàn Kiếm")
    at: datetime
    people: tuple[Participant, ...]  # in the group's order (first joined first)
    due: tuple[OfficerDue, ...]
    retention: tuple[SectionRetention, ...]
    forgotten: tuple[Forgotten, ...]
    idle: tuple[Inactive, ...]
    reviewing: int  # people of the group with at least one card met

    def person(self, officer: str) -> Participant:
        return next(p for p in self.people if str(p.id) == officer)


def group_review(label: str, people: Sequence[Participant], states: Mapping[str, Mapping[str, Memory]],
                 log: Sequence[ReviewEntry], deck: Deck, now: datetime) -> GroupReview:
    """The group's figures at `now` from its members' states and log (toolkit.storage.reviews.ReviewStore)."""
    ids = {str(p.id) for p in people}
    states = {o: m for o, m in states.items() if o in ids}
    log = [e for e in log if e.officer in ids]
    return GroupReview(label, now, tuple(people), tuple(due_by_officer(states, now, deck)),
                       tuple(retention_by_section(log, states, deck, now)), tuple(most_forgotten(log, deck)),
                       tuple(inactive([str(p.id) for p in people], log, now)),
                       sum(1 for o in ids if states.get(o)))


def group_notice(names: bool) -> str:
    from toolkit.exports import named_notice, pseudonymised_notice

    if names:
        return named_notice("người tham gia", "trang “Cần ôn” và “Lâu không ôn”",
                            "theo dõi việc ôn tập của người tham gia các buổi tập huấn của mình",
                            "Cần gửi cho người khác thì tải bản ẩn danh (số thứ tự thay họ tên).")
    return pseudonymised_notice(
        "người tham gia", f"mỗi người mang một số thứ tự ({PARTICIPANT_PREFIX}-001, {PARTICIPANT_PREFIX}-002…) theo thứ tự "
        "vào nhóm, chỉ có nghĩa trong tệp này",
        "Đơn vị vẫn giữ, nên ở đơn vị chỉ có ít người vẫn có thể đoán ra ai: vẫn giữ tệp cẩn thận.")


def _share(value: float | None):
    return None if value is None else round(100 * value, 1)


def group_workbook(g: GroupReview, plan: Plan, *, names: bool = False) -> bytes:
    """xlsx: "Nhóm" (first row: whether it holds names), "Cần ôn", "Theo mục", "Hay quên", "Lâu không ôn"."""
    import pandas as pd

    from toolkit.exports import excel_writer, fit_columns, notice_row, numbering
    from toolkit.quiz.formats import unit_label

    numbers = numbering([p.id for p in g.people], PARTICIPANT_PREFIX)
    who = "Họ và tên" if names else PARTICIPANT_NUMBER

    def person(officer: str) -> dict:
        p = g.person(officer)
        return {who: p.name if names else numbers[p.id], "Đơn vị": unit_label(plan, p.unit_key)}

    summary = pd.DataFrame([
        notice_row(group_notice(names)), ("Nhóm", g.label), ("Lập lúc (giờ Việt Nam)", shown_time(g.at)),
        ("Số người trong nhóm", len(g.people)), ("Số người đã có thẻ ôn tập", g.reviewing),
        ("Số người có thẻ đến hạn hôm nay", len(g.due)),
        ("Cách tính", "Tỷ lệ nhớ tính trên các câu trả lời sau ít nhất một ngày kể từ lần trước (câu trả lời đầu "
                      "tiên là học, không phải nhớ); dự báo là khả năng nhớ trung bình hôm nay theo FSRS."),
    ], columns=["Mục", "Giá trị"])
    due = pd.DataFrame([{**person(d.officer), "Thẻ đến hạn": d.due, "Trong đó quá hạn": d.overdue} for d in g.due],
                       columns=[who, "Đơn vị", "Thẻ đến hạn", "Trong đó quá hạn"])
    sections = pd.DataFrame([{"Mục": r.label, "Số câu trả lời nhớ lại": r.reviews, "Số câu đúng": r.right,
                              "Tỷ lệ nhớ (%)": _share(r.recalled), "Dự báo khả năng nhớ (%)": _share(r.retrievability),
                              "Số thẻ đã gặp": r.memories} for r in g.retention])
    forgotten = pd.DataFrame([{"Nội dung": f.label, "Mục": plan_section(g, f.section), "Số câu trả lời nhớ lại":
                               f.reviews, "Số lần quên": f.again, "Tỷ lệ quên (%)": _share(f.rate),
                               "Số người quên": f.officers} for f in g.forgotten],
                             columns=["Nội dung", "Mục", "Số câu trả lời nhớ lại", "Số lần quên", "Tỷ lệ quên (%)",
                                      "Số người quên"])
    idle = pd.DataFrame([{**person(i.officer), "Lần trả lời cuối (giờ Việt Nam)": shown_time(i.last) if i.last
                          else "Chưa trả lời câu nào", "Số ngày": i.days} for i in g.idle],
                        columns=[who, "Đơn vị", "Lần trả lời cuối (giờ Việt Nam)", "Số ngày"])
    buf = io.BytesIO()
    with excel_writer(buf) as xl:
        for name, df in (("Nhóm", summary), ("Cần ôn", due), ("Theo mục", sections), ("Hay quên", forgotten),
                         ("Lâu không ôn", idle)):
            df.to_excel(xl, sheet_name=name, index=False)
            fit_columns(xl.sheets[name], df)
    return buf.getvalue()


def plan_section(g: GroupReview, section: str | None) -> str:
    """A section's label as the retention table names it (the section's key if the table has none)."""
    return next((r.label for r in g.retention if r.section == section), section or "")
