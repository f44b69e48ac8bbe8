"""What goes wrong at the counter and is said there: a catalog key and its parameters, shown in the officer's
language, after which the desk goes on with the next line (nothing here ends a session)."""

from __future__ import annotations


class DeskProblem(Exception):
    """Something the officer typed or scanned that the desk cannot use; `key` names the catalog entry."""

    def __init__(self, key: str, /, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
