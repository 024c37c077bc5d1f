"""``vcwallet issue``: signed output that ``verify`` accepts, and nothing written on any refusal."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from vcwallet import cli
from vcwallet.commands import contexts as contexts_cmd
from vcwallet.commands import issue as issue_cmd
from vcwallet.commands import keys as keys_cmd
from vcwallet.commands import verify as verify_cmd
from vcwallet.issuing.issuer import SUITE_NAMES
from vcwallet.keyfile import FAST_FOR_TESTS, create_keyfile, did_web_document, load_keyfile
from verifier import assembly
from verifier.clock import FixedClock
from verifier.contexts import ContextStore
from verifier.did import did_web_url
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.proofs import ProofChecker
from verifier.suites import default_suites

PASSPHRASE = "pd-office passphrase"
WEB_DID = "did:web:pd.district.example"
VC_V2 = "https://www.w3.org/ns/credentials/v2"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="vcwallet")
    sub = parser.add_subparsers(dest="command")
    for module in (issue_cmd, keys_cmd, verify_cmd):
        module.add_parser(sub)
    try:
        args = parser.parse_args(list(argv))
        code = int(args.func(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(assembly, "checkout_contexts_dir", lambda: None)
    monkeypatch.delenv(contexts_cmd.ENV_CONTEXTS, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv(keys_cmd.ENV_PASSPHRASE, PASSPHRASE)


@pytest.fixture
def ctx_dir(contexts_dir: Path) -> str:
    return str(contexts_dir)


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    pair = Ed25519KeyPair.generate()
    path = tmp_path / "issuer.key.json"
    create_keyfile(path, pair, pair.public.did_key, f"{pair.public.did_key}#{pair.public.multibase}",
                   PASSPHRASE, kdf_limits=FAST_FOR_TESTS)
    return path


@pytest.fixture
def web_key_file(tmp_path: Path) -> Path:
    path = tmp_path / "web.key.json"
    create_keyfile(path, Ed25519KeyPair.generate(), WEB_DID, WEB_DID + "#key-1", PASSPHRASE,
                   kdf_limits=FAST_FOR_TESTS)
    return path


def template(tmp_path: Path, **extra: Any) -> Path:
    path = tmp_path / "template.json"
    body = {"@context": [VC_V2], "type": ["VerifiableCredential"],
            "credentialSubject": {"id": "did:example:teacher"}} | extra
    path.write_text(json.dumps(body))
    return path


def check_signed(signed: dict[str, Any], key_path: Path, ctx_dir: str) -> None:
    key = load_keyfile(key_path, PASSPHRASE)
    clock = FixedClock(datetime.now(UTC))
    mapping: dict[str, Any] = {}
    if key.did.startswith("did:web:"):
        document = did_web_document(key.did, key.verification_method, key.public_key)
        mapping[did_web_url(key.did)] = json.dumps(document).encode()
    checker = ProofChecker(default_suites(), ResolverKeyLookup.create(StaticFetcher(mapping), clock), clock,
                           ContextStore([Path(ctx_dir)]).document_loader)
    outcome = checker.verify(signed, expected_controller=key.did)
    assert outcome.all_signatures_ok, outcome.first_error
    assert all(r.binding is not None and r.binding.bound for r in outcome.results)


@pytest.mark.parametrize("suite", SUITE_NAMES)
@pytest.mark.parametrize("which", ["key", "web"])
def test_issue_to_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, ctx_dir: str, key_file: Path,
                       web_key_file: Path, suite: str, which: str) -> None:
    key_path = key_file if which == "key" else web_key_file
    out = tmp_path / "badge.json"
    code, stdout, _ = run(capsys, "issue", str(template(tmp_path)), "--key", str(key_path), "--suite", suite,
                          "--out", str(out), "--contexts", ctx_dir)
    assert code == 0
    assert stdout == ""
    signed = json.loads(out.read_text())
    check_signed(signed, key_path, ctx_dir)
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(("xdg",))) == sorted(
        ["badge.json", "issuer.key.json", "web.key.json", "template.json"])


def test_issue_to_stdout_defaults_to_eddsa_rdfc(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                ctx_dir: str, key_file: Path) -> None:
    code, stdout, _ = run(capsys, "issue", str(template(tmp_path)), "--key", str(key_file),
                          "--contexts", ctx_dir)
    assert code == 0
    signed = json.loads(stdout)
    assert signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    check_signed(signed, key_file, ctx_dir)


@pytest.mark.parametrize("suite", SUITE_NAMES)
def test_verify_command_accepts_the_output(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                           ctx_dir: str, key_file: Path, suite: str) -> None:
    out = tmp_path / "badge.json"
    assert run(capsys, "issue", str(template(tmp_path)), "--key", str(key_file), "--out", str(out),
               "--suite", suite, "--contexts", ctx_dir)[0] == 0
    code, stdout, _ = run(capsys, "verify", "--json", "--offline", "--contexts", ctx_dir, str(out))
    assert code == 0, stdout
    assert json.loads(stdout)["verified"] is True


def test_unencrypted_key_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, ctx_dir: str,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys_cmd.ENV_PASSPHRASE)
    pair = Ed25519KeyPair.generate()
    path = tmp_path / "plain.key.json"
    create_keyfile(path, pair, pair.public.did_key, f"{pair.public.did_key}#{pair.public.multibase}", None)
    code, stdout, _ = run(capsys, "issue", str(template(tmp_path)), "--key", str(path), "--contexts", ctx_dir)
    assert code == 0
    assert json.loads(stdout)["issuer"] == pair.public.did_key


# -- refusals: exit 1, nothing written --------------------------------------------------------------

REFUSED = {
    "issue.key_mismatch": {"issuer": "did:web:another-district.example"},
    "issue.invalid_credential": {"credentialSubject": {}},
    "context.not_allowed": {"@context": [VC_V2, "https://attacker.example/ctx.jsonld"]},
}


@pytest.mark.parametrize("code_expected", sorted(REFUSED))
def test_refused_credentials_write_nothing(capsys: pytest.CaptureFixture[str], tmp_path: Path, ctx_dir: str,
                                           key_file: Path, code_expected: str) -> None:
    out = tmp_path / "badge.json"
    code, stdout, err = run(capsys, "issue", str(template(tmp_path, **REFUSED[code_expected])),
                            "--key", str(key_file), "--out", str(out), "--contexts", ctx_dir)
    assert code == 1
    assert f"[{code_expected}]" in err
    assert stdout == ""
    assert not out.exists()


def test_refusal_leaves_an_existing_out_file_alone(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                   ctx_dir: str, key_file: Path) -> None:
    out = tmp_path / "badge.json"
    out.write_text("previous badge")
    code, _, _ = run(capsys, "issue", str(template(tmp_path, issuer="did:web:x.example")), "--key",
                     str(key_file), "--out", str(out), "--contexts", ctx_dir)
    assert code == 1
    assert out.read_text() == "previous badge"
    # twin: a good template replaces it
    assert run(capsys, "issue", str(template(tmp_path)), "--key", str(key_file), "--out", str(out),
               "--contexts", ctx_dir)[0] == 0
    assert json.loads(out.read_text())["proof"]


# -- usage and unreadable input: exit 2, nothing written ---------------------------------------------

def test_unknown_suite_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path, ctx_dir: str,
                                        key_file: Path) -> None:
    out = tmp_path / "badge.json"
    code, _, _ = run(capsys, "issue", str(template(tmp_path)), "--key", str(key_file), "--suite", "ecdsa-sd-2023",
                     "--out", str(out), "--contexts", ctx_dir)
    assert code == 2
    assert not out.exists()


def test_wrong_passphrase(capsys: pytest.CaptureFixture[str], tmp_path: Path, ctx_dir: str, key_file: Path,
                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(keys_cmd.ENV_PASSPHRASE, "not it")
    out = tmp_path / "badge.json"
    code, _, err = run(capsys, "issue", str(template(tmp_path)), "--key", str(key_file), "--out", str(out),
                       "--contexts", ctx_dir)
    assert code == 2
    assert "[keyfile.wrong_passphrase]" in err
    assert not out.exists()


def test_no_passphrase_available(capsys: pytest.CaptureFixture[str], tmp_path: Path, ctx_dir: str,
                                 key_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(keys_cmd.ENV_PASSPHRASE)
    out = tmp_path / "badge.json"
    code, _, _ = run(capsys, "issue", str(template(tmp_path)), "--key", str(key_file), "--out", str(out),
                     "--contexts", ctx_dir)
    assert code == 2
    assert not out.exists()


@pytest.mark.parametrize("content", [None, b"{not json", b'"a string"', b'{"a": 1, "a": 2}'])
def test_unreadable_credential(capsys: pytest.CaptureFixture[str], tmp_path: Path, ctx_dir: str,
                               key_file: Path, content: bytes | None) -> None:
    source = tmp_path / "template.json"
    if content is not None:
        source.write_bytes(content)
    out = tmp_path / "badge.json"
    code, _, _ = run(capsys, "issue", str(source), "--key", str(key_file), "--out", str(out),
                     "--contexts", ctx_dir)
    # A JSON string parses but is no credential: refused (1). Unreadable or malformed JSON: 2.
    assert code == (1 if content == b'"a string"' else 2)
    assert not out.exists()


@pytest.mark.parametrize("content", [None, b"{}", b"garbage"])
def test_unreadable_key_file(capsys: pytest.CaptureFixture[str], tmp_path: Path, ctx_dir: str,
                             content: bytes | None) -> None:
    key_path = tmp_path / "k.json"
    if content is not None:
        key_path.write_bytes(content)
    out = tmp_path / "badge.json"
    code, _, _ = run(capsys, "issue", str(template(tmp_path)), "--key", str(key_path), "--out", str(out),
                     "--contexts", ctx_dir)
    assert code == 2
    assert not out.exists()


def test_contexts_dir_must_exist(capsys: pytest.CaptureFixture[str], tmp_path: Path, key_file: Path) -> None:
    out = tmp_path / "badge.json"
    code, _, _ = run(capsys, "issue", str(template(tmp_path)), "--key", str(key_file), "--out", str(out),
                     "--contexts", str(tmp_path / "missing"))
    assert code == 2
    assert not out.exists()


# -- the installed command line -----------------------------------------------------------------------

def _wired() -> bool:
    commands = cli.build_parser()._subparsers
    return commands is not None and any(
        "issue" in getattr(action, "choices", {}) and "keys" in getattr(action, "choices", {})
        for action in commands._group_actions)


@pytest.mark.skipif(not _wired(), reason="keys/issue are not wired into vcwallet.cli yet")
def test_end_to_end_through_python_m_vcwallet(tmp_path: Path, ctx_dir: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != contexts_cmd.ENV_CONTEXTS}
    env.update({keys_cmd.ENV_PASSPHRASE: PASSPHRASE, "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    key_path, out = tmp_path / "k.json", tmp_path / "badge.json"

    def vcwallet(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "vcwallet", *argv], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=120, check=False)

    made = vcwallet("keys", "new", "--did", "web:pd.district.example", "--out", str(key_path), "--kdf",
                    "insecure-test")
    assert made.returncode == 0, made.stderr
    issued = vcwallet("issue", str(template(tmp_path)), "--key", str(key_path), "--out", str(out),
                      "--contexts", ctx_dir)
    assert issued.returncode == 0, issued.stderr
    url_map = tmp_path / "urls.json"
    url_map.write_text(json.dumps({"https://pd.district.example/.well-known/did.json": "did.json"}))
    verified = vcwallet("verify", "--json", "--url-map", str(url_map), "--contexts", ctx_dir, str(out))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    refused = vcwallet("issue", str(template(tmp_path, issuer="did:web:x.example")), "--key", str(key_path),
                       "--out", str(tmp_path / "no.json"), "--contexts", ctx_dir)
    assert refused.returncode == 1
    assert not (tmp_path / "no.json").exists()


def _ob3_template(tmp_path: Path, holder: str) -> Path:
    path = tmp_path / "ob3.json"
    path.write_text(json.dumps({
        "@context": [VC_V2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Classroom Discourse",
        "credentialSubject": {
            "id": holder, "type": ["AchievementSubject"],
            "achievement": {"id": "https://pl.lakeview.example/a/discourse", "type": ["Achievement"],
                            "name": "Classroom Discourse",
                            "criteria": {"narrative": "A filmed discussion and a transcript."}},
        },
        "evidence": [{"id": "https://pl.lakeview.example/e/1", "type": ["Evidence"], "name": "Video"}],
    }))
    return path


def test_issue_sd_jwt_vc_then_present_and_verify(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                 ctx_dir: str, key_file: Path) -> None:
    from datetime import UTC, datetime

    from vcwallet.sdjwt_holder import present_sd_jwt
    from verifier.clock import FixedClock
    from verifier.contexts import ContextStore
    from verifier.fetch import StaticFetcher
    from verifier.key_lookup import ResolverKeyLookup
    from verifier.verification import Verifier

    holder = Ed25519KeyPair.generate()
    out = tmp_path / "badge.sd-jwt"
    code, _o, err = run(capsys, "issue", str(_ob3_template(tmp_path, holder.public.did_key)), "--key",
                        str(key_file), "--format", "sd-jwt", "--holder", holder.public.did_key,
                        "--out", str(out), "--contexts", ctx_dir)
    assert code == 0, err
    token = out.read_text().strip()
    presented = present_sd_jwt(token, disclose=["evidence[0]"], holder_key=holder, nonce="n-1",
                               audience="hr.lakeview.example", iat=datetime.now(UTC))
    clock = FixedClock(datetime.now(UTC))
    verifier = Verifier(contexts=ContextStore(directories=[Path(ctx_dir)]),
                        keys=ResolverKeyLookup.create(StaticFetcher({}), clock), clock=clock)
    report = verifier.verify_sd_jwt(presented, nonce="n-1", audience="hr.lakeview.example")
    assert report.verified, report.to_json()
    assert report.check("disclosure").details["disclosed"] == ["evidence[0]"]  # type: ignore[union-attr]


def test_issue_sd_jwt_vc_needs_a_usable_holder(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                               ctx_dir: str, key_file: Path) -> None:
    path = _ob3_template(tmp_path, "did:example:x")
    out = tmp_path / "badge.sd-jwt"
    assert run(capsys, "issue", str(path), "--key", str(key_file), "--format", "sd-jwt", "--out", str(out),
               "--contexts", ctx_dir)[0] == 2
    assert run(capsys, "issue", str(path), "--key", str(key_file), "--format", "sd-jwt", "--holder",
               "did:web:nope.example", "--out", str(out), "--contexts", ctx_dir)[0] == 1
    assert not out.exists()
