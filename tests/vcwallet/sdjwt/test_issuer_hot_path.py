"""The issuer's shortcuts: the pattern trie chooses exactly what the general walk chooses, and
salts and decoys drawn in bulk are what was asked for.

The issuer applies the same patterns to every badge, so patterns without ``**`` go through a
trie built once (:func:`vcwallet.sdjwt_issuer._trie_walk`); the general walk (:func:`_walk`)
stays for ``**``. Both must choose the same paths and mark the same patterns as used.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from vcwallet.sdjwt_issuer import OB3_DISCLOSABLE, _Entropy, _trie_of, _trie_walk, _walk, select_paths
from verifier.sdjwt.paths import ClaimPath, parse_path

_NAMES = st.sampled_from(["a", "b", "c", "result", "value"])
_CLAIMS = st.recursive(
    st.integers(0, 3) | st.text(max_size=2),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_NAMES, inner, max_size=4),
    max_leaves=14,
)
_SEGMENT = st.sampled_from(["a", "b", "c", "result", "value", "*", "[0]", "[1]", "[*]"])
_PATTERN = st.lists(_SEGMENT, min_size=1, max_size=4).map(
    lambda segments: "".join(s if s.startswith("[") else f".{s}" for s in segments).lstrip("."))


def _both(claims: dict[str, Any], texts: list[str]) -> tuple[Any, Any]:
    parsed = [parse_path(text, allow_wildcards=True) for text in texts]
    general: tuple[set[ClaimPath], set[int]] = (set(), set())
    _walk(claims, (), [(n, p, 0) for n, p in enumerate(parsed)], *general)
    fast: tuple[set[ClaimPath], set[int]] = (set(), set())
    _trie_walk(claims, (), _trie_of(tuple(parsed)), *fast)
    return general, fast


@given(st.dictionaries(_NAMES, _CLAIMS, max_size=4), st.lists(_PATTERN, min_size=1, max_size=5))
def test_trie_and_walk_agree(claims: dict[str, Any], texts: list[str]) -> None:
    general, fast = _both(claims, [t for t in texts if not t.startswith("[")])
    assert fast == general


def test_default_patterns_on_a_badge() -> None:
    badge = {"credentialSubject": {"name": "Dana", "result": [{"value": "96"}, {"value": "A"}],
                                   "achievement": {"alignment": [{"targetName": "x"}]}},
             "evidence": [{"id": "e1"}], "awardedDate": "2025-01-15T00:00:00Z"}
    general, fast = _both(badge, list(OB3_DISCLOSABLE))
    assert fast == general
    assert ("credentialSubject", "result", 1, "value") in fast[0]
    assert select_paths(badge, OB3_DISCLOSABLE, skip_missing=True) == fast[0]


def test_nothing_chosen_when_no_pattern_matches() -> None:
    general, fast = _both({"x": 1}, ["credentialSubject.name"])
    assert fast == general == (set(), set())


def test_bulk_randomness_gives_what_was_asked() -> None:
    entropy = _Entropy()
    chunks = [entropy.take(16) for _ in range(100)]  # more than one refill
    assert all(len(chunk) == 16 for chunk in chunks)
    assert len(set(chunks)) == len(chunks)
    assert len(entropy.take(_Entropy.REFILL + 1)) == _Entropy.REFILL + 1
    draws = {entropy.below(3) for _ in range(300)}
    assert draws == {0, 1, 2}
