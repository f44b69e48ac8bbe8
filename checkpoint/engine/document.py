"""Safe YAML for rule packs: positions kept, nothing executed, nothing guessed.

The file is only *composed* (parsed to nodes), never constructed, so no tag can run code. Every scalar
stays the text the supervisor wrote: the rule engine types it by the field it is compared with, so `NO`
(Norway) and `012345` stay strings and a score must be a whole number. Duplicate keys, explicit tags,
anchors and aliases (a "billion laughs" vector) are errors, reported with their line and column.

Only a plain file is read (a device, a FIFO or a link to one is refused before it is opened), and at most
one byte more than the size limit, whatever size the file claims. Nesting is limited too (limits.csv): the
parser and every reader after it recurse once per level, so a file nested thousands deep would exhaust the
stack instead of getting an answer.

Parsing is slow (the pure-Python parser; libyaml is faster but reads some broken files differently), so a
file that parsed without a problem is kept, as its plain tree, under `$CHECKPOINT_HOME/cache/packs/` by the
SHA-256 of its bytes: the next run reads the same tree back, and any change to the file is a new key,
parsed afresh. Only a tree that passed every check of this module is kept, and a tree read back is checked
against the nesting limit again. The cache is safe to delete. (What parsing costs: benchmarks/README.md.)
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from checkpoint import i18n
from checkpoint.cachefile import write_cache_file
from checkpoint.engine.limits import pack_limit
from checkpoint.engine.syntax import explain

if TYPE_CHECKING:
    from ruamel.yaml.error import MarkedYAMLError
    from ruamel.yaml.nodes import Node

# ruamel.yaml is imported only to parse a file the cache does not hold: its import is a cost on every start.

#: The only tags a pack may carry: those YAML resolves by itself.
_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}
_NULLS = {"", "~", "null", "Null", "NULL"}


@dataclass(frozen=True, slots=True)
class Mark:
    """A place in a pack file (1-based line and column)."""

    path: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Scalar:
    """A scalar as written; `text` is None for a YAML null."""

    text: str | None
    mark: Mark
    quoted: bool = False


@dataclass(frozen=True)
class Seq:
    """A YAML sequence with its position."""

    items: tuple[Value, ...]
    mark: Mark


@dataclass(frozen=True)
class Map:
    """A YAML mapping with string keys, in file order; `key_marks` says where each key was written."""

    items: dict[str, Value]
    mark: Mark
    key_marks: dict[str, Mark] = field(default_factory=dict)


Value = Scalar | Seq | Map


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a pack, printed as `PATH:LINE:COL: CODE message`."""

    mark: Mark
    code: str
    message: str
    #: What the tool it comes from said, when the message puts it in plain words (the YAML parser's own text).
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.mark}: {self.code} {self.message}"


def load_document(path: Path, problems: list[Problem]) -> Value | None:
    """Read and parse one pack file; append any problem and return None when it cannot be used at all."""
    data = read_pack_file(path, problems)
    return None if data is None else parse_document(data, path, problems)


