"""What an interrupted registry write leaves behind, and removing it without touching a running writer's files.

Imports, `registry use` and screenings write into a store's folders, and screenings with `--registry FILE`
into the registry cache, through `durable.write_atomically`. A process killed meanwhile leaves its temporary
file (`.<name>.<pid>.<hex>.tmp`, up to a snapshot's size); an import killed between a snapshot's index and its
records leaves the index alone.

Every such writer holds its folder's writers lock (`.writers.lock`) shared while it writes (`writing`). The next
import or screening removes what it finds (`remove_leftovers`) only while it holds that lock exclusively, that
is while no writer is busy in the folder on any machine that shares it (flock(2) is honoured over NFS), and of
the temporary files only those whose process no longer runs here (so a writer of an earlier version, which
takes no lock, is not disturbed on this machine either).
"""

from __future__ import annotations

import contextlib
import errno
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from checkpoint.durable import abandoned_temporaries, sync_folder
from checkpoint.filelocks import LockTimeout, exclusive_if_free, shared

WRITERS_LOCK = ".writers.lock"

#: A cleaner holds the lock for a few unlinks: a writer never waits anywhere near this long.
_WAIT_SECONDS = 30.0


def _nothing() -> list[Path]:
    return []


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Hold `folder`'s writers lock shared while writing into it (the folder must exist); OSError if it cannot."""
    lock = ExitStack()
    try:
        lock.enter_context(shared(folder / WRITERS_LOCK, _WAIT_SECONDS))
    except LockTimeout:
        raise OSError(errno.EAGAIN, f"{folder / WRITERS_LOCK} stayed locked") from None
    with lock:
        yield


def remove_leftovers(folder: Path, orphans: Callable[[], list[Path]] = _nothing) -> list[Path]:
    """Remove the abandoned temporary files in `folder`, and the files `orphans()` names, if no writer is busy there.

    Returns what was removed. It never fails: what cannot be removed now stays for the next time. A folder
    with nothing to remove is only listed (no lock file is made in it).
    """
    if not abandoned_temporaries(folder) and not orphans():
        return []
    removed = []
    with exclusive_if_free(folder / WRITERS_LOCK) as free:
        if not free:
            return []
        for path in (*abandoned_temporaries(folder), *orphans()):  # listed again: the lock is held now
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    if removed:
        sync_folder(folder)
    return removed
