"""A composed YAML document whose every value remembers its file, line and key path.

We validate the *node tree* (``yaml.compose``) instead of the constructed Python objects
because only nodes carry marks: every mistake can then be reported as
``policy.yaml:14: rules[2].when.finding: ...``. Unknown and duplicate keys are errors, not
warnings: a typo such as ``acton: hold`` must never silently turn a rule into a no-op.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection

import yaml
from yaml.constructor import SafeConstructor

from mailguard.core.errors import PolicyError

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


def compose(text: str, file: str) -> PolicyNode:
    """Parse YAML text into a tree of nodes; syntax errors become ``PolicyError``."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise PolicyError(file, line, "(syntax)", f"not valid YAML: {exc.problem}") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(file, None, "(syntax)", f"not valid YAML: {exc}") from exc
    except RecursionError as exc:
        raise PolicyError(file, None, "(syntax)", "nested too deeply") from exc
    if root is None:
        raise PolicyError(file, 1, "(top level)", "the policy file is empty")
    return PolicyNode(root, "", file)


class PolicyNode:
    """One YAML value with typed, self-reporting accessors."""

    __slots__ = ("file", "node", "path")

    def __init__(self, node: yaml.Node, path: str, file: str) -> None:
        self.node, self.path, self.file = node, path, file

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    @property
    def is_null(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.node.tag == _NULL

    def error(self, reason: str) -> PolicyError:
        return PolicyError(self.file, self.line, self.path or "(top level)", reason)

    def _child(self, node: yaml.Node, key: str | int) -> PolicyNode:
        if isinstance(key, int):
            return PolicyNode(node, f"{self.path}[{key}]", self.file)
        return PolicyNode(node, f"{self.path}.{key}" if self.path else key, self.file)

    def is_mapping(self) -> bool:
        return isinstance(self.node, yaml.MappingNode)

    def is_sequence(self) -> bool:
        return isinstance(self.node, yaml.SequenceNode)

    def items(self) -> list[tuple[str, PolicyNode]]:
        """A free-form mapping (group names, aliases): string keys, no duplicates."""
        if self.is_null:
            return []
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error("expected a mapping (key: value)")
        seen: set[str] = set()
        result: list[tuple[str, PolicyNode]] = []
        for key_node, value_node in self.node.value:
            key_at = PolicyNode(key_node, self.path, self.file)
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != _STR:
                raise key_at.error("keys must be plain strings")
            key = str(key_node.value)
            if key == "<<":
                raise key_at.error("YAML merge keys (<<) are not supported in policies")
            if key in seen:
                raise self._child(key_node, key).error("duplicate key")
            seen.add(key)
            result.append((key, self._child(value_node, key)))
        return result

    def mapping(
        self, allowed: Collection[str], required: Collection[str] = ()
    ) -> dict[str, PolicyNode]:
        """A mapping with a fixed set of keys; unknown keys are errors naming the closest one."""
        result: dict[str, PolicyNode] = {}
        for key, value in self.items():
            if key not in allowed:
                hint = difflib.get_close_matches(key, list(allowed), n=1)
                known = f"did you mean {hint[0]!r}?" if hint else f"known: {', '.join(allowed)}"
                raise value.error(f"unknown key {key!r} ({known})")
            result[key] = value
        for key in required:
            if key not in result:
                raise self.error(f"missing required key {key!r}")
        return result

    def sequence(self, *, allow_scalar: bool = False) -> list[PolicyNode]:
        if self.is_null:
            return []
        if allow_scalar and isinstance(self.node, yaml.ScalarNode):
            return [self]
        if not isinstance(self.node, yaml.SequenceNode):
            raise self.error("expected a list")
        return [self._child(item, index) for index, item in enumerate(self.node.value)]

    def string(self) -> str:
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag != _STR:
            raise self.error("expected a text value")
        value = str(self.node.value).strip()
        if not value:
            raise self.error("must not be empty")
        return value

    def integer(self, minimum: int) -> int:
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag != _INT:
            raise self.error("expected a whole number")
        value = SafeConstructor().construct_yaml_int(self.node)
        if value < minimum:
            raise self.error(f"must be at least {minimum}")
        return int(value)

    def boolean(self) -> bool:
        if not isinstance(self.node, yaml.ScalarNode) or self.node.tag != _BOOL:
            raise self.error("expected true or false")
        return bool(SafeConstructor().construct_yaml_bool(self.node))

    def choice(self, options: Collection[str]) -> str:
        value = self.string()
        if value not in options:
            raise self.error(f"{value!r} is not one of: {', '.join(options)}")
        return value

    def scalar_text(self) -> str | None:
        """The raw text of a scalar of any type (for durations like ``90`` or ``5m``)."""
        if isinstance(self.node, yaml.ScalarNode) and self.node.tag in (_STR, _INT):
            return str(self.node.value).strip()
        return None
