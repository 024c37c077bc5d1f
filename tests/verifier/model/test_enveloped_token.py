"""Reading the token out of an ``EnvelopedVerifiableCredential``'s ``data:`` URL (RFC 2397)."""

from __future__ import annotations

import base64

import pytest

from verifier.data_model import enveloped_token
from verifier.errors import ParseError

JWT = "eyJhbGciOiJFZERTQSJ9.eyJpc3MiOiJkaWQ6ZXhhbXBsZToxIn0.c2ln"


@pytest.mark.parametrize(("ident", "media"), [
    (f"data:application/vc+jwt,{JWT}", "application/vc+jwt"),
    (f"data:Application/VC+JWT;charset=utf-8,{JWT}", "application/vc+jwt"),
    (f"data:application/vc+jwt;base64,{base64.b64encode(JWT.encode()).decode()}", "application/vc+jwt"),
    (f"data:application/dc+sd-jwt,{JWT}~", "application/dc+sd-jwt"),
])
def test_tokens_are_read(ident: str, media: str) -> None:
    got_media, token = enveloped_token({"id": ident})
    assert got_media == media
    assert token.startswith(JWT)


@pytest.mark.parametrize("ident", [
    None, "https://example.org/vc.jwt", "data:application/vc+jwt", "data:application/vc+cose,AAAA",
    "data:text/plain,hello", "data:application/vc+jwt;base64,not*base64",
])
def test_other_ids_are_refused(ident: object) -> None:
    with pytest.raises(ParseError) as info:
        enveloped_token({"id": ident})
    assert info.value.code == "parse.unknown_format"
