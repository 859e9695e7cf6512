"""Run Voila with the project's page template and what it needs: ``python -m toolkit.serving.voila_main …``.

Voila looks for templates only in Jupyter's data folders (``jupyter --paths``: JUPYTER_PATH, the
user's folder, the virtualenv's), and no Voila option adds one. The project's template
(``share/jupyter/voila/templates/pbgdpl`` in the checkout, named in voila.json) is put first on
JUPYTER_PATH here, in Voila's own process, so every way of starting the server that goes through
:func:`toolkit.serving.serve.voila_command` finds it, and nothing has to be installed into the
virtualenv. The template's upload guard gets its limits from :mod:`toolkit.serving.uploads` as
``VoilaConfiguration.resources`` (given here rather than on the command line, where traitlets warns
about a dict at every start, or in voila.json, which would be a second home for the numbers);
voila.json and the command line still override it. The kernel manager and the raised file limit are
what a hall of participants needs (:mod:`toolkit.serving.kernels`). Any argument is Voila's.
"""

from __future__ import annotations

import os

from toolkit.paths import REPO_ROOT

JUPYTER_DATA_DIR = REPO_ROOT / "share" / "jupyter"


def config():
    """The configuration Voila starts from, below voila.json and the command line."""
    from traitlets.config import Config

    from toolkit.serving.uploads import guard_resources

    return Config({"VoilaConfiguration": {"resources": guard_resources(),
                                          "multi_kernel_manager_class": "toolkit.serving.kernels.HallKernelManager"}})


def main() -> None:
    paths = [str(JUPYTER_DATA_DIR), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths)
    from voila.app import Voila

    from toolkit.serving.kernels import raise_file_limit

    raise_file_limit()
    Voila.launch_instance(config=config())


if __name__ == "__main__":
    main()
