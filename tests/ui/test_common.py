"""Do the pieces every app shares keep errors and logs away from the browser?"""


def test_kernel_logs_never_go_to_the_page(capsys):
    """A logged traceback in a kernel must go to the server's log, not to sys.stderr (sent to the browser)."""
    import logging
    import sys

    import toolkit.ui.common  # noqa: F401  (installs the handlers)

    for name in ("toolkit.ui", "Comm"):
        try:
            raise ValueError("bí mật")
        except ValueError:
            logging.getLogger(name).exception("failed")
    assert "bí mật" not in capsys.readouterr().err
    streams = [h.stream for n in ("toolkit", "Comm") for h in logging.getLogger(n).handlers
               if getattr(h, "pbgdpl_server_log", False)]
    assert streams == [sys.__stderr__, sys.__stderr__]
