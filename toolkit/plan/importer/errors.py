"""The importer's one error: what went wrong, in Vietnamese, with the file and where in it."""

from __future__ import annotations


class ImportFailure(Exception):
    """A file the importer cannot turn into a draft plan; nothing has been written when it is raised.

    `where` names the place in the file ("dòng 12", "đoạn 3", "trang 2") when one is known.
    """

    def __init__(self, file: str, message: str, where: str | None = None):
        self.file, self.message, self.where = file, message, where
        super().__init__(f"{file}, {where}: {message}" if where else f"{file}: {message}")
