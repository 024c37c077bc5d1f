""""Could not check" is never shown as "invalid": a context with no local copy (offline), an
unreachable DID document or status list make their check ``error``; the report is not
verified, and the CLI, the wallet and its list say "could not check" with the fix. A context
that is refused (not pinned, a digest mismatch) stays ``failed``: that is a verdict.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import INTEROP
from tests.verifier.attacks.robustness_helpers import (
    ISSUER_KEY,
    VC_V2,
    badge,
    codes,
    contexts,
    sign,
    verifier,
)
from verifier import assembly
from verifier.contexts import ContextStore
from verifier.fetch import StaticFetcher
from verifier.rendering import could_not_check, render_text
from verifier.status import MIN_BITS, Bitstring

pytestmark = pytest.mark.skipif(not INTEROP.is_dir(), reason="../shared/interop is not beside this checkout")

WEB_ISSUER = "did:web:unreachable.example"
WEB_DOC = "https://unreachable.example/.well-known/did.json"
LIST_URL = "https://status.example/lists/1"


@pytest.fixture(scope="module")
def good() -> dict[str, Any]:
    return sign(badge())


def _offline_store(tmp_path: Path) -> ContextStore:
    return ContextStore(directories=[], cache_dir=tmp_path / "empty-cache", allow_network=False)


# -- contexts ----------------------------------------------------------------------------------

def test_missing_context_offline_is_could_not_check(good: Any, tmp_path: Path) -> None:
    report = verifier(store=_offline_store(tmp_path)).verify_credential(good)
    assert codes(report)["context"] == ("error", "context.not_found")
    assert "failed" not in {c.status.value for c in report.checks}
    assert not report.verified and could_not_check(report)
    text = render_text(report)
    assert "NOT VERIFIED — COULD NOT CHECK" in text and "vcwallet contexts fetch" in text
    assert "--contexts DIR" in text
    # twin: the same badge with its contexts verifies
    assert verifier().verify_credential(good).verified


def test_refused_context_stays_failed(tmp_path: Path) -> None:
    unpinned = sign(badge(), store=ContextStore(directories=[INTEROP / "contexts"], allow_unpinned=True,
                                                allow_network=False))
    unpinned["@context"] = [VC_V2, "https://evil.example/context.jsonld"]
    report = verifier().verify_credential(unpinned)
    assert codes(report)["context"] == ("failed", "context.not_allowed")
    assert not could_not_check(report) and "COULD NOT CHECK" not in render_text(report)


def test_digest_mismatch_stays_failed(good: Any, tmp_path: Path) -> None:
    ob3 = good["@context"][1]
    served = {"@context": {"name": "https://evil.example/name"}}  # not what the pin says
    fetcher = StaticFetcher({VC_V2: _context_bytes(VC_V2), ob3: json.dumps(served).encode()})
    store = ContextStore(directories=[], cache_dir=tmp_path / "cache", fetcher=fetcher, allow_network=True)
    report = verifier(store=store).verify_credential(good)
    assert codes(report)["context"] == ("failed", "context.digest_mismatch")
    assert not could_not_check(report)


def _context_bytes(url: str) -> bytes:
    """The pinned copy of ``url`` from the interop corpus (found by its content)."""
    store = contexts()
    return json.dumps(store.load(url)).encode("utf-8")


# -- DID documents -----------------------------------------------------------------------------

def _web_badge() -> dict[str, Any]:
    document = badge()
    document["issuer"] = dict(document["issuer"], id=WEB_ISSUER)
    return sign(document, vm=f"{WEB_ISSUER}#key-1")


def _did_document() -> bytes:
    vm = f"{WEB_ISSUER}#key-1"
    return json.dumps({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": WEB_ISSUER,
        "verificationMethod": [{"id": vm, "type": "Multikey", "controller": WEB_ISSUER,
                                "publicKeyMultibase": ISSUER_KEY.public.multibase}],
        "assertionMethod": [vm],
    }).encode("utf-8")


def test_unreachable_did_document_is_could_not_check() -> None:
    report = verifier().verify_credential(_web_badge())
    proof = report.check("proof")
    assert proof.status.value == "error", codes(report)
    assert "failed" not in {c.status.value for c in report.checks}
    assert not report.verified and could_not_check(report)
    assert "check your network" in render_text(report).lower()
    # twin: the document is reachable
    twin = verifier(fetcher=StaticFetcher({WEB_DOC: _did_document()})).verify_credential(_web_badge())
    assert twin.verified, codes(twin)


# -- status lists ------------------------------------------------------------------------------

def _list_credential() -> dict[str, Any]:
    bits = Bitstring.new(MIN_BITS)
    document = {
        "@context": [VC_V2], "id": LIST_URL,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": ISSUER_KEY.public.did_key, "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": {"id": f"{LIST_URL}#list", "type": "BitstringStatusList",
                              "statusPurpose": "revocation", "encodedList": bits.encode(multibase=True)},
    }
    return sign(document)


def _with_status() -> dict[str, Any]:
    return sign(badge(credentialStatus={
        "id": f"{LIST_URL}#94567", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
        "statusListIndex": "94567", "statusListCredential": LIST_URL}))


def test_unreachable_status_list_is_could_not_check() -> None:
    report = verifier().verify_credential(_with_status())
    assert codes(report)["status"] == ("error", "status.unknown")
    assert not report.verified and could_not_check(report)
    served = StaticFetcher({LIST_URL: json.dumps(_list_credential()).encode("utf-8")})
    twin = verifier(fetcher=served).verify_credential(_with_status())
    assert twin.verified and codes(twin)["status"][0] in ("passed", "warning"), codes(twin)


# -- the command line and the wallet -----------------------------------------------------------

@pytest.fixture
def no_contexts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a fresh machine, offline: no interop folder, an empty cache, no VCWALLET_CONTEXTS."""
    monkeypatch.setattr(assembly, "checkout_contexts_dir", lambda: None)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.delenv("VCWALLET_CONTEXTS", raising=False)


