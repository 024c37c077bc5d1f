"""Salvage only: find the data key when one bit of its wrapping is damaged.

The wrapped data key is ``nonce (24) || XChaCha20 ciphertext (32) || Poly1305 tag (16)``. One
flipped bit anywhere in it makes the AEAD refuse, and with it every record, although the key is
still there: XChaCha20 is a stream cipher, so

* a damaged *tag* leaves the ciphertext intact: ciphertext XOR keystream is the key;
* a damaged *ciphertext* bit flips the same bit of the key: 256 candidates;
* a damaged *nonce* bit changes the keystream: 192 candidate nonces.

None of these candidates is trusted: each must open the key-check blob or a record under the
AEAD (a 128-bit tag), which only the real data key can do. This runs only once the passphrase is
confirmed by the key slot's check value, so it never turns a wrong passphrase into a guess.

The keystream needs raw XChaCha20, which PyNaCl does not expose; it is written out here from
RFC 8439 (ChaCha20 block function) and draft-irtf-cfrg-xchacha (HChaCha20, the IETF
XChaCha20-Poly1305 construction, where the message starts at block counter 1). A test checks it
against libsodium's AEAD. It is slow (pure Python) and only ever used on this recovery path.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

_MASK = 0xFFFFFFFF
_CONSTANTS = (0x61707865, 0x3320646E, 0x79622D32, 0x6B206574)  # "expand 32-byte k"
_NONCE = 24
_KEY = 32


def _rotl(value: int, count: int) -> int:
    return ((value << count) & _MASK) | (value >> (32 - count))


def _quarter(x: list[int], a: int, b: int, c: int, d: int) -> None:
    x[a] = (x[a] + x[b]) & _MASK
    x[d] = _rotl(x[d] ^ x[a], 16)
    x[c] = (x[c] + x[d]) & _MASK
    x[b] = _rotl(x[b] ^ x[c], 12)
    x[a] = (x[a] + x[b]) & _MASK
    x[d] = _rotl(x[d] ^ x[a], 8)
    x[c] = (x[c] + x[d]) & _MASK
    x[b] = _rotl(x[b] ^ x[c], 7)


def _rounds(state: list[int]) -> list[int]:
    x = list(state)
    for _ in range(10):
        _quarter(x, 0, 4, 8, 12)
        _quarter(x, 1, 5, 9, 13)
        _quarter(x, 2, 6, 10, 14)
        _quarter(x, 3, 7, 11, 15)
        _quarter(x, 0, 5, 10, 15)
        _quarter(x, 1, 6, 11, 12)
        _quarter(x, 2, 7, 8, 13)
        _quarter(x, 3, 4, 9, 14)
    return x


def hchacha20(key: bytes, nonce16: bytes) -> bytes:
    """The XChaCha20 subkey for the first 16 bytes of the nonce."""
    x = _rounds([*_CONSTANTS, *struct.unpack("<8I", key), *struct.unpack("<4I", nonce16)])
    return struct.pack("<8I", *x[0:4], *x[12:16])


def chacha20_block(key: bytes, counter: int, nonce12: bytes) -> bytes:
    """One 64-byte ChaCha20 keystream block (RFC 8439, 32-bit counter, 96-bit nonce)."""
    state = [*_CONSTANTS, *struct.unpack("<8I", key), counter, *struct.unpack("<3I", nonce12)]
    x = _rounds(state)
    return struct.pack("<16I", *((a + b) & _MASK for a, b in zip(x, state, strict=True)))


def xchacha20_aead_keystream(key: bytes, nonce: bytes) -> bytes:
    """The first 64 keystream bytes XChaCha20-Poly1305 (IETF) XORs with the message."""
    return chacha20_block(hchacha20(key, nonce[:16]), 1, b"\x00\x00\x00\x00" + nonce[16:_NONCE])


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=False))


def data_key_candidates(kek: bytes, wrapped: bytes) -> Iterator[bytes]:
    """Every data key that one flipped bit in ``wrapped`` could hide, most likely first."""
    if len(wrapped) != _NONCE + _KEY + 16 or len(kek) != _KEY:
        return
    nonce, body = wrapped[:_NONCE], wrapped[_NONCE:_NONCE + _KEY]
    plain = _xor(body, xchacha20_aead_keystream(kek, nonce))
    yield plain  # the tag was damaged
    for i in range(_KEY * 8):  # a ciphertext bit was damaged
        flipped = bytearray(plain)
        flipped[i // 8] ^= 1 << (i % 8)
        yield bytes(flipped)
    for i in range(_NONCE * 8):  # a nonce bit was damaged
        repaired = bytearray(nonce)
        repaired[i // 8] ^= 1 << (i % 8)
        yield _xor(body, xchacha20_aead_keystream(kek, bytes(repaired)))
