"""Is a participant's data shown, exported and deleted for real, retention exact, consent stored with the
name, and are the statistics left by a deletion consistent? (Luật 91/2025/QH15; issue 17)"""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from helpers import shown_key, shown_wrong

from toolkit.privacy.notices import NOTICE_KEYS, notice
from toolkit.privacy.retention import apply_retention
from toolkit.privacy.settings import SettingError, retention_days
from toolkit.privacy.subject import COUNT_LABELS, personal_data, personal_json, personal_workbook
from toolkit.quiz import analytics
from toolkit.quiz.attempt import QuizRun
from toolkit.quiz.workshop import create_session, join_session, responses_frame
from toolkit.storage import schema
from toolkit.storage.assessments import AssessmentStore
from toolkit.storage.personal import (
    ANONYMOUS_NAME,
    CODE_ALPHABET,
    CODE_LENGTH,
    PersonalStore,
    code_hash,
    consent_to,
    format_code,
)
from toolkit.storage.records import InputError
from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store
from toolkit.vietnamese import fold

THU = "Phạm Thị Thu"  # the participant who asks for her data to be deleted
OTHERS = ("Đặng Văn Khoa", "Lý Thị Hồng", "Hoàng Minh Đức")


def text_values(engine) -> list[str]:
    """Every text value in every table of the database, read back by reflection (tables the code may not know)."""
    found = []
    with engine.connect() as conn:
        for name in sa.inspect(conn).get_table_names():
            table = sa.Table(name, sa.MetaData(), autoload_with=conn)
            cols = [c for c in table.columns if isinstance(c.type, sa.String)]
            if cols:
                found += [str(v) for row in conn.execute(sa.select(*cols)) for v in row if v is not None]
    return found


def holds(engine, name: str) -> list[str]:
    """The text values that hold `name`, as typed or folded (lower case, no diacritics)."""
    return [v for v in text_values(engine) if name in v or fold(name) in fold(v)]


def answer(run, right: int) -> None:
    for i in range(run.total):
        run.answer(i, shown_key(run, i) if i < right else shown_wrong(run, i))
    run.finish()


def workshop(store, plan, questions, names=(THU, *OTHERS), right=(4, 2, 5, 1), title="Tập huấn phường Hoàn Kiếm"):
    """A closed session in which each of `names` answered `right` of its five questions correctly."""
    by_id = {q.id: q for q in questions}
    session = create_session(store, plan, questions, title=title, topic="all", n=5)
    people = []
    for name, k in zip(names, right):
        person = store.participant(name, "phuong_hoan_kiem", consent=consent_to("workshop", "v-test", "workshop"))
        answer(join_session(store, plan, by_id, session.code, person), k)
        people.append(person)
    SessionStore(store).close(session.code)
    return session, people


def item_stats(store, code):
    frame = responses_frame(store, code)
    return frame, analytics.item_statistics(frame)


# ---------------------------------------------------------------- codes and consent


def test_is_a_personal_code_a_random_60_bit_secret_kept_only_as_its_hash(store):
    person = store.participant(THU, "phuong_hoan_kiem")
    people = PersonalStore(store)
    code = people.issue_code(person.id)
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    assert CODE_LENGTH * (len(CODE_ALPHABET).bit_length() - 1) >= 50  # 32 symbols = 5 bits each
    assert people.issue_code(person.id) is None  # shown once: never a second code for the same name
    assert not [v for v in text_values(store.engine) if code in v]  # not stored as typed
    assert code_hash(code) in text_values(store.engine)
    typed = format_code(code).lower().replace("-", " - ")
    assert people.by_code(typed) == person and people.by_code(code[:-1] + ("A" if code[-1] != "A" else "B")) is None


def test_is_the_consent_stored_with_the_first_stored_name_or_neither(store):
    with store.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.participants)).scalar() == 0
    person = store.participant(THU, "phuong_hoan_kiem", consent=consent_to("quiz", "2026-01#abc", "quiz"))
    given = PersonalStore(store).consents(person.id)
    assert [(c.notice, c.version, c.page) for c in given] == [("quiz", "2026-01#abc", "quiz")]
    with store.engine.connect() as conn:
        created = conn.execute(sa.select(schema.participants.c.created_at)).scalar()
    assert abs((given[0].given_at.replace(tzinfo=None) - created.replace(tzinfo=None)).total_seconds()) < 5
    store.participant(THU, "phuong_hoan_kiem", consent=consent_to("quiz", "2026-01#abc", "quiz"))
    assert len(PersonalStore(store).consents(person.id)) == 1  # the same notice again: nothing new

    def failing(conn, pid):
        raise RuntimeError("the consent could not be stored")

    with pytest.raises(RuntimeError):
        store.participant("Ngô Bảo Châu", "phuong_hoan_kiem", consent=failing)
    assert not holds(store.engine, "Ngô Bảo Châu")  # no consent, no name


