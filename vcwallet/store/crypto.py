"""Keys and record encryption for the wallet store.

Key hierarchy::

    passphrase ──NFC, UTF-8──▶ Argon2id(salt, opslimit, memlimit) ──▶ KEK (32 bytes)
    KEK ──BLAKE2b keyed, "vcw-kek-check"──▶ kek_check        (stored: tells a wrong passphrase)
    KEK ──XChaCha20-Poly1305──▶ wrapped DEK                  (stored: the one secret that changes
                                                              on ``passwd``)
    DEK (random 32 bytes) ──XChaCha20-Poly1305, AD = record id + kind──▶ every record
                                                             (padded to a size bucket first)
    DEK ──BLAKE2b keyed, "vcw-index"──▶ index key ──▶ blind lookup tags (duplicate detection)

Why a random data key: changing the passphrase re-wraps 32 bytes in one row instead of
re-encrypting every record, which is what makes ``passwd`` a single atomic statement.

Why ``kek_check``: an AEAD failure on the wrapped key cannot say whether the passphrase is wrong
or the bytes are damaged. A keyed hash of the KEK can: if it matches, the passphrase is right and
any later failure is damage. It reveals nothing an attacker could not already test against the
wrapped key.

Passphrase policy: :mod:`vcwallet.passphrases` (NFC-normalized UTF-8, never empty), the one place
the wallet, backups, key files and both front ends take it from.

Padding: a ciphertext's length would otherwise tell which credential it is (most badges of one
issuer differ by a few bytes, and the same badge has the same length in every wallet). Every
record is padded before sealing (ISO/IEC 7816-4: ``0x80`` then zeros) so that the ciphertext is
exactly a size bucket: 512 bytes at least, then four buckets per doubling (2^k, 1.25·2^k,
1.5·2^k, 1.75·2^k: 5,120 and 6,144 bytes hold nearly every demo badge, where their own sizes
told 18 of 20 apart). Coarser buckets (powers of two) hide a little more but write a whole extra
SQLite page per 4-8 KB credential, which costs imports more than the benchmark budget allows; a
quarter step grows a record by at most 25 %. Padded records are sealed with the ``v2``
associated-data prefix; records written before padding existed (``v1``) still open, and are
padded when they are next written.

Core dumps: a process that crashes while unlocked would write the passphrase and the data key
into a core file. :func:`derive_kek` therefore sets the soft ``RLIMIT_CORE`` to 0 before the
first derivation, for the rest of the process: Python cannot wipe freed key bytes, so there is
no later moment at which a dump would be safe again.

Nonces are 24 random bytes from the operating system for every encryption, never counters: two
processes writing the same wallet cannot coordinate a counter, and at 192 bits random nonces do
not collide.
"""

from __future__ import annotations

from dataclasses import dataclass

import nacl.bindings
import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.pwhash.argon2id as argon2id
import nacl.utils

from ..passphrases import passphrase_bytes
from . import files
from .errors import KdfParamsInvalid, RecordCorrupt

