"""Is every authored bank named by its Vietnamese title wherever it shows, and never by its file's key?

Issue 12, point 14: the topic list read “Câu hỏi soạn sẵn: ly-do-nhiem-vu”.
"""

from __future__ import annotations

import os
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from helpers import widget_states
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from toolkit.plan.naming import plan_short
from toolkit.quiz import formats
from toolkit.quiz.banks import DEFAULT_QUIZ_DIR, load_bank, load_banks
from toolkit.quiz.generate import generate_questions
from toolkit.ui.quiz import QuizApp, topic_options
from toolkit.ui.trainer import TrainerApp, _origin
from toolkit.vietnamese import fold

VALID = Path(__file__).resolve().parents[1] / "data" / "banks" / "valid.yaml"
PASSCODE = "424242"
REQUEST = {"VOILA_REQUEST_URL": "http://192.168.1.20:8866/voila/render/4-tap-huan-bao-cao-vien.ipynb"}
SETTINGS = settings(max_examples=25, deadline=None, derandomize=bool(os.environ.get("CI")),
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạầấẩẫậằắẳẵặèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"


@pytest.fixture(scope="module")
def banks(plan):
    found, problems = load_banks(DEFAULT_QUIZ_DIR, plan)
    assert not problems, [str(p) for p in problems]
    return found


def shows_no_key(text: str, banks) -> None:
    """No bank key as a word of its own (a question id like "ld-thuoc-do" may share a part of it)."""
    for b in banks:
        assert not re.search(rf"(?<![\w-]){re.escape(b.key)}(?![\w-])", text), b.key


def check_named_by_title(plan, questions, banks) -> None:
    """Topic list, reported-question line, question table, Moodle XML and GIFT name each bank by its title."""
    labels = dict((v, label) for label, v in topic_options(plan, questions))
    for b in banks:
        assert labels[f"bank:{b.key}"] == f"Câu hỏi soạn sẵn: {b.title}"
        assert _origin(b.questions[0]).startswith(f"ngân hàng soạn tay “{b.title}”")
    shows_no_key("\n".join(labels.values()), banks)

    table = formats.questions_table(questions)
    assert set(table.loc[table["Ngân hàng"] != "", "Ngân hàng"]) == {b.title for b in banks}

    root = ET.fromstring(formats.moodle_xml(questions, plan_short(plan)).encode("utf-8"))
    categories = [c.findtext("category/text") for c in root.findall("question[@type='category']")]
    gift_categories = re.findall(r"^\$CATEGORY: (.*)$", formats.gift(questions, plan_short(plan)), re.M)
    for b in banks:
        path = formats.moodle_category(plan_short(plan), b.title)
        assert path in categories and path in gift_categories
    for path in categories + gift_categories:
        # Moodle reads an unescaped "/" as a new level: the top category stays one name.
        assert path.startswith("$course$/top/Kế hoạch 241//KH-UBND/"), path
        shows_no_key(path, banks)
    by_id = {q["id"]: q for q in yaml.safe_load(formats.questions_json(questions))["questions"]}
    for b in banks:
        assert all(by_id[q.id]["bank_title"] == b.title and by_id[q.id]["bank"] == b.key for q in b.questions)


def test_are_the_real_banks_named_by_their_titles_everywhere(plan, bank, banks):
    assert banks and all(b.title.strip() and unicodedata.is_normalized("NFC", b.title) for b in banks)
    check_named_by_title(plan, bank, banks)


def test_are_banks_listed_in_vietnamese_alphabetical_order_of_title(plan, bank, banks):
    from toolkit.vietnamese import sort_key

    shown = [label for label, v in topic_options(plan, bank) if v.startswith("bank:")]
    assert shown == sorted(shown, key=sort_key) and len(shown) == len(banks)


@SETTINGS
@given(key=st.from_regex(r"[a-z][a-z0-9]{2,12}(-[a-z0-9]{2,8}){0,2}", fullmatch=True),
       title=st.text(alphabet=LETTERS + "  ", min_size=3, max_size=60))
def test_is_any_bank_named_by_its_title_not_its_key(plan, tmp_path_factory, key, title):
    title = unicodedata.normalize("NFC", " ".join(title.split()))
    if not title or key.replace("-", " ") in fold(title) or fold(title) == fold(key):
        return
    path = tmp_path_factory.mktemp("bank") / f"{key}.yaml"
    path.write_text(VALID.read_text(encoding="utf-8")
                    .replace('bank: "mau-hop-le"', f'bank: "{key}"')
                    .replace('title: "Ngân hàng mẫu hợp lệ"', f'title: "{title}"'), encoding="utf-8")
    bank = load_bank(path, plan)
    assert bank.title == title and bank.key == key
    check_named_by_title(plan, tuple(generate_questions(plan)) + bank.questions, [bank])


def test_does_the_quiz_page_show_titles_and_no_bank_key(plan, bank, banks, store):
    app = QuizApp(plan, bank, store)
    app.name.value, app.unit.value = "Phạm Minh Đức", "quan_ba_dinh"
    app.sign_in.click()
    assert app.participant is not None, app.notice.value
    state = widget_states(app.widget)
    for b in banks:
        assert f"Câu hỏi soạn sẵn: {b.title}" in state
    shows_no_key(state, banks)


def test_does_the_trainer_page_show_titles_and_no_bank_key(plan, bank, banks, store, monkeypatch):
    monkeypatch.setenv("TOOLKIT_PASSCODE", PASSCODE)
    trainer = TrainerApp(plan, bank, store, env=REQUEST)
    trainer.passcode.value = PASSCODE
    trainer.unlock.click()
    labels = [label for label, _ in trainer.topic.options]
    for b in banks:
        assert f"Câu hỏi soạn sẵn: {b.title}" in labels
    shows_no_key(widget_states(trainer.widget), banks)
