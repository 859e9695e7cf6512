"""Does the passcode gate let the right code in, refuse others, and slow down guessing?"""

import pytest

from toolkit.serving.access import LOCKOUT_SECONDS, MAX_FAILURES, PasscodeGate, ensure_passcode, passcode_file


@pytest.fixture(autouse=True)
def var(tmp_path, monkeypatch):
    monkeypatch.setenv("TOOLKIT_VAR_DIR", str(tmp_path))
    monkeypatch.delenv("TOOLKIT_PASSCODE", raising=False)


def test_passcode_is_created_once_private_and_stable():
    code = ensure_passcode()
    assert len(code) == 6 and code.isdigit()
    assert ensure_passcode() == code
    assert passcode_file().stat().st_mode & 0o077 == 0


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("TOOLKIT_PASSCODE", "hoi-nghi-2026")
    assert ensure_passcode() == "hoi-nghi-2026"


def test_gate_refuses_then_locks_then_accepts(tmp_path):
    from toolkit.storage.store import Store

    now = [1000.0]
    gate = PasscodeGate(Store(f"sqlite:///{tmp_path / 'gate.sqlite3'}"), "trainer", env={}, clock=lambda: now[0])
    code = ensure_passcode()
    for _ in range(MAX_FAILURES - 1):
        assert gate.check("000000" if code != "000000" else "111111") == (False, "Mã truy cập không đúng.")
    ok, message = gate.check("bad")
    assert not ok and "Tạm khóa" in message
    assert gate.check(code)[0] is False  # locked, even with the right code
    now[0] += LOCKOUT_SECONDS + 1
    assert gate.check(f"  {code} ") == (True, "Đã mở khóa.") and gate.unlocked
