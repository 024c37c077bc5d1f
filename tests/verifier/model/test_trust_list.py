"""Trust lists: loading (and refusing) files, and the ``trust`` check under both policies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from verifier.checks.trust import check_trust
from verifier.report import Status
from verifier.trust import TrustList, TrustListError

LIST: dict[str, Any] = {
    "name": "District PD providers",
    "issuers": [
        {"id": "did:web:pd.example.edu", "name": "Example University PD Office"},
        {"id": "https://academy.example.org/issuer", "name": "Teachers' Academy",
         "achievementTypes": ["MicroCredential", "Certificate"]},
    ],
}


@pytest.fixture
def trust() -> TrustList:
    return TrustList.from_json(LIST)


def test_load_from_file(tmp_path: Path) -> None:
    path = tmp_path / "trust.json"
    path.write_text(json.dumps(LIST), encoding="utf-8")
    trust = TrustList.load(path)
    assert trust.name == "District PD providers"
    entry = trust.lookup("did:web:pd.example.edu")
    assert entry is not None and entry.name == "Example University PD Office"
    assert trust.lookup("did:web:other.example") is None
    assert trust.lookup(None) is None


def test_trusted_issuer_passes_with_list_name(trust: TrustList) -> None:
    result = check_trust(trust, "did:web:pd.example.edu", ["Badge"])
    assert result.status is Status.PASSED
    assert result.details["displayName"] == "Example University PD Office"


@pytest.mark.parametrize(("require", "status"), [(False, Status.WARNING), (True, Status.FAILED)])
def test_untrusted_issuer(trust: TrustList, require: bool, status: Status) -> None:
    result = check_trust(trust, "did:web:badge-mill.example", [], require_trusted=require)
    assert (result.status, result.code) == (status, "trust.untrusted_issuer")
    assert "displayName" not in result.details


@pytest.mark.parametrize(("require", "status"), [(False, Status.WARNING), (True, Status.FAILED)])
def test_achievement_type_not_accepted(trust: TrustList, require: bool, status: Status) -> None:
    result = check_trust(trust, "https://academy.example.org/issuer", ["Degree"], require_trusted=require)
    assert (result.status, result.code) == (status, "trust.achievement_not_accepted")
    assert result.details["displayName"] == "Teachers' Academy"
    assert check_trust(trust, "https://academy.example.org/issuer", [], require_trusted=require).code == \
        "trust.achievement_not_accepted"


def test_achievement_type_accepted_twin(trust: TrustList) -> None:
    result = check_trust(trust, "https://academy.example.org/issuer", ["MicroCredential"], require_trusted=True)
    assert result.status is Status.PASSED


def test_no_trust_list() -> None:
    assert check_trust(None, "did:web:pd.example.edu").status is Status.SKIPPED
    failed = check_trust(None, "did:web:pd.example.edu", require_trusted=True)
    assert (failed.status, failed.code) == (Status.FAILED, "trust.untrusted_issuer")


def test_matching_is_exact(trust: TrustList) -> None:
    assert check_trust(trust, "did:web:PD.example.edu").code == "trust.untrusted_issuer"
    assert check_trust(trust, "did:web:pd.example.edu#key-1").code == "trust.untrusted_issuer"


def broken(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(LIST))
    doc.update(changes)
    return doc


@pytest.mark.parametrize("obj", [
    [],
    broken(name=""),
    broken(name=...),
    broken(issuers={"id": "did:web:x"}),
    broken(issuers=[{"id": "not a did", "name": "X"}]),
    broken(issuers=[{"id": "did:web:x"}]),
    broken(issuers=[{"id": "did:web:x", "name": "X", "achievmentTypes": ["Badge"]}]),
    broken(issuers=[{"id": "did:web:x", "name": "X", "achievementTypes": "Badge"}]),
    broken(issuers=[{"id": "did:web:x", "name": "X"}, {"id": "did:web:x", "name": "Y"}]),
    broken(issuers=["did:web:x"]),
    broken(extra=True),
])
def test_malformed_lists_refused(obj: Any) -> None:
    if isinstance(obj, dict) and obj.get("name") is ...:
        del obj["name"]
    with pytest.raises(TrustListError) as info:
        TrustList.from_json(obj)
    assert info.value.code == "trust.invalid_list"


@pytest.mark.parametrize("text", [b"{", b'{"name": "a", "name": "b", "issuers": []}', b'{"name": NaN}', b"\xff"])
def test_malformed_json_refused(text: bytes) -> None:
    with pytest.raises(TrustListError) as info:
        TrustList.loads(text)
    assert info.value.code == "trust.invalid_list"


def test_minimal_valid_list_twin() -> None:
    assert TrustList.loads(b'{"name": "empty", "issuers": []}').issuers == ()


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TrustListError) as info:
        TrustList.load(tmp_path / "absent.json")
    assert info.value.code == "trust.invalid_list"