def test_are_the_notices_complete_vietnamese_and_versioned_by_their_words():
    for key in NOTICE_KEYS:
        n = notice(key, {})
        text = n.text
        assert unicodedata.is_normalized("NFC", text) and "«" not in text and "»" not in text
        headings = [h for h, _ in n.items]
        for needed in ("Dữ liệu được lưu", "Để làm gì", "Ai xem được", "Lưu bao lâu", "Nơi chịu trách nhiệm"):
            assert needed in headings, (key, needed)
        assert any("xóa" in t.lower() for _, t in n.items)
        assert n.version != notice(key, {"TOOLKIT_RETENTION_DAYS": "30"}).version  # other words, other version
    assert "365 ngày" in notice("quiz", {}).text and "30 ngày" in notice("quiz", {"TOOLKIT_RETENTION_DAYS": "30"}).text


@pytest.mark.parametrize("value", ["0", "-3", "abc", "99999"])
def test_is_a_retention_setting_that_cannot_be_used_refused_in_vietnamese(value):
    with pytest.raises(SettingError, match="TOOLKIT_RETENTION_DAYS"):
        retention_days({"TOOLKIT_RETENTION_DAYS": value})
    assert retention_days({}) == 365 and retention_days({"TOOLKIT_RETENTION_DAYS": " 90 "}) == 90


# ---------------------------------------------------------------- one person's data


def test_can_a_participant_see_export_and_delete_everything_and_no_table_keeps_their_name(store, plan, questions):
    session, people = workshop(store, plan, questions)
    thu = people[0]
    practice = QuizRun.start(store, thu, questions[:20], plan, topic="all", n=3, mode="practice")
    answer(practice, 1)
    store.report_question(thu.id, practice.questions[0].id, f"Đáp án sai ạ — {THU}", attempt_id=practice.attempt.id)
    store.report_question(people[1].id, practice.questions[0].id, "Câu khó hiểu")
    people_store = PersonalStore(store)
    code = people_store.issue_code(thu.id)

    rows = personal_data(store, people_store.by_code(code))
    assert rows.participant["name"] == THU and "code_hash" not in rows.participant
    assert len(rows.attempts) == 2 and sum(len(a["responses"]) for a in rows.attempts) == 8
    assert [r["note"] for r in rows.question_reports] == [f"Đáp án sai ạ — {THU}"]
    assert [c["notice"] for c in rows.consents] == ["workshop"]
    data = json.loads(personal_json(rows))
    assert data["participant"]["name"] == THU and data["notice"].startswith("Tệp này có họ tên")
    assert isinstance(data["attempts"][0]["items"], list) and "responses" in data["attempts"][1]
    book = pd.read_excel(io.BytesIO(personal_workbook(rows, plan, {q.id: q for q in questions})), sheet_name=None)
    assert list(book) == ["Người tham gia", "Bài làm", "Câu trả lời", "Báo lỗi câu hỏi", "Đồng ý", "Lịch ôn tập",
                          "Nhật ký ôn tập"]
    assert book["Người tham gia"].iloc[0, 0] == "Dữ liệu cá nhân" and THU in book["Người tham gia"]["Giá trị"].tolist()
    assert len(book["Câu trả lời"]) == 8 and book["Câu trả lời"]["Câu hỏi"].str.len().min() > 0
    assert holds(store.engine, THU)  # a check that can fail: the name is there before

    counts = people_store.delete_participant(thu.id, "participant")
    assert counts == {"participants": 1, "attempts": 2, "responses": 8, "question_reports": 1, "consents": 1}
    assert holds(store.engine, THU) == []
    assert people_store.by_code(code) is None
    assert people_store.erased_in_session(session.code) == 1
    assert [r.participant_id for r in people_store.consents()] == [p.id for p in people[1:]]
    log = people_store.deletions()
    assert [(d.kind, d.by, d.counts) for d in log] == [("participant", "participant", counts)]
    with store.engine.connect() as conn:
        logged = [str(v) for row in conn.execute(sa.select(schema.deletions)) for v in row]
    assert not [v for v in logged if fold(THU) in fold(v) or "Đáp án sai" in v]  # no name, no content
    assert store.question_reports()[0].count == 1  # the other participant's report stays


