"""Every fixture badge imports, in every format, through a verifier over the fixture HTTPS host;
and nothing identifying is readable in the wallet file or its WAL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.vcwallet.store.support import FAST, PASSPHRASE
from tests.vcwallet.wallet.world import needs_world, scenario_list, world_file
from vcwallet.demo.world import WORLD_DIR
from vcwallet.wallet import Wallet
from verifier.jcs import canonicalize

pytestmark = needs_world


def _id(scenario: dict[str, Any]) -> str:
    return str(scenario["file"]).split("/", 1)[1]


def _expected_checks(scenario: dict[str, Any]) -> dict[str, str]:
    """The scenario's checks as the wallet sees them: an SD-JWT VC as issued has no key binding
    (the holder adds one when presenting), so the wallet does not require it."""
    return {k: v for k, v in scenario["checks"].items() if v != "sdjwt.kb_missing"}


def wallet_verdict(scenario: dict[str, Any]) -> bool:
    if len(_expected_checks(scenario)) == len(scenario["checks"]):
        return bool(scenario["verified"])
    return all(v in ("passed", "skipped", "warning") for v in _expected_checks(scenario).values())


@pytest.mark.parametrize("scenario", scenario_list(), ids=_id)
def test_each_fixture_badge_imports_as_its_verdict_says(scenario: dict[str, Any], verifier: Any,
                                                         tmp_path: Path) -> None:
    data = world_file(scenario).read_bytes()
    with Wallet.create(tmp_path / "w.db", PASSPHRASE, verifier=verifier, kdf=FAST, holder_key=False) as wallet:
        result = wallet.add(data, source=str(scenario["file"]))
        if wallet_verdict(scenario):
            assert result.outcome == "added", result.report and result.report.to_json()
        else:  # refused without --force, kept and flagged with it
            assert result.outcome == "refused" and wallet.list() == []
            result = wallet.add(data, source=str(scenario["file"]), force=True)
            assert result.outcome == "added_flagged"
        assert result.summary is not None and result.id
        assert result.summary.verified is wallet_verdict(scenario)
        assert result.summary.name and result.summary.issuer_name
        stored = wallet.get(result.id)
        assert stored.data == data
        for check_id, expected in _expected_checks(scenario).items():
            found = [c for c in stored.report["checks"] if c["id"] == check_id]
            assert found and expected in (found[0]["status"], found[0]["code"]), (check_id, found)


@pytest.fixture(scope="module")
def whole_world(tmp_path_factory: pytest.TempPathFactory, verifier: Any) -> Any:
    """One wallet holding the whole credentials folder (imported with --force), left open."""
    path = tmp_path_factory.mktemp("world") / "wallet.db"
    wallet = Wallet.create(path, PASSPHRASE, verifier=verifier, kdf=FAST)
    results = wallet.import_source(str(WORLD_DIR / "credentials"), force=True)
    yield wallet, results
    wallet.close()


def test_a_folder_import_accounts_for_every_file(whole_world: Any) -> None:
    wallet, results = whole_world
    files = sorted(str(p) for p in (WORLD_DIR / "credentials").rglob("*") if p.is_file())
    assert sorted(r.source for r in results) == files
    assert {r.outcome for r in results} <= {"added", "added_flagged", "replaced", "duplicate"}
    for result in results:
        if result.outcome == "duplicate":  # the same badge as JSON and baked PNG/SVG
            assert result.reason == "id"
    # a tampered copy that sorted first gave way to the genuine badge with the same id
    genuine = [r for r in results if r.source.endswith("jordan-okafor--grit-and-resilience.json")]
    assert genuine[0].outcome == "replaced"
    statuses = {s.status for s in wallet.list()}
    assert {"verified", "revoked", "suspended", "expired", "untrusted", "invalid"} <= statuses
    assert wallet.check().ok


def _secrets_of(wallet: Wallet) -> set[str]:
    names: set[str] = set()
    for summary in wallet.list():
        for value in (summary.name, summary.achievement, summary.issuer_name, summary.issuer_id):
            if value and len(value) > 6:
                names.add(value)
    names.update({"Maya Alvarez", "maya-alvarez", "Riverbend", "educatorlab", "LearnBridge"})
    return names


def test_names_and_issuers_are_not_readable_in_the_wallet_file_or_its_wal(whole_world: Any) -> None:
    wallet, _results = whole_world
    secrets = _secrets_of(wallet)
    assert {"Growth Mindset", "Literacy Coach", "Open Educator Micro-credentials Lab",
            "did:web:credentials.educatorlab.example"} <= secrets
    path = wallet.path
    wal = Path(f"{path}-wal")
    assert wal.exists() and wal.stat().st_size > 0  # the wallet is open: recent writes are in the WAL
    blobs = {name: Path(f"{path}{name}").read_bytes() for name in ("", "-wal", "-shm")
             if Path(f"{path}{name}").exists()}
    for name, blob in blobs.items():
        for secret in secrets:
            for encoded in (secret.encode("utf-8"), secret.lower().encode("utf-8"), secret.encode("utf-16-le")):
                assert encoded not in blob, (name or "db", secret)


def test_twin_the_same_names_are_readable_in_the_plain_fixture_files(whole_world: Any) -> None:
    wallet, _results = whole_world
    plain = b"".join(p.read_bytes() for p in (WORLD_DIR / "credentials").rglob("*.json"))
    found = [s for s in _secrets_of(wallet) if s.encode("utf-8") in plain]
    assert {"Growth Mindset", "Open Educator Micro-credentials Lab"} <= set(found)


def test_a_presentation_of_fixture_badges_imports_each_credential_and_they_verify(
        verifier: Any, tmp_path: Path) -> None:
    badges = [json.loads((WORLD_DIR / "credentials/educator-lab" / name).read_bytes()) for name in (
        "maya-alvarez--growth-mindset.json", "maya-alvarez--family-engagement.json")]
    vp = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"],
          "verifiableCredential": badges}
    source = tmp_path / "vp.json"
    source.write_text(json.dumps(vp, indent=2))
    with Wallet.create(tmp_path / "w.db", PASSPHRASE, verifier=verifier, kdf=FAST) as wallet:
        results = wallet.import_source(str(source))
        assert [r.outcome for r in results] == ["added", "added"]
        for result, badge in zip(results, badges, strict=True):
            assert result.summary is not None and result.summary.presentation == str(source)
            assert wallet.get(result.id or "").data == canonicalize(badge)
