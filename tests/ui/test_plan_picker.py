"""Do the pages offer a plan picker only when two or more plans are published, show the chosen plan's tasks and
questions, keep each plan's stored work apart, and never show a draft? (issue 15)"""

from __future__ import annotations

from datetime import date

import pytest
from helpers import give, key_for
from plan_folders import FIRST_SUMMARY, SECOND_SUMMARY, draft_copy, plan_copy, registry, two_plans
from traitlets import TraitError

from toolkit.plan import catalogue
from toolkit.storage.sessions import SessionStore

DRAFT_SUMMARY = "Nhiệm vụ của bản nháp chưa rà soát"  # draft_copy's II.1.a
PASSCODE = "424242"


def walk(w):
    yield w
    for child in getattr(w, "children", ()):
        yield from walk(child)


def page_text(widget) -> str:
    """The text of every HTML widget and every option the browser receives."""
    parts = []
    for w in walk(widget):
        parts.append(str(getattr(w, "value", "")))
        parts.extend(str(o) for o in getattr(w, "options", ()))
    return "\n".join(parts)


def has_picker(widget) -> bool:
    return any("pbgdpl-plan-choice" in w._dom_classes for w in walk(widget))


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """plan-241, plan-2026 (15/KH-UBND, 10/01/2026) and a draft dated after both."""
    root = two_plans(tmp_path_factory.mktemp("plans"))
    draft_copy(root)
    return root


@pytest.fixture
def plans(data, monkeypatch):
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(data))
    monkeypatch.delenv("TOOLKIT_PLAN_DIR", raising=False)
    monkeypatch.setenv("QUERY_STRING", "")
    monkeypatch.setenv("TOOLKIT_PASSCODE", PASSCODE)
    return {p.key: p for p in catalogue.published()}


@pytest.fixture
def one_plan(tmp_path, monkeypatch):
    """plan-241 and a draft: one published plan."""
    root = registry(tmp_path / "data")
    plan_copy(root, "plan-241", "241/KH-UBND", "2020-12-15", summary=None)
    draft_copy(root)
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(root))
    monkeypatch.delenv("TOOLKIT_PLAN_DIR", raising=False)
    monkeypatch.setenv("QUERY_STRING", "")
    return root


def bank_of(plan):
    from toolkit.quiz.banks import question_bank

    questions, problems = question_bank(plan, catalogue.quiz_dir(plan))
    assert not problems
    return questions


# ---------------------------------------------------------------- when there is a picker


def test_is_there_no_picker_with_one_published_plan_and_a_draft(one_plan):
    from toolkit.ui.study import StudyApp

    app = StudyApp.from_environment()
    assert not app.plan_picker.shown and not has_picker(app.widget)
    assert app.plan.key == "plan-241" and DRAFT_SUMMARY not in page_text(app.widget)


def test_is_there_a_picker_with_two_published_plans_the_most_recent_first(plans):
    from toolkit.ui.study import StudyApp

    app = StudyApp.from_environment()
    assert app.plan_picker.shown and has_picker(app.widget)
    assert app.plan_picker.plan.options == (("Kế hoạch số 15/KH-UBND ngày 10/01/2026", "plan-2026"),
                                            ("Kế hoạch số 241/KH-UBND ngày 15/12/2020", "plan-241"))
    assert app.plan.key == "plan-2026" and "99/KH-UBND" not in page_text(app.widget)


