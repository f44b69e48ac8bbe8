"""The installation key (`audit.key`) and everything keyed with it: traveller keys, pax keys, and the MACs
that seal the head file and the pending record.

Every keyed value is HMAC-SHA256 of one label and its parts, joined by a separator that no label contains.
Each use has its own label, so a value made for one use can never be passed off as another's: a pax key is
never a traveller key, and no traveller key or pax key is ever a valid head MAC.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import unicodedata
from datetime import date
from pathlib import Path
from typing import BinaryIO

from checkpoint.durable import PRIVATE, write_atomically
from checkpoint.errors import AuditError
from checkpoint.i18n import text

KEY_FILE_NAME = "audit.key"
KEY_BYTES = 32
#: Hex characters kept from the HMAC: 128 bits, ample against collisions among travellers.
TRAVELLER_KEY_HEX = 32

# One label per use (domain separation); a label's version is bumped if what it covers ever changes, so
# that old and new values can never be confused.
_KEY_SCHEME = "checkpoint-traveller-key-v1"
_PAX_SCHEME = "checkpoint-pax-key-v1"
# A separator that cannot survive normalisation, so that ("AB", "C") and ("A", "BC") never collide.
_SEP = "\x1f"

_NOT_PASSPORT_CHARACTER = re.compile(r"[^0-9A-Z]+")
# Any script's letters and digits survive, so a name written in another alphabet still yields a key.
_NOT_NAME_CHARACTER = re.compile(r"[\W_]+")


def traveller_key(
    key: bytes,
    *,
    passport_number: str | None,
    nationality: str | None,
    date_of_birth: date | None,
    full_name: str | None,
) -> str | None:
    """A 32-hex-character HMAC naming the traveller to key holders only; None when nothing identifies them."""
    passport = _normalise_passport(passport_number)
    dob = date_of_birth.isoformat() if date_of_birth else ""
    if passport:
        parts = [_KEY_SCHEME, "passport", passport, (nationality or "").strip().upper(), dob]
    else:
        name = _normalise_name(full_name)
        if not name:
            # An empty key would be shared by every unidentifiable row and falsely link them.
            return None
        parts = [_KEY_SCHEME, "name", name, dob]
    return keyed_digest(key, *parts)[:TRAVELLER_KEY_HEX]


def pax_key(key: bytes, pax_id: str) -> str:
    """The 32-hex-character HMAC the log records instead of a manifest's `pax_id` (which can carry personal
    data); `audit decide PAX_ID` finds a traveller's entries by computing it for the id given."""
    return keyed_digest(key, _PAX_SCHEME, pax_id.strip())[:TRAVELLER_KEY_HEX]


def keyed_digest(key: bytes, label: str, *parts: str) -> str:
    """HMAC-SHA256 (hex) of `label` and `parts` under the installation key; `label` names the use."""
    return hmac.new(key, _SEP.join((label, *parts)).encode("utf-8"), hashlib.sha256).hexdigest()


def load_key(path: Path) -> bytes:
    """Read the installation key at `path`, creating it (32 random bytes, mode 0600) on first use."""
    if not path.exists():
        _create_key(path)
    key = read_key(path)
    if key is None:  # removed between the two steps: not by checkpoint, which never removes it
        raise AuditError(text("audit.key.disappeared", path=path))
    return key


def read_key(path: Path) -> bytes | None:
    """The installation key at `path`, or None when there is none (never created here: for readers)."""
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise AuditError(text("audit.key.unreadable", path=path, reason=error.strerror)) from None
    if len(key) != KEY_BYTES:
        raise AuditError(text("audit.key.damaged", path=path, size=KEY_BYTES))
    return key


def _create_key(path: Path) -> None:
    """Write a fresh key (owner-only) that no reader sees half of; if another process wrote one meanwhile,
    theirs is kept and both use it."""

    def write(handle: BinaryIO) -> None:
        handle.write(secrets.token_bytes(KEY_BYTES))

    try:
        try:
            write_atomically(path, write, mode=PRIVATE, replace=False)
        except FileExistsError:
            return
        except OSError:
            # A filesystem without hard links (FAT, some network shares) cannot put a file in place only if
            # absent; the log's lock keeps other appends out, so replacing is safe enough there.
            if not path.exists():
                write_atomically(path, write, mode=PRIVATE)
    except OSError as error:
        raise AuditError(text("audit.key.cannot_create", path=path, reason=error.strerror)) from None


def _normalise_passport(value: str | None) -> str:
    """Upper-case letters and digits only, so `a 123-456` and the MRZ's `A123456<<` agree."""
    return _NOT_PASSPORT_CHARACTER.sub("", (value or "").upper())


def _normalise_name(value: str | None) -> str:
    """Accents dropped, upper case, every run of other characters a single space."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_NAME_CHARACTER.sub(" ", plain.upper()).split())
