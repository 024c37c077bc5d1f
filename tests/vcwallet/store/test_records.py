"""Per-record damage (BAD_INPUTS S13, S14): a ciphertext moved to another row is an integrity
error naming its real row; a flipped bit damages exactly one record and nothing else."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.vcwallet.store.support import credential, new_wallet, open_wallet
from vcwallet.store import RecordCorrupt, RecordIntegrityError


@pytest.fixture
def three(tmp_path: Path) -> tuple[Path, list[str]]:
    path = tmp_path / "wallet.db"
    with new_wallet(path) as wallet:
        ids = [wallet.add(credential(i, pad=300), source=f"cred-{i}").id or "" for i in range(3)]
    return path, ids


def _copy_row(path: Path, source: tuple[str, str], target: tuple[str, str]) -> None:
    conn = sqlite3.connect(path)
    with conn:
        nonce, ciphertext = conn.execute("SELECT nonce, ciphertext FROM records WHERE id = ? AND kind = ?",
                                         source).fetchone()
        conn.execute("UPDATE records SET nonce = ?, ciphertext = ? WHERE id = ? AND kind = ?",
                     (nonce, ciphertext, *target))
    conn.close()


# -- S13 ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("source_kind", "target_kind"), [
    ("credential", "credential"), ("summary", "summary"), ("report", "credential"),
])
def test_ciphertext_copied_into_another_row_is_an_integrity_error(  # BAD_INPUTS S13
        three: tuple[Path, list[str]], source_kind: str, target_kind: str) -> None:
    path, (a, b, c) = three
    _copy_row(path, (a, source_kind), (b, target_kind))
    with open_wallet(path) as wallet:
        with pytest.raises(RecordIntegrityError) as caught:
            wallet.get(b)
        assert caught.value.code == "wallet.record_integrity"
        assert caught.value.details["belongs_to"] == a
        assert caught.value.details["belongs_to_kind"] == source_kind
        assert wallet.get(a).data == credential(0, pad=300)
        assert wallet.get(c).data == credential(2, pad=300)
        assert any(b in problem and "wallet.record_integrity" in problem for problem in wallet.check().problems)


def test_rows_left_in_place_decrypt(three: tuple[Path, list[str]]) -> None:  # BAD_INPUTS S13
    path, ids = three
    with open_wallet(path) as wallet:
        assert [wallet.get(i).data for i in ids] == [credential(i, pad=300) for i in range(3)]
        assert wallet.check().ok


# -- S14 ---------------------------------------------------------------------------------------------

def _flip_a_bit_in_the_file(path: Path, record_id: str, kind: str) -> None:
    """Flip one bit in the middle of a record's ciphertext, in the database file itself."""
    conn = sqlite3.connect(path)
    ciphertext = conn.execute("SELECT ciphertext FROM records WHERE id = ? AND kind = ?",
                              (record_id, kind)).fetchone()[0]
    conn.close()
    data = bytearray(path.read_bytes())
    at = data.find(ciphertext)
    assert at > 0 and data.count(ciphertext) == 1
    data[at + len(ciphertext) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def test_one_flipped_bit_damages_exactly_that_record(three: tuple[Path, list[str]]) -> None:  # BAD_INPUTS S14
    path, (a, b, c) = three
    _flip_a_bit_in_the_file(path, b, "credential")
    with open_wallet(path) as wallet:
        with pytest.raises(RecordCorrupt) as caught:
            wallet.get(b)
        assert caught.value.code == "wallet.record_corrupt"
        assert wallet.get(a).data == credential(0, pad=300)
        assert wallet.get(c).data == credential(2, pad=300)
        assert len(wallet.list()) == 3  # the summary is intact, so it is still listed
        assert wallet.check().problems == [f"{b} credential: wallet.record_corrupt"]


def test_a_damaged_summary_is_listed_as_damaged_not_hidden(three: tuple[Path, list[str]]) -> None:  # BAD_INPUTS S14
    path, (a, b, c) = three
    _flip_a_bit_in_the_file(path, b, "summary")
    with open_wallet(path) as wallet:
        listed = {s.id: s for s in wallet.list()}
        assert listed[b].damaged == "wallet.record_corrupt"
        assert listed[a].damaged is None and listed[c].damaged is None
        assert [s.id for s in wallet.list(search="Stub")] == [a, c]
        wallet.remove(b)  # a damaged credential can still be removed
        assert wallet.check().ok


def test_an_untouched_file_has_no_damaged_records(three: tuple[Path, list[str]]) -> None:  # BAD_INPUTS S14
    path, _ids = three
    with open_wallet(path) as wallet:
        assert all(s.damaged is None for s in wallet.list())
