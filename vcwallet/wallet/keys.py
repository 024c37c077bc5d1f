"""Holder keys: the Ed25519 did:key keys a teacher presents with, sealed in the wallet.

Each key is a sealed ``holder_key`` record; the ``settings`` record names the active one.
Rotating adds a new key and makes it active, keeping the old ones to present older credentials
(which name the key they were issued to). A key that arrives from outside (a backup, a damaged
file) is rebuilt from its secret key alone: its public parts are derived, never copied.
"""

from __future__ import annotations

import builtins
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from verifier.errors import ParseError, VCError
from verifier.keys import Ed25519KeyPair

from ..store import Store, Transaction, WalletError, WalletNotFound
from .records import KIND_HOLDER_KEY, KIND_SETTINGS, SETTINGS_ID, json_bytes, json_record

log = logging.getLogger("vcwallet.wallet")

ACTIVE = "active_holder_key"


@dataclass(frozen=True)
class HolderKey:
    """A holder key's public part; the secret stays sealed until :func:`holder_key_pair`."""

    id: str
    did: str
    verification_method: str
    public_key_multibase: str
    created_at: str
    label: str
    active: bool


def clean(text: str, *, lines: bool = False) -> str:
    """``text`` without control characters (an escape sequence must not reach a terminal)."""
    return "".join(c for c in text if c.isprintable() or (lines and c in "\n\t")).strip()


def settings(store: Store | Transaction) -> dict[str, Any]:
    """The ``settings`` record (empty when there is none yet)."""
    if not store.has(SETTINGS_ID, KIND_SETTINGS):
        return {}
    return json_record(store.get(SETTINGS_ID, KIND_SETTINGS))


def key_record(pair: Ed25519KeyPair, *, created_at: str, label: str) -> dict[str, Any]:
    """The sealed record of a holder key: everything derived from the key pair itself."""
    did = pair.public.did_key
    return {"v": 1, "did": did, "verification_method": f"{did}#{pair.public.multibase}",
            "public_key_multibase": pair.public.multibase, "secret_key_multibase": pair.secret_multibase,
            "created_at": created_at, "label": label}


def rebuilt_key_record(plaintext: bytes) -> dict[str, Any] | None:
    """A holder key record from outside, rebuilt from its secret key alone (None if unusable)."""
    try:
        data = json_record(plaintext)
        pair = Ed25519KeyPair.from_secret_multibase(str(data["secret_key_multibase"]))
    except (VCError, KeyError, ValueError, TypeError):
        return None
    created = data.get("created_at")
    label = data.get("label")
    name = clean(label) if isinstance(label, str) else ""
    return key_record(pair, created_at=clean(created) if isinstance(created, str) else "",
                      label=name or "restored holder key")


def store_key(txn: Transaction, record_id: str, record: dict[str, Any], *, activate: bool) -> bool:
    """Write a key record; make it active when ``activate`` or when none is. Whether it is active."""
    txn.put(record_id, KIND_HOLDER_KEY, json_bytes(record))
    current = settings(txn)
    if activate or not current.get(ACTIVE):
        current[ACTIVE] = record_id
        txn.put(SETTINGS_ID, KIND_SETTINGS, json_bytes(current))
    return bool(current.get(ACTIVE) == record_id)


def holder_keys(store: Store) -> builtins.list[HolderKey]:
    """Every readable holder key, oldest first; exactly one is ``active`` once any exists.

    A damaged or malformed key row is skipped (``check`` reports it), so one bad row does not
    make every other key unusable.
    """
    active = settings(store).get(ACTIVE)
    keys = []
    for record_id, plaintext in store.read_all(KIND_HOLDER_KEY):
        if isinstance(plaintext, WalletError):
            log.warning("holder key %s cannot be read (%s); skipped", record_id, plaintext.code)
            continue
        try:
            data = json_record(plaintext)
            keys.append(HolderKey(record_id, str(data["did"]), str(data["verification_method"]),
                                  str(data["public_key_multibase"]), str(data.get("created_at", "")),
                                  str(data.get("label", "")), record_id == active))
        except (ParseError, KeyError):
            log.warning("holder key %s is not a holder key record; skipped", record_id)
    return keys


def create_holder_key(store: Store, now: str, *, label: str | None = None, activate: bool = True,
                      key: Ed25519KeyPair | None = None) -> HolderKey:
    """A new (or brought) key pair sealed in the wallet; a key already held is returned unchanged."""
    pair = key or Ed25519KeyPair.generate()
    existing = next((k for k in holder_keys(store) if k.did == pair.public.did_key), None)
    if existing is not None:
        return existing
    record_id = secrets.token_hex(8)
    name = label or f"holder key {len(store.ids(KIND_HOLDER_KEY)) + 1}"
    record = key_record(pair, created_at=now, label=name)
    with store.transaction() as txn:
        active = store_key(txn, record_id, record, activate=activate)
    return HolderKey(record_id, str(record["did"]), str(record["verification_method"]), pair.public.multibase,
                     now, name, active)


def holder_key_pair(store: Store, key: str | None = None) -> tuple[HolderKey, Ed25519KeyPair]:
    """The signing key for ``key`` (a key id, DID or verification method; default: the active one)."""
    keys = holder_keys(store)
    if not keys:
        raise WalletNotFound("this wallet has no holder key; create one with create_holder_key()")
    chosen = next((k for k in keys if k.active), keys[-1]) if key is None else next(
        (k for k in keys if key in (k.id, k.did, k.verification_method)), None)
    if chosen is None:
        raise WalletNotFound(f"no holder key {key} in this wallet", details={"key": key})
    data = json_record(store.get(chosen.id, KIND_HOLDER_KEY))
    return chosen, Ed25519KeyPair.from_secret_multibase(str(data["secret_key_multibase"]))


__all__ = ["HolderKey", "create_holder_key", "holder_key_pair", "holder_keys", "rebuilt_key_record",
           "settings", "store_key"]
