"""Once a question is retired (quizzes/retired.yaml), does no bank, session, attempt, export or cache serve
it, is the list checked with file and line, and is retiring one safe (checked first, atomic, locked)?

tests/data/retired/valid.yaml is a small valid list; every other file there differs from it in one place
and shows one failure mode, as tests/data/banks does for the banks.
"""

from __future__ import annotations

import json
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from helpers import shown_key

from toolkit.cli import main
from toolkit.datafile import DataError
from toolkit.quiz.attempt import QuizRuleError, QuizRun
from toolkit.quiz.banks import DEFAULT_QUIZ_DIR, load_banks, question_bank, refresh_question_bank
from toolkit.quiz.generate import generate_questions
from toolkit.quiz.reports import reported_questions, retire_question
from toolkit.quiz.retired import (
    RETIRED_FILE,
    RETIRED_SCHEMA,
    Retirement,
    read_retired,
    render_retired,
    retired_ids,
    write_retired,
)
from toolkit.quiz.workshop import dashboard, join_session, session_workbook
from toolkit.storage.records import InputError
from toolkit.storage.sessions import SessionStore
from toolkit.storage.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "retired"
GONE = "docs-kl80-co-quan"  # an authored question: its id does not move when the plan's data is edited
KEPT = "ld-dai-hoi-dang-bo-xvii"

# fixture: (line, words the message must contain)
EXPECTED = {
    "unknown_id": (9, "Không có câu hỏi 'ld-khong-co-cau-nay' trong ngân hàng câu hỏi"),
    "duplicate_id": (9, "Câu hỏi 'docs-kl80-co-quan' đã có trong danh sách ngừng dùng (dòng 5)"),
    "bad_date": (11, "ngày '2025-02-30' không có thật"),
    "date_format": (11, "Trường 'retired[2].retired_on': giá trị '02/07/2025' sai định dạng"),
    "missing_reason": (9, "Trường 'retired[2]': thiếu trường bắt buộc 'reason'"),
    "unknown_field": (9, "trường không được phép: 'note'"),
    "not_nfc": (10, "Trường 'retired[2].reason': văn bản chưa chuẩn hóa Unicode NFC"),
    "yaml_syntax": (10, "Lỗi cú pháp YAML"),
}


@pytest.fixture(autouse=True)
def var(tmp_path, monkeypatch):
    """The data cache and the writers' lock in a folder of this test, and no bank kept from another test."""
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path / "var"))
    refresh_question_bank()
    yield tmp_path / "var" / "cache"
    refresh_question_bank()


@pytest.fixture(scope="module")
def known(plan):
    banks, problems = load_banks(DEFAULT_QUIZ_DIR, plan)
    assert not problems
    return {q.id for q in generate_questions(plan)} | {q.id for b in banks for q in b.questions}


@pytest.fixture
def quizzes(tmp_path):
    """A copy of the real banks, to retire questions in."""
    folder = tmp_path / "quizzes"
    shutil.copytree(DEFAULT_QUIZ_DIR, folder)
    return folder


def retire_in(folder: Path, *ids: str) -> None:
    entries = [Retirement(i, "Câu hỏi sai.", date(2025, 7, 1), "Nguyễn Thị Mai") for i in ids]
    (folder / RETIRED_FILE).write_text(render_retired(entries), encoding="utf-8")


def ids_of(questions) -> set[str]:
    return {q.id for q in questions}


# ---------------------------------------------------------------- the list as data


def test_is_every_bad_fixture_on_disk_checked_by_an_expectation():
    assert {p.stem for p in FIXTURES.glob("*.yaml")} - {"valid"} == set(EXPECTED)