def read_pack_file(path: Path, problems: list[Problem]) -> bytes | None:
    """The bytes of a pack file, or None (with the problem appended) when it is not a plain file or too large.

    The kind of file is checked before it is opened (opening a FIFO waits for a writer, reading a device never
    ends), and again on the file opened, in case it was swapped meanwhile; the size is checked on what is read.
    """
    where = Mark(str(path), 1, 1)
    limit = pack_limit("file_bytes")
    try:
        kind = _kind(os.stat(path).st_mode)  # follows links: a link to a device is a device
        if kind is None:
            # O_NONBLOCK: should the path have become a FIFO since, opening it must not wait for a writer.
            descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
            with os.fdopen(descriptor, "rb") as handle:
                kind = _kind(os.fstat(handle.fileno()).st_mode)
                data = handle.read(limit + 1) if kind is None else b""
    except OSError as error:
        problems.append(Problem(where, "E001", i18n.text("engine.problem.cannot_read", reason=error.strerror)))
        return None
    if kind is not None:
        message = i18n.text("engine.problem.not_a_file", kind=i18n.text(f"engine.problem.kind.{kind}"))
        problems.append(Problem(where, "E001", message))
        return None
    if len(data) > limit:
        problems.append(Problem(where, "E001", i18n.text("engine.problem.too_large", kilobytes=limit // 1024)))
        return None
    return data


def _kind(mode: int) -> str | None:
    """What a path is when it is not a regular file, as a key of `engine.problem.kind` (None when it is one)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "fifo"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special"


def parse_document(data: bytes, path: Path, problems: list[Problem]) -> Value | None:
    """Parse the bytes of one pack file (read by `read_pack_file`); None when they cannot be used at all."""
    where = Mark(str(path), 1, 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start]
        at = Mark(str(path), before.count(b"\n") + 1, error.start - (before.rfind(b"\n") + 1) + 1)
        problems.append(Problem(at, "E001", i18n.text("engine.problem.not_utf8")))
        return None
    cached = _cached(data, str(path))
    if cached is not None:
        return cached
    from ruamel.yaml import YAML
    from ruamel.yaml.composer import MaxDepthExceededError
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.nodes import ScalarNode

    levels = pack_limit("nesting_levels")
    yaml = YAML(typ="safe", pure=True)
    yaml.max_depth = levels  # the composer stops there, before its recursion can exhaust the stack
    try:
        node = yaml.compose(text)
    except MaxDepthExceededError as error:
        mark = error.problem_mark
        at = Mark(str(path), mark.line + 1, mark.column + 1) if mark else where
        message = i18n.text("engine.problem.too_deep", levels=levels)
        problems.append(Problem(at, "E008", message))
        return None
    except MarkedYAMLError as error:
        explained = explain(error, text)
        at = Mark(str(path), explained.line, explained.column)
        problems.append(Problem(at, "E002", explained.message, _parser_words(error)))
        return None
    except YAMLError as error:
        problems.append(Problem(where, "E002", i18n.text("engine.problem.syntax_unknown", error=type(error).__name__)))
        return None
    if node is None or (isinstance(node, ScalarNode) and node.tag == "tag:yaml.org,2002:null"):
        problems.append(Problem(where, "E003", i18n.text("engine.problem.empty")))
        return None
    found: list[Problem] = []
    value = _convert(node, str(path), found)
    if any(problem.code == "E004" for problem in found):
        # Composing shares an anchored node with its aliases, so the aliases' own places come from the events.
        found = [problem for problem in found if problem.code != "E004"] + _shared_nodes(text, str(path))
    problems.extend(found)
    if not found and value is not None:
        _remember(data, value)
    return value


#: Bump when the cached tree's shape, or what a tree must pass to be kept, changes (2: the nesting limit).
_CACHE_VERSION = 2


def _cache_file(data: bytes) -> Path:
    from checkpoint.home import pack_cache_dir

    digest = hashlib.sha256(data).hexdigest()
    return pack_cache_dir() / f"{digest[:40]}.v{_CACHE_VERSION}.json"


def _cached(data: bytes, path: str) -> Value | None:
    """The tree of a file with these bytes parsed before without problems, if the cache has it."""
    try:
        plain = json.loads(_cache_file(data).read_text(encoding="utf-8"))
        return _from_plain(plain, path, pack_limit("nesting_levels"))
    except (OSError, ValueError, KeyError, TypeError, IndexError, RecursionError):
        return None  # no entry, or one that cannot be trusted: parse the file


def _remember(data: bytes, value: Value) -> None:
    """Keep a problem-free tree for the next run (written atomically; a failure only costs time)."""
    write_cache_file(_cache_file(data), json.dumps(_to_plain(value), separators=(",", ":")))


def _to_plain(value: Value) -> list[Any]:
    """A tree as JSON-ready lists: [kind, line, column, ...] (the file's path is added back on reading)."""
    mark = [value.mark.line, value.mark.column]
    if isinstance(value, Scalar):
        return ["s", *mark, value.text, value.quoted]
    if isinstance(value, Seq):
        return ["q", *mark, [_to_plain(item) for item in value.items]]
    keys = [[key, value.key_marks[key].line, value.key_marks[key].column] for key in value.key_marks]
    return ["m", *mark, keys, [[key, _to_plain(item)] for key, item in value.items.items()]]


def _from_plain(plain: list[Any], path: str, levels: int) -> Value:
    """A tree from its JSON form; ValueError when it is nested deeper than `levels` (the parser's limit)."""
    if levels < 1:
        raise ValueError("nested deeper than a pack may be")
    kind, line, column = plain[0], int(plain[1]), int(plain[2])
    mark = Mark(path, line, column)
    if kind == "s":
        text = plain[3]
        if text is not None and not isinstance(text, str):
            raise TypeError("scalar text")
        return Scalar(text, mark, bool(plain[4]))
    if kind == "q":
        return Seq(tuple(_from_plain(item, path, levels - 1) for item in plain[3]), mark)
    if kind == "m":
        key_marks = {str(key): Mark(path, int(at_line), int(at_column)) for key, at_line, at_column in plain[3]}
        items = {str(key): _from_plain(item, path, levels - 1) for key, item in plain[4]}
        return Map(items, mark, key_marks)
    raise ValueError(f"unknown node kind {kind!r}")


def _parser_words(error: MarkedYAMLError) -> str:
    """The parser's own description of a syntax error, on one line (kept beside the plain sentence)."""
    parts = (error.context, error.problem)
    return "; ".join(" ".join(str(part).split()) for part in parts if part)


def _shared_nodes(text: str, path: str) -> list[Problem]:
    """One E004 for every anchor (&) and every alias (*) in a document, at its own place."""
    from ruamel.yaml import YAML
    from ruamel.yaml.events import AliasEvent

    found: list[Problem] = []
    for event in YAML(typ="safe", pure=True).parse(text):
        mark = Mark(path, event.start_mark.line + 1, event.start_mark.column + 1)
        if isinstance(event, AliasEvent):
            found.append(Problem(mark, "E004", i18n.text("engine.problem.alias", name=event.anchor)))
        elif getattr(event, "anchor", None):
            found.append(Problem(mark, "E004", i18n.text("engine.problem.anchor", name=event.anchor)))
    return found


def _mark(node: Node, path: str) -> Mark:
    return Mark(path, node.start_mark.line + 1, node.start_mark.column + 1)


def _convert(node: Node, path: str, problems: list[Problem]) -> Value | None:
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode

    mark = _mark(node, path)
    if getattr(node, "anchor", None):
        problems.append(Problem(mark, "E004", i18n.text("engine.problem.anchors")))
        return None
    if node.tag not in _PLAIN_TAGS:
        problems.append(Problem(mark, "E005", i18n.text("engine.problem.tag", tag=repr(node.tag))))
        return None
    if isinstance(node, ScalarNode):
        quoted = node.style in ("'", '"')
        text = None if (not quoted and node.value in _NULLS) else str(node.value)
        return Scalar(text, mark, quoted)
    if isinstance(node, SequenceNode):
        items = [_convert(child, path, problems) for child in node.value]
        return Seq(tuple(item for item in items if item is not None), mark)
    if isinstance(node, MappingNode):
        result = Map({}, mark, {})
        for key_node, value_node in node.value:
            key_mark = _mark(key_node, path)
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                problems.append(Problem(key_mark, "E006", i18n.text("engine.problem.plain_key")))
                continue
            key = str(key_node.value)
            if key in result.items or key in result.key_marks:
                first = result.key_marks[key]
                message = i18n.text("engine.syntax.duplicate_key", key=key, first_line=first.line)
                problems.append(Problem(key_mark, "E007", message))
                continue
            result.key_marks[key] = key_mark
            value = _convert(value_node, path, problems)
            if value is not None:
                result.items[key] = value
        return result
    problems.append(Problem(mark, "E005", i18n.text("engine.problem.unsupported_node")))
    return None
