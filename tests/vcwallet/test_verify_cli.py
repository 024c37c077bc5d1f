"""`vcwallet verify`: exit codes, --json lines, --sample, --url-map and --offline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import INTEROP
from vcwallet.cli import main
from vcwallet.samples import sample_credential_path


@pytest.mark.usefixtures("cli_contexts")
def test_sample_verifies_with_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--offline", "--sample"]) == 0
    assert "VERIFIED" in capsys.readouterr().out


@pytest.mark.usefixtures("cli_contexts")
def test_tampered_sample_exits_1_with_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "--offline", "--json", "--sample", "tampered"]) == 1
    line = json.loads(capsys.readouterr().out)
    assert line["verified"] is False
    assert {"id": "proof", "status": "failed", "code": "proof.invalid_signature"}.items() <= next(
        c for c in line["checks"] if c["id"] == "proof").items()


@pytest.mark.usefixtures("cli_contexts")
def test_json_is_one_line_per_input(capsys: pytest.CaptureFixture[str]) -> None:
    good = str(sample_credential_path())
    bad = str(sample_credential_path("sample-badge-tampered.json"))
    assert main(["verify", "--offline", "--json", good, bad]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert [json.loads(x)["verified"] for x in lines] == [True, False]
    assert all({"input", "verified", "format", "checks"} <= set(json.loads(x)) for x in lines)


def test_unreadable_input_exits_2(tmp_path: Path) -> None:
    assert main(["verify", "--offline", str(tmp_path / "missing.json")]) == 2


def test_no_input_is_a_usage_error() -> None:
    assert main(["verify"]) == 2


def test_bad_now_is_a_usage_error() -> None:
    assert main(["verify", "--sample", "--now", "yesterday"]) == 2


def test_garbage_file_exits_1_not_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "x.json"
    path.write_bytes(b"\x00\x01 not json")
    assert main(["verify", "--offline", "--json", str(path)]) == 1
    assert json.loads(capsys.readouterr().out)["checks"][0]["code"] == "parse.malformed_json"


@pytest.mark.skipif(not INTEROP.is_dir(), reason="../shared/interop is not beside this checkout")
def test_url_map_serves_did_web_documents(capsys: pytest.CaptureFixture[str]) -> None:
    cred = INTEROP / "credentials/dcc-vc-test-fixtures/verifiableCredentials/v1/dataIntegrityProof/didWeb/oidf-noStatus-noExpiry.json"
    if not cred.is_file():
        pytest.skip("DCC did:web fixture not in this corpus")
    url_map = INTEROP / "credentials" / "url-map.json"
    code = main(["verify", "--json", "--url-map", str(url_map), "--url-map-base", str(INTEROP), "--contexts", str(INTEROP / "contexts"),
                 "--allow-test-contexts", str(cred)])
    line = json.loads(capsys.readouterr().out)
    proof = next(c for c in line["checks"] if c["id"] == "proof")
    assert proof["status"] == "passed", line
    assert code in (0, 1)
    # offline, the same did:web issuer cannot be resolved: an error, never a pass
    assert main(["verify", "--json", "--offline", "--contexts", str(INTEROP / "contexts"),
                 "--allow-test-contexts", str(cred)]) == 1
    line = json.loads(capsys.readouterr().out)
    assert next(c for c in line["checks"] if c["id"] == "issuer")["status"] in ("error", "failed")


@pytest.mark.usefixtures("cli_contexts")
def test_python_dash_m_entry_point() -> None:
    out = subprocess.run([sys.executable, "-m", "vcwallet", "verify", "--offline", "--sample"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
