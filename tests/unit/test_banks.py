"""Are the authored question banks right, and is a broken bank refused whole with a useful message?

tests/data/banks/valid.yaml is a small valid bank; every other file there differs from it in one
place and shows one failure mode. The real banks in quizzes/ must load with no problem at all.
"""

import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml

from toolkit.cli import main
from toolkit.datafile import DataError
from toolkit.quiz.banks import DEFAULT_QUIZ_DIR, load_bank, load_banks
from toolkit.quiz.generate import generate_questions
from toolkit.quiz.questions import score
from toolkit.vietnamese import fold

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "banks"
VALID = FIXTURES / "valid.yaml"

# fixture: (line, words the message must contain) — the file named must be the fixture itself.
EXPECTED = {
    "missing_explanation": (20, "Trường 'questions[2]': thiếu trường bắt buộc 'explanation'"),
    "no_correct_option": (47, "Câu 'mau-04': chưa có đáp án đúng nào"),
    "two_correct_single": (13, "Câu 'mau-01': cần đúng một đáp án đúng, đang có 2"),
    "duplicate_id": (32, "Mã câu hỏi 'mau-01' bị trùng (đã có ở dòng 6)"),
    "unknown_task_id": (43, "Câu 'mau-04': không có nhiệm vụ 'II.3.f' trong Kế hoạch"),
    "unknown_agency": (10, "Câu 'mau-01': mã cơ quan 'so_tu_phapp' không có trong danh mục"),
    "source_not_verbatim": (31, "Câu 'mau-02': trích dẫn không khớp nguyên văn Kế hoạch"),
    "yaml_syntax": (35, "Lỗi cú pháp YAML"),
    "not_nfc": (17, "Trường 'questions[1].explanation': văn bản chưa chuẩn hóa Unicode NFC"),
    "wrong_type": (7, "giá trị 'chon-mot' không hợp lệ; cho phép: single, multiple, true_false, matching, text"),
    "text_without_answers": (32, "Trường 'questions[3]': thiếu trường bắt buộc 'answers'"),
    "duplicate_options": (16, "Câu 'mau-01': phương án “So Noi vu” trùng với “Sở Nội vụ”"),
    "true_false_other_words": (26, "câu đúng/sai phải có đúng hai phương án “Đúng” và “Sai”"),
    "missing_title": (2, "Tệp: thiếu trường bắt buộc 'title'"),
    "blank_title": (4, "Tên ngân hàng ('title') không được để trống"),
    "title_is_the_key": (4, "Tên ngân hàng (“mau-hop-le”) đang là mã hoặc tên tệp"),
}

BANK_FILES = sorted(p for p in DEFAULT_QUIZ_DIR.glob("*.yaml") if p.name != "retired.yaml")  # the list is no bank


@pytest.fixture(scope="module")
def banks(plan):
    found, problems = load_banks(DEFAULT_QUIZ_DIR, plan)
    assert problems == [], [str(p) for p in problems]
    return found


@pytest.fixture(scope="module")
def authored(banks):
    return [q for b in banks for q in b.questions]


def same_file(name: str, path: Path) -> bool:
    return Path(name).resolve() == path.resolve()


# ---------------------------------------------------------------- fixtures: each failure mode


def test_is_every_bad_fixture_on_disk_checked_by_an_expectation():
    on_disk = {p.stem for p in FIXTURES.glob("*.yaml")} - {"valid"}
    assert on_disk == set(EXPECTED)


def test_does_the_valid_fixture_load_with_its_four_question_types(plan):
    bank = load_bank(VALID, plan)
    assert bank.key == "mau-hop-le"
    assert [q.type for q in bank.questions] == ["single", "true_false", "text", "multiple"]


