"""The Python API: add (verify first, exact bytes, duplicates, force), list and search, get,
remove, recheck, tags and notes, holder keys, passwd, the location helper, and a clock set
earlier than stored timestamps (BAD_INPUTS S21)."""

from __future__ import annotations

import io
import json
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.vcwallet.store.support import FAST, PASSPHRASE, StubVerifier, credential, new_wallet, open_wallet
from vcwallet.store import AmbiguousId, StorageUnavailable, WalletNotFound, WrongPassphrase
from vcwallet.wallet import STATUSES, Wallet, default_wallet_path, status_of
from verifier.clock import FixedClock
from verifier.report import CheckResult, Status, VerificationReport


@pytest.fixture
def wallet(tmp_path: Path) -> Any:
    with new_wallet(tmp_path / "wallet.db") as opened:
        yield opened


# -- add ----------------------------------------------------------------------------------------------

def test_add_verifies_first_and_keeps_the_exact_bytes_and_report(wallet: Wallet) -> None:
    data = b"  " + credential(1) + b"\n"  # odd whitespace must survive byte for byte
    result = wallet.add(data, source="badge.json")
    assert result.outcome == "added" and result.stored and result.id
    stored = wallet.get(result.id)
    assert stored.data == data
    assert stored.report["verified"] is True and stored.report["checks"][1]["id"] == "proof"
    summary = stored.summary
    assert (summary.name, summary.issuer_name, summary.status, summary.flagged) == (
        "Stub Badge 1", "Stub Issuer", "verified", False)
    assert summary.credential_id == "urn:uuid:00000000-0000-4000-8000-000000000001"
    assert summary.source == "badge.json" and summary.size == len(data)


def test_a_failed_verification_is_refused_and_nothing_is_stored(wallet: Wallet) -> None:
    result = wallet.add(credential(1, marker="FAIL"), source="bad.json")
    assert result.outcome == "refused" and result.reason == "not_verified" and not result.stored
    assert result.report is not None and not result.report.verified
    assert wallet.list() == []


def test_twin_force_keeps_a_failed_credential_visibly_flagged(wallet: Wallet) -> None:
    result = wallet.add(credential(1, marker="FAIL"), source="bad.json", force=True)
    assert result.outcome == "added_flagged" and result.id
    [summary] = wallet.list()
    assert summary.flagged and summary.status == "invalid" and not summary.verified
    assert summary.problems == ("proof.invalid_signature",)


def test_duplicates_by_content_and_by_id_are_not_stored_twice(wallet: Wallet) -> None:
    first = wallet.add(credential(1), source="a.json")
    same_bytes = wallet.add(credential(1), source="copy.json")
    same_id = wallet.add(credential(1, pad=10), source="reformatted.json")
    assert (same_bytes.outcome, same_bytes.reason, same_bytes.duplicate_of) == ("duplicate", "content", first.id)
    assert (same_id.outcome, same_id.reason, same_id.duplicate_of) == ("duplicate", "id", first.id)
    assert len(wallet.list()) == 1


def test_twin_different_credentials_are_both_stored(wallet: Wallet) -> None:
    assert [wallet.add(credential(i), source=f"{i}").outcome for i in (1, 2)] == ["added", "added"]
    assert len(wallet.list()) == 2


def test_a_verified_copy_replaces_a_flagged_one_with_the_same_id(wallet: Wallet) -> None:
    bad = wallet.add(credential(1, marker="FAIL"), source="tampered.json", force=True)
    assert bad.id
    wallet.add_tags(bad.id, ["pd"])
    good = wallet.add(credential(1), source="original.json")
    assert (good.outcome, good.id, good.duplicate_of) == ("replaced", bad.id, bad.id)
    [summary] = wallet.list()
    assert summary.verified and not summary.flagged and summary.tags == ("pd",)
    assert wallet.get(bad.id).data == credential(1)
    assert wallet.check().ok


