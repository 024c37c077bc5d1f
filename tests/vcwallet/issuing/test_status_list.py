"""The issuer's status list: create, allocate, revoke/suspend/reinstate, and what verifiers see."""

from __future__ import annotations

import json
import random
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from vcwallet.issuing.status_list import StatusListManager, state_path_for
from verifier.clock import FixedClock
from verifier.errors import VCError
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.proofs import ProofChecker
from verifier.report import Status
from verifier.status import MIN_BITS, Bitstring, ListVerifier, StatusChecker, issuer_id
from verifier.suites import default_suites

URL = "https://pd.district.example/status/1"
KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
DID = KEY.public.did_key
VM = f"{DID}#{KEY.public.multibase}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 1, 1, tzinfo=UTC))


@pytest.fixture
def loader(contexts: Any) -> Any:
    return contexts.document_loader


def _create(tmp_path: Path, loader: Any, clock: FixedClock, purpose: str = "revocation",
            **options: Any) -> StatusListManager:
    return StatusListManager.create(tmp_path / f"{purpose}.json", url=URL, issuer=DID, key=KEY,
                                    verification_method=VM, document_loader=loader, purpose=purpose,
                                    clock=clock, rng=random.Random(7), **options)


def _verifier(loader: Any, clock: FixedClock) -> ListVerifier:
    checker = ProofChecker(default_suites(), ResolverKeyLookup.create(StaticFetcher({}), clock), clock, loader)

    def verify(document: dict[str, Any]) -> tuple[bool, str | None, str]:
        issuer = issuer_id(document)
        outcome = checker.verify(document, expected_controller=issuer)
        bound = all(r.binding is not None and r.binding.bound for r in outcome.results)
        if not outcome.all_signatures_ok or not bound:
            error = outcome.first_error
            return False, issuer, error.code if error else "proof.issuer_key_mismatch"
        return True, issuer, "verified"
    return verify


def _status(manager: StatusListManager, index: int, loader: Any, clock: FixedClock) -> Any:
    """What a relying party's status check says about a credential holding ``index``."""
    fetcher = StaticFetcher({URL: manager.list_path})
    checker = StatusChecker(fetcher, clock, _verifier(loader, clock), cache_ttl=0)
    credential = {"issuer": DID, "id": "urn:uuid:1", "credentialStatus": manager.entry_for(index)}
    return checker.check(credential)


def test_new_list_is_signed_all_clear_and_private_state_is_0600(tmp_path: Path, loader: Any,
                                                                clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock)
    document = json.loads(manager.list_path.read_text(encoding="utf-8"))
    assert document["id"] == URL
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["issuer"] == DID
    assert document["validFrom"] == "2026-01-01T00:00:00Z"
    assert document["credentialSubject"] == {
        "id": URL + "#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
        "encodedList": Bitstring.new().encode()}
    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert manager.size == MIN_BITS
    state_mode = stat.S_IMODE(state_path_for(manager.list_path).stat().st_mode)
    assert state_mode == 0o600
    assert _verifier(loader, clock)(document)[0] is True
    assert _status(manager, 5, loader, clock).status is Status.PASSED


def test_revoke_then_verifier_says_revoked(tmp_path: Path, loader: Any, clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock)
    index = manager.allocate("urn:uuid:badge-1")
    clock.advance(3600)
    assert manager.revoke(index, key=KEY, verification_method=VM) is True
    document = json.loads(manager.list_path.read_text(encoding="utf-8"))
    assert document["validFrom"] == "2026-01-01T01:00:00Z"
    assert isinstance(document["proof"], dict)  # re-signed, not a growing proof set
    result = _status(manager, index, loader, clock)
    assert result.code == "status.revoked"
    other = (index + 1) % MIN_BITS
    assert _status(manager, other, loader, clock).status is Status.PASSED
    assert manager.revoke(index, key=KEY, verification_method=VM) is False  # already revoked


def test_revocation_is_permanent_unless_explicitly_undone(tmp_path: Path, loader: Any,
                                                          clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock)
    manager.revoke(42, key=KEY, verification_method=VM)
    with pytest.raises(VCError) as info:
        manager.reinstate(42, key=KEY, verification_method=VM)
    assert info.value.code == "issue.status_irreversible"
    assert _status(manager, 42, loader, clock).code == "status.revoked"
    assert manager.reinstate(42, key=KEY, verification_method=VM, allow_unrevoke=True) is True
    assert _status(manager, 42, loader, clock).status is Status.PASSED


def test_suspend_then_reinstate(tmp_path: Path, loader: Any, clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock, "suspension")
    index = manager.allocate()
    manager.suspend(index, key=KEY, verification_method=VM)
    assert _status(manager, index, loader, clock).code == "status.suspended"
    assert manager.reinstate(index, key=KEY, verification_method=VM) is True
    assert _status(manager, index, loader, clock).status is Status.PASSED


