"""Is every column of the schema classified as personal or not, and do `toolkit privacy …` report, show and
delete as they say, from the running configuration?"""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from toolkit.cli import main
from toolkit.privacy.record import LINK, OTHER, PERSONAL, inventory, processing_report
from toolkit.storage.personal import PersonalStore, consent_to
from toolkit.storage.schema import metadata
from toolkit.storage.store import Store

USES = inventory(365)


def test_is_every_table_of_the_schema_in_the_inventory():
    assert sorted(metadata.tables) == sorted(USES), "classify the table in toolkit/privacy/record.py"


@pytest.mark.parametrize("name", sorted(metadata.tables))
def test_is_every_column_of_a_table_with_personal_data_classified(name):
    """A new column in a table that holds personal data must say whether it is personal: this fails until it does."""
    use = USES[name]
    table = metadata.tables[name]
    links = {fk.column.table.name for fk in table.foreign_keys}
    if not use.columns:
        # A table declared free of personal data may not point at a person either.
        assert "participants" not in links, f"{name} points at participants: classify its columns"
        return
    assert sorted(use.columns) == sorted(table.columns.keys()), f"classify every column of {name}"
    assert {kind for kind, _ in use.columns.values()} <= {PERSONAL, LINK, OTHER}
    assert all(text for _, text in use.columns.values())
    assert use.purpose and use.kept and use.seen_by


def test_does_the_report_list_the_personal_columns_from_the_schema_without_the_password():
    text = processing_report("postgresql+psycopg://pbgdpl:mat-khau-bi-mat@db.example:5432/pbgdpl", "/srv/pbgdpl/var",
                             env={"TOOLKIT_RETENTION_DAYS": "730", "TOOLKIT_DATA_CONTROLLER": "Sở Tư pháp Hà Nội"})
    assert "mat-khau-bi-mat" not in text and "db.example:5432/pbgdpl" in text
    assert "Hạn lưu giữ: 730 ngày" in text and "Sở Tư pháp Hà Nội" in text and "/srv/pbgdpl/var" in text
    for name, use in USES.items():
        for column in use.personal:
            assert f"{column} (" in text, (name, column)
    assert "CHƯA PHÂN LOẠI" not in text
    extra = sa.MetaData()
    sa.Table("badges", extra, sa.Column("participant_id", sa.Integer))  # a table no one classified
    assert "badges: CHƯA PHÂN LOẠI" in processing_report("sqlite://", "/tmp", env={}, tables=extra.tables)


@pytest.fixture
def cli_store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("TOOLKIT_DATABASE_URL", url)
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path))
    return Store(url)


def test_does_toolkit_privacy_report_print_the_running_configuration(cli_store, capsys, monkeypatch):
    monkeypatch.setenv("TOOLKIT_RETENTION_DAYS", "200")
    assert main(["privacy", "report"]) == 0
    out = capsys.readouterr().out
    assert cli_store.url in out and "Hạn lưu giữ: 200 ngày" in out and "participants — " in out
    monkeypatch.setenv("TOOLKIT_RETENTION_DAYS", "hai trăm")
    assert main(["privacy", "report"]) == 2
    assert "TOOLKIT_RETENTION_DAYS" in capsys.readouterr().err


def test_do_show_and_delete_find_a_participant_and_log_without_a_name(cli_store, capsys):
    person = cli_store.participant("Kiều Thị Vân", "phuong_hoan_kiem", consent=consent_to("quiz", "v1", "quiz"))
    code = PersonalStore(cli_store).issue_code(person.id)
    assert main(["privacy", "show", "--code", code.lower(), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["participant"]["name"] == "Kiều Thị Vân"
    assert main(["privacy", "show", "--code", "AAAA-BBBB-CCCC", "--format", "json"]) == 2
    capsys.readouterr()
    cli_store.participant("Kiều 100% Vân_", "khac")  # LIKE's wildcards in a name match only themselves
    assert main(["privacy", "find", "kieu thi"]) == 0
    found = capsys.readouterr().out
    assert f"{person.id:>6}  Kiều Thị Vân — UBND phường Hoàn Kiếm · 0 bài làm" in found and "1 người" in found
    assert main(["privacy", "find", "100%"]) == 0 and "Kiều 100% Vân_" in capsys.readouterr().out
    assert main(["privacy", "find", "0%v"]) == 0 and "Không có" in capsys.readouterr().out
    assert main(["privacy", "delete", "--participant", str(person.id), "--dry-run"]) == 0
    assert "chạy thử" in capsys.readouterr().out and PersonalStore(cli_store).by_code(code) == person
    assert main(["privacy", "delete", "--participant", str(person.id)]) == 0
    assert "1 người tham gia" in capsys.readouterr().out and PersonalStore(cli_store).by_code(code) is None
    assert main(["privacy", "delete", "--participant", str(person.id)]) == 2
    assert "Không có người tham gia" in capsys.readouterr().err
    assert main(["privacy", "delete", "--older-than-retention"]) == 0
    assert main(["privacy", "log"]) == 0
    log = capsys.readouterr().out
    assert "dữ liệu của một người tham gia · quản trị viên" in log and "2 lần xóa." in log and "Kiều" not in log