def test_does_switching_plan_change_the_tasks_the_study_page_shows(plans):
    from toolkit.ui.study import StudyApp

    app = StudyApp.from_environment()
    app.tabs.selected_index = 1
    assert SECOND_SUMMARY in app.results.value and FIRST_SUMMARY not in app.results.value
    assert "15/KH-UBND" in page_text(app.widget)
    root = app.widget
    app.plan_picker.plan.value = "plan-241"
    assert app.widget is root and app.error.value == ""  # the page on screen is rebuilt, not replaced
    assert app.plan.key == "plan-241" and app.tabs.selected_index == 1  # the same tab stays open
    assert FIRST_SUMMARY in app.results.value and SECOND_SUMMARY not in app.results.value
    assert "15/KH-UBND" not in page_text(app.widget).replace("Kế hoạch số 15/KH-UBND ngày 10/01/2026", "")
    app.make_download("csv", "Tải tệp CSV")
    assert 'download="bang-phan-cong-KH-241-UBND-2020.csv"' in app.download.value


def test_does_the_address_choose_the_plan_and_never_a_draft(plans, monkeypatch):
    from toolkit.ui.study import StudyApp

    monkeypatch.setenv("QUERY_STRING", "plan=plan-241")
    assert StudyApp.from_environment().plan.key == "plan-241"
    monkeypatch.setenv("QUERY_STRING", "plan=plan-nhap")
    app = StudyApp.from_environment()
    assert app.plan.key == "plan-2026" and DRAFT_SUMMARY not in page_text(app.widget)
    with pytest.raises(TraitError):  # what a crafted widget message would try: the kernel refuses it
        app.plan_picker.plan.value = "plan-nhap"
    assert app.plan.key == "plan-2026"


# ---------------------------------------------------------------- quiz, self-assessment, workshop


def test_does_switching_plan_change_the_questions_and_keep_each_plans_attempts(plans, store):
    from toolkit.ui.quiz import QuizApp

    second, first = plans["plan-2026"], plans["plan-241"]
    app = QuizApp(second, bank_of(second), store, quiz_dir=catalogue.quiz_dir(second), plans=list(plans.values()))
    assert has_picker(app.sign_in_box)
    assert any(SECOND_SUMMARY in q.stem for q in app.all_questions)
    app.name.value, app.unit.value = "Phạm Minh Đức", "quan_ba_dinh"
    app.sign_in.click()
    app.topic.value, app.count.value = "section:II.1", 5
    app.start.click()
    give(app, key_for(app))
    assert app.run.attempt.plan == "plan-2026"
    from toolkit.storage.reviews import ReviewStore

    pid = app.participant.id
    assert ReviewStore(store, "plan-2026").log(pid) and ReviewStore(store, "plan-241").log(pid) == []
    app.plan_picker.plan.value = "plan-241"  # from the topic screen, once this quiz is left
    assert app.error.value == "" and app.body.children == (app.setup_box,)  # no unfinished quiz of Plan 241
    assert not any(SECOND_SUMMARY in q.stem for q in app.all_questions)
    assert app.plan is first and any(FIRST_SUMMARY in q.stem for q in app.all_questions)
    app.plan_picker.plan.value = "plan-2026"
    assert "bài đang làm dở" in page_text(app.resume_box)  # the unfinished quiz is the second plan's
    assert app.body.children == (app.sign_in_box,) and app.resume_box in app.sign_in_box.children


def test_is_a_units_self_assessment_of_each_plan_apart(plans, store):
    from toolkit.assessment.criteria import load_settings
    from toolkit.ui.assessment import AssessmentApp

    second = plans["plan-2026"]
    app = AssessmentApp(second, load_settings(second, catalogue.criteria_path(second)), store,
                        today=date(2026, 11, 26), plans=list(plans.values()))
    assert has_picker(app.widget)
    app.year_choice.value, app.unit.value = 2026, "phuong_hoan_kiem"
    task = next(c.id for c in app.criteria if c.scored)
    app.criterion.value = task
    app.rating.value = "hoan_thanh"
    assert app.record is not None and app.record.plan == "plan-2026"
    app.plan_picker.plan.value = "plan-241"
    assert app.error.value == "" and app.unit_key == "phuong_hoan_kiem" and app.year == 2026
    assert app.record is None and app.entries == {}  # Plan 241's self-assessment is not begun
    app.plan_picker.plan.value = "plan-2026"
    assert app.record.plan == "plan-2026" and app.entries[task].rating == "hoan_thanh"