def test_operation_for_the_other_purpose_is_refused(tmp_path: Path, loader: Any, clock: FixedClock) -> None:
    revocation = _create(tmp_path, loader, clock)
    suspension = _create(tmp_path, loader, clock, "suspension")
    with pytest.raises(VCError) as info:
        revocation.suspend(1, key=KEY, verification_method=VM)
    assert info.value.code == "status.list_mismatch"
    with pytest.raises(VCError) as info:
        suspension.revoke(1, key=KEY, verification_method=VM)
    assert info.value.code == "status.list_mismatch"
    with pytest.raises(VCError) as info:
        revocation.entry_for(1, "suspension")
    assert info.value.code == "status.list_mismatch"
    assert revocation.entry_for(1, "revocation")["statusPurpose"] == "revocation"


def test_key_of_another_issuer_is_refused(tmp_path: Path, loader: Any, clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock)
    before = manager.list_path.read_bytes()
    other = Ed25519KeyPair.from_seed(bytes(32))
    other_vm = f"{other.public.did_key}#{other.public.multibase}"
    for key, vm in ((other, other_vm), (other, VM)):
        with pytest.raises(VCError) as info:
            manager.revoke(3, key=key, verification_method=vm)
        assert info.value.code == "issue.key_mismatch"
    assert manager.list_path.read_bytes() == before
    assert manager.revoke(3, key=KEY, verification_method=VM) is True


def test_allocation_is_random_unique_and_recorded(tmp_path: Path, loader: Any, clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock)
    indexes = [manager.allocate(f"urn:uuid:{n}") for n in range(50)]
    assert len(set(indexes)) == 50
    assert indexes != sorted(indexes)
    reopened = StatusListManager(manager.list_path, document_loader=loader, clock=clock)
    assert reopened.allocated() == {i: f"urn:uuid:{n}" for n, i in enumerate(indexes)}
    state = json.loads(state_path_for(manager.list_path).read_text(encoding="utf-8"))
    assert state["url"] == URL and state["purpose"] == "revocation"


def test_full_list_refuses_to_allocate(tmp_path: Path, loader: Any, clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock, size=16)
    assert sorted(manager.allocate() for _ in range(16)) == list(range(16))
    with pytest.raises(VCError) as info:
        manager.allocate()
    assert info.value.code == "issue.status_list_full"


def test_entry_for_and_index_of(tmp_path: Path, loader: Any, clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock)
    entry = manager.entry_for(94567)
    assert entry == {"id": URL + "#94567", "type": "BitstringStatusListEntry",
                     "statusPurpose": "revocation", "statusListIndex": "94567",
                     "statusListCredential": URL}
    assert manager.index_of({"credentialStatus": [{"type": "Other"}, entry]}) == 94567
    with pytest.raises(VCError) as info:
        manager.index_of({"credentialStatus": {**entry, "statusListCredential": URL + "-2"}})
    assert info.value.code == "status.list_mismatch"
    with pytest.raises(VCError) as info:
        manager.entry_for(MIN_BITS)
    assert info.value.code == "status.invalid_index"


def test_create_refuses_to_overwrite(tmp_path: Path, loader: Any, clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock)
    manager.revoke(1, key=KEY, verification_method=VM)
    with pytest.raises(FileExistsError):
        _create(tmp_path, loader, clock)
    assert manager.is_set(1)
    fresh = _create(tmp_path, loader, clock, overwrite=True)
    assert not fresh.is_set(1)


@pytest.mark.parametrize("options", [{"purpose": "message"}, {"size": 12}, {"url": URL + "#frag"}])
def test_create_refuses_bad_options(tmp_path: Path, loader: Any, clock: FixedClock,
                                    options: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"url": URL, "purpose": "revocation", **options}
    with pytest.raises(ValueError):
        StatusListManager.create(tmp_path / "l.json", issuer=DID, key=KEY, verification_method=VM,
                                 document_loader=loader, clock=clock, **arguments)
    assert not (tmp_path / "l.json").exists()


def test_state_file_of_another_list_is_refused(tmp_path: Path, loader: Any, clock: FixedClock) -> None:
    manager = _create(tmp_path, loader, clock)
    state_path = state_path_for(manager.list_path)
    state = json.loads(state_path.read_text(encoding="utf-8"))
    state["url"] = "https://pd.district.example/status/2"
    state_path.write_text(json.dumps(state), encoding="utf-8")
    with pytest.raises(VCError) as info:
        StatusListManager(manager.list_path, document_loader=loader)
    assert info.value.code == "status.invalid_list"