def test_a_presentation_is_not_added_as_a_credential(wallet: Wallet) -> None:
    vp = json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
                     "verifiableCredential": [json.loads(credential(1))]}).encode()
    assert wallet.add(vp, source="vp.json").reason == "presentation"
    results = wallet.import_source("-", stdin=io.BytesIO(vp))
    assert [r.outcome for r in results] == ["added"]
    assert results[0].summary is not None and results[0].summary.presentation == "-"


def test_without_a_verifier_adding_is_a_programming_error(tmp_path: Path) -> None:
    with Wallet.create(tmp_path / "w.db", PASSPHRASE, kdf=FAST) as bare:
        with pytest.raises(TypeError):
            bare.add(credential(1), source="x")
        assert bare.list() == []


def test_a_read_only_wallet_refuses_writes(tmp_path: Path) -> None:
    new_wallet(tmp_path / "w.db").close()
    with Wallet.open(tmp_path / "w.db", PASSPHRASE, verifier=StubVerifier(), readonly=True) as ro:
        with pytest.raises(StorageUnavailable):
            ro.add(credential(1), source="x")


# -- list, get, remove --------------------------------------------------------------------------------

def test_search_matches_every_word_anywhere_case_and_form_insensitively(wallet: Wallet) -> None:
    wallet.add(credential(1, name="Formative Assessment"), source="1")
    second = wallet.add(credential(2, name="Caf\u00e9 Conversations"), source="2")
    assert second.id
    wallet.set_note(second.id, "for the district application")
    assert [s.name for s in wallet.list(search="formative")] == ["Formative Assessment"]
    assert [s.name for s in wallet.list(search="STUB issuer assessment")] == ["Formative Assessment"]
    assert [s.name for s in wallet.list(search=unicodedata.normalize("NFD", "café"))] == ["Caf\u00e9 Conversations"]
    assert [s.name for s in wallet.list(search="district")] == ["Caf\u00e9 Conversations"]
    assert wallet.list(search="nothing like this") == []


def test_status_filter(wallet: Wallet) -> None:
    wallet.add(credential(1), source="1")
    wallet.add(credential(2, marker="REVOKED"), source="2", force=True)
    assert [s.status for s in wallet.list(status="revoked")] == ["revoked"]
    assert [s.status for s in wallet.list(status="verified")] == ["verified"]
    with pytest.raises(ValueError):
        wallet.list(status="gone")


def test_ids_resolve_by_prefix_and_credential_id(wallet: Wallet) -> None:
    result = wallet.add(credential(1), source="1")
    assert result.id
    assert wallet.get(result.id[:6]).id == result.id
    assert wallet.get("urn:uuid:00000000-0000-4000-8000-000000000001").id == result.id
    with pytest.raises(WalletNotFound) as caught:
        wallet.get("ffffffffffffffff0")
    assert caught.value.code == "wallet.not_found"


