"""The ``context`` check: is every term read exactly as the signer's pinned contexts define it?

First the ``@context`` list itself: it starts with a VC base context (which appears only there),
every URL is pinned and available (``context.*``; a missing local copy with the network off is
``error``, "could not check"), and no inline context sets ``@base``. Then the term gate
(:class:`verifier.terms.TermGate`): a document whose terms are not spelled as those contexts
define them (a full or compact IRI, an alias, a node described twice, a protected term
redefined) is refused here, so every later check may read ``credential["validUntil"]`` and know
it reads what is signed. Such a document gets no later check at all (:func:`not_read`): they
would judge a different document than the signed one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..data_model import VC_V1, VC_V2
from ..errors import ContextError, VCError
from ..report import CheckResult, Status
from ..terms import UNREADABLE, TermGate
from .results import from_error, skipped

#: The checks that follow ``context`` in a credential's report.
CREDENTIAL_CHECKS = ("proof", "issuer", "validity", "status", "trust", "openbadges")


def check_context(document: Mapping[str, Any], load: Callable[[str], Mapping[str, Any]],
                  terms: TermGate, *, kind: str = "credential") -> CheckResult:
    """@context is present, starts with a VC base context, every URL is pinned (``load`` gets
    it), and every term is written as those contexts define it (``terms``)."""
    ctx = document.get("@context")
    if ctx is None:
        return CheckResult("context", Status.FAILED, "format.invalid_context",
                           f"the {kind} has no @context", "$.@context")
    items = ctx if isinstance(ctx, list) else [ctx]
    if not items or items[0] not in (VC_V1, VC_V2):
        return CheckResult("context", Status.FAILED, "format.invalid_context",
                           f"the first @context must be {VC_V2} or {VC_V1}", "$.@context[0]")
    for i, item in enumerate(items):
        where = f"$.@context[{i}]"
        if isinstance(item, str):
            try:
                load(item)
            except ContextError as exc:
                exc.path = exc.path or where
                return from_error("context", exc)
        elif isinstance(item, dict):
            if item.get("@base") is not None:
                return CheckResult("context", Status.FAILED, "jsonld.base_not_allowed",
                                   "an inline context sets @base; signed documents must not",
                                   where + ".@base")
        else:
            return CheckResult("context", Status.FAILED, "format.invalid_context",
                               "a @context entry must be a URL or an object", where)
    if VC_V1 in items[1:] or VC_V2 in items[1:]:
        return CheckResult("context", Status.FAILED, "format.invalid_context",
                           "the VC base context must appear only first", "$.@context")
    try:  # one reading: every check below reads the terms exactly as they are signed
        terms.check(document, skip=("verifiableCredential",) if kind == "presentation" else ())
    except VCError as exc:
        return from_error("context", exc)
    return CheckResult("context", Status.PASSED, None,
                       f"all {len(items)} contexts are pinned and available, and every term "
                       "is written as they define it")


def unreadable(context: CheckResult) -> bool:
    """Whether ``context`` refused the document's spelling, so nothing after it may be judged."""
    return context.code in UNREADABLE


def not_read(rest: tuple[str, ...] = CREDENTIAL_CHECKS) -> tuple[CheckResult, ...]:
    """The checks in ``rest``, each skipped because the document cannot be read as it is signed."""
    why = "not checked: the document is not written the way its contexts define, so what it " \
          "says cannot be read as it is signed"
    return tuple(skipped(name, why) for name in rest)
