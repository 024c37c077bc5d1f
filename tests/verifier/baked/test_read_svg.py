"""Reading badges baked into SVG, safely, and comparing a baked credential with the shown one."""

from __future__ import annotations

import json

import pytest

from verifier.baked import BakedBadge, check_embedded_matches, is_svg, read_baked
from verifier.errors import VCError

CREDENTIAL = {"@context": ["https://www.w3.org/ns/credentials/v2"], "id": "urn:uuid:1",
              "type": ["VerifiableCredential", "OpenBadgeCredential"], "name": "Python Basics"}
TEXT = json.dumps(CREDENTIAL)
JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZTppc3N1ZXIifQ.c2lnbmF0dXJl"
OB3 = 'xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"'
OB2 = 'xmlns:openbadges="http://openbadges.org"'


def svg(inner: str, ns: str = OB3, prolog: str = '<?xml version="1.0" encoding="UTF-8"?>\n') -> bytes:
    return (f'{prolog}<svg xmlns="http://www.w3.org/2000/svg" {ns} viewBox="0 0 10 10">{inner}'
            '<circle cx="5" cy="5" r="4"/></svg>').encode()


def code_of(data: bytes) -> str:
    with pytest.raises(VCError) as info:
        read_baked(data)
    return info.value.code


def test_ob3_json_in_cdata() -> None:
    badge = read_baked(svg(f"<openbadges:credential><![CDATA[{TEXT}]]></openbadges:credential>"))
    assert (badge.kind, badge.spec, badge.payload, badge.verify) == ("svg", "ob3", TEXT, None)


def test_ob3_jwt_in_verify_attribute() -> None:
    badge = read_baked(svg(f'<openbadges:credential verify="{JWT}"/>'))
    assert (badge.spec, badge.payload, badge.payload_kind) == ("ob3", JWT, "jwt")


def test_ob2_assertion_json_with_verify_url() -> None:
    body = '{"id": "https://example.org/a/1"}'
    badge = read_baked(svg(f'<openbadges:assertion verify="https://example.org/a/1">'
                           f"<![CDATA[{body}]]></openbadges:assertion>", ns=OB2))
    assert (badge.spec, badge.payload, badge.verify) == ("ob2", body, "https://example.org/a/1")


def test_ob2_assertion_url_only() -> None:
    badge = read_baked(svg('<openbadges:assertion verify="https://example.org/a/1"/>', ns=OB2))
    assert (badge.spec, badge.payload_kind) == ("ob2", "url")


def test_any_prefix_bound_to_the_namespace_is_read() -> None:
    data = svg('<ob:credential><![CDATA[{"a": 1}]]></ob:credential>',
               ns='xmlns:ob="https://purl.imsglobal.org/ob/v3p0"')
    assert read_baked(data).payload == '{"a": 1}'


BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE svg [\n <!ENTITY lol "lol">\n'
    ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n'
    ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">\n]>\n')
XXE = '<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
PLAIN_DOCTYPE = ('<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
                 '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n')


@pytest.mark.parametrize("prolog", [BILLION_LAUGHS, XXE, PLAIN_DOCTYPE],
                         ids=["billion-laughs", "xxe", "public-doctype"])
def test_dtd_is_refused(prolog: str) -> None:
    inner = "<openbadges:credential><![CDATA[{\"a\": 1}]]></openbadges:credential>"
    assert read_baked(svg(inner)).payload == '{"a": 1}'
    assert code_of(svg(inner, prolog=prolog)) == "openbadges.invalid_image"


def test_two_badge_elements_are_refused() -> None:
    one = f'<openbadges:credential verify="{JWT}"/>'
    assert read_baked(svg(one)).payload == JWT
    assert code_of(svg(one + one)) == "openbadges.invalid_image"
    both = one + '<ob2:assertion xmlns:ob2="http://openbadges.org" verify="https://example.org/a"/>'
    assert code_of(svg(both)) == "openbadges.invalid_image"


def test_ob3_content_and_verify_together_are_refused() -> None:
    assert code_of(svg(f'<openbadges:credential verify="{JWT}"><![CDATA[{TEXT}]]>'
                       "</openbadges:credential>")) == "openbadges.invalid_image"


@pytest.mark.parametrize("data", [
    svg(""),
    svg("<openbadges:credential/>"),
    svg("<openbadges:credential><![CDATA[{]]>"),
    b'<html xmlns="http://www.w3.org/1999/xhtml"><svg/></html>',
    b'<svg><openbadges:credential xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0">{}'
    b"</openbadges:credential></svg>",
    svg(f"<openbadges:credential><![CDATA[{TEXT}]]></openbadges:credential>",
        prolog='<?xml version="1.0" encoding="ISO-8859-1"?>'),
], ids=["no-badge", "empty-element", "malformed-xml", "not-svg-root", "no-svg-namespace", "latin1"])
def test_bad_svg_is_refused(data: bytes) -> None:
    assert code_of(data) == "openbadges.invalid_image"


def test_sniffer() -> None:
    assert is_svg(b"\xef\xbb\xbf  <?xml version='1.0'?><svg/>")
    assert not is_svg(b"GIF89a")


def ob3(payload: str) -> BakedBadge:
    return BakedBadge(kind="svg", payload=payload, spec="ob3")


def test_embedded_json_matches_regardless_of_key_order() -> None:
    reordered = json.dumps(dict(reversed(list(CREDENTIAL.items()))), indent=2)
    check_embedded_matches(ob3(TEXT), reordered)
    check_embedded_matches(ob3(TEXT), CREDENTIAL)


def test_embedded_json_differs_from_displayed() -> None:
    altered = dict(CREDENTIAL, name="Advanced Python")
    with pytest.raises(VCError) as info:
        check_embedded_matches(ob3(TEXT), altered)
    assert info.value.code == "openbadges.baked_mismatch"


def test_embedded_jwt_compared_as_string() -> None:
    check_embedded_matches(ob3(JWT), JWT)
    with pytest.raises(VCError) as info:
        check_embedded_matches(ob3(JWT), JWT[:-2] + "xx")
    assert info.value.code == "openbadges.baked_mismatch"


def test_embedded_jwt_compared_by_claims() -> None:
    check_embedded_matches(ob3(JWT), {"iss": "did:example:issuer"})
    with pytest.raises(VCError) as info:
        check_embedded_matches(ob3(JWT), {"iss": "did:example:other"})
    assert info.value.code == "openbadges.baked_mismatch"
