"""The on-disk cache of the validated plan and question bank: never stale, never fatal."""

import logging
import pickle
import shutil
import time
from pathlib import Path

import pytest

from toolkit import datacache
from toolkit.datafile import DataError
from toolkit.plan import load as plan_module
from toolkit.plan.load import load_plan
from toolkit.quiz.banks import question_bank

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def var(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path / "var"))
    plan_module._load_cached.cache_clear()  # the in-process cache would hide the disk
    yield tmp_path / "var" / "cache"
    plan_module._load_cached.cache_clear()


@pytest.fixture
def plan_copy(tmp_path):
    folder = tmp_path / "plan"
    shutil.copytree(DATA / "plan" / "valid", folder)
    return folder


def entries(cache: Path, kind: str) -> list[Path]:
    return sorted(cache.glob(f"{kind}-*.pickle"))


def test_a_second_kernel_reads_the_plan_without_validating_it(var, plan_copy, monkeypatch):
    first = load_plan(plan_copy)
    assert len(entries(var, "plan")) == 1
    plan_module._load_cached.cache_clear()  # as a new kernel
    monkeypatch.setattr(plan_module, "_load", lambda folder: pytest.fail("validated again"))
    second = load_plan(plan_copy)
    assert second is not first
    assert [t.id for t in second.tasks] == [t.id for t in first.tasks]
    assert [(t.lead, t.coordinating, t.deadline) for t in second.tasks] == \
        [(t.lead, t.coordinating, t.deadline) for t in first.tasks]
    assert dict(second.agencies) == dict(first.agencies) and dict(second.units) == dict(first.units)
    some = next(iter(first.agencies))
    assert second.memberships(some) == first.memberships(some)  # derived look-ups work after unpickling
    with pytest.raises(TypeError):
        second.agencies["x"] = None  # still read-only


def test_an_edited_data_file_is_read_not_the_old_entry(var, plan_copy):
    before = load_plan(plan_copy)
    tasks = plan_copy / "tasks.yaml"
    first_id = before.tasks[0].id
    text = tasks.read_text(encoding="utf-8")
    summary = before.tasks[0].summary
    assert summary in text
    tasks.write_text(text.replace(summary, summary + " (đã sửa)", 1), encoding="utf-8")
    plan_module._load_cached.cache_clear()
    after = load_plan(plan_copy)
    assert after.task(first_id).summary == summary + " (đã sửa)"
    assert len(entries(var, "plan")) == 1  # the old entry is gone


