"""Read a rule pack (a YAML file or a folder of them), collecting every problem before giving up.

Like a compiler, `read_pack` does not stop at the first mistake: a supervisor fixing a pack sees all of
them at once, each as `PATH:LINE:COL: CODE message`, with a did-you-mean where a name is misspelt. The
sections are read in the order they depend on each other: named lists, then rules (which name lists), then
the policy (which names rules).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

from checkpoint.engine.condition_reader import ConditionReader
from checkpoint.engine.document import Mark, Problem, Value, parse_document, read_pack_file
from checkpoint.engine.pack import ListEntry, NamedList, Rule, RulePack
from checkpoint.engine.policy_reader import read_policy
from checkpoint.engine.rule_reader import RuleReader
from checkpoint.engine.shapes import ShapeReader
from checkpoint.errors import ConfigError
from checkpoint.i18n import text

_TOP_KEYS = ("pack", "policy", "lists", "rules")
_LIST_KEYS = ("title", "source", "entries")
_ENTRY_KEYS = ("values", "from", "until")


def pack_files(path: Path) -> list[Path]:
    """The YAML files of a pack: the file itself, or every .yaml/.yml under the folder, sorted.

    Hidden files and folders (`.git`, editor backups, the `._x.yaml` files macOS leaves on USB sticks) are
    not part of a pack. Anything else named .yaml is, even when it is not a plain file (a FIFO, a link to a
    device or to nothing): reading it is refused with a problem, never skipped in silence. A subfolder with
    a `pack.yaml` of its own is another pack (the passport office's, `rules/passport-office/`), not part of this one.
    """
    if path.is_dir():
        return sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in (".yaml", ".yml")
            and not p.is_dir()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
            and not _in_nested_pack(p, path)
        )
    return [path]


def _in_nested_pack(file: Path, pack: Path) -> bool:
    """True when a folder between the pack's and the file's holds a `pack.yaml` of its own."""
    folder = file.parent
    while folder != pack and pack in folder.parents:
        if (folder / "pack.yaml").is_file():
            return True
        folder = folder.parent
    return False


def pack_hash(contents: Mapping[Path, bytes], pack: Path) -> str:
    """SHA-256 over every file's name (its path in the pack's folder) and bytes: what the audit log records.

    The bytes are those read and checked once (`read_pack_file`), never read again.
    """
    digest = hashlib.sha256()
    for file, data in contents.items():
        name = file.relative_to(pack).as_posix() if pack.is_dir() else file.name
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def read_pack(path: Path) -> tuple[RulePack | None, list[Problem]]:
    """Load and validate a pack; the pack is None when any problem was found."""
    shapes = ShapeReader()
    if not path.exists():
        shapes.error(Mark(str(path), 1, 1), "E001", text("engine.problem.no_pack"))
        return None, shapes.problems
    files = pack_files(path)
    if not files:
        shapes.error(Mark(str(path), 1, 1), "E001", text("engine.problem.no_files"))
        return None, shapes.problems
    sections: dict[str, list[Value]] = {key: [] for key in _TOP_KEYS}
    contents: dict[Path, bytes] = {}
    unread = False  # a file that could not be read: the sections it may hold are not reported missing
    for file in files:
        data = read_pack_file(file, shapes.problems)
        if data is None:
            unread = True
            continue
        contents[file] = data
        document = parse_document(data, file, shapes.problems)
        if document is None:
            unread = True
            continue
        top = shapes.mapping(document, text("engine.what.pack_file"), document.mark)
        if top is None:
            continue
        shapes.keys(top, _TOP_KEYS, (), text("engine.what.pack_file"))
        for key in _TOP_KEYS:
            if key in top.items:
                sections[key].append(top.items[key])
    meta = _single(shapes, sections["pack"], "pack", path, unread)
    policy_node = _single(shapes, sections["policy"], "policy", path, unread)
    list_nodes: dict[str, Value] = {}
    for node in sections["lists"]:
        body = shapes.mapping(node, "lists", node.mark)
        if body is None:
            continue
        for name, value in body.items.items():
            if name in list_nodes:
                shapes.error(body.key_marks[name], "E213", text("engine.problem.list_twice", name=name))
            list_nodes[name] = value
    lists = {name: named for name, node in list_nodes.items() if (named := _named_list(shapes, name, node))}
    # Conditions see the lists as written: one with a problem of its own is still known by its name.
    reader = RuleReader(shapes, ConditionReader(shapes, list_nodes))
    rules: list[Rule] = []
    for node in sections["rules"]:
        for item in shapes.items(node, "rules", node.mark):
            rule = reader.rule(item)
            if rule is not None:
                rules.append(rule)
    policy = read_policy(shapes, policy_node, reader.rule_ids) if policy_node is not None else None
    pack_name: str | None = None
    version: str | None = None
    if meta is not None and (body := shapes.mapping(meta, "pack", meta.mark)) is not None:
        shapes.keys(body, ("name", "version", "description"), ("name", "version"), "pack")
        pack_name = shapes.text(body.items.get("name"), "name", body.mark)
        version = shapes.text(body.items.get("version"), "version", body.mark)
    # In file and line order, as a compiler reports them (sorting is stable: same place, order found).
    shapes.problems.sort(key=lambda problem: (problem.mark.path, problem.mark.line, problem.mark.column))
    if shapes.problems or policy is None or pack_name is None or version is None:
        return None, shapes.problems
    return RulePack(pack_name, version, pack_hash(contents, path), policy, lists, tuple(rules)), shapes.problems


def _single(shapes: ShapeReader, nodes: list[Value], key: str, path: Path, unread: bool) -> Value | None:
    """The one node of a section the pack must hold once (written in any of its files; not reported missing
    when a file could not be read, since it may be there)."""
    if not nodes:
        if unread:
            return None
        shapes.error(Mark(str(path), 1, 1), "E102", text("engine.problem.section_missing", key=key))
        return None
    for extra in nodes[1:]:
        shapes.error(extra.mark, "E213", text("engine.problem.section_twice", key=key))
    return nodes[0]


def _named_list(shapes: ShapeReader, name: str, node: Value) -> NamedList | None:
    """A named list: its entries of values, each with the dates it is in force."""
    what = text("engine.what.named_list", name=name)
    body = shapes.mapping(node, what, node.mark)
    if body is None:
        return None
    shapes.keys(body, _LIST_KEYS, ("entries",), what)
    entries: list[ListEntry] = []
    for item in shapes.items(body.items.get("entries"), "entries", body.mark):
        entry = shapes.mapping(item, text("engine.what.list_entry"), item.mark)
        if entry is None:
            continue
        shapes.keys(entry, _ENTRY_KEYS, ("values",), text("engine.what.list_entry"))
        texts = [
            shapes.text(v, text("engine.what.list_value"), v.mark)
            for v in shapes.items(entry.items.get("values"), "values", entry.mark)
        ]
        start = shapes.day(entry.items.get("from"), "from", entry.mark)
        end = shapes.day(entry.items.get("until"), "until", entry.mark)
        if start and end and end <= start:
            shapes.error(
                entry.items["until"].mark, "E105", text("engine.problem.until_before_from", end=end, start=start)
            )
        entries.append(ListEntry(frozenset(t.casefold() for t in texts if t), start, end))
    title = shapes.text(body.items.get("title"), "title", body.mark) or name
    source = shapes.text(body.items.get("source"), "source", body.mark) or ""
    return NamedList(name, title, source, tuple(entries))


def load_pack(path: Path) -> RulePack:
    """A valid pack, or ConfigError naming the first problems (run `checkpoint rules check` for all)."""
    pack, problems = read_pack(path)
    if pack is None:
        shown = "; ".join(str(problem) for problem in problems[:3])
        more = text("engine.pack_invalid_more", count=len(problems) - 3) if len(problems) > 3 else ""
        raise ConfigError(text("engine.pack_invalid", path=path, shown=shown, more=more))
    return pack


def default_pack_path() -> Path:
    """The shipped default pack: inside the installed package, or `rules/` of a source checkout."""
    from importlib.resources import files

    packaged = Path(str(files("checkpoint").joinpath("_default_rules")))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "rules"
