"""Reading a policy's YAML strictly: the subset of YAML a policy needs, and nothing that can hurt.

A policy is a small tree of mappings, lists and scalars. Anything beyond that is refused with
the line it is on: aliases and anchors (an alias bomb expands a few lines into gigabytes),
duplicate keys (YAML keeps the last one silently, so `k: 5` could be overridden further down),
nesting deeper than any policy needs (Python's recursion would give out first), and files that
are not UTF-8 text.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent, CollectionStartEvent, ScalarEvent
from yaml.nodes import MappingNode, Node

MAX_DEPTH = 12
MAX_BYTES = 1_000_000


class StrictYamlError(ValueError):
    """What is wrong, and where (`at line 3, column 5`)."""


class _StrictLoader(yaml.SafeLoader):
    depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            raise StrictYamlError(f"aliases (*{event.anchor}) are not allowed{_where(event)}")
        if isinstance(event, ScalarEvent | CollectionStartEvent) and event.anchor is not None:
            raise StrictYamlError(f"anchors (&{event.anchor}) are not allowed{_where(event)}")
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise StrictYamlError(f"nested deeper than {MAX_DEPTH} levels{_where(event)}")
        try:
            return Composer.compose_node(self, parent, index)
        finally:
            self.depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool) and key is not None:
                raise StrictYamlError(f"a key must be plain text{_where(key_node)}")
            if key in seen:
                raise StrictYamlError(f"duplicate key '{key}'{_where(key_node)}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def _where(item: Any) -> str:
    mark = getattr(item, "start_mark", None)
    return f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""


def load_strict_yaml(data: bytes) -> Any:
    """The document in `data`, or StrictYamlError saying why not.

    >>> load_strict_yaml(b"a: 1\\nb: [x, y]\\n")
    {'a': 1, 'b': ['x', 'y']}
    >>> load_strict_yaml(b"a: 1\\na: 2\\n")
    Traceback (most recent call last):
    ...
    anonymization_pipeline.core.policy.strict_yaml.StrictYamlError: duplicate key 'a' at line 2, column 1
    """
    if len(data) > MAX_BYTES:
        raise StrictYamlError(f"larger than {MAX_BYTES:,} bytes, far more than a policy needs")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise StrictYamlError(f"not UTF-8 text (byte {error.start + 1} is not valid UTF-8)") from None
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise StrictYamlError(f"not valid YAML{where}") from None
    except RecursionError:
        raise StrictYamlError(f"nested deeper than {MAX_DEPTH} levels") from None