def test_does_a_backup_or_export_taken_after_a_deletion_hold_the_name(tmp_path, plan, questions):
    """Not in any table, nor in the bytes of the backup file (free pages included), nor in the session's file."""
    from toolkit.quiz.workshop import session_workbook
    from toolkit.storage.backup import backup

    url = f"sqlite:///{tmp_path / 'toolkit.sqlite3'}"
    store = Store(url)
    session, people = workshop(store, plan, questions)
    by_id = {q.id: q for q in questions}

    def workbook_text() -> str:
        book = pd.read_excel(io.BytesIO(session_workbook(store, plan, by_id, session.code, set())), sheet_name=None)
        return " ".join(str(v) for frame in book.values() for v in [*frame.columns, *frame.to_numpy().ravel()])

    before = backup(url, tmp_path / "before.sqlite3")
    assert THU.encode() in Path(before.path).read_bytes() and THU in workbook_text()  # checks that can fail
    PersonalStore(store).delete_participant(people[0].id, "trainer")
    after = backup(url, tmp_path / "after.sqlite3")
    assert THU.encode() not in Path(after.path).read_bytes()
    assert holds(Store(f"sqlite:///{after.path}").engine, THU) == []
    assert THU not in workbook_text() and OTHERS[0] in workbook_text()


def test_after_one_person_is_deleted_do_the_sessions_statistics_equal_those_of_the_people_left(store, plan, questions):
    session, people = workshop(store, plan, questions)
    before, _ = item_stats(store, session.code)
    thu_attempt = SessionStore(store).attempts(session.code)[0].id
    expected = analytics.item_statistics(before[before["participant"] != thu_attempt])
    PersonalStore(store).delete_participant(people[0].id, "trainer")
    after, stats = item_stats(store, session.code)
    pd.testing.assert_frame_equal(stats, expected)
    assert analytics.session_statistics(after)["participants"] == len(OTHERS)
    assert len(SessionStore(store).attempts(session.code)) == len(OTHERS)


def test_does_taking_a_sessions_names_out_keep_its_statistics_and_leave_no_name(store, plan, questions):
    session, people = workshop(store, plan, questions)
    other = workshop(store, plan, questions, names=(OTHERS[0], "Trịnh Công Sơn"), right=(3, 3), title="Lớp khác")[0]
    by_id = {q.id: q for q in questions}
    before, stats = item_stats(store, session.code)
    options = analytics.distractor_table(before, by_id)
    confusion = analytics.agency_confusion(before, by_id, plan)
    old_ids = {a.id for a in SessionStore(store).attempts(session.code)}

    people_store = PersonalStore(store)
    counts = people_store.anonymise_session(session.code, "trainer")
    assert counts["anonymised_attempts"] == 4 and counts["anonymised_responses"] == 20
    assert counts["participants"] == 3  # Đặng Văn Khoa is also in another session: his row stays for it
    assert set(counts) <= set(COUNT_LABELS)
    after, stats_after = item_stats(store, session.code)
    pd.testing.assert_frame_equal(stats_after.reset_index(drop=True), stats.reset_index(drop=True))
    pd.testing.assert_frame_equal(analytics.distractor_table(after, by_id), options)
    pd.testing.assert_frame_equal(analytics.agency_confusion(after, by_id, plan), confusion)
    attempts = SessionStore(store).attempts(session.code)
    assert {a.name for a in attempts} == {ANONYMOUS_NAME} and not old_ids & {a.id for a in attempts}
    assert {a.started_at for a in attempts} == {session.created_at}  # no one's own times
    for name in (THU, OTHERS[1], OTHERS[2]):
        assert holds(store.engine, name) == [], name
    assert [a.name for a in SessionStore(store).attempts(other.code)][0] == OTHERS[0]
    assert people_store.session_people(session.code) == []
    with pytest.raises(InputError):
        people_store.delete_participant(attempts[0].pid, "trainer")  # the anonymous one is no one's
    assert [d.kind for d in people_store.deletions()] == ["session"]


