"""Personal data on the pages: the notice shown before a name is stored, the personal code on the results
screen, the page “Dữ liệu của tôi” (`PersonalDataApp`), and the trainer's deletions (`TrainerPrivacy`).

The notice is one short line in view with the whole text folded under “Dữ liệu cá nhân được lưu thế
nào?”; the page's own “continue” button is the consent, stored with the notice's version in the same
transaction as the name (`consent_hook`). The personal code is shown once, on the page where it was
issued; “Dữ liệu của tôi” finds its owner with it, through the passcode's lockout
(`PersonalCodeGate`), and shows nothing of anyone else.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Callable

import ipywidgets as widgets

from toolkit.privacy.notices import DETAILS_LABEL, MY_DATA_TITLE, Notice, notice
from toolkit.serving.pages import MY_DATA_NOTEBOOK, QUIZ_NOTEBOOK
from toolkit.storage.records import InputError, NotFound
from toolkit.ui.common import (
    UnitPicker,
    alert,
    download_link,
    error_box,
    esc,
    guarded,
    page_style,
    stacked,
    unlocked_only,
)
from toolkit.vietnamese import VIETNAM, local_time, number

if TYPE_CHECKING:
    from toolkit.storage.store import Store

ROOT_CLASS = "pbgdpl-mydata"

NOTICE_CSS = """<style>
.privacy-notice { border-left: 4px solid #93c5fd; background: #f8fafc; padding: 0.4em 0.8em; margin: 0.5em 0;
  font-size: 0.95em; }