KDF_NAME = "argon2id13"
KEY_BYTES = int(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
NONCE_BYTES = int(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
SALT_BYTES = int(argon2id.SALTBYTES)
TAG_BYTES = 16

#: Bounds applied to stored KDF parameters *before* any derivation. The file is attacker-
#: controlled: 64 GiB of memory would exhaust the machine, one pass would weaken the wallet.
MIN_OPSLIMIT = 2
MAX_OPSLIMIT = 10
MIN_MEMLIMIT = 8 * 1024 * 1024
MAX_MEMLIMIT = 1024 * 1024 * 1024

_RECORD_AD = b"vcwallet-record-v1\x00"
_RECORD_AD_PADDED = b"vcwallet-record-v2\x00"
#: The smallest sealed record (ciphertext bytes, tag included), and the buckets per doubling above
#: it (as a power of two: 4 buckets, so a record grows by at most 25 %).
PAD_MIN = 512
PAD_STEPS_LOG2 = 2
_KEYSLOT_AD = b"vcwallet-keyslot-v1\x00"
_KEK_CHECK_PERSON = b"vcw-kek-check"
_INDEX_PERSON = b"vcw-index"
_LOOKUP_PERSON = b"vcw-lookup"


@dataclass(frozen=True)
class KdfParams:
    """Argon2id cost: passes over memory (``opslimit``) and memory in bytes (``memlimit``)."""

    opslimit: int
    memlimit: int

    def describe(self) -> str:
        return f"Argon2id, {self.opslimit} passes over {self.memlimit // (1024 * 1024)} MiB"


#: libsodium's "moderate" level (3 passes, 256 MiB, about half a second): the default. A wallet
#: holds evidence about students and is unlocked a few times a day, so it can afford more than the
#: "interactive" level.
MODERATE = KdfParams(int(argon2id.OPSLIMIT_MODERATE), int(argon2id.MEMLIMIT_MODERATE))
INTERACTIVE = KdfParams(int(argon2id.OPSLIMIT_INTERACTIVE), int(argon2id.MEMLIMIT_INTERACTIVE))
SENSITIVE = KdfParams(4, MAX_MEMLIMIT)
DEFAULT_KDF = MODERATE
#: The cheapest parameters accepted. For test suites only: it protects nothing.
FAST_FOR_TESTS = KdfParams(MIN_OPSLIMIT, MIN_MEMLIMIT)


def check_kdf_params(opslimit: object, memlimit: object) -> KdfParams:
    """The parameters as :class:`KdfParams`, or ``wallet.kdf_params_invalid`` when out of bounds."""
    for name, value, low, high in (("opslimit", opslimit, MIN_OPSLIMIT, MAX_OPSLIMIT),
                                   ("memlimit", memlimit, MIN_MEMLIMIT, MAX_MEMLIMIT)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise KdfParamsInvalid(f"the key-derivation {name} is not an integer")
        if not low <= value <= high:
            raise KdfParamsInvalid(f"the key-derivation {name} {value} is outside {low}..{high}",
                                   details={name: value, "min": low, "max": high})
    assert isinstance(opslimit, int) and isinstance(memlimit, int)
    return KdfParams(opslimit, memlimit)


def new_salt() -> bytes:
    return bytes(nacl.utils.random(SALT_BYTES))


def new_data_key() -> bytes:
    return bytes(nacl.utils.random(KEY_BYTES))


def derive_kek(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    """The key-encryption key. ``params`` must already have passed :func:`check_kdf_params`."""
    checked = check_kdf_params(params.opslimit, params.memlimit)
    files.disable_core_dumps()
    if len(salt) != SALT_BYTES:
        raise KdfParamsInvalid(f"the key-derivation salt is {len(salt)} bytes, not {SALT_BYTES}")
    return bytes(argon2id.kdf(KEY_BYTES, passphrase_bytes(passphrase), salt,
                              opslimit=checked.opslimit, memlimit=checked.memlimit))


def kek_check(kek: bytes) -> bytes:
    """A keyed hash of the KEK: equal iff the passphrase (and salt and parameters) are right."""
    return bytes(nacl.hash.blake2b(b"", digest_size=32, key=kek, person=_KEK_CHECK_PERSON,
                                   encoder=nacl.encoding.RawEncoder))


def _seal(key: bytes, plaintext: bytes, ad: bytes) -> tuple[bytes, bytes]:
    nonce = bytes(nacl.utils.random(NONCE_BYTES))
    ciphertext = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, ad, nonce, key)
    return nonce, bytes(ciphertext)


def _open(key: bytes, nonce: bytes, ciphertext: bytes, ad: bytes) -> bytes | None:
    if len(nonce) != NONCE_BYTES or len(ciphertext) < TAG_BYTES:
        return None
    try:
        return bytes(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(ciphertext, ad, nonce, key))
    except nacl.exceptions.CryptoError:
        return None


def wrap_data_key(kek: bytes, dek: bytes, wallet_id: str) -> bytes:
    """``nonce || ciphertext`` of the data key under the KEK, bound to this wallet's id."""
    nonce, ciphertext = _seal(kek, dek, _KEYSLOT_AD + wallet_id.encode("ascii"))
    return nonce + ciphertext


def unwrap_data_key(kek: bytes, wrapped: bytes, wallet_id: str | bytes) -> bytes | None:
    """The data key, or ``None`` when the wrapped bytes do not authenticate."""
    ident = wallet_id.encode("ascii") if isinstance(wallet_id, str) else wallet_id
    dek = _open(kek, wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _KEYSLOT_AD + ident)
    return dek if dek is not None and len(dek) == KEY_BYTES else None


def record_ad(record_id: str, kind: str, *, padded: bool = True) -> bytes:
    """Associated data binding a ciphertext to its row, so rows cannot be swapped."""
    if "\x00" in record_id or "\x00" in kind:
        raise ValueError("record ids and kinds must not contain NUL")
    return ((_RECORD_AD_PADDED if padded else _RECORD_AD) + record_id.encode("utf-8") + b"\x00"
            + kind.encode("utf-8"))


def sealed_size(length: int) -> int:
    """The ciphertext length (tag included) of a record whose plaintext is ``length`` bytes."""
    need = length + 1 + TAG_BYTES
    if need <= PAD_MIN:
        return PAD_MIN
    step = 1 << ((need - 1).bit_length() - 1 - PAD_STEPS_LOG2)
    return -(-need // step) * step


def pad(plaintext: bytes) -> bytes:
    """``plaintext || 0x80 || 0…0``, long enough that the sealed record fills its bucket."""
    size = sealed_size(len(plaintext)) - TAG_BYTES
    return plaintext + b"\x80" + bytes(size - len(plaintext) - 1)


def unpad(padded: bytes) -> bytes | None:
    """The plaintext, or ``None`` when the padding is not ours."""
    end = padded.rstrip(b"\x00")
    if not end or end[-1] != 0x80:
        return None
    return end[:-1]


class RecordCipher:
    """Encrypts and decrypts records under the data key, and computes blind lookup tags."""

    __slots__ = ("_dek", "_index_key")

    def __init__(self, dek: bytes) -> None:
        if len(dek) != KEY_BYTES:
            raise ValueError("the data key must be 32 bytes")
        self._dek = dek
        self._index_key = bytes(nacl.hash.blake2b(b"", digest_size=32, key=dek, person=_INDEX_PERSON,
                                                  encoder=nacl.encoding.RawEncoder))

    def __repr__(self) -> str:
        return "RecordCipher(<data key hidden>)"

    @property
    def data_key(self) -> bytes:
        """The raw data key, for re-wrapping it under another passphrase."""
        return self._dek

    def seal(self, record_id: str, kind: str, plaintext: bytes) -> tuple[bytes, bytes]:
        """``(nonce, ciphertext)`` of the padded plaintext, with a fresh random nonce."""
        return _seal(self._dek, pad(plaintext), record_ad(record_id, kind))

    def try_open(self, record_id: str, kind: str, nonce: bytes, ciphertext: bytes) -> bytes | None:
        """The plaintext, or ``None`` when the row does not authenticate as ``(record_id, kind)``.

        A padded (v2) record is tried first; an unpadded record from before padding (v1) second.
        """
        padded = _open(self._dek, nonce, ciphertext, record_ad(record_id, kind))
        if padded is not None:
            return unpad(padded)
        return _open(self._dek, nonce, ciphertext, record_ad(record_id, kind, padded=False))

    def open(self, record_id: str, kind: str, nonce: bytes, ciphertext: bytes) -> bytes:
        """The plaintext, or :class:`RecordCorrupt` (the store refines it to an integrity error)."""
        plaintext = self.try_open(record_id, kind, nonce, ciphertext)
        if plaintext is None:
            raise RecordCorrupt(f"record {record_id} ({kind}) failed to decrypt",
                                details={"record": record_id, "kind": kind})
        return plaintext

    def lookup_tag(self, namespace: str, value: str | bytes) -> bytes:
        """A keyed hash of ``value``: equal values give equal tags, and nothing else is revealed."""
        raw = value.encode("utf-8") if isinstance(value, str) else value
        return bytes(nacl.hash.blake2b(namespace.encode("utf-8") + b"\x00" + raw, digest_size=32,
                                       key=self._index_key, person=_LOOKUP_PERSON,
                                       encoder=nacl.encoding.RawEncoder))
