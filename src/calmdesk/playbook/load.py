"""Reading a playbook from YAML: a default key (``pl``, ``ru``, ``en``) or a file.

Every problem becomes a :class:`PlaybookError` naming the file, the YAML path and what is
wrong, e.g. ``acme.yaml: categories[2].kpi.first_response: a duration must be longer than
zero``. All problems found are reported, one per line.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from calmdesk.errors import CalmDeskError
from calmdesk.languages import LANGUAGES
from calmdesk.playbook.checks import Problem
from calmdesk.playbook.schema import Playbook

# Each language has a default playbook, named by its code.
DEFAULT_KEYS = LANGUAGES
ModelT = TypeVar("ModelT", bound=BaseModel)


class PlaybookError(CalmDeskError):
    """A playbook that cannot be used; ``problems`` lists each ``{path, problem}``."""

    code = "invalid_playbook"
    http_status = 422


def load_playbook(source: str | Path) -> Playbook:
    """The playbook for a default key (``"pl"``) or a path to a YAML file."""
    if isinstance(source, str) and source in DEFAULT_KEYS:
        return default_playbook(source)
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as error:
        keys = ", ".join(DEFAULT_KEYS)
        raise PlaybookError(
            f"{path}: no such file (a playbook is a YAML file or one of the defaults: {keys})",
            file=str(path),
        ) from error
    except (OSError, UnicodeDecodeError) as error:
        raise PlaybookError(f"{path}: cannot be read ({error})", file=str(path)) from error
    return parse_playbook(text, name=str(path))


@lru_cache(maxsize=len(DEFAULT_KEYS))
def default_playbook(key: str) -> Playbook:
    """One of the shipped playbooks, loaded once per process."""
    if key not in DEFAULT_KEYS:
        raise PlaybookError(
            f"unknown default playbook {key!r}; choose one of {', '.join(DEFAULT_KEYS)}",
            file=key,
        )
    text = resources.files("calmdesk.playbook").joinpath(f"defaults/{key}.yaml")
    return parse_playbook(text.read_text(encoding="utf-8"), name=f"defaults/{key}.yaml")


def parse_playbook(text: str, *, name: str = "<playbook>") -> Playbook:
    """Parse YAML ``text``; ``name`` is how errors refer to the file."""
    document = _parse_yaml(text, name)
    if not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "an empty document"
        raise PlaybookError(
            f"{name}: the playbook must be a YAML mapping (key: value), not {kind}",
            file=name,
            problems=[{"path": "", "problem": "not a mapping"}],
        )
    return validated(Playbook, document, name=name, error=PlaybookError)


def validated(
    model: type[ModelT], document: object, *, name: str, error: type[CalmDeskError]
) -> ModelT:
    """``document`` as ``model``, or ``error`` naming the file ``name`` and, one line each, the
    YAML path and the problem of everything wrong (``problems``: the same as data)."""
    try:
        return model.model_validate(document)
    except ValidationError as failure:
        found = validation_problems(failure)
        raise error(
            "\n".join(f"{name}: {p}" for p in found),
            file=name,
            problems=[p._asdict() for p in found],
        ) from None


def validation_problems(error: ValidationError) -> list[Problem]:
    """Pydantic's errors as YAML paths and readable problems."""
    found: list[Problem] = []
    for item in error.errors():
        context = item.get("ctx") or {}
        if item["type"] == "playbook_inconsistent":
            found.extend(context["problems"])
            continue
        loc = list(item["loc"])
        if item["type"] == "extra_forbidden":
            found.append(Problem(yaml_path(loc[:-1]), f"unknown key {loc[-1]!r}"))
            continue
        if item["type"] == "missing":
            found.append(Problem(yaml_path(loc[:-1]), f"missing required key {loc[-1]!r}"))
            continue
        message = str(item["msg"]).removeprefix("Value error, ")
        if "[key]" in loc:
            loc = loc[: loc.index("[key]")]
            message = f"unknown key: {message}"
        found.append(Problem(yaml_path(loc), message))
    return found


def yaml_path(loc: list[Any]) -> str:
    """``["categories", 2, "kpi"]`` -> ``categories[2].kpi``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


# libyaml's parser when PyYAML was built with it (ten times faster), else the pure-Python one.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """A safe loader that refuses a key repeated in one mapping (YAML keeps the last)."""


def _mapping_without_duplicates(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    seen: dict[Any, yaml.Node] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen[key] = key_node
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=True)
    return mapping


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    _mapping_without_duplicates,
)


def _parse_yaml(text: str, name: str) -> Any:
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = error.problem or str(error)
        raise PlaybookError(
            f"{name}: {where}: {problem}",
            file=name,
            problems=[{"path": where, "problem": problem}],
        ) from None
    except yaml.YAMLError as error:
        raise PlaybookError(f"{name}: not valid YAML ({error})", file=name) from None