def test_does_the_cli_accept_the_valid_fixture(capsys):
    assert main(["validate", str(VALID)]) == 0
    assert "Hợp lệ" in capsys.readouterr().out


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_is_a_bad_bank_refused_naming_the_file_the_line_and_the_cause(plan, case):
    path = FIXTURES / f"{case}.yaml"
    line, words = EXPECTED[case]
    with pytest.raises(DataError) as err:
        load_bank(path, plan)
    problems = err.value.problems
    # Each fixture differs from valid.yaml in one place, so it must show exactly one problem.
    assert len(problems) == 1, [str(p) for p in problems]
    (p,) = problems
    assert same_file(p.file, path), p.file
    assert p.line == line, str(p)
    assert words in p.message, str(p)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_is_a_bad_bank_dropped_whole_when_a_folder_is_loaded(plan, tmp_path, case):
    shutil.copy(FIXTURES / f"{case}.yaml", tmp_path / f"{case}.yaml")
    found, problems = load_banks(tmp_path, plan)
    assert found == []
    assert problems and all(same_file(p.file, tmp_path / f"{case}.yaml") for p in problems)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_does_toolkit_validate_exit_1_and_print_the_message_for_a_bad_bank(capsys, case):
    path = FIXTURES / f"{case}.yaml"
    assert main(["validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert EXPECTED[case][1] in err
    assert f":{EXPECTED[case][0]}: " in err
    assert "ngân hàng câu hỏi này bị từ chối toàn bộ" in err


def test_is_the_not_nfc_fixture_really_decomposed_on_disk():
    """The fixture must hold NFD text (combining marks), or it would test nothing."""
    import unicodedata

    text = (FIXTURES / "not_nfc.yaml").read_text(encoding="utf-8")
    assert not unicodedata.is_normalized("NFC", text)
    assert unicodedata.is_normalized("NFC", VALID.read_text(encoding="utf-8"))


def test_is_a_duplicate_id_in_a_second_file_refused_whole_while_the_first_is_kept(plan, tmp_path):
    first, second = tmp_path / "a-dau-tien.yaml", tmp_path / "b-thu-hai.yaml"
    shutil.copy(VALID, first)
    text = second_bank_text()
    text = text.replace('id: "mau-02"', 'id: "thu-hai-02"')  # only mau-01, mau-03, mau-04 clash
    second.write_text(text, encoding="utf-8")
    found, problems = load_banks(tmp_path, plan)
    assert [b.key for b in found] == ["mau-hop-le"]
    assert len(found[0].questions) == 4
    assert [(Path(p.file).name, p.line) for p in problems] == [(second.name, 6), (second.name, 32), (second.name, 40)]
    for p, qid in zip(problems, ["mau-01", "mau-03", "mau-04"]):
        assert f"Mã câu hỏi '{qid}' đã có trong" in p.message and first.name in p.message
        assert "ngân hàng này bị từ chối toàn bộ" in p.message


def second_bank_text() -> str:
    """valid.yaml as another bank: its own key and title, the same question ids."""
    return (VALID.read_text(encoding="utf-8").replace('bank: "mau-hop-le"', 'bank: "mau-thu-hai"')
            .replace('title: "Ngân hàng mẫu hợp lệ"', 'title: "Ngân hàng mẫu thứ hai"'))


def test_is_a_second_bank_with_the_same_title_refused_naming_both_files(plan, tmp_path):
    """Two banks of one title could not be told apart in the topic list (case and marks aside)."""
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(VALID, first)
    text = VALID.read_text(encoding="utf-8").replace('bank: "mau-hop-le"', 'bank: "mau-thu-hai"')
    text = text.replace('title: "Ngân hàng mẫu hợp lệ"', 'title: "NGAN HANG MAU HOP LE"')
    for i in range(1, 5):
        text = text.replace(f'id: "mau-0{i}"', f'id: "khac-0{i}"')
    second.write_text(text, encoding="utf-8")
    found, problems = load_banks(tmp_path, plan)
    assert [b.key for b in found] == ["mau-hop-le"]
    assert [(Path(p.file).name, p.line) for p in problems] == [(second.name, 4)]
    assert "Tên ngân hàng “NGAN HANG MAU HOP LE” đã dùng trong" in problems[0].message
    assert first.name in problems[0].message and "bị từ chối toàn bộ" in problems[0].message


def test_is_a_title_too_long_for_a_phones_topic_list_refused(plan, tmp_path):
    path = tmp_path / "dai.yaml"
    path.write_text(VALID.read_text(encoding="utf-8").replace(
        'title: "Ngân hàng mẫu hợp lệ"', f'title: "{"Tên rất dài " * 8}"'), encoding="utf-8")
    with pytest.raises(DataError) as err:
        load_bank(path, plan)
    (p,) = err.value.problems
    assert p.line == 4 and "tối đa 80" in p.message


def test_is_a_second_bank_with_the_same_key_refused(plan, tmp_path):
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    shutil.copy(VALID, first)
    text = VALID.read_text(encoding="utf-8")
    for i in range(1, 5):
        text = text.replace(f'id: "mau-0{i}"', f'id: "khac-0{i}"')
    second.write_text(text, encoding="utf-8")
    found, problems = load_banks(tmp_path, plan)
    assert [b.file for b in found] == [str(first)] or len(found) == 1
    assert len(problems) == 1 and "Mã ngân hàng 'mau-hop-le' đã dùng" in problems[0].message


def test_does_validate_of_a_folder_catch_an_id_used_in_two_files(plan, tmp_path, capsys):
    shutil.copy(VALID, tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text(second_bank_text(), encoding="utf-8")
    assert main(["validate", str(tmp_path)]) == 1
    assert "b.yaml: ngân hàng câu hỏi này bị từ chối toàn bộ" in capsys.readouterr().err


def test_is_a_true_false_key_read_from_the_text_not_the_position(plan, tmp_path):
    """Written as [Sai (correct), Đúng], the key is still “Sai”: the page always shows Đúng then Sai."""
    text = VALID.read_text(encoding="utf-8").replace(
        '      - text: "Đúng"\n        correct: true\n      - text: "Sai"\n',
        '      - text: "Sai"\n      - text: "Đúng"\n        correct: true\n')
    assert text != VALID.read_text(encoding="utf-8")
    path = tmp_path / "dao.yaml"
    path.write_text(text, encoding="utf-8")
    q = next(q for q in load_bank(path, plan).questions if q.type == "true_false")
    assert q.options == ("Đúng", "Sai") and q.correct == (0,)


# ---------------------------------------------------------------- the real banks


def test_do_all_real_banks_load_with_no_problem_and_hold_enough_questions(banks, authored):
    assert len(banks) == len(BANK_FILES) >= 4
    assert len(authored) >= 36
    for bank in banks:
        assert len(bank.questions) >= 8, bank.key


def test_does_toolkit_validate_say_hop_le_for_every_real_bank(capsys):
    assert main(["validate", str(DEFAULT_QUIZ_DIR)]) == 0
    out = capsys.readouterr().out
    assert out.count("Hợp lệ") == len(BANK_FILES) + 1  # and the retired list (tests/unit/test_retired.py)


def test_has_every_real_bank_a_vietnamese_title_and_never_a_file_name(banks):
    titles = [b.title for b in banks]
    assert len({fold(t) for t in titles}) == len(titles)
    for b in banks:
        assert b.title.strip() and unicodedata.is_normalized("NFC", b.title), b.file
        assert set(fold(b.title)) != set(b.title.lower()), f"{b.file}: a title without Vietnamese marks"
        assert fold(b.title) != fold(b.key.replace("-", " ")), b.file
        assert all(q.bank_title == b.title and q.bank == b.key for q in b.questions)


def test_is_each_bank_file_named_after_its_bank_key(banks):
    for b in banks:
        assert Path(b.file).stem == b.key


def test_are_authored_ids_unique_and_distinct_from_every_generated_id(plan, authored):
    ids = [q.id for q in authored]
    assert len(ids) == len(set(ids))
    generated = {q.id for q in generate_questions(plan)}
    assert not set(ids) & generated


def test_does_every_correct_answer_score_full_marks_and_a_wrong_answer_zero(authored):
    for q in authored:
        if q.type == "text":
            for answer in q.answers:
                assert score(q, answer).points == 1, (q.id, answer)
                assert score(q, fold(answer)).points == 1, (q.id, answer)  # typed without diacritics
            assert score(q, "không biết").points == 0, q.id
            continue
        wrong = [i for i in range(len(q.options)) if i not in q.correct]
        assert wrong, q.id
        if q.type == "multiple":
            assert score(q, list(q.correct)).points == 1, q.id
            assert score(q, [wrong[0]]).points == 0, q.id
            assert score(q, list(range(len(q.options)))).points < 1, q.id  # ticking everything is not full marks
        else:
            assert len(q.correct) == 1, q.id
            assert score(q, q.correct[0]).points == 1, q.id
            for i in wrong:
                assert score(q, i).points == 0, q.id
        assert score(q, None).points == 0, q.id


def raw_questions():
    for path in BANK_FILES:
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]:
            yield path.name, q


def test_are_true_false_options_written_dung_then_sai():
    """The loader shows "Đúng", "Sai" in that order and keeps the key's position, so the order matters."""
    for name, q in raw_questions():
        if q["type"] == "true_false":
            assert [o["text"] for o in q["options"]] == ["Đúng", "Sai"], (name, q["id"])


def test_do_multiple_choice_stems_ask_to_choose_all_and_other_stems_end_as_questions():
    for name, q in raw_questions():
        stem = q["stem"].strip()
        if q["type"] == "multiple":
            assert stem.endswith("? Chọn tất cả đáp án đúng."), (name, q["id"])
            assert sum(1 for o in q["options"] if o.get("correct")) >= 2, (name, q["id"])
        else:
            assert stem.endswith(("?", ":")), (name, q["id"])


def test_do_text_answers_avoid_variants_that_matching_already_folds():
    for name, q in raw_questions():
        if q["type"] == "text":
            folded = [fold(a) for a in q["answers"]]
            assert len(folded) == len(set(folded)), (name, q["id"])
            assert "options" not in q, (name, q["id"])


def test_does_every_question_cite_the_items_it_is_about(authored):
    """Questions on Part II and III name their tasks, so a quiz by agency or unit can find them."""
    for q in authored:
        if q.section not in ("I", "docs"):
            assert q.task_ids, q.id
