"""The default store for pages: opened at first use, so a page's kernel loads without SQLAlchemy."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.storage.store import Store


class DeferredStore:
    """The default store, opened when first used instead of when the page loads.

    A participant's page needs the database only once they sign in; opening it imports SQLAlchemy
    and checks the schema, which each of 60 kernels of a room joining at once would otherwise pay
    before the page is usable (make bench: CPU per join).
    """

    def __init__(self, url: str | None = None):
        self._url = url
        self._store: Store | None = None

    @property
    def opened(self) -> bool:
        return self._store is not None

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        if self._store is None:
            from toolkit.storage.store import Store

            self._store = Store(self._url)
        return getattr(self._store, name)
