"""Claim paths: how the issuer, the holder and the report name one claim inside an SD-JWT.

One short text form is shared by the issuing tools, the holder's ``--disclose`` option, the
TUI's checkbox tree and the verifier's report, so that "what the holder chose" and "what the
verifier says was disclosed" can be compared as plain strings:

- ``credentialSubject.name``: object members joined by dots;
- ``evidence[2]``: an array element, by its position in the issuer's array (the *slot*). The
  verifier reports slots too, so ``evidence[2]`` stays ``evidence[2]`` even when elements 0 and
  1 were not disclosed and the verifier's reconstructed array has only one element;
- ``["name with.dots"]``: any member name that is not a plain identifier, as a JSON string;
- ``*`` (``.*`` or ``[*]``) matches any one member or element, and a final ``**`` matches the
  claim and everything inside it. Wildcards are for selecting; reported paths never have them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from functools import lru_cache

from ..errors import VCError

#: A parsed path: member names (``str``) and array slots (``int``); wildcards ``"*"``/``"**"``.
Segment = str | int
ClaimPath = tuple[Segment, ...]

WILDCARD = "*"
SUBTREE = "**"
MAX_PATH_CHARS = 1024

_BARE = re.compile(r"[A-Za-z_@$][A-Za-z0-9_@$#:+-]*")
_TOKEN = re.compile(
    r'\.(?P<name>[^.\[\]"\s]+)'          # .name (or .* / .**)
    r'|\[(?P<index>[0-9]{1,9}|\*)\]'       # [3] or [*]
    r'|\[(?P<quoted>"(?:[^"\\]|\\.)*")\]'  # ["any name"]
)


class _Wild(str):
    """Marks a ``*``/``**`` segment so that a member literally named ``*`` stays distinct."""

    __slots__ = ()


ANY = _Wild(WILDCARD)
ALL_BELOW = _Wild(SUBTREE)


def _bad(text: str, why: str) -> VCError:
    return VCError("sdjwt.unknown_path", f"{text[:120]!r} is not a claim path: {why}",
                   details={"path": text[:200]})


def parse_path(text: str, *, allow_wildcards: bool = False) -> ClaimPath:
    """``"credentialSubject.result[0]"`` → ``("credentialSubject", "result", 0)``.

    A leading ``$`` or ``$.`` is accepted. Raises ``sdjwt.unknown_path`` for malformed text,
    and for wildcards unless ``allow_wildcards``.
    """
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_PATH_CHARS:
        raise _bad(str(text), "empty or too long")
    segments = _parse(text)
    if not allow_wildcards and has_wildcards(segments):
        raise _bad(text, "wildcards are not allowed here")
    return segments


@lru_cache(maxsize=2048)
def _parse(text: str) -> ClaimPath:
    body = text.strip()
    if body.startswith("$"):
        body = body[1:]
    if body and body[0] not in ".[":
        body = "." + body
    segments: list[Segment] = []
    pos = 0
    while pos < len(body):
        match = _TOKEN.match(body, pos)
        if match is None:
            raise _bad(text, f"unexpected text at character {pos}")
        pos = match.end()
        if match.group("name") is not None:
            name = match.group("name")
            if name in (WILDCARD, SUBTREE):
                segments.append(ANY if name == WILDCARD else ALL_BELOW)
            elif "*" in name:
                raise _bad(text, "a wildcard must be a whole segment")
            else:
                segments.append(name)
        elif match.group("index") is not None:
            index = match.group("index")
            segments.append(ANY if index == WILDCARD else int(index))
        else:
            segments.append(str(json.loads(match.group("quoted"))))
    if not segments:
        raise _bad(text, "no segments")
    below = [i for i, s in enumerate(segments) if s is ALL_BELOW]
    if below and below != [len(segments) - 1]:
        raise _bad(text, "** may only end a path")
    return tuple(segments)


@lru_cache(maxsize=4096)
def _member(name: str) -> str:
    return f".{name}" if _BARE.fullmatch(name) else f"[{json.dumps(name, ensure_ascii=False)}]"


def format_path(path: Iterable[Segment]) -> str:
    """The text form of a path (the inverse of :func:`parse_path`)."""
    out: list[str] = []
    for segment in path:
        if isinstance(segment, _Wild):
            out.append(f".{segment}")
        elif isinstance(segment, int):
            out.append(f"[{segment}]")
        else:
            out.append(_member(str(segment)))
    text = "".join(out)
    return text[1:] if text.startswith(".") else text


def has_wildcards(path: ClaimPath) -> bool:
    """Whether ``path`` has a ``*`` or ``**`` segment."""
    return any(isinstance(segment, _Wild) for segment in path)


def matches(pattern: ClaimPath, path: ClaimPath) -> bool:
    """Whether ``path`` (no wildcards) is selected by ``pattern`` (``*``/``**`` allowed)."""
    for i, want in enumerate(pattern):
        if want is ALL_BELOW:
            return True
        if i >= len(path):
            return False
        if want is ANY:
            continue
        got = path[i]
        if type(want) is not type(got) or want != got:
            return False
    return len(path) == len(pattern)


def is_prefix(prefix: ClaimPath, path: ClaimPath) -> bool:
    """``prefix`` names ``path`` or one of its containers (no wildcards)."""
    return len(prefix) <= len(path) and all(
        type(a) is type(b) and a == b for a, b in zip(prefix, path, strict=False))