def test_data_with_problems_is_reported_every_time_and_never_stored(var, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(DATA / "plan" / "unknown_agency", bad)
    for _ in range(2):
        plan_module._load_cached.cache_clear()
        with pytest.raises(DataError):
            load_plan(bad)
    assert entries(var, "plan") == []


def test_a_damaged_entry_is_rebuilt_with_a_warning(var, plan_copy, caplog):
    expected = [t.id for t in load_plan(plan_copy).tasks]
    (entry,) = entries(var, "plan")
    entry.write_bytes(entry.read_bytes()[:100])  # a crash while writing cannot do this (os.replace); a disk can
    plan_module._load_cached.cache_clear()
    with caplog.at_level(logging.WARNING, logger="toolkit.datacache"):
        assert [t.id for t in load_plan(plan_copy).tasks] == expected
    assert "bộ nhớ đệm hỏng" in caplog.text
    with open(entries(var, "plan")[0], "rb") as fh:
        assert [t.id for t in pickle.load(fh).tasks] == expected  # rewritten whole


def test_an_unwritable_cache_costs_speed_not_the_page(var, plan_copy, monkeypatch, caplog):
    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("tempfile.mkstemp", refuse)  # what write_atomic uses
    with caplog.at_level(logging.WARNING, logger="toolkit.datacache"):
        plan = load_plan(plan_copy)
    assert plan.tasks and "không ghi được bộ nhớ đệm" in caplog.text
    assert entries(var, "plan") == []


def test_the_question_bank_is_cached_for_the_plan_it_was_built_from(var, monkeypatch):
    from toolkit.quiz import banks as quiz

    plan = load_plan()
    questions, problems = question_bank(plan)
    assert len(entries(var, "questions")) == 1
    quiz._question_bank_cached.cache_clear()
    plan_module._load_cached.cache_clear()
    monkeypatch.setattr(quiz, "generate_questions", lambda _plan: pytest.fail("generated again"))
    again, again_problems = question_bank(load_plan())
    assert [q.id for q in again] == [q.id for q in questions] and again_problems == problems
    assert [q.correct for q in again] == [q.correct for q in questions]
    quiz._question_bank_cached.cache_clear()


def test_does_the_code_fingerprint_cover_modules_in_subpackages(tmp_path, monkeypatch):
    """A change to a module in a subpackage (not only toolkit/*.py) must give new cache entries."""
    code = tmp_path / "toolkit"
    (code / "quiz").mkdir(parents=True)
    (code / "paths.py").write_text("A = 1\n")
    module = code / "quiz" / "generate.py"
    module.write_text("B = 1\n")
    monkeypatch.setattr(datacache, "CODE_DIR", code)
    before = datacache.fingerprint([])
    module.write_text("B = 2\n")
    assert datacache.fingerprint([]) != before


def test_an_edited_city_registry_is_read_not_the_old_entry(var, tmp_path):
    """The city registry lives outside the plan folder: editing it must change the cache entry too."""
    from toolkit.paths import DEFAULT_PLAN_DIR

    folder = tmp_path / "data" / "plan-241"
    shutil.copytree(DEFAULT_PLAN_DIR, folder)
    shutil.copytree(DEFAULT_PLAN_DIR.parent / "hanoi", tmp_path / "data" / "hanoi")
    before = load_plan(folder)
    departments = tmp_path / "data" / "hanoi" / "departments-2025.yaml"
    text = departments.read_text(encoding="utf-8")
    assert text.count('name: "Sở Dân tộc và Tôn giáo"') == 1
    departments.write_text(text.replace('name: "Sở Dân tộc và Tôn giáo"', 'name: "Sở Dân tộc và Tôn giáo (đã sửa)"'),
                           encoding="utf-8")
    plan_module._load_cached.cache_clear()
    after = load_plan(folder)
    assert before.unit("so_dan_toc_ton_giao").name == "Sở Dân tộc và Tôn giáo"
    assert after.unit("so_dan_toc_ton_giao").name == "Sở Dân tộc và Tôn giáo (đã sửa)"


def test_do_two_plans_served_side_by_side_keep_an_entry_each(var, tmp_path, monkeypatch):
    folders = [tmp_path / "plan-a", tmp_path / "plan-b"]
    for folder in folders:
        shutil.copytree(DATA / "plan" / "valid", folder)
    first = [[t.id for t in load_plan(f).tasks] for f in folders]
    assert len(entries(var, "plan")) == 2  # the second did not replace the first
    plan_module._load_cached.cache_clear()  # as a new kernel, which loads both for the plan picker
    monkeypatch.setattr(plan_module, "_load", lambda folder: pytest.fail(f"validated {folder} again"))
    assert [[t.id for t in load_plan(f).tasks] for f in folders] == first


def test_is_an_entry_named_before_slots_existed_removed_by_the_next_one(var, plan_copy):
    var.mkdir(parents=True)
    legacy = var / f"plan-{'0' * 32}.pickle"
    legacy.write_bytes(pickle.dumps("old"))
    other = var / "questions-1234.pickle"  # not an entry this code ever named: left alone
    other.write_bytes(b"")
    load_plan(plan_copy)
    assert not legacy.exists() and other.exists() and len(entries(var, "plan")) == 1


def _build_slowly(log: Path):
    def build():
        with open(log, "a") as fh:
            fh.write("built\n")
        time.sleep(0.5)  # long enough for the other processes to miss too, were there no lock
        return {"value": 42}
    return build


def test_do_kernels_that_miss_at_once_build_the_entry_once(var, tmp_path):
    """A room arriving after the data changed: one kernel builds, the others wait and read its entry."""
    import multiprocessing

    log, results = tmp_path / "builds.log", tmp_path / "results"
    results.mkdir()

    def kernel(i: int) -> None:
        value = datacache.cached("probe", "k" * 32, _build_slowly(log), slot="room")
        (results / str(i)).write_text(str(value["value"]))

    fork = multiprocessing.get_context("fork")
    procs = [fork.Process(target=kernel, args=(i,)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        if p.is_alive():  # a lock never released: fail, and leave no process behind
            p.terminate()
    assert [p.exitcode for p in procs] == [0] * 4
    assert log.read_text().splitlines() == ["built"]
    assert sorted(f.read_text() for f in results.iterdir()) == ["42"] * 4
