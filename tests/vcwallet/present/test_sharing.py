"""Sharing a fixture badge: LinkedIn's Add-to-profile URL, an HTML page, and baked PNG/SVG."""

from __future__ import annotations

import copy
import html
import json
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.vcwallet.present.helpers import ACHIEVEMENT, ACTIVE, load, world_file
from vcwallet.demo.world import WORLD_DIR
from vcwallet.sharing.baking import bake_png, bake_svg, make_badge_png, make_badge_svg
from vcwallet.sharing.html_page import badge_page
from vcwallet.sharing.linkedin import linkedin_add_to_profile_url
from verifier.baked import read_baked
from verifier.errors import VCError
from verifier.trust import TrustList
from verifier.verification import Verifier

EXPIRED = "educator-lab/maya-alvarez--culturally-responsive-teaching--expired.json"
OB2 = "ob2/maya-alvarez--literacy-coach-a1b2c3.json"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _query(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "www.linkedin.com", "/profile/add")
    parsed = parse_qs(parts.query, strict_parsing=True)
    assert all(len(v) == 1 for v in parsed.values())
    return {k: v[0] for k, v in parsed.items()}


def test_linkedin_url_for_a_fixture_badge() -> None:
    credential = load(ACTIVE)
    trust = TrustList.load(WORLD_DIR / "trust-list.json")
    fields = _query(linkedin_add_to_profile_url(credential, trust_list=trust))
    assert fields == {
        "startTask": "CERTIFICATION_NAME",
        "name": ACHIEVEMENT,
        "organizationName": "Open Educator Micro-credentials Lab",
        "issueYear": "2026", "issueMonth": "2",
        "certUrl": credential["id"],
        "certId": credential["id"].rsplit("/", 1)[1],
    }


def test_linkedin_prefers_the_trust_list_name_and_carries_expiry() -> None:
    credential = load(world_file(EXPIRED))
    credential["issuer"]["name"] = "Self-Proclaimed Academy"
    trust = TrustList.load(WORLD_DIR / "trust-list.json")
    trusted = _query(linkedin_add_to_profile_url(credential, trust_list=trust))
    assert trusted["organizationName"] == "Open Educator Micro-credentials Lab"
    assert (trusted["expirationYear"], trusted["expirationMonth"]) == (
        credential["validUntil"][:4], str(int(credential["validUntil"][5:7])))
    untrusted = _query(linkedin_add_to_profile_url(credential))
    assert untrusted["organizationName"] == "Self-Proclaimed Academy"
    by_id = _query(linkedin_add_to_profile_url(credential, organization_id="12345"))
    assert by_id["organizationId"] == "12345" and "organizationName" not in by_id


def test_linkedin_urn_ids_and_ob2() -> None:
    credential = load(ACTIVE)
    credential["id"] = "urn:uuid:0195e214-a9ea-5168-b3f9-0bba035318c0"
    fields = _query(linkedin_add_to_profile_url(credential, cert_url="https://me.example/badges/1"))
    assert fields["certId"] == "0195e214-a9ea-5168-b3f9-0bba035318c0"
    assert fields["certUrl"] == "https://me.example/badges/1"
    assert "certUrl" not in _query(linkedin_add_to_profile_url(credential))
    assertion = load(world_file(OB2))  # its badge class is hosted: name it as a wallet would after fetching
    assertion["badge"] = {"id": assertion["badge"], "name": "Literacy Coach",
                          "issuer": {"id": "https://badges.riverbend-schools.example/issuer.json",
                                     "name": "Riverbend Schools"}}
    ob2 = _query(linkedin_add_to_profile_url(assertion))
    assert (ob2["name"], ob2["organizationName"], ob2["issueYear"]) == ("Literacy Coach", "Riverbend Schools", "2024")
    assert ob2["certId"] == "a1b2c3.json"
    with pytest.raises(VCError) as err:
        linkedin_add_to_profile_url(credential, cert_url="http://insecure.example/")
    assert err.value.code == "request.invalid"
    with pytest.raises(VCError) as err:
        linkedin_add_to_profile_url({"type": ["VerifiableCredential"]})
    assert err.value.code == "request.invalid"


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self.pre_text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.script_text.append(data)
        elif self._in == "pre":
            self.pre_text.append(data)


