"""``vcwallet request``, ``present``, ``share`` and ``bake`` against a wallet of fixture badges.

The commands are wired into a local parser here the way ``vcwallet.cli`` wires every command
module (``add_parser(subparsers)``, ``func``), so these tests do not depend on cli.py.
"""

from __future__ import annotations

import argparse
import json
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.vcwallet.present.helpers import (
    ACHIEVEMENT,
    ACTIVE,
    CONTEXTS,
    DOMAIN,
    LAB,
    Holder,
    load,
    world_file,
)
from vcwallet.commands import present as present_cmd
from vcwallet.commands import share as share_cmd
from vcwallet.demo.world import WORLD_DIR
from vcwallet.requesting import ChallengeLedger
from vcwallet.sdjwt_issuer import issue_ob3_sd_jwt_vc
from vcwallet.sharing.baking import make_badge_png, make_badge_svg
from vcwallet.store import FAST_FOR_TESTS
from vcwallet.wallet import Wallet
from vcwallet.wallet.records import KIND_HOLDER_KEY, KIND_SETTINGS, SETTINGS_ID
from verifier.baked import read_baked
from verifier.clock import FixedClock, parse_datetime
from verifier.keys import Ed25519KeyPair
from verifier.verification import Verifier

PASSPHRASE = "correct horse battery staple"
NOW = "2026-06-01T12:00:00Z"  # the world verifier's clock (fresh iat, no future proof)
REVOKED = "educator-lab/maya-alvarez--formative-assessment.json"
OB3_VCT = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


def _adopt_holder_key(wallet: Wallet, holder: Holder) -> None:
    """Give the wallet the world holder's key (the fixture badges are issued to it)."""
    record = {"v": 1, "did": holder.did, "verification_method": holder.vm,
              "public_key_multibase": holder.key.public.multibase,
              "secret_key_multibase": holder.key.secret_multibase,
              "created_at": "2026-01-01T00:00:00Z", "label": holder.name}
    record_id = secrets.token_hex(8)
    with wallet.store.transaction() as txn:
        txn.put(record_id, KIND_HOLDER_KEY, json.dumps(record).encode())
        settings = json.loads(txn.get(SETTINGS_ID, KIND_SETTINGS))
        settings["active_holder_key"] = record_id
        txn.put(SETTINGS_ID, KIND_SETTINGS, json.dumps(settings).encode())


def _sd_jwt_for(holder: Holder) -> str:
    issuer = load(WORLD_DIR / "keys" / "educator-lab.key.json")
    key = Ed25519KeyPair.from_secret_multibase(issuer["secret"]["secretKeyMultibase"])
    template = {k: v for k, v in load(ACTIVE).items() if k != "proof"}
    template["id"] = "urn:uuid:6f1c2a9e-4b7d-4c1e-9a55-2f1d8e7c3b10"  # a second copy, as an SD-JWT VC
    return issue_ob3_sd_jwt_vc(template, key=key, kid=issuer["verificationMethod"], holder_jwk=holder.key.public,
                               clock=FixedClock(parse_datetime("2026-05-01T00:00:00Z")))


class World:
    def __init__(self, path: Path, ids: dict[str, str], verifier: Verifier) -> None:
        self.path = path
        self.ids = ids
        self.verifier = verifier


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, host: Any, context_store: Any, maya: Holder) -> Iterator[World]:
    from vcwallet.demo.world import world_verifier

    verifier = world_verifier(WORLD_DIR, host, context_store)
    path = tmp_path_factory.mktemp("wallet") / "wallet.db"
    ids: dict[str, str] = {}
    with Wallet.create(path, PASSPHRASE, verifier=verifier, kdf=FAST_FOR_TESTS) as wallet:
        _adopt_holder_key(wallet, maya)
        for name, force in [("active", False), ("revoked", True), ("growth", False)]:
            file = {"active": ACTIVE, "revoked": world_file(REVOKED),
                    "growth": world_file("educator-lab/maya-alvarez--growth-mindset.json")}[name]
            result = wallet.add(file.read_bytes(), source=file.name, force=force)
            assert result.id is not None, result
            ids[name] = result.id
        sd = wallet.add(_sd_jwt_for(maya).encode(), source="badge.sd-jwt", force=True)
        assert sd.id is not None, sd
        ids["sd"] = sd.id
    yield World(path, ids, verifier)