def test_an_ambiguous_prefix_is_its_own_error(wallet: Wallet, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = iter(["abcd000000000001", "abcd000000000002"])
    monkeypatch.setattr("vcwallet.wallet.adding.secrets.token_hex", lambda _n: next(ids))
    wallet.add(credential(1), source="1")
    wallet.add(credential(2), source="2")
    with pytest.raises(AmbiguousId) as caught:
        wallet.get("abcd")
    assert caught.value.code == "wallet.ambiguous_id"
    assert wallet.get("abcd000000000002").summary.name == "Stub Badge 2"


def test_remove_deletes_every_record_and_lookup(wallet: Wallet) -> None:
    result = wallet.add(credential(1), source="1")
    assert result.id
    assert wallet.remove(result.id[:8]) == result.id
    assert wallet.list() == [] and wallet.check().ok
    assert not wallet.store.kinds(result.id)
    assert wallet.add(credential(1), source="again").outcome == "added"  # not a duplicate any more


# -- recheck, tags, notes --------------------------------------------------------------------------------

class SwitchableVerifier(StubVerifier):
    def __init__(self) -> None:
        super().__init__()
        self.revoked = False

    def verify_credential(self, data: Any, *, label: str = "<input>",
                          recipient: str | None = None) -> VerificationReport:
        if not self.revoked:
            return super().verify_credential(data, label=label)
        return VerificationReport(label, "vc2", (
            CheckResult("parse", Status.PASSED), CheckResult("proof", Status.PASSED),
            CheckResult("status", Status.FAILED, "status.revoked", "revoked")))


def test_recheck_updates_status_and_report(tmp_path: Path) -> None:
    verifier = SwitchableVerifier()
    with Wallet.create(tmp_path / "w.db", PASSPHRASE, verifier=verifier, kdf=FAST) as wallet:
        first = wallet.add(credential(1), source="1")
        wallet.add(credential(2), source="2")
        assert first.id
        assert [r.changed for r in wallet.recheck()] == [False, False]
        verifier.revoked = True
        [result] = wallet.recheck(first.id)
        assert (result.before, result.after, result.changed) == ("verified", "revoked", True)
        assert wallet.get(first.id).report["checks"][2]["code"] == "status.revoked"
        assert [s.status for s in wallet.list()] == ["revoked", "verified"]


def test_tags_and_notes(wallet: Wallet) -> None:
    result = wallet.add(credential(1), source="1")
    assert result.id
    assert wallet.add_tags(result.id, ["literacy", "pd", "literacy"]).tags == ("literacy", "pd")
    assert wallet.remove_tags(result.id, ["pd"]).tags == ("literacy",)
    assert wallet.set_note(result.id, "  for my portfolio ").note == "for my portfolio"
    assert wallet.list(search="portfolio")[0].id == result.id


# -- holder keys ----------------------------------------------------------------------------------------

def test_create_makes_one_active_did_key_and_rotation_keeps_old_keys(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with new_wallet(path) as wallet:
        [first] = wallet.holder_keys()
        assert first.active and first.did.startswith("did:key:z6Mk")
        assert first.verification_method == f"{first.did}#{first.public_key_multibase}"
        second = wallet.rotate_holder_key()
        keys = wallet.holder_keys()
        assert [k.id for k in keys] == [first.id, second.id]
        assert [k.active for k in keys] == [False, True]
        info, pair = wallet.holder_key_pair()
        assert info.id == second.id and pair.public.did_key == second.did
        old_info, old_pair = wallet.holder_key_pair(first.did)
        assert old_pair.public.verify(b"msg", old_pair.sign(b"msg")) and old_info.id == first.id
        secret = old_pair.secret_multibase
    raw = path.read_bytes()
    assert secret.encode() not in raw and first.did.encode() not in raw


def test_a_wallet_may_be_created_without_a_key(tmp_path: Path) -> None:
    with Wallet.create(tmp_path / "w.db", PASSPHRASE, kdf=FAST, holder_key=False) as wallet:
        assert wallet.holder_keys() == []
        with pytest.raises(WalletNotFound):
            wallet.holder_key_pair()


# -- passwd ----------------------------------------------------------------------------------------------

def test_passwd_switches_passphrases(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with new_wallet(path) as wallet:
        wallet.add(credential(1), source="1")
        with pytest.raises(WrongPassphrase):
            wallet.passwd("not it", "new one")
        wallet.passwd(PASSPHRASE, "new one")
    with pytest.raises(WrongPassphrase):
        Wallet.open(path, PASSPHRASE)
    with Wallet.open(path, "new one") as wallet:
        assert len(wallet.list()) == 1


# -- S21 -------------------------------------------------------------------------------------------------

def test_a_clock_earlier_than_stored_timestamps_breaks_nothing(tmp_path: Path) -> None:  # BAD_INPUTS S21
    path = tmp_path / "w.db"
    later = FixedClock(datetime(2031, 5, 1, tzinfo=UTC))
    with Wallet.create(path, PASSPHRASE, verifier=StubVerifier(), kdf=FAST, clock=later) as wallet:
        first = wallet.add(credential(1), source="1")
        assert first.summary is not None and first.summary.imported_at == "2031-05-01T00:00:00Z"
    earlier = FixedClock(datetime(2020, 1, 1, tzinfo=UTC))
    with Wallet.open(path, PASSPHRASE, verifier=StubVerifier(), clock=earlier) as wallet:
        wallet.add(credential(2), source="2")
        assert [s.status for s in wallet.list()] == ["verified", "verified"]
        assert wallet.list(status="expired") == []
        [result] = wallet.recheck(first.id)
        assert (result.before, result.after) == ("verified", "verified")
        summary = wallet.get(first.id or "").summary
        assert summary.checked_at < summary.imported_at  # recorded as is, never "fixed"
        wallet.rotate_holder_key()
        assert wallet.check().ok


def test_a_clock_moving_forward(tmp_path: Path) -> None:  # BAD_INPUTS S21
    path = tmp_path / "w.db"
    with Wallet.create(path, PASSPHRASE, verifier=StubVerifier(), kdf=FAST,
                       clock=FixedClock(datetime(2020, 1, 1, tzinfo=UTC))) as wallet:
        wallet.add(credential(1), source="1")
    with Wallet.open(path, PASSPHRASE, verifier=StubVerifier(),
                     clock=FixedClock(datetime(2031, 1, 1, tzinfo=UTC))) as wallet:
        [result] = wallet.recheck()
        assert result.after == "verified" and wallet.list(status="expired") == []


# -- status words and location -------------------------------------------------------------------------

@pytest.mark.parametrize(("checks", "verified", "expected"), [
    ([("proof", "passed", None)], True, "verified"),
    ([("proof", "passed", None), ("trust", "warning", "trust.untrusted_issuer")], True, "untrusted"),
    ([("proof", "passed", None), ("trust", "failed", "trust.untrusted_issuer")], False, "untrusted"),
    ([("proof", "passed", None), ("status", "failed", "status.revoked")], False, "revoked"),
    ([("proof", "passed", None), ("status", "failed", "status.suspended")], False, "suspended"),
    ([("proof", "passed", None), ("validity", "failed", "validity.expired")], False, "expired"),
    ([("proof", "failed", "proof.invalid_signature")], False, "invalid"),
    ([("proof", "error", "proof.unsupported_type")], False, "unknown"),
    ([("proof", "passed", None), ("status", "error", "status.unknown")], False, "unknown"),
])
def test_status_words(checks: list[tuple[str, str, str | None]], verified: bool, expected: str) -> None:
    report = {"verified": verified, "checks": [{"id": i, "status": s, "code": c} for i, s, c in checks]}
    assert status_of(report) == expected and expected in STATUSES


def test_location_helper(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert default_wallet_path("x.db", environ={"VCWALLET_HOME": "/v"}) == Path("x.db")
    assert default_wallet_path(None, environ={"VCWALLET_HOME": "/v"}) == Path("/v/wallet.db")
    assert default_wallet_path(environ={}, platform="linux", home=home) == home / ".local/share/vcwallet/wallet.db"
    assert default_wallet_path(environ={"XDG_DATA_HOME": "/data"}, platform="linux",
                               home=home) == Path("/data/vcwallet/wallet.db")
    assert default_wallet_path(environ={}, platform="darwin", home=home) == (
        home / "Library/Application Support/vcwallet/wallet.db")
    assert default_wallet_path(environ={"APPDATA": "/appdata"}, platform="win32",
                               home=home) == Path("/appdata/vcwallet/wallet.db")


def test_location_helper_reads_the_environment_only_when_called(monkeypatch: pytest.MonkeyPatch,
                                                              tmp_path: Path) -> None:
    monkeypatch.setenv("VCWALLET_HOME", str(tmp_path))
    assert default_wallet_path() == tmp_path / "wallet.db"
    monkeypatch.delenv("VCWALLET_HOME")
    assert default_wallet_path() != tmp_path / "wallet.db"


def test_reopening_shows_the_same_wallet(tmp_path: Path) -> None:
    path = tmp_path / "w.db"
    with new_wallet(path) as wallet:
        wallet.add(credential(1), source="1")
    with open_wallet(path) as wallet:
        assert [s.name for s in wallet.list()] == ["Stub Badge 1"]
