"""Smaller leaks (issue 13): ciphertext lengths, core dumps.

* Ciphertext lengths identified credentials (18 of 20 demo badges matched one file by size):
  every record is padded so its ciphertext is exactly a size bucket.
* A crash while unlocked could leave a core file with the passphrase and the data key: unlocking
  sets the soft ``RLIMIT_CORE`` to 0.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nacl.bindings
import pytest

from tests.vcwallet.attacks.editing import edit, open_wallet, sizes, wallet_with
from tests.vcwallet.store.support import FAST, PASSPHRASE, credential, new_wallet, run_child
from tests.vcwallet.wallet.world import needs_world
from vcwallet.demo.world import WORLD_DIR
from vcwallet.store import crypto
from vcwallet.wallet import Wallet


def _bucket(n: int) -> bool:
    """512, or 2^k times 1, 1.25, 1.5 or 1.75 (four buckets per doubling)."""
    if n == crypto.PAD_MIN:
        return True
    top = 1 << (n.bit_length() - 1)
    return n > crypto.PAD_MIN and (n - top) % (top // 4) == 0


def test_credentials_of_different_sizes_share_one_ciphertext_length(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    with new_wallet(path) as wallet:
        for i in range(20):
            wallet.add(credential(i, name="Badge " + "x" * (i * 7), pad=3000), source=str(i))
    plain = {len(credential(i, name="Badge " + "x" * (i * 7), pad=3000)) for i in range(20)}
    assert len(plain) == 20  # twenty different sizes in
    for kind in ("credential", "summary", "report", "holder_key"):
        found = sizes(path, kind)
        assert all(_bucket(n) for n in found), (kind, found)
    assert len(set(sizes(path, "credential"))) <= 2  # at most two buckets out


@needs_world
def test_the_demo_badges_no_longer_match_their_files_by_size(tmp_path: Path) -> None:
    files = sorted(p for p in (WORLD_DIR / "credentials").rglob("*.json"))[:20]
    path = tmp_path / "wallet.db"
    with new_wallet(path) as wallet:
        stored = sum(wallet.add(file.read_bytes(), source=file.name, force=True).stored for file in files)
    lengths = sizes(path, "credential")
    assert len(lengths) == stored >= 15 and all(_bucket(n) for n in lengths)
    unique = [n for n in lengths if lengths.count(n) == 1]
    assert len(unique) <= 2  # a size names at most a couple of badges, not 18 of 20


def test_twin_a_record_sealed_before_padding_still_opens(tmp_path: Path) -> None:
    """Wallets written before padding keep working: an unpadded (v1) record still decrypts."""
    path = tmp_path / "wallet.db"
    (record,) = wallet_with(path, 1)
    with open_wallet(path) as wallet:
        key = wallet.store.cipher.data_key
        data = wallet.get(record).data
    nonce = os.urandom(24)
    legacy = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        data, crypto.record_ad(record, "credential", padded=False), nonce, key)
    with edit(path) as conn:
        conn.execute("UPDATE records SET nonce = ?, ciphertext = ? WHERE id = ? AND kind = 'credential'",
                     (nonce, legacy, record))
    assert sizes(path, "credential") == [len(data) + 16]
    with open_wallet(path) as wallet:
        assert wallet.get(record).data == credential(0) and wallet.check().ok


def test_padding_is_authenticated(tmp_path: Path) -> None:
    """Cutting the padding off (to learn the real size) makes the record unreadable, not shorter."""
    path = tmp_path / "wallet.db"
    (record,) = wallet_with(path, 1)
    with edit(path) as conn:
        conn.execute("UPDATE records SET ciphertext = substr(ciphertext, 1, 300) "
                     "WHERE id = ? AND kind = 'credential'", (record,))
    with open_wallet(path) as wallet:
        assert wallet.list()[0].damaged is None
        problems = wallet.check().problems
        assert problems == [f"{record} credential: wallet.record_corrupt"]


@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_CORE is POSIX")
def test_unlocking_disables_core_dumps(tmp_path: Path) -> None:
    import resource

    if resource.getrlimit(resource.RLIMIT_CORE)[1] == 0:
        pytest.skip("core dumps are already forbidden (hard limit 0): nothing to observe")
    path = tmp_path / "wallet.db"
    wallet_with(path, 1)
    code, out, err = run_child("core-limit", str(path))
    assert code == 0, err
    lines = dict(line.split(" ", 1) for line in out.strip().splitlines())
    assert int(lines["before"]) > 0  # the twin: before unlocking, dumps were allowed
    assert lines["unlocked"] == "0 1"


def test_a_tiny_record_fills_the_smallest_bucket_and_reads_back_exactly(tmp_path: Path) -> None:
    path = tmp_path / "wallet.db"
    with Wallet.create(path, PASSPHRASE, kdf=FAST) as wallet:
        with wallet.store.transaction() as txn:
            txn.put("0123456789abcdef", "settings", json.dumps({"x": 1}).encode())
        assert wallet.store.get("0123456789abcdef", "settings") == json.dumps({"x": 1}).encode()
    assert sizes(path, "settings") == [crypto.PAD_MIN, crypto.PAD_MIN]  # ours and the holder key's