def test_is_an_open_session_refused_and_a_dry_run_changes_nothing(store, plan, questions):
    session = create_session(store, plan, questions, title="Lớp đang mở", topic="all", n=5)
    join_session(store, plan, {q.id: q for q in questions}, session.code, store.participant(THU, "phuong_hoan_kiem"))
    with pytest.raises(InputError, match="đang mở"):
        PersonalStore(store).anonymise_session(session.code, "trainer")
    SessionStore(store).close(session.code)
    snapshot = sorted(text_values(store.engine))
    counts = PersonalStore(store).anonymise_session(session.code, "trainer", dry_run=True)
    assert counts["anonymised_attempts"] == 1
    assert sorted(text_values(store.engine)) == snapshot and PersonalStore(store).deletions() == []


# ---------------------------------------------------------------- retention

AT = datetime(2027, 3, 1, 8, 0, tzinfo=timezone.utc)
DAYS = 365
CUTOFF = AT - timedelta(days=DAYS)


def _set(store, table, row_id, **values) -> None:
    with store.engine.begin() as conn:
        conn.execute(table.update().where(table.c.id == row_id).values(**values))


def test_does_retention_delete_exactly_what_is_older_than_the_period(store, plan, questions, settings):
    old, just_old, boundary, new = (CUTOFF - timedelta(days=35), CUTOFF - timedelta(seconds=1), CUTOFF,
                                    CUTOFF + timedelta(days=1))
    sessions = SessionStore(store)
    # workshop sessions: one closed long ago, one closed recently
    s_old, (old_only, both) = workshop(store, plan, questions, names=("Cao Văn Cũ", "Bùi Thị Cả Hai"), right=(2, 3))
    s_new, (recent,) = workshop(store, plan, questions, names=("Mai Thị Mới",), right=(4,), title="Lớp mới")
    with store.engine.begin() as conn:
        for code, when in ((s_old.code, old), (s_new.code, new)):
            conn.execute(schema.workshop_sessions.update().where(schema.workshop_sessions.c.code == code)
                         .values(created_at=when - timedelta(hours=2), closed_at=when))
    # practice attempts of one person on each side of the cutoff, and exactly on it
    practice = {}
    for label, when in (("old", just_old), ("boundary", boundary), ("new", new)):
        run = QuizRun.start(store, both, questions[:20], plan, topic="all", n=2, mode="practice")
        answer(run, 1)
        _set(store, schema.attempts, run.attempt.id, started_at=when)
        practice[label] = run.attempt.id
    # reported questions, people with nothing left, drafts and a submitted report, passcode attempts
    store.report_question(both.id, questions[0].id, "ghi chú cũ")
    store.report_question(recent.id, questions[1].id, "ghi chú mới")
    with store.engine.begin() as conn:
        conn.execute(schema.question_reports.update().where(schema.question_reports.c.participant_id == both.id)
                     .values(updated_at=old))
    idle_old, idle_new = store.participant("Lâm Văn Vắng", "khac"), store.participant("Tạ Thị Vừa", "khac")
    _set(store, schema.participants, idle_old.id, created_at=old)
    _set(store, schema.participants, idle_new.id, created_at=new)
    _set(store, schema.participants, both.id, created_at=old)
    astore = AssessmentStore(store)
    draft_old, draft_new = astore.open_draft("phuong_hoan_kiem", 2025), astore.open_draft("phuong_ba_dinh", 2026)
    for d in (draft_old, draft_new):
        astore.save_entry(d.id, "I.1", {"rating": None, "note": "đang làm"})
        astore.save_filler(d.id, "Người Điền Nháp")
    with store.engine.begin() as conn:
        conn.execute(schema.assessment_entries.update().where(schema.assessment_entries.c.assessment_id == draft_old.id)
                     .values(updated_at=old))
        conn.execute(schema.assessments.update().where(schema.assessments.c.id == draft_old.id).values(created_at=old))
    submitted = astore.open_draft("phuong_cua_nam", 2025)
    astore.submit(submitted.id, "Người Nộp Đã Nộp")
    _set(store, schema.assessments, submitted.id, created_at=old, submitted_at=old)
    from toolkit.assessment.city import load_submissions

    city_before = load_submissions(astore)
    with store.engine.begin() as conn:
        conn.execute(schema.passcode_attempts.insert(), [dict(at=just_old, client="10.0.0.1", page="trainer", ok=False),
                                                         dict(at=new, client="10.0.0.2", page="trainer", ok=False)])
    before, stats = item_stats(store, s_old.code)

    dry = apply_retention(store, at=AT, days=DAYS, dry_run=True)
    assert dry.cutoff == CUTOFF and PersonalStore(store).deletions() == []
    run = apply_retention(store, at=AT, days=DAYS)
    assert run.counts == dry.counts == {
        "anonymised_sessions": 1, "anonymised_attempts": 2, "anonymised_responses": 10,
        "attempts": 1, "responses": 2, "question_reports": 1, "participants": 2, "consents": 1,
        "draft_fillers": 1, "passcode_attempts": 1}
    # what was older is gone or nameless ...
    assert {a.name for a in sessions.attempts(s_old.code)} == {ANONYMOUS_NAME}
    assert holds(store.engine, "Cao Văn Cũ") == [] and holds(store.engine, "Lâm Văn Vắng") == []
    assert holds(store.engine, "ghi chú cũ") == [] and astore.filler(draft_old.id) == ""
    with store.engine.connect() as conn:
        kept_practice = set(conn.execute(sa.select(schema.attempts.c.id)
                                         .where(schema.attempts.c.session_code.is_(None))).scalars())
        addresses = set(conn.execute(sa.select(schema.passcode_attempts.c.client)).scalars())
    assert kept_practice == {practice["boundary"], practice["new"]} and addresses == {"10.0.0.2"}
    # ... and nothing newer is touched
    assert [a.name for a in sessions.attempts(s_new.code)] == ["Mai Thị Mới"]
    assert holds(store.engine, "Bùi Thị Cả Hai") and holds(store.engine, "Tạ Thị Vừa")  # still has newer data
    assert holds(store.engine, "ghi chú mới") and astore.filler(draft_new.id) == "Người Điền Nháp"
    assert astore.get(submitted.id).submitted_by == "Người Nộp Đã Nộp"  # the unit's report is kept
    assert load_submissions(astore) == city_before  # the city overview reads the same
    after, stats_after = item_stats(store, s_old.code)
    pd.testing.assert_frame_equal(stats_after.reset_index(drop=True), stats.reset_index(drop=True))
    (logged,) = PersonalStore(store).deletions()
    assert (logged.kind, logged.by, logged.counts) == ("retention", "administrator", run.counts)
    assert set(run.counts) <= set(COUNT_LABELS)  # every count has its words in the log and on the pages
    assert logged.cutoff == CUTOFF
    # a second run finds nothing more
    assert apply_retention(store, at=AT, days=DAYS).counts == {}


