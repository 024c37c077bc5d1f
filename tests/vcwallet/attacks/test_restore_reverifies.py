"""A backup is data from outside: every credential in it is verified again from its bytes, and
what the wallet shows is derived from those bytes, never from the summary or report stored in
the backup (issue 13, "Nothing enters the wallet without being verified").

The attacker here is whoever made or held the backup: they know its passphrase (a colleague's
backup) and rewrite its summary and report records with it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.vcwallet.attacks.editing import BACKUP_PASSPHRASE
from tests.vcwallet.store.support import FAST, PASSPHRASE, StubVerifier, credential, new_wallet
from tests.vcwallet.wallet.world import CONTEXTS, needs_world
from vcwallet.commands import wallet_cmds, wallet_import
from vcwallet.demo.world import WORLD_DIR, world_host, world_verifier
from vcwallet.store import Store
from vcwallet.wallet import Wallet
from verifier.report import CheckResult, Status, VerificationReport

LIE = {"name": "Doctor of Education", "achievement": "Doctor of Education", "status": "verified",
       "verified": True, "flagged": False, "issuer_name": "Harvard", "problems": []}


class OfflineVerifier:
    """A verifier that cannot reach anything: every credential is undecided (never verified)."""

    fetcher = None

    def verify_credential(self, data: Any, *, label: str = "<input>",
                          recipient: str | None = None) -> VerificationReport:
        return VerificationReport(label, "vc2", (
            CheckResult("parse", Status.PASSED, None, "read"),
            CheckResult("proof", Status.ERROR, "fetch.not_allowed", "the issuer's key needs the network")))


def _colleague_backup(tmp_path: Path, *, lie: bool) -> tuple[Path, str, str]:
    """A backup holding a forged badge (kept with --force) and a genuine one; with ``lie`` its
    stored summary and report of the forged badge claim it verified, under another name."""
    with new_wallet(tmp_path / "colleague.db") as wallet:
        forged = wallet.add(credential(1, marker="FAIL"), source="forged.json", force=True).id or ""
        genuine = wallet.add(credential(2), source="genuine.json").id or ""
        wallet.add_tags(forged, ["\x1b[2Jpwned", "phd"])
        backup = wallet.backup(tmp_path / "colleague.vcbackup", BACKUP_PASSPHRASE, kdf=FAST)
    if lie:
        with Store.open(backup, BACKUP_PASSPHRASE) as store, store.transaction() as txn:
            summary = json.loads(txn.get(forged, "summary"))
            txn.put(forged, "summary", json.dumps(summary | LIE).encode())
            report = json.loads(txn.get(genuine, "report"))
            txn.put(forged, "report", json.dumps(report).encode())  # a passing report
    return backup, forged, genuine


def test_a_forged_badge_with_a_lying_summary_is_refused_not_listed_verified(tmp_path: Path) -> None:
    backup, forged, genuine = _colleague_backup(tmp_path, lie=True)
    with new_wallet(tmp_path / "mine.db") as wallet:
        result = wallet.restore(backup, BACKUP_PASSPHRASE)
        assert result.added == [genuine] and result.refused == [(forged, "invalid")]
        assert [(s.name, s.status) for s in wallet.list()] == [("Stub Badge 2", "verified")]
        assert wallet.list(search="Doctor") == []


def test_with_force_the_forged_badge_is_kept_flagged_under_its_own_name(tmp_path: Path) -> None:
    backup, forged, _genuine = _colleague_backup(tmp_path, lie=True)
    with new_wallet(tmp_path / "mine.db") as wallet:
        result = wallet.restore(backup, BACKUP_PASSPHRASE, force=True)
        assert sorted(result.added) == sorted([forged, _genuine]) and result.refused == []
        kept = wallet.get(forged)
        assert kept.summary.status == "invalid" and kept.summary.flagged and not kept.summary.verified
        assert kept.summary.name == "Stub Badge 1" and kept.summary.issuer_name == "Stub Issuer"
        assert kept.report["verified"] is False
        assert "proof.invalid_signature" in kept.summary.problems
        assert kept.summary.tags == ("[2Jpwned", "phd")  # the holder's tags, without control characters
        assert kept.summary.source.startswith("restored from")
        assert wallet.list(status="verified") == [wallet.get(_genuine).summary]


def test_twin_a_normal_backup_restores_and_verifies(tmp_path: Path) -> None:
    backup, forged, genuine = _colleague_backup(tmp_path, lie=False)
    verifier = StubVerifier()
    with Wallet.create(tmp_path / "mine.db", PASSPHRASE, verifier=verifier, kdf=FAST) as wallet:
        result = wallet.restore(backup, BACKUP_PASSPHRASE, force=True)
        assert sorted(result.added) == sorted([forged, genuine]) and result.unchecked == []
        assert verifier.calls == 2  # both verified again, from their bytes
        assert wallet.get(genuine).summary.status == "verified" and wallet.get(genuine).report["verified"]
        assert wallet.get(forged).summary.status == "invalid"
        assert wallet.check().ok


def test_offline_a_restored_credential_is_not_rechecked_never_verified(tmp_path: Path) -> None:
    backup, _forged, genuine = _colleague_backup(tmp_path, lie=True)
    for verifier in (None, OfflineVerifier()):
        path = tmp_path / f"offline-{verifier is None}.db"
        with Wallet.create(path, PASSPHRASE, verifier=verifier, kdf=FAST) as wallet:
            result = wallet.restore(backup, BACKUP_PASSPHRASE)
            # undecided, not failed: both arrive, and neither is "verified" (not even the one whose
            # stored summary and report claim so)
            assert sorted(result.unchecked) == sorted(result.added) and len(result.added) == 2
            assert result.refused == []
            for summary in wallet.list():
                assert summary.status == "unchecked" and not summary.verified
                assert wallet.get(summary.id).report["verified"] is False
            assert wallet.list(status="verified") == []
            assert {s.name for s in wallet.list()} == {"Stub Badge 1", "Stub Badge 2"}
            wallet.verifier = StubVerifier()
            after = {r.id: r.after for r in wallet.recheck()}
            assert sorted(after.values()) == ["invalid", "verified"]
            assert after[genuine] == "verified"


def test_holder_keys_from_a_backup_are_rebuilt_from_their_secret(tmp_path: Path) -> None:
    with new_wallet(tmp_path / "colleague.db") as wallet:
        key = wallet.holder_keys()[0]
        backup = wallet.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE, kdf=FAST)
    with Store.open(backup, BACKUP_PASSPHRASE) as store, store.transaction() as txn:
        record = json.loads(txn.get(key.id, "holder_key"))
        txn.put(key.id, "holder_key", json.dumps(record | {"did": "did:key:z6MkFAKE"}).encode())
    with new_wallet(tmp_path / "mine.db", holder_key=False) as mine:
        result = mine.restore(backup, BACKUP_PASSPHRASE)
        assert result.keys_added == [key.did]  # derived from the secret, not the planted did
        assert [k.did for k in mine.holder_keys()] == [key.did]


@needs_world
def test_the_restore_command_offline_never_says_verified_without_checking(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The real import verifier (``--offline``): what needs the network is "not rechecked"."""
    with world_host() as host:
        online = world_verifier(WORLD_DIR, host, CONTEXTS)
        with Wallet.create(tmp_path / "old.db", PASSPHRASE, verifier=online, kdf=FAST) as wallet:
            wallet.import_source(str(WORLD_DIR / "credentials"))
            before = {s.content_sha256: s.status for s in wallet.list()}
            wallet.backup(tmp_path / "b.vcbackup", BACKUP_PASSPHRASE, kdf=FAST)
        monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
        monkeypatch.setenv("VCWALLET_BACKUP_PASSPHRASE", BACKUP_PASSPHRASE)
        monkeypatch.setattr(sys, "stdin", open(os.devnull))
        parser = argparse.ArgumentParser(prog="vcwallet")
        wallet_cmds.register(parser.add_subparsers(dest="command"))
        target = tmp_path / "new" / "wallet.db"
        args = parser.parse_args(["restore", "--wallet", str(target), "--kdf", "insecure-test", "--offline",
                                  "--contexts", str(CONTEXTS), str(tmp_path / "b.vcbackup")])
        assert args.func(args) == 0
        offline = wallet_import.make_verifier(args)
        with Wallet.open(target, PASSPHRASE, verifier=online) as restored:
            after = {s.content_sha256: s for s in restored.list()}
            assert after.keys() == before.keys()
            assert {s.status for s in after.values()} <= {"verified", "unchecked"}
            assert sum(s.status == "unchecked" for s in after.values()) >= len(after) // 2
            for summary in after.values():
                if summary.status == "verified":  # only what the offline verifier itself verifies
                    data = restored.get(summary.id).data
                    assert offline.verify_credential(data).verified
            rechecked = {restored.get(r.id).summary.content_sha256: r.after for r in restored.recheck()}
            assert rechecked == before  # online again: exactly the statuses the badges earn