def test_does_the_valid_fixture_load_with_its_dates(known):
    entries, problems = read_retired(FIXTURES / "valid.yaml", known)
    assert problems == []
    assert [(e.id, e.retired_on, e.by) for e in entries] == [(GONE, date(2025, 7, 1), "Nguyễn Thị Mai"),
                                                             (KEPT, date(2025, 7, 2), "Trần Văn Bình")]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_is_a_bad_list_reported_naming_the_file_the_line_and_the_cause(known, case):
    path = FIXTURES / f"{case}.yaml"
    _, problems = read_retired(path, known)
    line, words = EXPECTED[case]
    assert any(Path(p.file).resolve() == path.resolve() and p.line == line and words in p.message
               for p in problems), [str(p) for p in problems]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_does_toolkit_validate_fail_on_a_bad_list_beside_the_banks(quizzes, capsys, case):
    shutil.copy(FIXTURES / f"{case}.yaml", quizzes / RETIRED_FILE)
    assert main(["validate", str(quizzes)]) == 1
    captured = capsys.readouterr()
    line, words = EXPECTED[case]
    assert f"{RETIRED_FILE}:{line}: " in captured.err and words in captured.err
    assert captured.out.count("Hợp lệ") == 4  # the banks themselves are fine
    assert main(["validate", str(quizzes / RETIRED_FILE)]) == 1  # the list alone, checked against its folder


def test_are_the_real_list_and_its_schema_valid(known, capsys):
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(json.loads(RETIRED_SCHEMA.read_text(encoding="utf-8")))
    _, problems = read_retired(DEFAULT_QUIZ_DIR / RETIRED_FILE, known)
    assert problems == []
    assert main(["validate", str(DEFAULT_QUIZ_DIR / RETIRED_FILE)]) == 0
    assert "câu hỏi ngừng dùng" in capsys.readouterr().out


def test_is_a_listed_question_left_out_even_when_another_entry_has_a_problem(plan, quizzes):
    """A slip in one entry's date must not bring a retired question back."""
    shutil.copy(FIXTURES / "bad_date.yaml", quizzes / RETIRED_FILE)
    questions, problems = question_bank(plan, quizzes)
    assert not ids_of(questions) & {GONE, KEPT}
    assert [p.line for p in problems] == [11]


def test_is_the_list_not_read_as_a_bank(plan, quizzes):
    retire_in(quizzes, GONE)
    banks, problems = load_banks(quizzes, plan)
    assert problems == [] and RETIRED_FILE not in {Path(b.file).name for b in banks}


# ---------------------------------------------------------------- nothing serves a retired question


def test_does_the_whole_bank_leave_retired_questions_out(plan, quizzes):
    before, _ = question_bank(plan, quizzes)
    assert {GONE, KEPT} <= ids_of(before)
    retire_in(quizzes, GONE)
    refresh_question_bank()
    after, problems = question_bank(plan, quizzes)
    assert problems == ()
    assert ids_of(before) - ids_of(after) == {GONE}


def test_do_the_question_exports_leave_retired_questions_out(plan, quizzes, tmp_path):
    stems = {q.id: q.stem for q in question_bank(plan, quizzes)[0]}
    retire_in(quizzes, GONE)
    refresh_question_bank()
    for fmt in ("json", "moodle-xml", "gift", "xlsx"):
        out = tmp_path / f"cau-hoi.{fmt}"
        assert main(["export", "questions", "--format", fmt, "--quizzes", str(quizzes), "--output", str(out)]) == 0
        if fmt == "xlsx":
            import pandas as pd

            text = pd.read_excel(out).to_csv()
        else:
            text = out.read_text(encoding="utf-8")
        assert stems[KEPT] in text and stems[GONE] not in text, fmt
    doc = json.loads((tmp_path / "cau-hoi.json").read_text(encoding="utf-8"))
    assert GONE not in {q["id"] for q in doc["questions"]} and KEPT in {q["id"] for q in doc["questions"]}


def _session_with(store, plan, bank, ids):
    return SessionStore(store).create("Lớp trước khi ngừng dùng", "all", "practice", list(ids), None, False, False)