@pytest.fixture
def cli(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    parser = argparse.ArgumentParser(prog="vcwallet")
    sub = parser.add_subparsers(dest="command")
    present_cmd.add_parser(sub)
    share_cmd.add_parser(sub)

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        args = parser.parse_args(list(argv))
        code = int(args.func(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _present_args(world: World, tmp_path: Path, request: Path, *extra: str) -> list[str]:
    return ["present", "--request", str(request), "--wallet", str(world.path), "--now", NOW, "--offline",
            "--contexts", str(CONTEXTS), "--cache-dir", str(tmp_path / "cache"), *extra]


def _request(cli: Callable[..., tuple[int, str, str]], tmp_path: Path, *extra: str) -> tuple[Path, dict[str, Any], Path]:
    out, ledger = tmp_path / "request.json", tmp_path / "ledger.json"
    code, _out, err = cli("request", "create", "--domain", DOMAIN, "--ledger", str(ledger), "--out", str(out),
                          *extra)
    assert code == 0, err
    return out, json.loads(out.read_text()), ledger


def test_request_create_records_the_challenge(cli: Any, tmp_path: Path) -> None:
    path, request, ledger = _request(cli, tmp_path, "--type", "OpenBadgeCredential", "--issuer", LAB,
                                     "--achievement", ACHIEVEMENT, "--claims", "validFrom,credentialSubject.id")
    assert request["query"][0]["credentialQuery"][0]["example"]["credentialSubject"]["id"] == ""
    assert ChallengeLedger(ledger).outstanding() == [request["challenge"]]
    code, out, _err = cli("request", "outstanding", "--ledger", str(ledger))
    assert (code, out.split()) == (0, [request["challenge"]])
    code, _out, err = cli("request", "create", "--domain", "", "--ledger", str(ledger), "--out", str(path))
    assert code == 2 and "request.invalid" in err


def test_present_lists_matches_with_reasons_and_flags(cli: Any, world: World, tmp_path: Path) -> None:
    request, _data, _ledger = _request(cli, tmp_path, "--type", "OpenBadgeCredential", "--issuer", LAB)
    code, out, _err = cli(*_present_args(world, tmp_path, request))
    assert code == 0
    assert world.ids["active"] in out and world.ids["revoked"] in out and world.ids["growth"] in out
    revoked_block = out.split(world.ids["revoked"], 1)[1]
    assert "WARNING: revoked by its issuer" in revoked_block.split("\n* ", 1)[0]
    assert "SD-JWT" not in out and world.ids["sd"] not in out  # answers DCQL, not QueryByExample
    nothing, _d, _l = _request(cli, tmp_path, "--achievement", "Underwater Basket Weaving")
    assert cli(*_present_args(world, tmp_path, nothing))[0] == 1


def test_present_writes_a_vp_that_verifies_once(cli: Any, world: World, tmp_path: Path,
                                                make_verifier: Callable[..., Verifier], maya: Holder) -> None:
    request, data, ledger = _request(cli, tmp_path, "--achievement", ACHIEVEMENT)
    out = tmp_path / "vp.json"
    code, _out, err = cli(*_present_args(world, tmp_path, request, "--out", str(out)))
    assert code == 0, err
    assert "The verifier will receive exactly this" in err and "signature covers all of it" in err
    presentation = json.loads(out.read_text())
    assert presentation["holder"] == maya.did
    assert presentation["verifiableCredential"] == [load(ACTIVE)]
    verifier = make_verifier(ChallengeLedger(ledger))
    first = verifier.verify_presentation(out.read_bytes(), challenge=data["challenge"], domain=DOMAIN)
    assert first.verified, first.to_json()
    replay = make_verifier(ChallengeLedger(ledger)).verify_presentation(
        out.read_bytes(), challenge=data["challenge"], domain=DOMAIN)
    assert replay.check("presentation").code == "presentation.challenge_reused"  # type: ignore[union-attr]


def test_flagged_credential_needs_yes(cli: Any, world: World, tmp_path: Path, verifier: Verifier) -> None:
    request, data, _ledger = _request(cli, tmp_path, "--type", "OpenBadgeCredential")
    out = tmp_path / "vp.json"
    args = _present_args(world, tmp_path, request, "--select", world.ids["revoked"], "--out", str(out))
    code, _o, err = cli(*args)
    assert code == 1 and not out.exists() and "--yes" in err
    code, _o, err = cli(*args, "--yes")
    assert code == 0, err
    report = verifier.verify_presentation(out.read_bytes(), challenge=data["challenge"], domain=DOMAIN)
    assert not report.verified
    assert report.credentials[0].check("status").code == "status.revoked"  # type: ignore[union-attr]


def test_present_usage_errors(cli: Any, world: World, tmp_path: Path) -> None:
    request, _d, _l = _request(cli, tmp_path, "--type", "OpenBadgeCredential")
    out = tmp_path / "vp.json"
    several = cli(*_present_args(world, tmp_path, request, "--out", str(out)))
    assert several[0] == 2 and "--select" in several[2]
    disclose = cli(*_present_args(world, tmp_path, request, "--select", world.ids["active"],
                                  "--disclose", "evidence", "--out", str(out)))
    assert disclose[0] == 2 and "whole" in disclose[2]
    other = cli(*_present_args(world, tmp_path, request, "--select", world.ids["sd"], "--out", str(out)))
    assert other[0] == 2
    assert not out.exists()


def test_dcql_present_discloses_only_what_was_chosen(cli: Any, world: World, tmp_path: Path,
                                                     verifier: Verifier) -> None:
    request, data, _ledger = _request(cli, tmp_path, "--dcql", "--vct", OB3_VCT, "--issuer", LAB,
                                      "--claims", "credentialSubject.achievement.criteria")
    out = tmp_path / "vp.sd-jwt"
    listing = cli(*_present_args(world, tmp_path, request))
    assert listing[0] == 0 and world.ids["sd"] in listing[1] and world.ids["active"] not in listing[1]
    code, _o, err = cli(*_present_args(world, tmp_path, request, "--disclose", "evidence[0]", "--out", str(out)))
    assert code == 0, err
    token = out.read_text().strip()
    report = verifier.verify_sd_jwt(token, nonce=data["nonce"], audience=DOMAIN)
    assert report.verified, report.to_json()
    disclosure = report.check("disclosure")
    assert disclosure is not None and disclosure.details["disclosed"] == ["evidence[0]"]
    wrong = verifier.verify_sd_jwt(token, nonce="x" * 32, audience=DOMAIN)
    assert not wrong.verified


def test_share_linkedin_and_html(cli: Any, world: World, tmp_path: Path) -> None:
    code, out, err = cli("share", "linkedin", world.ids["active"], "--wallet", str(world.path),
                         "--trust", str(WORLD_DIR / "trust-list.json"))
    assert code == 0, err
    fields = {k: v[0] for k, v in parse_qs(urlsplit(out.strip()).query).items()}
    assert (fields["name"], fields["organizationName"], fields["issueYear"]) == (
        ACHIEVEMENT, "Open Educator Micro-credentials Lab", "2026")
    page = tmp_path / "badge.html"
    code, _out, err = cli("share", "html", world.ids["active"], "--out", str(page), "--wallet", str(world.path))
    assert code == 0, err
    text = page.read_text()
    assert '<script type="application/vc+ld+json"' in text and "vcwallet verify badge.json" in text
    assert "data:image/svg+xml;base64," in text
    missing = cli("share", "html", "ffffffffffff", "--out", str(page), "--wallet", str(world.path))
    assert missing[0] == 2 and "wallet.not_found" in missing[2]


def test_sharing_a_revoked_badge_needs_yes(cli: Any, world: World, tmp_path: Path) -> None:
    page, image, baked = tmp_path / "revoked.html", tmp_path / "medal.png", tmp_path / "baked.png"
    image.write_bytes(make_badge_png("m", (1, 2, 3), size=32))
    w = ["--wallet", str(world.path)]
    for argv, out in ((["share", "html", world.ids["revoked"], "--out", str(page)], page),
                      (["bake", world.ids["revoked"], "--image", str(image), "--out", str(baked)], baked),
                      (["share", "linkedin", world.ids["revoked"]], None)):
        code, stdout, err = cli(*argv, *w)
        assert code == 1 and "WARNING: revoked by its issuer" in err and "--yes" in err
        assert stdout == "" and (out is None or not out.exists())
        code, stdout, err = cli(*argv, *w, "--yes")
        assert code == 0, err
        assert out.exists() if out is not None else stdout.startswith("https://www.linkedin.com/")


def test_sharing_a_revoked_badge_asks_on_a_terminal(world: World, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("VCWALLET_PASSPHRASE", PASSPHRASE)
    parser = argparse.ArgumentParser(prog="vcwallet")
    share_cmd.add_parser(parser.add_subparsers(dest="command"))
    page = tmp_path / "page.html"
    args = parser.parse_args(["share", "html", world.ids["revoked"], "--out", str(page), "--wallet", str(world.path)])
    questions: list[str] = []

    def answer(reply: str) -> Callable[[str], str]:
        def ask(question: str) -> str:
            questions.append(question)
            return reply
        return ask

    assert share_cmd.run_share_html(args, ask=answer("n"), interactive=True) == 1 and not page.exists()
    assert share_cmd.run_share_html(args, ask=answer("y"), interactive=True) == 0 and page.exists()
    assert len(questions) == 2 and "anyway" in questions[0]
    capsys.readouterr()


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_bake_round_trip_and_verify(kind: str, cli: Any, world: World, tmp_path: Path, verifier: Verifier) -> None:
    image = tmp_path / f"medal.{kind}"
    image.write_bytes(make_badge_png("m", (1, 2, 3), size=32) if kind == "png" else make_badge_svg("m", (1, 2, 3)))
    out = tmp_path / f"baked.{kind}"
    code, _o, err = cli("bake", world.ids["active"], "--image", str(image), "--out", str(out),
                        "--wallet", str(world.path))
    assert code == 0, err
    baked = out.read_bytes()
    assert read_baked(baked).payload.encode() == ACTIVE.read_bytes()  # unbaking gives the exact bytes
    assert verifier.verify_credential(baked).verified


def test_bake_refusals(cli: Any, world: World, tmp_path: Path) -> None:
    image = tmp_path / "medal.png"
    image.write_bytes(make_badge_png("m", (1, 2, 3), size=32))
    not_image = tmp_path / "note.txt"
    not_image.write_text("hello")
    out = tmp_path / "out.png"
    sd = cli("bake", world.ids["sd"], "--image", str(image), "--out", str(out), "--wallet", str(world.path))
    assert sd[0] == 2 and "SD-JWT" in sd[2]
    text = cli("bake", world.ids["active"], "--image", str(not_image), "--out", str(out), "--wallet",
               str(world.path))
    assert text[0] == 2
    assert not out.exists()


def test_answer_request_library_api(world: World, context_store: Any, verifier: Verifier, maya: Holder) -> None:
    from vcwallet.presenting import answer_request, match_wallet
    from vcwallet.requesting import create_request
    from verifier.errors import VCError

    request = create_request(domain=DOMAIN, types=["OpenBadgeCredential"], issuer=LAB)
    clock = FixedClock(parse_datetime(NOW))
    loader = context_store.document_loader
    with Wallet.open(world.path, PASSPHRASE) as wallet:
        found = match_wallet(wallet, request, clock=clock)
        assert {m.id for m in found} == {world.ids["active"], world.ids["revoked"], world.ids["growth"]}
        answer = answer_request(wallet, request, [world.ids["active"]], document_loader=loader, clock=clock)
        assert answer.notes == [] and answer.preview.has("whole-credential")
        for selections, code in [([world.ids["revoked"]], "request.unconfirmed"), ([], "request.invalid"),
                                 ([world.ids["sd"]], "request.invalid")]:
            with pytest.raises(VCError) as err:
                answer_request(wallet, request, selections, document_loader=loader, clock=clock)
            assert err.value.code == code
        flagged = answer_request(wallet, request, [world.ids["revoked"]], document_loader=loader, clock=clock,
                                 confirmed=True)
    assert isinstance(answer.presentation, dict) and answer.presentation["holder"] == maya.did
    report = verifier.verify_presentation(answer.serialize().encode(), challenge=request["challenge"], domain=DOMAIN)
    assert report.verified, report.to_json()
    assert isinstance(flagged.presentation, dict)


def test_wallet_present_is_the_python_api(world: World, context_store: Any, verifier: Verifier) -> None:
    from vcwallet.requesting import create_request

    request = create_request(domain=DOMAIN, types=["OpenBadgeCredential"], issuer=LAB)
    with Wallet.open(world.path, PASSPHRASE) as wallet:
        answer = wallet.present(request, [world.ids["active"]],
                                document_loader=context_store.document_loader,
                                clock=FixedClock(parse_datetime(NOW)))
    report = verifier.verify_presentation(answer.serialize().encode(), challenge=request["challenge"], domain=DOMAIN)
    assert report.verified, report.to_json()
    wrong = verifier.verify_presentation(answer.serialize().encode(), challenge="another", domain=DOMAIN)
    assert wrong.check("presentation").code == "presentation.challenge_mismatch"