def _parse(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def test_html_page_for_a_fixture_badge() -> None:
    data = ACTIVE.read_bytes()
    image = make_badge_png(ACHIEVEMENT, (37, 99, 235), size=64)
    page = badge_page(data, image=image, trust_name="Open Educator Micro-credentials Lab")
    parsed = _parse(page)
    scripts = [attrs for tag, attrs in parsed.tags if tag == "script"]
    assert scripts == [{"type": "application/vc+ld+json", "id": "verifiable-credential"}]
    assert json.loads("".join(parsed.script_text)) == load(ACTIVE)
    assert "".join(parsed.pre_text) == data.decode("utf-8")  # the exact bytes, for copy and paste
    images = [attrs for tag, attrs in parsed.tags if tag == "img"]
    assert images[0]["src"] is not None and images[0]["src"].startswith("data:image/png;base64,")
    assert "vcwallet verify badge.json" in page
    assert f"<h1>{ACHIEVEMENT}</h1>" in page
    assert html.escape(load(ACTIVE)["credentialSubject"]["achievement"]["criteria"]["narrative"]) in page
    assert "Open Educator Micro-credentials Lab" in page and "10 February 2026" in page
    assert "Content-Security-Policy" in page


def test_html_page_escapes_a_hostile_credential() -> None:
    credential = copy.deepcopy(load(ACTIVE))
    achievement = credential["credentialSubject"]["achievement"]
    achievement["name"] = HOSTILE
    achievement["criteria"]["narrative"] = "</script><script>alert(2)</script>"
    credential["issuer"]["name"] = '"><svg onload=alert(3)>'
    data = json.dumps(credential, indent=2).encode()
    svg = make_badge_svg("x", (1, 2, 3)).replace(b"</svg>", b"<script>alert(4)</script></svg>")
    page = badge_page(data, image=svg)
    parsed = _parse(page)
    assert [tag for tag, _ in parsed.tags].count("script") == 1
    assert [tag for tag, _ in parsed.tags].count("svg") == 0
    assert all(not any(k.startswith("on") for k in attrs) for _, attrs in parsed.tags)
    assert "<script>alert" not in page and "</script><script>" not in page
    assert json.loads("".join(parsed.script_text)) == credential  # same meaning after escaping
    assert html.escape(HOSTILE) in page


def test_html_page_refuses_what_it_cannot_show() -> None:
    for data, image in [(b"not json", None), (b"[]", None), (ACTIVE.read_bytes(), b"GIF00 not an image")]:
        with pytest.raises(VCError) as err:
            badge_page(data, image=image)
        assert err.value.code == "request.invalid"
    assert "<img" not in badge_page(ACTIVE.read_bytes(), image=None)


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_bake_round_trip_for_a_fixture_badge_verifies(kind: str, verifier: Verifier) -> None:
    original = ACTIVE.read_bytes()
    payload = original.decode("utf-8").strip()
    if kind == "png":
        baked = bake_png(make_badge_png(ACHIEVEMENT, (37, 99, 235), size=64), payload)
    else:
        baked = bake_svg(make_badge_svg(ACHIEVEMENT, (37, 99, 235)), payload)
    unbaked = read_baked(baked)
    assert (unbaked.kind, unbaked.spec) == (kind, "ob3")
    assert unbaked.payload.encode("utf-8") == original.strip()  # identical bytes (bar the final newline)
    report = verifier.verify_credential(baked, label=f"baked.{kind}")
    assert report.verified, report.to_json()
    assert report.format == f"vc2+{kind}"
    assert report.check("proof").status.value == "passed"  # type: ignore[union-attr]


def test_tampered_baked_badge_does_not_verify(verifier: Verifier) -> None:
    tampered = ACTIVE.read_text(encoding="utf-8").strip().replace(ACHIEVEMENT, "Advanced " + ACHIEVEMENT, 1)
    baked = bake_png(make_badge_png("x", (1, 2, 3), size=32), tampered)
    assert not verifier.verify_credential(baked).verified