def test_is_a_new_session_of_the_chosen_plan_and_joined_on_it(plans, store):
    from toolkit.storage.store import Store
    from toolkit.ui.participant import ParticipantApp
    from toolkit.ui.trainer import TrainerApp

    second, first = plans["plan-2026"], plans["plan-241"]
    trainer = TrainerApp(second, bank_of(second), store, env={}, quiz_dir=catalogue.quiz_dir(second),
                         plans=list(plans.values()))
    assert not has_picker(trainer.widget)  # nothing but the passcode before it is unlocked
    trainer.passcode.value = PASSCODE
    trainer.unlock.click()
    assert has_picker(trainer.home_box)
    trainer.plan_picker.plan.value = "plan-241"
    trainer.title.value, trainer.count.value = "Tập huấn Kế hoạch 241", 5
    trainer.create.click()
    code = trainer.current
    assert code and SessionStore(store).get(code).plan == "plan-241"
    trainer.back.click()
    trainer.plan_picker.plan.value = "plan-2026"
    assert code not in {v for _, v in trainer.history.options}  # the sessions listed are the plan's
    # The participant's page opens on the most recent plan; the session says which plan it is of.
    page = ParticipantApp(second, bank_of(second), Store(store.url), code=code)
    assert not has_picker(page.widget)
    page.name.value, page.unit.value = "Nguyễn Thị Mai", "quan_ba_dinh"
    page.sign_in.click()
    assert page.error.value == "" and page.run is not None, page.notice.value
    assert page.plan.key == "plan-241" and page.run.attempt.plan == "plan-241"
    assert {i["q"] for i in page.run.attempt.items} <= {q.id for q in bank_of(first)}


def test_does_the_city_overview_read_each_plans_assessments(plans, store):
    from toolkit.assessment.criteria import load_settings
    from toolkit.serving.access import PasscodeGate
    from toolkit.storage.assessments import AssessmentStore
    from toolkit.ui.city import CityOverviewApp

    second = plans["plan-2026"]
    astore = AssessmentStore(store, "plan-2026")
    draft = astore.open_draft("phuong_hoan_kiem", 2026)
    astore.submit(draft.id, "Trần Thị Bình")
    app = CityOverviewApp(second, load_settings(second, catalogue.criteria_path(second)), astore,
                          PasscodeGate(astore, "city", env={}), today=date(2026, 12, 1), plans=list(plans.values()))
    app.passcode.value = PASSCODE
    app.unlock.click()
    assert has_picker(app.body) and [s.unit_key for s in app._submissions] == ["phuong_hoan_kiem"]
    app.plan_picker.plan.value = "plan-241"
    assert app.error.value == "" and app.astore.plan == "plan-241" and app._submissions == []


def test_does_my_data_list_a_persons_answers_of_every_plan_each_named(plans, store, monkeypatch, tmp_path):
    from toolkit.quiz.attempt import QuizRun
    from toolkit.storage.personal import PersonalStore
    from toolkit.ui.privacy import PersonalDataApp

    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path))
    person = store.participant("Phạm Thị Thu", "phuong_hoan_kiem")
    for plan in plans.values():
        QuizRun.start(store, person, bank_of(plan)[:3], plan, topic="all", n=2)
    code = PersonalStore(store).issue_code(person.id)
    app = PersonalDataApp(plans["plan-2026"], store, env={}, plans=list(plans.values()))
    app.code.value = code
    app.open.click()
    assert app.error.value == "" and app.pid == person.id, app.gate_message.value
    assert "Bài làm (2)" in app.summary.value
    assert "Kế hoạch số 15/KH-UBND ngày 10/01/2026 · " in app.summary.value
    assert "Kế hoạch số 241/KH-UBND ngày 15/12/2020 · " in app.summary.value
