"""Load schoolwatch.yaml and turn every problem into one error naming file, line and field.

PyYAML's composed node tree keeps each key's line; pydantic gives each error a path
(`schools.0.staff.1.name`). Walking the path through the node tree finds the line.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from config.schema import Config

ENV_VAR = "SCHOOLWATCH_CONFIG"
DEFAULT_NAME = "schoolwatch.yaml"


class ConfigError(Exception):
    """A config problem; `str()` is one or more lines `FILE:LINE: FIELD: what was expected`."""

    def __init__(self, problems: Sequence[tuple[str, int | None, str, str]]):
        self.problems = list(problems)  # (file, line, field, message)
        super().__init__("\n".join(self._fmt(p) for p in self.problems))

    @staticmethod
    def _fmt(p: tuple[str, int | None, str, str]) -> str:
        file, line, fld, msg = p
        where = f"{file}:{line}" if line else file
        return f"{where}: {fld}: {msg}" if fld else f"{where}: {msg}"


def default_config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """--config, else $SCHOOLWATCH_CONFIG, else ./schoolwatch.yaml (DESIGN.md)."""
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path(DEFAULT_NAME)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    p = default_config_path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(
            [(str(p), None, "", "no such config file (write one with `schoolwatch init`)")]
        ) from None
    except OSError as e:
        raise ConfigError([(str(p), None, "", f"cannot read: {e}")]) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise ConfigError(
            [(str(p), line, "", f"not UTF-8 text (byte {data[e.start]:#04x}): save it as UTF-8")]
        ) from None
    return load_config_text(text, name=str(p), base_dir=p.resolve().parent)


def load_config_text(text: str, name: str = "<config>", base_dir: Path | None = None) -> Config:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as e:
        # At end of file (an unclosed quote or bracket) the start of the construct is the
        # useful place to point at, not the line after the last one.
        last_line = text.count("\n")
        mark = e.problem_mark
        if e.context_mark is not None and (mark is None or mark.line >= last_line):
            mark = e.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError([(name, line, "", f"not valid YAML: {e.problem or e}")]) from None
    except yaml.reader.ReaderError as e:  # a control character such as NUL: no mark, a position
        line = text[: e.position].count("\n") + 1
        raise ConfigError(
            [(name, line, "", f"not valid YAML: character {e.character:#06x} is not allowed")]
        ) from None
    except yaml.YAMLError as e:
        raise ConfigError([(name, None, "", f"not valid YAML: {e}")]) from None
    if data is None:
        raise ConfigError([(name, 1, "", "the file is empty; expected at least `schools:`")])
    if not isinstance(data, dict):
        line = root.start_mark.line + 1 if root is not None else 1
        raise ConfigError([(name, line, "", "expected a mapping of settings at the top level")])
    try:
        cfg = Config.model_validate(data)
    except ValidationError as e:
        problems = []
        for err in e.errors():
            loc = tuple(err["loc"])
            problems.append((name, _line_of(root, loc), _dotted(loc), _message(err)))
        raise ConfigError(problems) from None
    cfg.base_dir = base_dir or Path.cwd()
    cfg.path = Path(name) if base_dir else None
    return cfg


def _dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "literal[")):
            continue  # pydantic's internal union/validator step names mean nothing to an admin
        else:
            out += ("." if out else "") + str(part)
    return out


def _message(err: Any) -> str:
    kind = err.get("type", "")
    msg = str(err.get("msg", ""))
    if kind == "extra_forbidden":
        return (
            "unknown key (check the spelling; `schoolwatch init` writes every key with a comment)"
        )
    if kind == "missing":
        return "required but missing"
    if kind == "string_type" and isinstance(err.get("input"), bool):
        return (
            "expected text, but YAML read a yes/no word (yes, no, on, off) as true/false: quote it"
        )
    if kind == "too_short":
        return f"expected at least {err.get('ctx', {}).get('min_length', 1)} entry, got none"
    if msg.startswith("Input should be "):
        return "expected " + msg[len("Input should be ") :]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg


def _line_of(node: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest node on `loc` that exists (a missing key: its parent)."""
    line = node.start_mark.line + 1 if node is not None else None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == part:
                    line = k.start_mark.line + 1
                    node = v
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if part >= len(node.value):
                return line
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line
    return line