def test_does_a_session_made_before_a_retirement_no_longer_serve_the_question(plan, quizzes, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'w.sqlite3'}")
    bank = {q.id: q for q in question_bank(plan, quizzes)[0]}
    others = [qid for qid in bank if qid.startswith("ld-")][:3]
    session = _session_with(store, plan, bank, [GONE, *others])
    early = join_session(store, plan, bank, session.code, store.participant("Người đến sớm", "quan_ba_dinh"))
    for position in range(early.total):  # answers everything, the soon-retired question included
        early.answer(position, shown_key(early, position))
    assert early.summary().points == 4

    retire_in(quizzes, GONE)
    refresh_question_bank()
    now_bank = {q.id: q for q in question_bank(plan, quizzes)[0]}
    retired = retired_ids(quizzes)
    assert GONE in retired and GONE not in now_bank
    late = join_session(store, plan, now_bank, session.code, store.participant("Người đến muộn", "quan_ba_dinh"),
                        retired=retired)
    assert GONE not in {q.id for q in late.questions} and late.total == 3
    # A page loaded before the retirement still holds the question in its bank: `retired` keeps it out.
    stale = join_session(store, plan, bank, session.code, store.participant("Trang cũ", "quan_ba_dinh"),
                         retired=retired)
    assert GONE not in {q.id for q in stale.questions}
    # The early participant's attempt holds it: resumed without it, not refused, and scored without it.
    again = join_session(store, plan, now_bank, session.code, store.participant("Người đến sớm", "quan_ba_dinh"),
                         retired=retired)
    assert again.attempt.id == early.attempt.id and again.dropped == (GONE,)
    assert again.total == 3 and again.answered_count == 3 and again.summary().points == 3
    data = dashboard(store, plan, now_bank, session.code, retired)
    assert data["total"] == 3 and GONE not in {q["question_id"] for q in data["per_question"]}
    assert sorted(data["scores"]) == [0, 0, 3]  # the early participant's points no longer count the retired one
    workbook = session_workbook(store, plan, now_bank, session.code, retired)
    import io

    import pandas as pd

    sheets = pd.read_excel(io.BytesIO(workbook), sheet_name=None)
    assert GONE not in set(sheets["Câu trả lời"]["Mã câu hỏi"]) and len(sheets["Câu trả lời"]) == 3
    store.engine.dispose()


def test_is_a_resumed_attempt_answered_at_its_stored_positions(plan, quizzes, tmp_path):
    """The questions after a retired one keep their stored positions, so new answers land where they belong."""
    store = Store(f"sqlite:///{tmp_path / 'q.sqlite3'}")
    bank = {q.id: q for q in question_bank(plan, quizzes)[0]}
    pool = [bank[GONE]] + [bank[qid] for qid in bank if qid.startswith("ld-")][:2]
    person = store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    run = QuizRun.start(store, person, pool, plan, topic="all", n=3, seed=7)
    stored_slot = {i.question_id: slot for slot, i in enumerate(run.items)}
    with pytest.raises(QuizRuleError, match="không còn trong ngân hàng"):  # missing without being retired: refused
        QuizRun.resume(store, run.attempt.id, {k: v for k, v in bank.items() if k != GONE}, plan)
    resumed = QuizRun.resume(store, run.attempt.id, bank, plan, retired={GONE})
    assert resumed.total == 2 and [q.id for q in resumed.questions] == [i.question_id for i in resumed.items]
    for position in range(resumed.total):
        resumed.answer(position, shown_key(resumed, position))
    saved = {r.question_id: r.position for r in store.responses(run.attempt.id)}
    assert saved == {qid: stored_slot[qid] for qid in saved} and GONE not in saved
    assert resumed.next_unanswered() is None and resumed.summary().points == 2
    with pytest.raises(QuizRuleError, match="đã ngừng sử dụng"):
        solo = QuizRun.start(store, person, [bank[GONE]], plan, topic="all", n=1)
        QuizRun.resume(store, solo.attempt.id, bank, plan, retired={GONE})
    store.engine.dispose()


# ---------------------------------------------------------------- caches


def test_does_the_disk_cache_not_serve_the_bank_from_before_a_retirement(plan, quizzes, var):
    first, _ = question_bank(plan, quizzes)
    assert GONE in ids_of(first) and len(list(var.glob("questions-*.pickle"))) == 1
    retire_in(quizzes, GONE)
    refresh_question_bank()  # as a new kernel: only the disk cache is left
    second, _ = question_bank(plan, quizzes)
    assert GONE not in ids_of(second)
    assert len(list(var.glob("questions-*.pickle"))) == 1  # the old entry is gone, not read