@pytest.mark.usefixtures("no_contexts")
def test_cli_says_could_not_check_with_the_fix(tmp_path: Path, good: Any,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from vcwallet.cli import main

    path = tmp_path / "badge.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    assert main(["verify", "--offline", str(path)]) == 1
    out = capsys.readouterr().out
    assert "NOT VERIFIED — COULD NOT CHECK" in out and "FAILED" not in out
    assert "vcwallet contexts fetch" in out
    # twin: with --contexts it verifies
    assert main(["verify", "--offline", "--contexts", str(INTEROP / "contexts"), str(path)]) == 0
    assert ": VERIFIED" in capsys.readouterr().out


@pytest.mark.usefixtures("no_contexts")
def test_wallet_import_list_and_recheck_say_could_not_check(tmp_path: Path, good: Any,
                                                            monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from vcwallet.cli import main

    monkeypatch.setenv("VCWALLET_PASSPHRASE", "correct horse")
    wallet = str(tmp_path / "wallet.db")
    assert main(["init", "--wallet", wallet, "--kdf", "insecure-test"]) == 0
    path = tmp_path / "badge.json"
    path.write_text(json.dumps(good), encoding="utf-8")
    capsys.readouterr()
    assert main(["import", "--wallet", wallet, "--offline", str(path)]) == 1
    out = capsys.readouterr().out
    assert "could not check" in out and "did not verify" not in out and "vcwallet contexts fetch" in out
    assert main(["import", "--wallet", wallet, "--offline", "--force", str(path)]) == 0
    capsys.readouterr()
    assert main(["list", "--wallet", wallet]) == 0
    listing = capsys.readouterr().out
    row = re.split(r"\s{2,}", listing.splitlines()[1])
    assert row[1] == "could not check*"  # the status column (* = kept with --force)
    assert "vcwallet contexts fetch" in listing
    assert main(["list", "--wallet", wallet, "--status", "unknown", "--json"]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 1
    # twin: with the contexts, a recheck finds it verified
    assert main(["recheck", "--wallet", wallet, "--offline", "--contexts", str(INTEROP / "contexts"),
                 "--now", "2026-11-23T12:00:00Z"]) == 0
    assert "could not check -> verified" in capsys.readouterr().out


def test_wallet_status_word_for_an_error_only_report(good: Any, tmp_path: Path) -> None:
    from vcwallet.wallet import status_of

    unchecked = verifier(store=_offline_store(tmp_path)).verify_credential(good)
    assert status_of(unchecked.to_json()) == "unknown"
    tampered = dict(good, name="Changed")
    assert status_of(verifier().verify_credential(tampered).to_json()) == "invalid"
