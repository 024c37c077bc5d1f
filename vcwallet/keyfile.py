"""Issuer key files: one Ed25519 signing key, its DID and verification method, in one JSON file.

A small issuer keeps its signing key in a file next to its badge templates, so the file is built
to survive being copied around: the secret is encrypted with XChaCha20-Poly1305 under a key
derived from a passphrase with Argon2id, and the public key is the associated data, so the
ciphertext cannot be moved under another file's public key. Without a passphrase the secret is
stored in the clear (``secretKeyMultibase``) and the file is created 0600; the CLI warns.

The key-derivation parameters come from the file, so they are attacker-controlled: they are
checked against fixed bounds *before* any derivation runs. A file asking for 64 GiB of memory, or
for a single Argon2 pass, is refused as ``keyfile.invalid`` instead of exhausting the machine or
silently accepting a weakened file.

Format, version 1::

    {"version": 1, "type": "Ed25519", "did": "did:…", "verificationMethod": "did:…#…",
     "publicKeyMultibase": "z6Mk…",
     "secret": {"encoding": "multibase", "secretKeyMultibase": "z3u2…"}
            or {"encoding": "xchacha20poly1305",
                "kdf": {"name": "argon2id", "opslimit": 2, "memlimit": 67108864, "salt": "…"},
                "nonce": "…", "ciphertext": "…"}}

Binary values are unpadded base64url. The plaintext of the ciphertext is the UTF-8
``secretKeyMultibase``.
"""

from __future__ import annotations

import contextlib
import errno
import hmac
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nacl.bindings
import nacl.exceptions
import nacl.pwhash.argon2id as argon2id
import nacl.utils

from verifier.errors import KeyFormatError, ParseError
from verifier.json_reader import loads
from verifier.keys import Ed25519KeyPair, Ed25519PublicKey
from verifier.multibase import b64url_decode, b64url_encode

from .errors import VCWalletError
from .passphrases import passphrase_bytes

FORMAT_VERSION = 1
KEY_TYPE = "Ed25519"
ENCODING_PLAIN = "multibase"
ENCODING_SEALED = "xchacha20poly1305"
KDF_NAME = "argon2id"

#: A key file is a few hundred bytes; anything much larger is not one.
MAX_KEYFILE_BYTES = 64 * 1024
#: Bounds applied to the KDF parameters a file asks for, before deriving anything.
MIN_OPSLIMIT = 2
MAX_OPSLIMIT = 16
MIN_MEMLIMIT = int(argon2id.MEMLIMIT_MIN)
MAX_MEMLIMIT = 1024 * 1024 * 1024