def test_is_this_process_bank_refreshed_by_a_retirement(plan, quizzes):
    assert GONE in ids_of(question_bank(plan, quizzes)[0])
    retire_question(plan, GONE, "Câu hỏi sai.", "Nguyễn Thị Mai", quizzes)
    assert GONE not in ids_of(question_bank(plan, quizzes)[0])  # no cache_clear by the caller


def test_are_retired_ids_read_again_when_the_file_changes(quizzes):
    assert retired_ids(quizzes) == frozenset()
    retire_in(quizzes, GONE)
    assert retired_ids(quizzes) == {GONE}
    retire_in(quizzes, GONE, KEPT)
    assert retired_ids(quizzes) == {GONE, KEPT}
    (quizzes / RETIRED_FILE).write_text("retired: [\n", encoding="utf-8")  # broken: keeps what it knew
    assert retired_ids(quizzes) == {GONE, KEPT}


# ---------------------------------------------------------------- retiring


def test_does_retiring_write_a_checked_entry_atomically(plan, quizzes):
    entry = retire_question(plan, f"  {GONE} ", "  Đáp án   sai:\n Ban Bí thư ", "Nguyễn Thị Mai", quizzes,
                            today=date(2025, 7, 1))
    assert entry == Retirement(GONE, "Đáp án sai: Ban Bí thư", date(2025, 7, 1), "Nguyễn Thị Mai")
    text = (quizzes / RETIRED_FILE).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=schema/retired.schema.json")
    assert f'  - id: "{GONE}"\n    reason: "Đáp án sai: Ban Bí thư"\n    retired_on: "2025-07-01"\n' in text
    retire_question(plan, KEPT, "Gây hiểu nhầm.", "Trần Văn Bình", quizzes, today=date(2025, 7, 2))
    entries, problems = read_retired(quizzes / RETIRED_FILE)
    assert problems == [] and [e.id for e in entries] == [GONE, KEPT]  # appended, oldest first
    assert not [p for p in quizzes.iterdir() if p.name.endswith(".tmp")]  # no temporary file left behind


@pytest.mark.parametrize("qid, reason, by, words", [
    (GONE, "   ", "Nguyễn Thị Mai", "Vui lòng ghi lý do"),
    (GONE, "sai\x07", "Nguyễn Thị Mai", "ký tự điều khiển"),
    (GONE, "x" * 501, "Nguyễn Thị Mai", "quá dài"),
    (GONE, "Câu hỏi sai.", "", "Vui lòng nhập họ và tên"),
    ("khong-co-cau-nay", "Câu hỏi sai.", "Nguyễn Thị Mai", "Không có câu hỏi 'khong-co-cau-nay'"),
])
def test_is_a_bad_retirement_refused_with_nothing_written(plan, quizzes, qid, reason, by, words):
    before = (quizzes / RETIRED_FILE).read_bytes()
    with pytest.raises(InputError, match=words):
        retire_question(plan, qid, reason, by, quizzes)
    assert (quizzes / RETIRED_FILE).read_bytes() == before


def test_is_a_question_retired_twice_refused(plan, quizzes):
    retire_question(plan, GONE, "Câu hỏi sai.", "Nguyễn Thị Mai", quizzes, today=date(2025, 7, 1))
    before = (quizzes / RETIRED_FILE).read_bytes()
    with pytest.raises(InputError, match="đã ngừng dùng từ ngày 01/07/2025"):
        retire_question(plan, GONE, "Lần nữa.", "Trần Văn Bình", quizzes)
    assert (quizzes / RETIRED_FILE).read_bytes() == before


