"""Whatever a file holds, do the loaders return a valid object or our DataError in Vietnamese, nothing else?"""

import shutil
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from toolkit.datafile import DataError
from toolkit.plan import load_plan, _load
from toolkit.quiz import load_bank

DATA = Path(__file__).resolve().parents[1] / "data"
VALID_PLAN = DATA / "plan" / "valid"
VALID_BANK = DATA / "banks" / "valid.yaml"
VIETNAMESE = set("ăâđêôơưáàảãạắằẳẵặấầẩẫậéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=25)


def vietnamese(problems) -> bool:
    return bool(problems) and all(p.message and set(p.message.lower()) & VIETNAMESE for p in problems)


def mutate(text: str, data) -> str:
    lines = text.splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["drop", "dup", "replace", "insert", "truncate"]))
        i = data.draw(st.integers(0, max(0, len(lines) - 1)))
        if not lines:
            break
        if op == "drop":
            del lines[i]
        elif op == "dup":
            lines.insert(i, lines[i])
        elif op == "replace":
            lines[i] = data.draw(st.text(max_size=40))
        elif op == "insert":
            lines.insert(i, data.draw(st.text(max_size=40)))
        else:
            lines = lines[:i]
    return "\n".join(lines)


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=st.data())
def test_plan_loader_on_mutated_files(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("plan")
    shutil.copytree(VALID_PLAN, folder, dirs_exist_ok=True)
    name = data.draw(st.sampled_from(["plan.yaml", "agencies.yaml", "tasks.yaml", "units.yaml"]))
    (folder / name).write_text(mutate((VALID_PLAN / name).read_text(encoding="utf-8"), data), encoding="utf-8")
    try:
        _load(folder)
    except DataError as exc:
        assert vietnamese(exc.problems), [str(p) for p in exc.problems]


@SETTINGS
@given(value=json_values, name=st.sampled_from(["plan.yaml", "agencies.yaml", "tasks.yaml", "units.yaml"]))
def test_plan_loader_on_arbitrary_yaml(tmp_path_factory, value, name):
    folder = tmp_path_factory.mktemp("plan")
    shutil.copytree(VALID_PLAN, folder, dirs_exist_ok=True)
    (folder / name).write_text(yaml.safe_dump(value, allow_unicode=True), encoding="utf-8")
    try:
        _load(folder)
    except DataError as exc:
        assert vietnamese(exc.problems)


@SETTINGS
@given(raw=st.binary(max_size=300))
def test_bank_loader_on_arbitrary_bytes(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bank") / "bank.yaml"
    path.write_bytes(raw)
    try:
        load_bank(path, load_plan())
    except DataError as exc:
        assert vietnamese(exc.problems)


@SETTINGS
@given(data=st.data())
def test_bank_loader_on_mutated_banks(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("bank") / "bank.yaml"
    path.write_text(mutate(VALID_BANK.read_text(encoding="utf-8"), data), encoding="utf-8")
    try:
        load_bank(path, load_plan())
    except DataError as exc:
        assert vietnamese(exc.problems)
