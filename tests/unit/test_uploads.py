"""Does the kernel's upload check follow its limits, and do the server and the page template follow them too?"""

from __future__ import annotations

import json

from toolkit.assessment.importing import MAX_BYTES
from toolkit.paths import REPO_ROOT
from toolkit.serving.serve import voila_command
from toolkit.serving.uploads import MAX_FILE_BYTES, MAX_SELECTION_BYTES, guard_resources, screen_uploads
from toolkit.serving.voila_main import JUPYTER_DATA_DIR, config

VOILA_JSON = json.loads((REPO_ROOT / "voila.json").read_text(encoding="utf-8"))


def test_is_every_file_the_importer_accepts_within_the_upload_limit():
    assert MAX_FILE_BYTES >= max(MAX_BYTES.values())
    ok = screen_uploads([("a.xlsx", MAX_FILE_BYTES, b"x" * MAX_FILE_BYTES)])
    assert [name for name, _ in ok.accepted] == ["a.xlsx"] and ok.refused == ()


def test_is_a_file_one_byte_over_refused_with_a_size_above_the_limit():
    s = screen_uploads([("b.xlsx", MAX_FILE_BYTES + 1, b"")])
    assert s.accepted == ()
    assert s.refused[0][1].startswith("Tệp “b.xlsx” lớn 5,01 MB, vượt giới hạn 5 MB")


def test_does_the_selection_stop_at_its_total_in_the_order_chosen():
    four = 4_000_000
    files = [(f"{i}.xlsx", four, b"x" * four) for i in range(6)]  # 24 MB in all, 20 MB allowed
    s = screen_uploads(files)
    assert [name for name, _ in s.accepted] == ["0.xlsx", "1.xlsx", "2.xlsx", "3.xlsx", "4.xlsx"]
    assert [name for name, _ in s.refused] == ["5.xlsx"]
    assert "vượt tổng giới hạn 20 MB" in s.refused[0][1]


def test_does_a_file_held_back_for_its_size_not_count_towards_the_total():
    s = screen_uploads([("big.xlsx", 19_000_000, b""), ("small.json", 3, b"{}\n")])
    assert [name for name, _ in s.accepted] == ["small.json"]


def test_is_content_larger_than_the_claimed_size_judged_by_the_content():
    """A crafted value can claim any size: the bytes that arrived count when they are more."""
    s = screen_uploads([("c.json", 10, b"x" * (MAX_FILE_BYTES + 1))])
    assert s.accepted == () and "vượt giới hạn" in s.refused[0][1]


def test_is_content_smaller_than_the_claimed_size_refused_as_incomplete():
    s = screen_uploads([("d.json", 1_000, b"{}"), ("e.json", "không phải số", b"{}")])
    assert [name for name, _ in s.refused] == ["d.json"] and "không được gửi trọn vẹn" in s.refused[0][1]
    assert [name for name, _ in s.accepted] == ["e.json"]  # a claim that is no number: the content decides


def test_does_the_server_take_a_whole_selection_in_one_websocket_message():
    """FileUpload sends all chosen files in one message; Tornado closes the page's connection on a larger one.
    The margin is for the message's own header and the files' names, far below 1 MB."""
    limit = VOILA_JSON["Voila"]["tornado_settings"]["websocket_max_message_size"]
    assert limit >= MAX_SELECTION_BYTES + 1_000_000


def test_does_voila_start_with_the_limits_for_the_page_template():
    assert config().VoilaConfiguration.resources == guard_resources()
    assert guard_resources()["upload_limits"] == {"max_file_bytes": MAX_FILE_BYTES,
                                                  "max_selection_bytes": MAX_SELECTION_BYTES}


def test_is_the_template_named_in_voila_json_where_voila_main_makes_voila_look():
    name = VOILA_JSON["VoilaConfiguration"]["template"]
    folder = JUPYTER_DATA_DIR / "voila" / "templates" / name
    assert json.loads((folder / "conf.json").read_text(encoding="utf-8"))["base_template"] == "lab"
    assert (folder / "index.html.j2").is_file() and (folder / "static" / "upload-guard.js").is_file()
    assert "toolkit.serving.voila_main" in voila_command("notebooks", 8866)
