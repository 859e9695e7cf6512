"""Do the pages say what they store before storing a name, give the personal code once, let its holder see,
download, correct and delete their data (and nothing of anyone else's), and let a trainer delete?"""

from __future__ import annotations

import base64
import html
import io
import itertools
import json
import re
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa
from helpers import give, key_for, widget_states

from toolkit.privacy.notices import DETAILS_LABEL, notice
from toolkit.serving.access import MAX_FAILURES
from toolkit.serving.personal_code import PersonalCodeGate
from toolkit.storage import schema
from toolkit.storage.personal import PersonalStore, format_code
from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store
from toolkit.ui.participant import ParticipantApp
from toolkit.ui.privacy import PersonalDataApp
from toolkit.ui.quiz import QuizApp
from toolkit.ui.trainer import TrainerApp

PASSCODE = "424242"
THU, BINH = "Phạm Thị Thu", "Trần Văn Bình"


@pytest.fixture(autouse=True)
def passcode(monkeypatch, tmp_path):
    monkeypatch.setenv("TOOLKIT_PASSCODE", PASSCODE)
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path))


def rows(store, table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def quiz_to_results(app, name=THU, unit="phuong_hoan_kiem", n=5):
    app.name.value, app.unit.value = name, unit
    app.sign_in.click()
    if app.body.children != (app.setup_box,):  # an unfinished attempt: start a new one instead
        app.on_setup()
    app.count.value = n
    app.start.click()
    for i in range(app.run.total):
        give(app, key_for(app))
        if not app.next.disabled:
            app.next.click()
    app.finish.click()
    assert app.body.children == (app.results_box,), app.error.value + app.notice.value


def code_on(app) -> str:
    found = re.search(r'aria-label="Mã cá nhân">([A-Z0-9-]+)<', app.personal_code.widget.value)
    assert found, app.personal_code.widget.value
    return found.group(1)


def my_data(plan, store, bank, code="") -> PersonalDataApp:
    app = PersonalDataApp(plan, Store(store.url), env={}, questions={q.id: q for q in bank}, today=date(2026, 3, 1))
    if code:
        app.code.value = code
        app.open.click()
    return app


# ---------------------------------------------------------------- the notice, before any name


def test_is_the_notice_on_the_sign_in_screen_before_any_name_is_stored(plan, bank, store):
    app = QuizApp(plan, bank, store)
    shown = notice("quiz")
    assert app.privacy_notice.widget in app.sign_in_box.children
    order = app.sign_in_box.children
    assert order.index(app.privacy_notice.widget) < order.index(app.sign_in)  # read before “Tiếp tục”
    text = app.privacy_notice.widget.value
    assert html.escape(shown.short) in text and DETAILS_LABEL in text and "<details>" in text
    assert html.escape(shown.version) in text
    app.name.value, app.unit.value = THU, "phuong_hoan_kiem"
    assert rows(store, schema.participants) == 0 and rows(store, schema.consents) == 0
    app.sign_in.click()
    (given,) = PersonalStore(store).consents(app.participant.id)
    assert (given.notice, given.version, given.page) == ("quiz", shown.version, "quiz")


def test_does_joining_a_session_record_the_workshop_notice(plan, bank, store):
    session = SessionStore(store).create("Lớp A", "all", "test", [q.id for q in bank[:3]], None, False, False)
    app = ParticipantApp(plan, bank, store, code=session.code)
    assert app.privacy_notice.widget in app.sign_in_box.children
    assert "Bấm “Tham gia” là bạn đồng ý" in app.privacy_notice.widget.value
    app.name.value, app.unit.value = BINH, "phuong_hoan_kiem"
    app.sign_in.click()
    assert [c.notice for c in PersonalStore(store).consents(app.participant.id)] == ["workshop"]


def test_is_the_assessment_submitters_consent_stored_before_the_name(plan, settings, store):
    from toolkit.storage.assessments import AssessmentStore
    from toolkit.ui.assessment import AssessmentApp

    app = AssessmentApp(plan, settings, store, today=date(2026, 3, 1))
    assert app.privacy_notice.widget in app.widget.children
    assert "Sở Tư pháp" in app.privacy_notice.widget.value
    app.year_choice.value, app.unit.value = 2021, "quan_ba_dinh"
    app.name.value = "Đỗ Thu Hà"
    first = next(c for c in app.criteria if c.scored)
    app.criterion.value, app.rating.value = first.id, "hoan_thanh"  # the first rating creates the draft
    assert AssessmentStore(store).filler(app.record.id) == "Đỗ Thu Hà"
    assert [c.notice for c in PersonalStore(store).consents(assessment_id=app.record.id)] == ["assessment"]


# ---------------------------------------------------------------- the code on the results screen


def test_is_the_personal_code_shown_once_with_a_link_to_keep(plan, bank, store):
    app = QuizApp(plan, bank, store)
    quiz_to_results(app)
    code = code_on(app)
    assert PersonalStore(store).by_code(code) == app.participant
    assert f'href="6-du-lieu-ca-nhan.ipynb?code={code.replace("-", "")}"' in app.personal_code.widget.value
    app.again.click()
    app.start.click()
    app.finish.click()
    app.finish.click()
    assert code_on(app) == code  # the page that issued it keeps showing it
    again = QuizApp(plan, bank, Store(store.url))  # a reload, or someone typing the same name elsewhere
    quiz_to_results(again)
    assert "đã được cấp ở lần nộp bài trước" in again.personal_code.widget.value
    assert code not in widget_states(again.widget) and code.replace("-", "") not in widget_states(again.widget)


def test_does_typing_a_stored_name_without_a_code_get_no_code(plan, bank, store):
    """A name and unit are no identity: whoever types one already stored (before codes existed, or by someone
    who left before the results screen) gets no code for it, or a colleague could take another's data."""
    someone = store.participant(THU, "phuong_hoan_kiem")  # stored earlier, never given a code
    impostor = QuizApp(plan, bank, Store(store.url))
    quiz_to_results(impostor)
    assert impostor.participant.id == someone.id  # the same row: name and unit match
    assert not PersonalStore(store).has_code(someone.id)
    assert 'aria-label="Mã cá nhân"' not in impostor.personal_code.widget.value
    assert "không cấp mã cá nhân" in impostor.personal_code.widget.value


# ---------------------------------------------------------------- “Dữ liệu của tôi”


def test_can_the_code_holder_see_download_correct_and_delete_their_data(plan, bank, store):
    quiz = QuizApp(plan, bank, store)
    quiz_to_results(quiz)
    code = code_on(quiz)
    other = QuizApp(plan, bank, Store(store.url))
    quiz_to_results(other, name=BINH)

    page = my_data(plan, store, bank)
    assert THU not in widget_states(page.widget) and BINH not in widget_states(page.widget)
    page.code.value = code.lower()
    page.open.click()
    assert page.body.children == (page.data_box,), page.gate_message.value + page.error.value
    assert page.code.value == ""  # the code does not stay in the page's widgets
    assert THU in page.summary.value and "Bài làm (1)" in page.summary.value
    assert BINH not in widget_states(page.widget)  # nothing of anyone else's

    page.download_xlsx.click()
    data = base64.b64decode(re.search(r"base64,([^\"]+)\"", page.download.value).group(1))
    book = pd.read_excel(io.BytesIO(data), sheet_name=None)
    assert THU in book["Người tham gia"]["Giá trị"].tolist() and len(book["Câu trả lời"]) == 5
    page.download_json.click()
    data = json.loads(base64.b64decode(re.search(r"base64,([^\"]+)\"", page.download.value).group(1)))
    assert data["participant"]["name"] == THU

    page.new_name.value = "Phạm Thị Thu Hà"
    page.correct.click()
    assert "Đã sửa" in page.correct_message.value and "Phạm Thị Thu Hà" in page.summary.value

    page.confirm_delete.click()  # a click on the hidden confirmation: nothing happens
    assert PersonalStore(store).by_code(code) is not None
    page.delete.click()
    assert page.confirm_box.layout.display is None and "Xóa vĩnh viễn" in page.confirm_delete.description
    page.cancel_delete.click()
    assert page.confirm_box.layout.display == "none" and PersonalStore(store).by_code(code) is not None
    page.delete.click()
    page.confirm_delete.click()
    assert "Đã xóa dữ liệu của bạn" in page.done.value and page.body.children == (page.lookup_box,)
    assert PersonalStore(store).by_code(code) is None and page.pid is None
    assert "Thu Hà" not in widget_states(page.widget) and THU not in widget_states(page.widget)  # nor in the page
    assert [d.by for d in PersonalStore(store).deletions()] == ["participant"]
    page.download_json.click()  # the browser can still click it: there is no one left to show
    assert page.download.value == ""
    arrived = my_data(plan, store, bank, code=code)  # the kept link, after the deletion
    assert "không đúng" in arrived.gate_message.value and arrived.body.children == (arrived.lookup_box,)


def test_is_guessing_codes_locked_out_across_pages_and_apart_from_the_passcode(plan, bank, store):
    # Far later than the passcode (a hall mistypes 12-symbol codes, all behind one client key).
    assert PersonalCodeGate.max_failures > 10 * MAX_FAILURES
    tails = ("".join(p) for p in itertools.product("ABCDEFGHJK", repeat=4))
    for _ in range(PersonalCodeGate.max_failures):
        page = my_data(plan, store, bank, code=f"ABCD-EFGH-{next(tails)}")  # each a new page (kernel)
        assert "Mã cá nhân không đúng" in page.gate_message.value
    page = my_data(plan, store, bank, code="ABCD-EFGH-JKLS")
    assert "thử lại sau" in page.gate_message.value
    trainer = TrainerApp(plan, bank, store, env={})
    trainer.passcode.value = PASSCODE
    trainer.unlock.click()
    assert trainer.gate.unlocked, trainer.gate_message.value  # the trainer is not locked out by them


# ---------------------------------------------------------------- the trainer


def test_can_a_trainer_delete_one_participant_and_then_a_sessions_names_with_confirmation(plan, bank, store):
    trainer = TrainerApp(plan, bank, store, env={})
    assert not hasattr(trainer, "privacy")  # built only once the passcode is accepted
    trainer.passcode.value = PASSCODE
    trainer.unlock.click()
    trainer.title.value, trainer.count.value = "Tập huấn phường Hoàn Kiếm", 5
    trainer.create.click()
    code = trainer.current
    for name in (THU, BINH):
        app = ParticipantApp(plan, bank, Store(store.url), code=code)
        app.name.value, app.unit.value = name, "phuong_hoan_kiem"
        app.sign_in.click()
        give(app, key_for(app))
    trainer.on_back()
    trainer.history.value = code
    trainer.open_history.click()
    panel = trainer.privacy
    assert panel.session_part in trainer.session_box.children
    assert [label.split(" — ")[0] for label, _ in panel.person.options] == [THU, BINH]

    panel.person.value = next(v for label, v in panel.person.options if label.startswith(THU))
    panel.delete_person.click()
    assert panel.confirm_box.layout.display is None and THU in panel.confirm_text.value
    assert SessionStore(store).attempts(code)[0].name == THU  # asked, not done
    panel.confirm.click()
    assert "Đã xóa dữ liệu người tham gia" in panel.message.value
    assert [a.name for a in SessionStore(store).attempts(code)] == [BINH]
    assert "1 người tham gia phiên này đã được xóa dữ liệu" in panel.session_note.value
    assert THU not in trainer.people.value

    panel.delete_names.click()
    assert "Phiên đang mở" in panel.message.value  # not while people are answering
    trainer.close_session.click()
    trainer.close_confirm.click()
    panel.delete_names.click()
    panel.confirm.click()
    assert "Đã bỏ họ tên" in panel.message.value
    assert BINH not in trainer.people.value and "đã bỏ họ tên" in panel.session_note.value
    assert [d.kind for d in PersonalStore(store).deletions()] == ["participant", "session"]
    assert {d.by for d in PersonalStore(store).deletions()} == {"trainer"}

    trainer.on_back()
    panel.check_retention.click()
    assert "Quá hạn (cũ hơn 365 ngày" in panel.retention_message.value
    panel.run_retention.click()
    assert panel.confirm_box in panel.home_part.children and panel.confirm_box.layout.display is None
    panel.confirm.click()
    assert "Đã xóa dữ liệu quá hạn" in panel.retention_message.value
    assert PersonalStore(store).deletions()[-1].kind == "retention"


def test_does_the_code_display_escape_and_format_the_code():
    from toolkit.ui.privacy import code_html

    shown = code_html("abcdefghjklm")
    assert format_code("ABCDEFGHJKLM") in shown and "?code=ABCDEFGHJKLM" in shown
