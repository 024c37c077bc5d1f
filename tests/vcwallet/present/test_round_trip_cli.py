"""Issue 6's round trip through the command line, for a JSON-LD badge and an SD-JWT VC badge:
``request create`` → ``present`` → ``verify --challenge --domain`` reports exactly the chosen
claims; a replay, a wrong nonce and a wrong audience each fail with their own code.

The verifier reaches the issuer world through ``--url-map`` (every file the fixture host would
serve), so this runs the real CLI with no network.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import contexts_missing, pinned_contexts
from vcwallet.cli import main
from vcwallet.demo.world import WORLD_DIR
from vcwallet.store import FAST_FOR_TESTS
from vcwallet.wallet import Wallet
from verifier.keys import Ed25519KeyPair

CONTEXTS = pinned_contexts()
DOMAIN = "hr.lakeview.example"
NOW = "2026-06-01T12:00:00Z"
PASSPHRASE = "district application 2026"
pytestmark = pytest.mark.skipif(CONTEXTS is None, reason=contexts_missing())


def _url_map(tmp: Path) -> Path:
    hosts = WORLD_DIR / "hosts"
    urls = {f"https://{p.relative_to(hosts).as_posix()}": str(p)
            for p in hosts.rglob("*") if p.is_file()}
    path = tmp / "urls.json"
    path.write_text(json.dumps({"urls": urls}), encoding="utf-8")
    return path


@pytest.fixture()
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    url_map = _url_map(tmp_path)
    wallet_path = tmp_path / "wallet.db"
    maya = json.loads((WORLD_DIR / "holders/maya-alvarez.json").read_text(encoding="utf-8"))
    with Wallet.create(wallet_path, PASSPHRASE, kdf=FAST_FOR_TESTS, holder_key=False) as wallet:
        wallet.create_holder_key(key=Ed25519KeyPair.from_secret_multibase(maya["secretKeyMultibase"]),
                                 label="Maya")
    common = ["--contexts", str(CONTEXTS)]
    for name in ("educator-lab/maya-alvarez--checking-for-student-understanding.json",
                 "sd-jwt/maya-alvarez--computational-thinking.sd-jwt"):
        assert main(["import", "--wallet", str(wallet_path), "--url-map", str(url_map), "--now", NOW,
                     *common, str(WORLD_DIR / "credentials" / name)]) == 0
    return {"wallet": wallet_path, "url_map": url_map, "common": common, "tmp": tmp_path}


def _ids(setup: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    capsys.readouterr()
    assert main(["list", "--json", "--wallet", str(setup["wallet"])]) == 0
    out = capsys.readouterr().out
    items = [json.loads(line) for line in out.splitlines() if line.strip()] if not out.lstrip().startswith("[") \
        else json.loads(out)
    return {("sd" if i.get("kind") == "sd-jwt" else "ld"): i["id"] for i in items}


def _verify(setup: dict[str, Any], capsys: pytest.CaptureFixture[str], path: Path, challenge: str,
            domain: str = DOMAIN, ledger: Path | None = None) -> tuple[int, dict[str, Any]]:
    capsys.readouterr()
    extra = ["--ledger", str(ledger)] if ledger else ["--no-ledger"]
    code = main(["verify", "--json", "--jobs", "1", "--url-map", str(setup["url_map"]), "--now", NOW,
                 f"--challenge={challenge}", f"--domain={domain}", *extra, *setup["common"], str(path)])
    return code, json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_json_ld_badge_round_trip(setup: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    tmp, ledger = setup["tmp"], setup["tmp"] / "challenges.json"
    ids = _ids(setup, capsys)
    request = tmp / "request.json"
    assert main(["request", "create", "--domain", DOMAIN, "--type", "OpenBadgeCredential",
                 "--achievement", "Checking for Student Understanding", "--ledger", str(ledger),
                 "--out", str(request)]) == 0
    challenge = json.loads(request.read_text(encoding="utf-8"))["challenge"]
    vp = tmp / "vp.json"
    assert main(["present", "--request", str(request), "--select", ids["ld"], "--wallet",
                 str(setup["wallet"]), "--now", NOW, "--offline", "--yes", "--out", str(vp),
                 *setup["common"]]) == 0
    code, report = _verify(setup, capsys, vp, challenge, ledger=ledger)
    assert code == 0, report
    assert [c["verified"] for c in report["credentials"]] == [True]
    # the same presentation again: a replay
    code, again = _verify(setup, capsys, vp, challenge, ledger=ledger)
    assert code == 1
    assert next(c for c in again["checks"] if c["id"] == "presentation")["code"] == "presentation.challenge_reused"
    code, wrong = _verify(setup, capsys, vp, "not-the-challenge")
    assert next(c for c in wrong["checks"] if c["id"] == "presentation")["code"] == "presentation.challenge_mismatch"


def test_sd_jwt_badge_round_trip_discloses_exactly_the_chosen_claims(
        setup: dict[str, Any], capsys: pytest.CaptureFixture[str]) -> None:
    tmp, ledger = setup["tmp"], setup["tmp"] / "challenges.json"
    ids = _ids(setup, capsys)
    request = tmp / "dcql.json"
    assert main(["request", "create", "--dcql", "--domain", DOMAIN, "--claims", "credentialSubject.achievement.name",
                 "--ledger", str(ledger), "--out", str(request)]) == 0
    body = json.loads(request.read_text(encoding="utf-8"))
    nonce = body.get("nonce") or body.get("challenge")
    token = tmp / "vp.sd-jwt"
    assert main(["present", "--request", str(request), "--select", ids["sd"], "--disclose", "evidence[0]",
                 "--wallet", str(setup["wallet"]), "--now", NOW, "--offline", "--yes", "--out", str(token),
                 *setup["common"]]) == 0
    code, report = _verify(setup, capsys, token, nonce, ledger=ledger)
    assert code == 0, report
    disclosure = next(c for c in report["checks"] if c["id"] == "disclosure")
    assert disclosure["details"]["disclosed"] == ["evidence[0]"]
    code, replay = _verify(setup, capsys, token, nonce, ledger=ledger)
    assert code == 1
    assert next(c for c in replay["checks"] if c["id"] == "presentation")["code"] == "presentation.challenge_reused"
    code, wrong_nonce = _verify(setup, capsys, token, "another-nonce")
    assert next(c for c in wrong_nonce["checks"] if c["id"] == "disclosure")["code"] == "sdjwt.kb_invalid"
    code, wrong_aud = _verify(setup, capsys, token, nonce, domain="evil.example")
    assert code == 1
    assert next(c for c in wrong_aud["checks"] if c["id"] == "disclosure")["code"] == "sdjwt.kb_invalid"
