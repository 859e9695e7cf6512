"""The catalogue of plans (toolkit.plan.catalogue): which plans a data folder holds, which are published."""

from __future__ import annotations

import logging

import pytest
from plan_folders import SECOND_SUMMARY, broken_copy, draft_copy, plan_copy, two_plans

from toolkit.datafile import DataError
from toolkit.paths import DEFAULT_QUIZ_DIR, REPO_ROOT
from toolkit.plan import catalogue


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """Two published plans, a draft and a broken folder, as a data folder holds them."""
    root = two_plans(tmp_path_factory.mktemp("data"))
    draft_copy(root)
    broken_copy(root)
    return root


@pytest.fixture
def in_data(data, monkeypatch):
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(data))
    monkeypatch.delenv("TOOLKIT_PLAN_DIR", raising=False)
    return data


def test_is_the_data_folder_the_checkouts_data_unless_the_environment_says_otherwise(monkeypatch, tmp_path):
    monkeypatch.delenv("TOOLKIT_DATA_DIR", raising=False)
    assert catalogue.data_dir() == REPO_ROOT / "data"
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(tmp_path))
    assert catalogue.data_dir() == tmp_path


def test_does_the_checkout_hold_plan_241_published(monkeypatch):
    monkeypatch.delenv("TOOLKIT_DATA_DIR", raising=False)
    monkeypatch.delenv("TOOLKIT_PLAN_DIR", raising=False)
    assert "plan-241" in [p.key for p in catalogue.published()]
    assert catalogue.get("plan-241").info.number == "241/KH-UBND"


def test_are_the_published_plans_listed_newest_first_without_the_draft_or_the_broken_one(in_data):
    plans = catalogue.published()
    assert [p.key for p in plans] == ["plan-2026", "plan-241"]  # the draft (2027) and broken one (2028) are newer
    assert [f.name for f in catalogue.drafts()] == ["plan-nhap"]
    assert catalogue.default().key == "plan-2026"
    # the registry folder beside them is no plan
    assert [f.name for f in catalogue.plan_folders()] == ["plan-2026", "plan-241", "plan-hong", "plan-nhap"]


def test_is_a_broken_folder_left_out_and_reported_with_its_file(in_data, caplog):
    with caplog.at_level(logging.WARNING, logger="toolkit.plan.catalogue"):
        found = catalogue.problems()
    assert list(found) == ["plan-hong"]
    assert any(p.file.endswith("plan.yaml") for p in found["plan-hong"])
    assert "plan-hong" in caplog.text
    with pytest.raises(DataError):
        catalogue.get("plan-hong")


def test_does_get_open_a_published_plan_and_refuse_a_draft_in_vietnamese(in_data):
    assert catalogue.get("plan-2026").task("II.1.a").summary == SECOND_SUMMARY
    assert catalogue.get("plan-241").info.number == "241/KH-UBND"
    with pytest.raises(catalogue.NotPublished, match="bản nháp đang chờ rà soát"):
        catalogue.get("plan-nhap")
    with pytest.raises(catalogue.NotPublished, match="Không có kế hoạch “plan-khac”"):
        catalogue.get("plan-khac")


def test_does_a_page_open_the_plan_it_is_asked_for_and_never_a_draft(in_data):
    plans, chosen = catalogue.opening("plan-241")
    assert chosen.key == "plan-241" and [p.key for p in plans] == ["plan-2026", "plan-241"]
    assert catalogue.opening("plan-nhap")[1].key == "plan-2026"
    assert catalogue.opening(None)[1].key == "plan-2026"


def test_is_a_draft_published_only_when_it_says_so_and_nothing_is_left_unreviewed(tmp_path):
    folder = draft_copy(tmp_path, "plan-x")
    review = folder / "review.yaml"
    assert catalogue.review_state(folder) == "draft"
    review.write_text(review.read_text(encoding="utf-8").replace("status: draft", "status: published"),
                      encoding="utf-8")
    assert catalogue.review_state(folder) == "draft"  # an item is still unreviewed
    review.write_text(review.read_text(encoding="utf-8").replace("status: unreviewed", "status: accepted"),
                      encoding="utf-8")
    assert catalogue.review_state(folder) == "published"
    text = review.read_text(encoding="utf-8")
    for typo in ("status: pending", "status: Accepted"):  # reviewed in git, mistyped: still a draft
        review.write_text(text.replace("status: accepted", typo, 1), encoding="utf-8")
        assert catalogue.review_state(folder) == "draft", typo
    review.write_text(text.replace("items:", "items: {}\nold_items:", 1), encoding="utf-8")
    assert catalogue.review_state(folder) == "draft"  # items that are not a list
    review.unlink()
    assert catalogue.review_state(folder) == "published"  # hand-verified, like plan-241


def test_does_another_plan_served_alone_never_get_plan_241s_banks(monkeypatch):
    gold = REPO_ROOT / "tests" / "data" / "plans" / "ke-hoach-mau" / "gold"
    monkeypatch.setenv("TOOLKIT_PLAN_DIR", str(gold))
    assert catalogue.quiz_dir(catalogue.get("gold")) == gold / "quizzes"
    monkeypatch.setenv("TOOLKIT_PLAN_DIR", str(REPO_ROOT / "data" / "plan-241"))
    assert catalogue.quiz_dir(catalogue.default()) == DEFAULT_QUIZ_DIR


def test_is_the_catalogue_only_the_plan_dir_when_one_is_set(in_data, monkeypatch):
    monkeypatch.setenv("TOOLKIT_PLAN_DIR", str(in_data / "plan-241"))
    assert [p.key for p in catalogue.published()] == ["plan-241"]
    assert catalogue.default().key == "plan-241" and catalogue.drafts() == []
    with pytest.raises(catalogue.NotPublished):
        catalogue.get("plan-2026")


def test_is_an_empty_data_folder_said_in_vietnamese(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("TOOLKIT_PLAN_DIR", raising=False)
    assert catalogue.published() == []
    with pytest.raises(catalogue.NotPublished, match="Không có kế hoạch nào đã xuất bản"):
        catalogue.default()


def test_are_a_plans_banks_its_own_and_plan_241s_the_checkouts(in_data):
    assert catalogue.quiz_dir(catalogue.get("plan-241")) == DEFAULT_QUIZ_DIR
    second = catalogue.get("plan-2026")
    assert catalogue.quiz_dir(second) == in_data / "plan-2026" / "quizzes"  # none yet: generated questions only
    assert catalogue.criteria_path(second) == in_data / "plan-2026" / "criteria.yaml"


def test_is_a_plan_built_in_memory_plan_241s(plan):
    import dataclasses

    assert catalogue.key_of(plan) == "plan-241"
    assert catalogue.key_of(dataclasses.replace(plan, key="")) == "plan-241"


def test_does_a_plan_copy_under_a_new_number_load_with_its_own_key(tmp_path):
    from toolkit.plan.load import load_plan

    plan = load_plan(plan_copy(tmp_path, "plan-xyz", "3/KH-UBND", "2025-02-01"))
    assert (plan.key, plan.info.number, str(plan.info.date)) == ("plan-xyz", "3/KH-UBND", "2025-02-01")