# ---------------------------------------------------------------- the migration


def test_does_0005_upgrade_and_downgrade_a_database_in_use(database_url, plan, questions):
    """Participants that attempts and reports point at: no copy of the table (SQLite cannot drop it then)."""
    from alembic import command

    from toolkit.storage import migrations

    engine = sa.create_engine(database_url)
    migrations.upgrade(engine, "0004")
    engine.dispose()
    store = Store(database_url)  # the store would open it at 0005: go back to 0004 with data in it
    person = store.participant(THU, "phuong_hoan_kiem")
    run = QuizRun.start(store, person, questions[:20], plan, topic="all", n=2, mode="practice")
    answer(run, 1)
    store.report_question(person.id, run.questions[0].id, "ghi chú")
    with store.engine.begin() as conn:
        command.downgrade(migrations.config(conn), "0004")
    with store.engine.connect() as conn:
        assert not sa.inspect(conn).has_table("consents")
        assert "code_hash" not in {c["name"] for c in sa.inspect(conn).get_columns("participants")}
    store.engine.dispose()
    again = Store(database_url)
    assert migrations.current_revision(again.engine) == migrations.HEAD
    assert again.participant(THU, "phuong_hoan_kiem") == person and len(again.responses(run.attempt.id)) == 2
    code = PersonalStore(again).issue_code(person.id)
    assert PersonalStore(again).by_code(code) == person
    assert SessionStore(again).all() == [] and again.question_reports()[0].count == 1
    again.engine.dispose()