.privacy-notice p { margin: 0.1em 0; }
.privacy-notice details > summary { cursor: pointer; color: #1d4ed8; padding: 0.25em 0; }
.privacy-notice .item { margin: 0.35em 0; }
.personal-code { border: 2px solid #1d4ed8; background: #eff6ff; border-radius: 10px; padding: 0.6em 0.9em;
  margin: 0.6em 0; }
.personal-code .code { font-family: 'DejaVu Sans Mono', monospace; font-size: 1.6em; font-weight: 800;
  letter-spacing: 0.06em; color: #1e3a8a; overflow-wrap: anywhere; }
</style>"""


# ---------------------------------------------------------------- the notice


def notice_html(n: Notice) -> str:
    items = "".join(f'<p class="item"><b>{esc(h)}:</b> {esc(t)}</p>' for h, t in n.items)
    return (f'{NOTICE_CSS}<div class="privacy-notice" data-notice="{esc(n.key)}" role="note"><p>{esc(n.short)}</p>'
            f"<details><summary>{esc(DETAILS_LABEL)}</summary>{items}"
            f'<p class="muted">Phiên bản thông báo: {esc(n.version)}</p></details></div>')


class NoticeLine:
    """A page's notice as a widget, and the consent its page's “continue” stores (`consent`)."""

    def __init__(self, key: str, page: str):
        self.notice = notice(key)
        self.page = page
        self.widget = widgets.HTML(notice_html(self.notice), layout=widgets.Layout(width="auto"))

    def consent(self) -> Callable:
        """The `consent` hook for `Store.participant`: stored with the name, in its transaction."""
        from toolkit.storage.personal import consent_to

        return consent_to(self.notice.key, self.notice.version, self.page)

    def record_for_assessment(self, store, assessment_id: int) -> None:
        from toolkit.storage.personal import PersonalStore

        PersonalStore(store).record_consent(notice=self.notice.key, version=self.notice.version, page=self.page,
                                            assessment_id=assessment_id)


# ---------------------------------------------------------------- the personal code on a results screen


def my_data_link(code: str | None = None) -> str:
    """The page “Dữ liệu của tôi”, relative to the page showing the link (Voila serves them side by side)."""
    from toolkit.storage.personal import clean_code

    return MY_DATA_NOTEBOOK + (f"?code={clean_code(code)}" if code else "")


def review_link(code: str | None = None) -> str:
    """“Ôn tập hôm nay” on the quiz page, opened with the same code (toolkit.ui.review)."""
    from toolkit.storage.personal import clean_code

    return QUIZ_NOTEBOOK + (f"?code={clean_code(code)}" if code else "")


def code_html(code: str) -> str:
    from toolkit.storage.personal import format_code

    return (f'{NOTICE_CSS}<div class="personal-code" role="note"><div class="muted">Mã cá nhân của bạn (chỉ hiện '
            f'một lần)</div><div class="code" aria-label="Mã cá nhân">{esc(format_code(code))}</div>'
            "<p>Chụp màn hình hoặc lưu liên kết dưới đây: với mã này bạn xem, tải về, sửa hoặc xóa dữ liệu của mình "
            f"ở trang “{esc(MY_DATA_TITLE)}”. Ai có mã cũng xem được dữ liệu của bạn: đừng đưa cho người khác.</p>"
            f'<a class="my-data-link" href="{esc(my_data_link(code))}" target="_blank" rel="noopener">Mở trang '
            f"“{esc(MY_DATA_TITLE)}” với mã này</a>"
            "<p>Cũng mã này mở <b>“Ôn tập hôm nay”</b> ở trang kiểm tra: mỗi ngày hỏi lại những nội dung của Kế hoạch "
            f'bạn sắp quên. <a class="review-link" href="{esc(review_link(code))}" target="_blank" rel="noopener">'
            "Mở “Ôn tập hôm nay” với mã này</a></p></div>")


def code_given_earlier_html() -> str:
    return (f'{NOTICE_CSS}<p class="muted personal-code-earlier">Mã cá nhân của bạn đã được cấp ở lần nộp bài trước: '
            f'dùng mã đó ở trang <a href="{esc(my_data_link())}" target="_blank" rel="noopener">“{esc(MY_DATA_TITLE)}”'
            "</a> để xem, tải về hoặc xóa dữ liệu của mình, và ở "
            f'<a class="review-link" href="{esc(review_link())}" target="_blank" rel="noopener">“Ôn tập hôm nay”</a>. '
            "Mất mã: nhờ báo cáo viên hoặc người quản trị xóa.</p>")


def code_not_given_html() -> str:
    return (f'{NOTICE_CSS}<p class="muted personal-code-earlier">Họ tên và đơn vị này đã được lưu ở một lần trước, '
            "nên trang không cấp mã cá nhân (để không ai nhận mã thay người khác chỉ bằng cách gõ họ tên). Muốn xem "
            "hoặc xóa dữ liệu của mình: nhờ báo cáo viên hoặc người quản trị.</p>")


class CodeOnResults:
    """The results screen's line about the personal code: the new code on the page that issued it (on every
    results screen of that page), else a word that it was given before. Never issued to a name alone twice."""

    def __init__(self):
        self.widget = widgets.HTML("", layout=widgets.Layout(width="auto"))
        self._issued: tuple[int, str] | None = None  # (participant id, code) issued on this page

    def show(self, store, participant) -> None:
        """Issued only to the page whose sign-in stored the name (`participant.created`): typing a name and
        unit already stored, as anyone can, gives no code, or a colleague could take someone else's."""
        from toolkit.storage.personal import PersonalStore

        people = PersonalStore(store)
        if (self._issued is None or self._issued[0] != participant.id) and participant.created:
            code = people.issue_code(participant.id)
            self._issued = (participant.id, code) if code else None
        if self._issued:
            self.widget.value = code_html(self._issued[1])
        else:
            self.widget.value = code_given_earlier_html() if people.has_code(participant.id) else code_not_given_html()

    def clear(self) -> None:
        """Another person signs in on this page: the code shown is not theirs."""
        self._issued = None
        self.widget.value = ""


# ---------------------------------------------------------------- “Dữ liệu của tôi”

MYDATA_CSS = page_style(ROOT_CLASS) + f"""<style>
.{ROOT_CLASS} {{ max-width: 760px; }}
.{ROOT_CLASS} table.grid {{ border-collapse: collapse; width: 100%; margin: 0.4em 0; font-size: 0.95em; }}
.{ROOT_CLASS} table.grid th, .{ROOT_CLASS} table.grid td {{ border-bottom: 1px solid #e5e7eb; padding: 0.3em 0.4em;
  text-align: left; vertical-align: top; }}
.{ROOT_CLASS} td.n {{ text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }}
.{ROOT_CLASS} .scroll-x {{ overflow-x: auto; max-width: 100%; }}
.{ROOT_CLASS} .confirm-delete {{ border: 2px solid #dc2626; background: #fef2f2; border-radius: 10px;
  padding: 0.5em 1em; margin: 0.4em 0; }}
.{ROOT_CLASS} .done {{ background: #ecfdf5; border: 1px solid #6ee7b7; padding: 0.6em 0.8em; border-radius: 6px; }}
.{ROOT_CLASS} .toolbar {{ flex-wrap: wrap; gap: 0.4em; }}
.{ROOT_CLASS} .toolbar .widget-button {{ width: auto; padding: 0 1em; }}
.{ROOT_CLASS} .widget-box > .stacked, .{ROOT_CLASS} .widget-box > .widget-text {{ margin-left: 0; margin-right: 0; }}
</style>"""

INTRO = ("<p>Trang này cho bạn xem mọi thứ bộ công cụ lưu về bạn, tải về (Excel để đọc, JSON để chuyển sang nơi "
         "khác), sửa họ tên, đơn vị, hoặc xóa toàn bộ. Nhập <b>mã cá nhân</b> hiện trên màn hình kết quả khi bạn nộp "
         "bài (hoặc mở liên kết đi kèm mã đó). Mã chỉ cho xem dữ liệu của chính người giữ mã.</p>")


class PersonalDataApp:
    """Code → everything stored about its owner → download, correct, or delete (with a confirmation)."""

    def __init__(self, plan, store: Store, gate=None, env=None, today=None, questions=None, plans=()):
        from toolkit.plan.catalogue import key_of
        from toolkit.serving.personal_code import PersonalCodeGate

        self.plan, self.store = plan, store
        # A person's data of every plan is theirs: listed together, each row named by its own plan.
        self.plans = {key_of(p): p for p in (plans or [plan])}
        self.gate = gate or PersonalCodeGate(store, env)
        self._questions = questions  # the bank, for the workbook's question texts: loaded when first needed
        self.pid: int | None = None  # the code's owner, known only in the kernel
        self.error = error_box()
        full = widgets.Layout(width="100%")

        self.code = stacked(widgets.Text(description="Mã cá nhân", placeholder="VD: ABCD-EFGH-JKLM", layout=full,
                                         continuous_update=False))
        self.open = widgets.Button(description="Xem dữ liệu của tôi", button_style="primary", icon="folder-open")
        self.open.on_click(self.on_open)
        self.gate_message = widgets.HTML("")
        self.lookup_box = widgets.VBox([widgets.HTML(INTRO), self.code, self.open, self.gate_message])

        self.summary = widgets.HTML("", layout=widgets.Layout(width="auto"))
        self.download_xlsx = widgets.Button(description="Tải về (Excel)", icon="download")
        self.download_json = widgets.Button(description="Tải về (JSON)", icon="download")
        self.download_xlsx.on_click(self.on_download_xlsx)
        self.download_json.on_click(self.on_download_json)
        self.download = widgets.HTML("")
        self.new_name = stacked(widgets.Text(description="Họ và tên", layout=full, continuous_update=False))
        self.new_unit = UnitPicker(plan, today or datetime.now(VIETNAM).date(), "Đơn vị công tác")
        self.correct = widgets.Button(description="Lưu họ tên, đơn vị", icon="save")
        self.correct.on_click(self.on_correct)
        self.correct_message = widgets.HTML("")
        self.delete = widgets.Button(description="Xóa toàn bộ dữ liệu của tôi", button_style="danger", icon="trash",
                                     layout=widgets.Layout(width="auto"))
        self.delete.on_click(self.on_delete)
        self.confirm_text = widgets.HTML("")
        self.confirm_delete = widgets.Button(description="Xóa vĩnh viễn", button_style="danger", icon="trash",
                                             layout=widgets.Layout(width="auto"))
        self.cancel_delete = widgets.Button(description="Không xóa", icon="times", layout=widgets.Layout(width="auto"))
        self.confirm_delete.on_click(self.on_confirm_delete)
        self.cancel_delete.on_click(self.on_cancel_delete)
        self.confirm_box = widgets.VBox([self.confirm_text, widgets.HBox([self.confirm_delete, self.cancel_delete])
                                         .add_class("toolbar")],
                                        layout=widgets.Layout(display="none")).add_class("confirm-delete")
        self.leave = widgets.Button(description="Đóng dữ liệu của tôi", icon="sign-out-alt")
        self.leave.on_click(self.on_leave)
        self.data_box = widgets.VBox([
            self.summary,
            widgets.HTML("<h3>Tải về</h3>"), widgets.HBox([self.download_xlsx, self.download_json]).add_class("toolbar"),
            self.download,
            widgets.HTML("<h3>Sửa họ tên, đơn vị</h3>"), self.new_name, self.new_unit.box, self.correct,
            self.correct_message,
            widgets.HTML("<h3>Xóa dữ liệu</h3><p class=\"muted\">Xóa thật: họ tên, đơn vị, mọi bài làm, câu trả lời, "
                         "báo lỗi câu hỏi, lịch và nhật ký ôn tập, các lần đồng ý của bạn bị xóa khỏi cơ sở dữ liệu; "
                         "kết quả các phiên tập huấn không còn tính bạn. Không khôi phục được. Nhật ký chỉ ghi lúc "
                         "xóa và số dòng đã xóa.</p>"), self.delete, self.confirm_box, self.leave])
        self.done = widgets.HTML("")
        self.body = widgets.VBox([self.lookup_box])
        self.widget = widgets.VBox([widgets.HTML(MYDATA_CSS), self.error, self.done, self.body],
                                   layout=widgets.Layout(width="auto")).add_class(ROOT_CLASS)

    @classmethod
    def from_environment(cls) -> "PersonalDataApp":
        from toolkit.plan import catalogue
        from toolkit.serving.request import query_parameters
        from toolkit.storage.deferred import DeferredStore

        plans, plan = catalogue.opening()
        app = cls(plan, DeferredStore(), plans=plans)
        code = query_parameters().get("code", "")
        if code:  # arrived with the results screen's link: the same check, the same lockout, as typing it
            app.code.value = code
            app.on_open()
        return app

    def questions(self) -> dict:
        if self._questions is None:
            from toolkit.quiz.banks import question_bank

            self._questions = {q.id: q for q in question_bank(self.plan)[0]}
        return self._questions

    # ---------------------------------------------------------------- finding one's data
    @guarded("mở dữ liệu của bạn")
    def on_open(self, _=None) -> None:
        typed, self.code.value = self.code.value, ""  # the code does not stay in the page's widgets
        self.pid = None
        ok, message = self.gate.check(typed)
        if not ok:
            self.gate_message.value = alert(message)
            return
        self.pid = self.gate.participant.id
        self.gate_message.value = ""
        self.done.value = ""
        self._show_data()

    def _rows(self):
        from toolkit.privacy.subject import personal_data

        return personal_data(self.store, self.pid)

    def _show_data(self) -> None:
        rows = self._rows()
        self.summary.value = summary_html(rows, self.plan, self.plans)
        p = rows.participant
        self.new_name.value = p["name"]
        if not self.new_unit.select(p["unit_key"]):
            self.new_unit.unit.index = 0
        self.correct_message.value = self.download.value = ""
        self.confirm_box.layout.display = "none"
        self.body.children = [self.data_box]

    # ---------------------------------------------------------------- downloads and correction
    def _mine(self) -> bool:
        """The browser can click any button it knows: act only for a code checked on this page."""
        return self.pid is not None

    @guarded("tạo tệp Excel dữ liệu của bạn")
    def on_download_xlsx(self, _=None) -> None:
        if not self._mine():
            return
        from toolkit.privacy.subject import personal_workbook

        data = personal_workbook(self._rows(), self.plan, self.questions())
        self.download.value = download_link(data, "du-lieu-cua-toi.xlsx", "xlsx", "Lưu tệp Excel dữ liệu của bạn")

    @guarded("tạo tệp JSON dữ liệu của bạn")
    def on_download_json(self, _=None) -> None:
        if not self._mine():
            return
        from toolkit.privacy.subject import personal_json

        self.download.value = download_link(personal_json(self._rows()), "du-lieu-cua-toi.json", "json",
                                            "Lưu tệp JSON dữ liệu của bạn")

    @guarded("sửa họ tên, đơn vị")
    def on_correct(self, _=None) -> None:
        if not self._mine():
            return
        from toolkit.storage.personal import PersonalStore

        unit = self.new_unit.unit.value
        if unit is None:
            self.correct_message.value = alert("Vui lòng chọn đơn vị công tác.")
            return
        try:
            PersonalStore(self.store).correct(self.pid, self.new_name.value, unit)
        except InputError as exc:
            self.correct_message.value = alert(exc)
            return
        self._show_data()
        self.correct_message.value = '<div class="done" role="status">Đã sửa họ tên, đơn vị.</div>'

    # ---------------------------------------------------------------- deletion
    @guarded("xóa dữ liệu của bạn")
    def on_delete(self, _=None) -> None:
        if not self._mine():
            return
        rows = self._rows()
        answers = sum(len(a["responses"]) for a in rows.attempts)
        self.confirm_text.value = (
            f"<h3>Xóa toàn bộ dữ liệu của {esc(rows.participant['name'])}?</h3>"
            f"<p>{len(rows.attempts)} bài làm, {answers} câu trả lời, {len(rows.question_reports)} báo lỗi câu hỏi, "
            f"{len(rows.review_states)} thẻ ôn tập, {len(rows.review_log)} dòng nhật ký ôn tập và "
            "họ tên, đơn vị của bạn sẽ bị xóa vĩnh viễn; mã cá nhân của bạn hết dùng được.</p>")
        self.confirm_box.layout.display = None

    @guarded("xóa dữ liệu của bạn")
    def on_cancel_delete(self, _=None) -> None:
        self.confirm_box.layout.display = "none"

    @guarded("xóa dữ liệu của bạn")
    def on_confirm_delete(self, _=None) -> None:
        if not self._mine() or self.confirm_box.layout.display == "none":
            return  # a click on the hidden confirmation, not one after “Xóa toàn bộ dữ liệu của tôi”
        from toolkit.privacy.subject import counts_text, delete_participant

        try:
            counts = delete_participant(self.store, self.pid, "participant")
        except NotFound:
            counts = {}
        self._forget()
        self.done.value = (f'<div class="done" role="status"><b>Đã xóa dữ liệu của bạn</b> ({esc(counts_text(counts))}). '
                           "Bộ công cụ không còn lưu họ tên, đơn vị hay bài làm nào của bạn. Tệp bạn đã tải về, tệp "
                           "kết quả báo cáo viên đã tải trước đó và bản sao lưu cũ không nằm trong cơ sở dữ liệu: "
                           "hỏi báo cáo viên nếu cần xóa cả chúng.</div>")

    @guarded("đóng dữ liệu của bạn")
    def on_leave(self, _=None) -> None:
        self._forget()

    def _forget(self) -> None:
        """Nothing of the person stays in the page's widgets (on a shared computer the next one would see it)."""
        self.pid = None
        self.summary.value = self.download.value = self.confirm_text.value = self.correct_message.value = ""
        self.new_name.value = ""
        self.new_unit.unit.index = 0
        self.confirm_box.layout.display = "none"
        self.body.children = [self.lookup_box]


def summary_html(rows, plan, plans=None) -> str:
    """What is stored about the person, in words: them, their attempts with answers, reports, consents, review.

    Rows of every plan are listed; with more than one plan (`plans`, by key) each attempt and report names its
    plan, and a topic is named in its own plan's words.
    """
    import json

    from toolkit.plan.naming import plan_dated
    from toolkit.privacy.subject import NOTICE_LABELS
    from toolkit.quiz.attempt import MODES
    from toolkit.quiz.formats import topic_label, unit_label

    p = rows.participant
    person = (f"<h3>Bạn</h3><table class=\"grid\"><tr><th>Họ và tên</th><td>{esc(p['name'])}</td></tr>"
              f"<tr><th>Đơn vị</th><td>{esc(unit_label(plan, p['unit_key']))}</td></tr>"
              f"<tr><th>Lưu lần đầu</th><td>{esc(local_time(p['created_at']))}</td></tr>"
              f"<tr><th>Mã cá nhân</th><td>cấp lúc {esc(local_time(p.get('code_issued_at')))}; chỉ lưu mã băm, không "
              "lưu mã</td></tr></table>")
    plans = plans or {}

    def of(row) -> tuple[object, str]:
        """The row's plan (the page's when it is not published any more) and, with several, its name."""
        key = row.get("plan")
        own = plans.get(key, plan)
        named = len(plans) > 1 or len({r.get("plan") for r in (*rows.attempts, *rows.question_reports)}) > 1
        return own, ((f"{plan_dated(own)} · " if key in plans else f"kế hoạch “{key}” · ") if named else "")

    tries = []
    for a in rows.attempts:
        own, named = of(a)
        got = sum(r["points"] for r in a["responses"])
        answers = "".join(f"<tr><td class=\"n\">{r['position'] + 1}</td><td>{esc(r['question_id'])}</td>"
                          f"<td class=\"n\">{number(r['points'])}/{number(r['max_points'])}</td>"
                          f"<td>{esc(local_time(r['answered_at']))}</td></tr>" for r in a["responses"])
        where = f"phiên {a['session_code']}" if a["session_code"] else "tự luyện tập"
        tries.append(
            f"<details><summary>{esc(named)}{esc(local_time(a['started_at']))} · {esc(topic_label(own, a['topic']))} · "
            f"{where} · "
            f"{esc(MODES.get(a['mode'], a['mode']))} · {len(a['responses'])}/{len(json.loads(a['items']))} câu, "
            f"{number(got)} điểm</summary><div class=\"scroll-x\"><table class=\"grid\"><tr><th>Câu</th>"
            f"<th>Mã câu hỏi</th><th>Điểm</th><th>Trả lời lúc</th></tr>{answers}</table></div></details>")
    reports = "".join(f"<li>{esc(of(r)[1])}{esc(r['question_id'])}: “{esc(r['note'])}” "
                      f"({esc(local_time(r['updated_at']))})</li>"
                      if r["note"] else f"<li>{esc(of(r)[1])}{esc(r['question_id'])} ({esc(local_time(r['updated_at']))})</li>"
                      for r in rows.question_reports)
    given = "".join(f"<li>{esc(NOTICE_LABELS.get(c['notice'], c['notice']))}, phiên bản {esc(c['version'])}, "
                    f"{esc(local_time(c['given_at']))}</li>" for c in rows.consents)
    return (person + f"<h3>Bài làm ({len(rows.attempts)})</h3>"
            + ("".join(tries) or '<p class="muted">Không có bài làm nào.</p>')
            + f"<h3>Báo lỗi câu hỏi ({len(rows.question_reports)})</h3>"
            + (f"<ul>{reports}</ul>" if reports else '<p class="muted">Không có.</p>')
            + f"<h3>Những lần bạn đồng ý ({len(rows.consents)})</h3>"
            + (f"<ul>{given}</ul>" if given else '<p class="muted">Không có.</p>')
            + review_html(rows))


def review_html(rows) -> str:
    """The person's spaced review in counts; the Excel file lists each card and each log entry."""
    from toolkit.privacy.subject import counts_text

    cap = rows.review_settings
    chosen = (f"bạn chọn {number(cap['new_per_day'])} (lúc {esc(local_time(cap['updated_at']))})" if cap
              else "bạn chưa chọn")
    if not rows.review_states and not rows.review_log:
        held = "Chưa có thẻ ôn tập nào."
    else:
        held = counts_text({"review_states": len(rows.review_states), "review_log": len(rows.review_log)})
        held = f"Lưu {held}."
        if rows.review_states:  # soonest due first (PersonalStore.rows_of)
            held += f" Thẻ cần ôn sớm nhất: từ {esc(local_time(rows.review_states[0]['due']))}."
        held += " Tệp Excel có từng thẻ (“Lịch ôn tập”) và từng lần trả lời (“Nhật ký ôn tập”)."
    return f"<h3>Ôn tập</h3><p>{held} Số thẻ mới mỗi ngày: {chosen}.</p>"


# ---------------------------------------------------------------- the trainer's deletions


class TrainerPrivacy:
    """On the trainer's page, behind its passcode: delete one participant of the session on screen, take every
    name out of the (closed) session, or delete what is older than the retention period; each asks first.

    `app` is the TrainerApp: its store, gate, error box and dashboard. Every action checks the gate again
    and acts on what the kernel holds (the session on screen, a participant of it), not on widget values alone.
    """

    def __init__(self, app):
        from toolkit.privacy.settings import retention_days

        self.app = app
        self.gate, self.gate_message, self.error = app.gate, app.gate_message, app.error
        self.pending: tuple[str, object] | None = None  # what the confirmation box would do
        full = widgets.Layout(width="100%")
        self.person = stacked(widgets.Dropdown(description="Người tham gia", options=[], layout=full))
        self.delete_person = widgets.Button(description="Xóa dữ liệu người này", icon="user-times",
                                            layout=widgets.Layout(width="auto"))
        self.delete_person.on_click(self.on_delete_person)
        self.delete_names = widgets.Button(description="Bỏ họ tên cả phiên", icon="user-secret",
                                           layout=widgets.Layout(width="auto"))
        self.delete_names.on_click(self.on_delete_names)
        self.session_note = widgets.HTML("")
        self.confirm_text = widgets.HTML("")
        self.confirm = widgets.Button(description="Xóa ngay", button_style="danger", icon="trash",
                                      layout=widgets.Layout(width="auto"))
        self.cancel = widgets.Button(description="Không xóa", icon="times", layout=widgets.Layout(width="auto"))
        self.confirm.on_click(self.on_confirm)
        self.cancel.on_click(self.on_cancel)
        self.confirm_box = widgets.VBox([self.confirm_text, widgets.HBox([self.confirm, self.cancel])
                                         .add_class("toolbar")],
                                        layout=widgets.Layout(display="none")).add_class("confirm-close")
        self.message = widgets.HTML("")
        self.session_box = widgets.VBox([
            widgets.HTML("<h3>Dữ liệu cá nhân của phiên</h3><p class=\"muted\">Khi một người tham gia yêu cầu: xóa "
                         "mọi dữ liệu của họ (mọi phiên, mọi bài kiểm tra). Sau buổi tập huấn: bỏ họ tên, đơn vị của "
                         "mọi người trong phiên, giữ câu trả lời không tên nên thống kê câu hỏi không đổi.</p>"),
            self.session_note, self.person,
            widgets.HBox([self.delete_person, self.delete_names]).add_class("toolbar"), self.message]).add_class("form")
        self.check_retention = widgets.Button(description="Xem dữ liệu quá hạn", icon="search",
                                              layout=widgets.Layout(width="auto"))
        self.check_retention.on_click(self.on_check_retention)
        self.run_retention = widgets.Button(description="Xóa dữ liệu quá hạn", icon="trash",
                                            layout=widgets.Layout(width="auto"))
        self.run_retention.on_click(self.on_run_retention)
        self.retention_message = widgets.HTML("")
        self.home_box = widgets.VBox([
            widgets.HTML(f"<h3>Dữ liệu cá nhân quá hạn lưu giữ</h3><p class=\"muted\">Hạn lưu giữ: "
                         f"{retention_days()} ngày (TOOLKIT_RETENTION_DAYS). Quá hạn thì bài luyện tập bị xóa, phiên "
                         "tập huấn được bỏ họ tên (giữ câu trả lời không tên), họ tên không còn dùng bị xóa; bản tự "
                         "đánh giá đã nộp là báo cáo của đơn vị, không bị xóa. Lệnh <code>toolkit privacy report</code> "
                         "in ghi chép xử lý dữ liệu cá nhân.</p>"),
            widgets.HBox([self.check_retention, self.run_retention]).add_class("toolbar"),
            self.retention_message]).add_class("form")
        self.session_part = widgets.VBox([self.session_box])
        self.home_part = widgets.VBox([self.home_box])

    def _people(self):
        from toolkit.storage.personal import PersonalStore

        return PersonalStore(self.app.store)

    def show_session(self, code: str | None) -> None:
        """Fill the session part for the session on screen (the trainer page calls it when it opens one)."""
        self._ask(None)
        self.message.value = ""
        if code is None:
            return
        people = self._people()
        who = people.session_people(code)
        self.person.options = [(f"{p.name} — {_unit(self.app.plan, p.unit_key)}", p.id) for p in who]
        self.person.value = who[0].id if who else None
        self.delete_person.disabled = not who
        erased, anonymous = people.erased_in_session(code), people.anonymous_attempts(code)
        notes = []
        if erased:
            notes.append(f"{erased} người tham gia phiên này đã được xóa dữ liệu: kết quả, thống kê của phiên tính trên "
                         "những người còn lại.")
        if anonymous:
            notes.append(f"{anonymous} bài làm của phiên đã bỏ họ tên (vẫn được tính trong thống kê câu hỏi).")
        self.session_note.value = "".join(f'<div class="caution" role="note">{esc(n)}</div>' for n in notes)

    def _ask(self, action: tuple[str, object] | None, question: str = "") -> None:
        """Show the confirmation for `action` (None: hide it), under the part of the page it is about."""
        self.pending = action
        self.confirm_text.value = question
        self.confirm_box.layout.display = None if action else "none"
        on_home = action is not None and action[0] == "retention"
        self.home_part.children = [self.home_box, self.confirm_box] if on_home else [self.home_box]
        self.session_part.children = [self.session_box] if on_home else [self.session_box, self.confirm_box]

    @guarded("chuẩn bị xóa dữ liệu")
    @unlocked_only
    def on_delete_person(self, _=None) -> None:
        code = self.app.current
        pid = self.person.value
        # The value comes from the browser: only a named participant of the session on screen.
        if code is None or pid not in {p.id for p in self._people().session_people(code)}:
            self.message.value = alert("Hãy chọn một người tham gia của phiên này.")
            return
        label = dict((v, k) for k, v in self.person.options).get(pid, "")
        self._ask(("participant", pid),
                  f"<h3>Xóa mọi dữ liệu của {esc(label)}?</h3><p>Họ tên, đơn vị, mọi bài làm (phiên này, phiên khác, "
                  "bài tự luyện), câu trả lời, báo lỗi câu hỏi của người này bị xóa vĩnh viễn; kết quả các phiên không "
                  "còn tính họ. Chỉ làm khi chính người đó yêu cầu.</p>")

    @guarded("chuẩn bị bỏ họ tên cả phiên")
    @unlocked_only
    def on_delete_names(self, _=None) -> None:
        code = self.app.current
        if code is None:
            return
        session = self.app.sessions.get(code)
        if session.is_open:
            self.message.value = alert("Phiên đang mở: hãy đóng phiên trước khi bỏ họ tên người tham gia.")
            return
        n = len(self._people().session_people(code))
        self._ask(("session", code),
                  f"<h3>Bỏ họ tên {n} người tham gia phiên {esc(code)}?</h3><p>Họ tên, đơn vị và thời gian làm bài của "
                  "từng người bị xóa vĩnh viễn; câu trả lời được giữ không tên, nên thống kê câu hỏi, nhầm lẫn cơ "
                  "quan không đổi. Tải tệp Excel kết quả phiên trước nếu còn cần danh sách có họ tên.</p>")

    @guarded("xem dữ liệu quá hạn")
    @unlocked_only
    def on_check_retention(self, _=None) -> None:
        from toolkit.privacy.retention import apply_retention
        from toolkit.privacy.subject import counts_text

        run = apply_retention(self.app.store, "trainer", dry_run=True)
        self.retention_message.value = (f"<p>Quá hạn (cũ hơn {run.days} ngày, trước "
                                        f"{esc(local_time(run.cutoff))}): {esc(counts_text(run.counts))}.</p>")

    @guarded("chuẩn bị xóa dữ liệu quá hạn")
    @unlocked_only
    def on_run_retention(self, _=None) -> None:
        from toolkit.privacy.retention import apply_retention
        from toolkit.privacy.subject import counts_text

        run = apply_retention(self.app.store, "trainer", dry_run=True)
        self._ask(("retention", None), f"<h3>Xóa dữ liệu quá hạn lưu giữ ({run.days} ngày)?</h3>"
                                       f"<p>Sẽ xóa: {esc(counts_text(run.counts))}. Không khôi phục được.</p>")

    @guarded("hủy xóa")
    @unlocked_only
    def on_cancel(self, _=None) -> None:
        self._ask(None)

    @guarded("xóa dữ liệu")
    @unlocked_only
    def on_confirm(self, _=None) -> None:
        from toolkit.privacy.retention import apply_retention
        from toolkit.privacy.subject import counts_text, delete_participant, delete_session

        action, self.pending = self.pending, None
        self._ask(None)
        if action is None:
            return
        kind, target = action
        try:
            if kind == "participant":
                counts = delete_participant(self.app.store, target, "trainer")
                done = "Đã xóa dữ liệu người tham gia"
            elif kind == "session":
                counts = delete_session(self.app.store, target, "trainer")
                done = f"Đã bỏ họ tên người tham gia phiên {target}"
            else:
                counts = apply_retention(self.app.store, "trainer").counts
                done = "Đã xóa dữ liệu quá hạn lưu giữ"
        except (InputError, NotFound) as exc:
            self.message.value = alert(exc)
            return
        text = f'<div class="done" role="status">{esc(done)}: {esc(counts_text(counts))}.</div>'
        if kind == "retention":
            self.retention_message.value = text
            return
        self.show_session(self.app.current)
        self.message.value = text
        if self.app.current is not None:
            self.app.analysis.value = ""  # the dashboard recomputes it from the rows left
            self.app._refresh(force=True)


def _unit(plan, key: str) -> str:
    from toolkit.quiz.formats import unit_label

    return unit_label(plan, key)
