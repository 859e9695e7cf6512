"""Does every `toolkit` command work as its help and the README say?"""

import json
import re
import subprocess
import sys
from pathlib import Path

from toolkit.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]


def run(*args):
    return subprocess.run([sys.executable, "-m", "toolkit.cli", *args], capture_output=True, text=True, cwd=ROOT)


def test_export_plan_json_lists_every_task():
    out = run("export", "plan", "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert len(doc["tasks"]) == 42


def test_export_to_file_is_atomic_and_reported(tmp_path, capsys):
    target = tmp_path / "bang.xlsx"
    assert main(["export", "plan", "--format", "xlsx", "--output", str(target)]) == 0
    assert target.read_bytes()[:2] == b"PK"
    assert "Đã ghi" in capsys.readouterr().err
    assert [p.name for p in tmp_path.iterdir()] == ["bang.xlsx"]  # no temp file left behind


def test_tasks_for_an_agency(capsys):
    assert main(["tasks", "--agency", "so_tu_phap", "--section", "II.5"]) == 0
    out = capsys.readouterr().out
    assert "II.5.b" in out and "Năm 2022" in out and "II.5.a" in out and "(qua Các sở, ban, ngành)" in out


def test_tasks_unknown_agency_is_a_clear_error(capsys):
    assert main(["tasks", "--agency", "so_khong_co"]) == 2
    assert "Không có cơ quan 'so_khong_co'" in capsys.readouterr().err


def test_every_subcommand_has_an_example_in_its_help():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        assert "Ví dụ" in (p.epilog or ""), name


def test_readme_commands_exist():
    """Is every `toolkit ...` command in the README a real command, and the first block the two make targets?"""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```(?:sh|bash)?\n(.*?)```", readme, re.S)[1].strip().splitlines()
    assert first_block == ["make serve", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    commands = set(re.findall(r"^(?:\$ |\.venv/bin/)toolkit ([a-z]+)", readme, re.M))
    known = set(next(a for a in build_parser()._actions if a.dest == "command").choices)
    assert commands and commands <= known


def test_does_the_readme_name_the_newest_migration():
    """The README says which schema revision is the newest ("hiện là 0006", "now 0006"): the last file there."""
    newest = max(p.name[:4] for p in (ROOT / "toolkit/storage/migrations/versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.findall(r"(?:hiện là|now) (\d{4})", readme)
    assert said and set(said) == {newest}, said


def test_readme_example_output_is_real(capsys):
    """Does each `$ toolkit ...` example in the README print exactly what the README shows?"""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"^\$ toolkit (.+)\n((?:(?!\$ |```).*\n)*)", readme, re.M)
    assert len(examples) >= 2
    for command, shown in examples:
        capsys.readouterr()
        assert main(command.replace('"', "").split()) == 0
        assert capsys.readouterr().out == shown, command


def test_export_session_writes_the_session_workbook(tmp_path, capsys):
    """Does `toolkit export session CODE` write the trainer's workbook, and name an unknown code?"""
    import pandas as pd

    from toolkit.plan.load import load_plan
    from toolkit.quiz.banks import question_bank
    from toolkit.quiz.workshop import create_session, join_session
    from toolkit.storage.store import Store

    url = f"sqlite:///{tmp_path / 'w.sqlite3'}"
    store, plan = Store(url), load_plan()
    questions, _ = question_bank(plan)
    session = create_session(store, plan, questions, title="Lớp thử", topic="all", n=3)
    run_ = join_session(store, plan, {q.id: q for q in questions}, session.code, store.participant("Hà An", "khac"))
    kind = run_.questions[0].type  # any valid answer will do: the workbook lists it, right or wrong
    run_.answer(0, {"multiple": [0], "text": "không nhớ",
                    "matching": [0] * len(run_.questions[0].rows)}.get(kind, 0))
    out = tmp_path / "phien.xlsx"
    assert main(["export", "session", session.code.lower(), "--format", "xlsx", "--output", str(out),
                 "--database", url]) == 0
    sheets = pd.read_excel(out, sheet_name=None)
    assert {"Phiên", "Người tham gia", "Câu trả lời", "Thống kê câu hỏi", "Nhầm lẫn cơ quan"} <= set(sheets)
    assert list(sheets["Người tham gia"]["Họ và tên"]) == ["Hà An"]
    assert main(["export", "session", "ZZZZZZ", "--output", str(out), "--database", url]) == 2
    assert "Không có phiên nào với mã ZZZZZZ" in capsys.readouterr().err


def test_serve_prints_both_workshop_pages():
    from toolkit.serving.serve import workshop_lines

    lines = workshop_lines(["http://192.168.1.20:8866"])
    assert lines == ["Học viên tham gia phiên / Workshop participants: "
                     "http://192.168.1.20:8866/voila/render/4-tap-huan-tham-gia.ipynb",
                     "Báo cáo viên / Workshop trainer: http://192.168.1.20:8866/voila/render/4-tap-huan-bao-cao-vien.ipynb"]


def test_serve_pool_prepares_only_the_participant_page(capsys):
    from toolkit.serving.pages import WORKSHOP_JOIN_NOTEBOOK
    from toolkit.serving.serve import POOL_FILL_DELAY_S, pool_args, voila_command

    assert pool_args(0) == [] and "--preheat_kernel=True" not in voila_command("notebooks", 8866)
    args = voila_command("notebooks", 8866, pool=40)
    assert "--preheat_kernel=True" in args and f"--VoilaKernelManager.fill_delay={POOL_FILL_DELAY_S}" in args
    (config,) = [a.split("=", 1)[1] for a in args if a.startswith("--VoilaKernelManager.kernel_pools_config=")]
    assert json.loads(config) == {"default": {"pool_size": 0}, WORKSHOP_JOIN_NOTEBOOK: {"pool_size": 40}}
    assert main(["serve", "--pool", "-3"]) == 2
    assert "phải từ 0 trở lên" in capsys.readouterr().err


def test_does_serve_fill_the_data_caches_before_voila_starts(tmp_path, monkeypatch):
    """The first room after a start reads the plans and banks instead of each kernel building them."""
    from toolkit.plan import catalogue
    from toolkit.plan import load as plan_load
    from toolkit.quiz import banks
    from toolkit.serving import serve as serve_module

    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path / "var"))
    plan_load._load_cached.cache_clear()  # the in-process caches would hide the disk
    banks._question_bank_cached.cache_clear()
    seen = {}

    class Voila:
        def __init__(self, cmd, **_kwargs):
            cache = tmp_path / "var" / "cache"
            seen["entries"] = sorted(p.name.split("-")[0] for p in cache.glob("*.pickle"))

        def poll(self):
            return 0

        def wait(self):
            return 0

    monkeypatch.setattr(serve_module, "port_is_free", lambda *_: True)
    monkeypatch.setattr(serve_module, "wait_until_ready", lambda *_: False)
    monkeypatch.setattr(serve_module.subprocess, "Popen", Voila)
    monkeypatch.setattr(serve_module.signal, "signal", lambda *_: None)  # not this test process's SIGTERM
    try:
        assert serve_module.serve(port=8899) == 0
        plans = len(catalogue.published())
    finally:
        plan_load._load_cached.cache_clear()
        banks._question_bank_cached.cache_clear()
    assert plans >= 1 and seen["entries"] == ["plan"] * plans + ["questions"] * plans
