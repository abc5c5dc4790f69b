"""Why a process refuses something: structured reasons, not sentences.

A reason is a message key and its parameters. Each feature (certification, admission)
subclasses :class:`Reason` with its own :data:`ENGLISH`-style catalogue (key → English
template for ``str.format``) and the error its reasons raise; the web layer translates
the key (zh-CN first, English) through its Babel catalogue, the services and the command
line use the English sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

__all__ = ["Reason"]


@dataclass(frozen=True)
class Reason:
    """Why: a message key of the feature's catalogue and the values its template names."""

    #: The feature's catalogue: key → English template.
    CATALOGUE: ClassVar[Mapping[str, str]] = {}

    key: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def english(self) -> str:
        return self.CATALOGUE[self.key].format(**self.params)