def test_is_nothing_written_while_the_list_has_problems(plan, quizzes):
    shutil.copy(FIXTURES / "unknown_id.yaml", quizzes / RETIRED_FILE)
    before = (quizzes / RETIRED_FILE).read_bytes()
    with pytest.raises(DataError) as caught:
        retire_question(plan, KEPT, "Câu hỏi sai.", "Nguyễn Thị Mai", quizzes)
    assert "ld-khong-co-cau-nay" in str(caught.value) and "trước khi ngừng dùng thêm" in str(caught.value)
    assert (quizzes / RETIRED_FILE).read_bytes() == before


def test_is_a_list_that_would_not_pass_its_check_never_written(quizzes):
    path = quizzes / RETIRED_FILE
    before = path.read_bytes()
    with pytest.raises(DataError) as caught:
        write_retired(path, [Retirement("khong-co-cau-nay", "Sai.", date(2025, 7, 1), "Nguyễn Thị Mai")], {GONE})
    assert all(Path(p.file).resolve() == path.resolve() for p in caught.value.problems)
    assert path.read_bytes() == before


def test_do_two_trainers_retiring_at_once_both_get_written(plan, quizzes):
    """Each writer reads, adds and writes the whole list: the lock keeps one from undoing the other."""
    errors = []

    def retire(qid):
        try:
            retire_question(plan, qid, "Câu hỏi sai.", "Nguyễn Thị Mai", quizzes)
        except Exception as exc:  # noqa: BLE001 - shown by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=retire, args=(qid,)) for qid in (GONE, KEPT)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert {e.id for e in read_retired(quizzes / RETIRED_FILE)[0]} == {GONE, KEPT}


# ---------------------------------------------------------------- reports beside the bank, and the commands


def test_are_retired_questions_gone_from_the_reported_list(plan, quizzes, tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    person = store.participant("Đỗ Thu Hà", "quan_ba_dinh")
    for qid in (GONE, KEPT, "khong-co-trong-ngan-hang"):
        store.report_question(person.id, qid, "sai")
    bank = question_bank(plan, quizzes)[0]
    listed = reported_questions(store, bank)
    assert {r.reports.question_id: r.question is not None for r in listed} == \
        {GONE: True, KEPT: True, "khong-co-trong-ngan-hang": False}
    retire_question(plan, GONE, "Câu hỏi sai.", "Nguyễn Thị Mai", quizzes)
    assert GONE not in {r.reports.question_id for r in reported_questions(store, bank, retired_ids(quizzes))}
    store.engine.dispose()


def test_do_the_questions_commands_list_reports_and_retire(plan, quizzes, tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    store = Store(url)
    for name, note in (("Đỗ Thu Hà", "Thiếu Ban Bí thư"), ("Lê Văn Bình", "")):
        store.report_question(store.participant(name, "quan_ba_dinh").id, GONE, note)
    stem = {q.id: q for q in question_bank(plan, quizzes)[0]}[GONE].stem
    assert main(["questions", "reports", "--quizzes", str(quizzes), "--database", url]) == 0
    out = capsys.readouterr().out
    assert f"2 người báo lỗi · {GONE}" in out and stem in out and "✔ " in out and "Nguyên văn Kế hoạch:" in out
    assert "Ghi chú: “Thiếu Ban Bí thư” — Đỗ Thu Hà (UBND quận Ba Đình)" in out and "1 câu hỏi bị báo lỗi." in out

    assert main(["questions", "retire", GONE, "--reason", "Thiếu Ban Bí thư", "--by", "Nguyễn Thị Mai",
                 "--quizzes", str(quizzes)]) == 0
    captured = capsys.readouterr()
    assert f"Đã ngừng dùng câu hỏi {GONE}" in captured.out and "commit tệp này trong git" in captured.err
    assert GONE in retired_ids(quizzes)
    assert main(["questions", "retire", GONE, "--reason", "lần nữa", "--quizzes", str(quizzes)]) == 2
    assert "đã ngừng dùng" in capsys.readouterr().err
    assert main(["questions", "reports", "--quizzes", str(quizzes), "--database", url]) == 0
    assert "Chưa có câu hỏi nào bị báo lỗi." in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["questions", "retire", KEPT, "--quizzes", str(quizzes)])  # --reason is required
    store.engine.dispose()