SALT_BYTES = int(argon2id.SALTBYTES)
NONCE_BYTES = int(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
KEY_BYTES = int(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
TAG_BYTES = 16
MAX_CIPHERTEXT_BYTES = 512

_TOP_MEMBERS = frozenset({"version", "type", "did", "verificationMethod", "publicKeyMultibase", "secret"})
_PLAIN_MEMBERS = frozenset({"encoding", "secretKeyMultibase"})
_SEALED_MEMBERS = frozenset({"encoding", "kdf", "nonce", "ciphertext"})
_KDF_MEMBERS = frozenset({"name", "opslimit", "memlimit", "salt"})


class KeyfileError(VCWalletError, ValueError):
    """A key file is malformed, locked with another passphrase, or already exists."""


@dataclass(frozen=True)
class KdfLimits:
    """Argon2id cost: passes over memory (``opslimit``) and memory in bytes (``memlimit``)."""

    opslimit: int
    memlimit: int


#: libsodium's interactive level: about a tenth of a second and 64 MiB; the default.
INTERACTIVE = KdfLimits(int(argon2id.OPSLIMIT_INTERACTIVE), int(argon2id.MEMLIMIT_INTERACTIVE))
#: The cheapest parameters the reader accepts. For tests only: it protects nothing.
FAST_FOR_TESTS = KdfLimits(MIN_OPSLIMIT, MIN_MEMLIMIT)


@dataclass(frozen=True)
class KeyfileInfo:
    """The public part of a key file, readable without the passphrase."""

    path: Path
    did: str
    verification_method: str
    public_key: Ed25519PublicKey
    encrypted: bool


@dataclass(frozen=True)
class LoadedKey:
    """An unlocked key file: the signing key and the identifiers it signs as."""

    key: Ed25519KeyPair = field(repr=False)
    did: str
    verification_method: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.key.public

    def __repr__(self) -> str:
        return (f"LoadedKey(did={self.did!r}, verification_method={self.verification_method!r}, "
                f"public={self.key.public.multibase!r})")


def _invalid(message: str) -> KeyfileError:
    return KeyfileError("keyfile.invalid", message)


def check_kdf_limits(opslimit: Any, memlimit: Any) -> KdfLimits:
    """The limits as a :class:`KdfLimits`, or ``keyfile.invalid`` when outside the fixed bounds."""
    for name, value, low, high in (("opslimit", opslimit, MIN_OPSLIMIT, MAX_OPSLIMIT),
                                   ("memlimit", memlimit, MIN_MEMLIMIT, MAX_MEMLIMIT)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(f"kdf {name} is not an integer")
        if not low <= value <= high:
            raise KeyfileError("keyfile.invalid", f"kdf {name} {value} is outside {low}..{high}",
                               details={name: value, "min": low, "max": high})
    return KdfLimits(opslimit, memlimit)


def _derive(passphrase: str, salt: bytes, limits: KdfLimits) -> bytes:
    return bytes(argon2id.kdf(KEY_BYTES, passphrase_bytes(passphrase), salt,
                              opslimit=limits.opslimit, memlimit=limits.memlimit))


def _check_identity(did: str, verification_method: str, public_key: Ed25519PublicKey) -> None:
    if not isinstance(did, str) or not did.startswith("did:") or any(c in did for c in "#?/ "):
        raise _invalid(f"{did!r} is not a DID")
    if (not isinstance(verification_method, str) or not verification_method.startswith(did + "#")
            or len(verification_method) == len(did) + 1):
        raise _invalid("the verification method must be the DID plus a #fragment")
    if did.startswith("did:key:") and did != public_key.did_key:
        raise _invalid("a did:key key file must hold the key its DID names")


def _sealed_secret(key: Ed25519KeyPair, passphrase: str, limits: KdfLimits) -> dict[str, Any]:
    salt = nacl.utils.random(SALT_BYTES)
    nonce = nacl.utils.random(NONCE_BYTES)
    ciphertext = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        key.secret_multibase.encode("ascii"), key.public.multibase.encode("ascii"), nonce,
        _derive(passphrase, salt, limits))
    return {
        "encoding": ENCODING_SEALED,
        "kdf": {"name": KDF_NAME, "opslimit": limits.opslimit, "memlimit": limits.memlimit,
                "salt": b64url_encode(salt)},
        "nonce": b64url_encode(nonce),
        "ciphertext": b64url_encode(bytes(ciphertext)),
    }


def write_atomic(path: str | Path, data: bytes, *, overwrite: bool, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` all at once: readers see the old file or the new one, never half.

    The bytes go to a temporary file in the same folder (created ``mode``, 0600 by default, so a
    secret is never readable by others even for a moment), are flushed to disk, and are then
    linked into place. Without ``overwrite`` the link fails if ``path`` appeared meanwhile, raising
    ``keyfile.exists``; nothing is ever replaced by accident.
    """
    target = Path(path)
    if not overwrite and os.path.lexists(target):
        raise KeyfileError("keyfile.exists", f"{target} already exists", details={"path": str(target)})
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                    dir=target.parent if str(target.parent) else ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.chmod(tmp_name, mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp_name, target)
        else:
            _link_new(tmp_name, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
    _fsync_directory(target.parent)


def _link_new(tmp_name: str, target: Path) -> None:
    try:
        os.link(tmp_name, target)
    except FileExistsError as exc:
        raise KeyfileError("keyfile.exists", f"{target} already exists",
                           details={"path": str(target)}) from exc
    except OSError as exc:
        # Filesystems without hard links: fall back to a checked rename (a small race window).
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        if os.path.lexists(target):
            raise KeyfileError("keyfile.exists", f"{target} already exists",
                               details={"path": str(target)}) from exc
        os.replace(tmp_name, target)


def _fsync_directory(directory: Path) -> None:
    """Make the new directory entry durable where the platform allows it."""
    try:
        dir_fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass  # some filesystems refuse fsync on directories; the data itself is already synced
    finally:
        os.close(dir_fd)


def keyfile_json(key: Ed25519KeyPair, did: str, verification_method: str, passphrase: str | None, *,
                 kdf_limits: KdfLimits | None = None) -> dict[str, Any]:
    """The key file's JSON object (see the module docstring); ``passphrase=None`` stores it clear."""
    _check_identity(did, verification_method, key.public)
    if passphrase is None:
        secret: dict[str, Any] = {"encoding": ENCODING_PLAIN, "secretKeyMultibase": key.secret_multibase}
    else:
        limits = kdf_limits or INTERACTIVE
        check_kdf_limits(limits.opslimit, limits.memlimit)  # a file we write must be readable
        secret = _sealed_secret(key, passphrase, limits)
    return {
        "version": FORMAT_VERSION,
        "type": KEY_TYPE,
        "did": did,
        "verificationMethod": verification_method,
        "publicKeyMultibase": key.public.multibase,
        "secret": secret,
    }


def create_keyfile(path: str | Path, key: Ed25519KeyPair, did: str, verification_method: str,
                   passphrase: str | None, *, kdf_limits: KdfLimits | None = None,
                   overwrite: bool = False) -> None:
    """Write a new key file, 0600, atomically; ``keyfile.exists`` unless ``overwrite``."""
    if not overwrite and os.path.lexists(path):
        raise KeyfileError("keyfile.exists", f"{path} already exists", details={"path": str(path)})
    document = keyfile_json(key, did, verification_method, passphrase, kdf_limits=kdf_limits)
    data = (json.dumps(document, indent=2, ensure_ascii=True) + "\n").encode("ascii")
    write_atomic(path, data, overwrite=overwrite, mode=0o600)


def _members(obj: Any, allowed: frozenset[str], where: str) -> Mapping[str, Any]:
    if not isinstance(obj, dict):
        raise _invalid(f"{where} is not a JSON object")
    if set(obj) != allowed:
        extra = sorted(set(obj) - allowed)
        missing = sorted(allowed - set(obj))
        raise KeyfileError("keyfile.invalid",
                           f"{where} has the wrong members (unexpected {extra}, missing {missing})",
                           details={"unexpected": extra, "missing": missing})
    return obj


def _b64(obj: Mapping[str, Any], name: str, *, size: int | None = None,
         max_size: int | None = None) -> bytes:
    try:
        value = b64url_decode(obj[name])
    except KeyFormatError as exc:
        raise _invalid(f"{name} is not unpadded base64url") from exc
    if size is not None and len(value) != size:
        raise _invalid(f"{name} is {len(value)} bytes, not {size}")
    if max_size is not None and not TAG_BYTES < len(value) <= max_size:
        raise _invalid(f"{name} has an impossible length ({len(value)} bytes)")
    return value


def _parse(data: bytes) -> tuple[str, str, Ed25519PublicKey, Mapping[str, Any]]:
    """The did, verification method, public key and checked ``secret`` object of a key file."""
    try:
        document = loads(data, max_bytes=MAX_KEYFILE_BYTES)
    except ParseError as exc:
        raise KeyfileError("keyfile.invalid", f"not a key file (JSON: {exc.code})") from exc
    document = _members(document, _TOP_MEMBERS, "the key file")
    version = document["version"]
    if isinstance(version, bool) or version != FORMAT_VERSION:
        raise KeyfileError("keyfile.invalid", f"unsupported key file version {version!r}",
                           details={"version": str(version)})
    if document["type"] != KEY_TYPE:
        raise _invalid(f"unsupported key type {document['type']!r}")
    if not isinstance(document["publicKeyMultibase"], str):
        raise _invalid("publicKeyMultibase is not a string")
    try:
        public_key = Ed25519PublicKey.from_multibase(document["publicKeyMultibase"])
    except KeyFormatError as exc:
        raise _invalid("publicKeyMultibase is not an Ed25519 multikey") from exc
    did, vm = document["did"], document["verificationMethod"]
    _check_identity(did, vm, public_key)
    secret = document["secret"]
    encoding = secret.get("encoding") if isinstance(secret, dict) else None
    if encoding == ENCODING_PLAIN:
        secret = _members(secret, _PLAIN_MEMBERS, "secret")
    elif encoding == ENCODING_SEALED:
        secret = _members(secret, _SEALED_MEMBERS, "secret")
        kdf = _members(secret["kdf"], _KDF_MEMBERS, "secret.kdf")
        if kdf["name"] != KDF_NAME:
            raise _invalid(f"unsupported kdf {kdf['name']!r}")
        check_kdf_limits(kdf["opslimit"], kdf["memlimit"])
        _b64(kdf, "salt", size=SALT_BYTES)
        _b64(secret, "nonce", size=NONCE_BYTES)
        _b64(secret, "ciphertext", max_size=MAX_CIPHERTEXT_BYTES)
    else:
        raise _invalid(f"unsupported secret encoding {encoding!r}")
    return did, vm, public_key, secret


def _read(path: str | Path) -> bytes:
    """At most ``MAX_KEYFILE_BYTES`` + 1 bytes; ``OSError`` for an unreadable file."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_KEYFILE_BYTES + 1)
    if len(data) > MAX_KEYFILE_BYTES:
        raise _invalid(f"{path} is too large to be a key file")
    return data


def inspect_keyfile(path: str | Path) -> KeyfileInfo:
    """The public part of a key file without unlocking it (``keys show``, passphrase prompts)."""
    did, vm, public_key, secret = _parse(_read(path))
    return KeyfileInfo(Path(path), did, vm, public_key, secret["encoding"] == ENCODING_SEALED)


def _unseal(secret: Mapping[str, Any], public_key: Ed25519PublicKey, passphrase: str | None) -> str:
    if passphrase is None or passphrase == "":
        raise KeyfileError("keyfile.wrong_passphrase", "this key file needs its passphrase")
    kdf = secret["kdf"]
    limits = check_kdf_limits(kdf["opslimit"], kdf["memlimit"])
    key = _derive(passphrase, _b64(kdf, "salt", size=SALT_BYTES), limits)
    try:
        plaintext = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            _b64(secret, "ciphertext", max_size=MAX_CIPHERTEXT_BYTES),
            public_key.multibase.encode("ascii"), _b64(secret, "nonce", size=NONCE_BYTES), key)
    except nacl.exceptions.CryptoError as exc:
        # An AEAD failure cannot tell a wrong passphrase from a damaged ciphertext.
        raise KeyfileError("keyfile.wrong_passphrase",
                           "the passphrase is wrong (or the key file was altered)") from exc
    try:
        return bytes(plaintext).decode("ascii")
    except UnicodeDecodeError as exc:
        raise _invalid("the decrypted secret is not a multibase string") from exc


def load_keyfile(path: str | Path, passphrase: str | None) -> LoadedKey:
    """Open a key file; ``keyfile.wrong_passphrase`` or ``keyfile.invalid`` on failure.

    The passphrase is ignored for an unencrypted file. ``OSError`` passes through for a file that
    cannot be read at all.
    """
    did, vm, public_key, secret = _parse(_read(path))
    if secret["encoding"] == ENCODING_SEALED:
        secret_multibase = _unseal(secret, public_key, passphrase)
    else:
        secret_multibase = secret["secretKeyMultibase"]
        if not isinstance(secret_multibase, str):
            raise _invalid("secretKeyMultibase is not a string")
    try:
        pair = Ed25519KeyPair.from_secret_multibase(secret_multibase)
    except KeyFormatError as exc:
        raise _invalid("the secret key is not an Ed25519 secretKeyMultibase") from exc
    if not hmac.compare_digest(pair.public.raw, public_key.raw):
        raise _invalid("the secret key does not belong to publicKeyMultibase")
    return LoadedKey(pair, did, vm)


def did_web_document(did: str, verification_method: str, public_key: Ed25519PublicKey) -> dict[str, Any]:
    """The DID document to publish for a did:web key file: one Multikey method, used for
    ``assertionMethod`` (issuing) and ``authentication`` (presenting)."""
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{
            "id": verification_method,
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": public_key.multibase,
        }],
        "assertionMethod": [verification_method],
        "authentication": [verification_method],
    }
