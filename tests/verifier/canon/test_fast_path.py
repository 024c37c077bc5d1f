"""Differential tests: the fast JSON-LD path (:mod:`verifier.canon.fast_expand`) against pyld.

For every document the fast path answers, its canonical N-Quads must be byte-identical to the
reference path's; for every document it hands back, the full (hooked) path must still give the
reference answer, or the same error code and JSON path. Documents: every fixture-world
credential and hosted status list, every JSON credential in ``../shared/interop/credentials``,
the vc-di-eddsa and Open Badges 3.0 vectors, each as published, without its proof, and as its
proof configuration (what a verifier canonicalizes), plus hypothesis-generated Open Badges 3.0
credentials. Nothing here times anything.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixtures.__main__ import DEFAULT_OUT as WORLD
from tests.conftest import INTEROP, INTEROP_MISSING
from tests.verifier.canon.conftest import V2, FileLoader
from verifier.canon import canonicalize, fast_expand
from verifier.canon.jsonld import canonize, to_quads
from verifier.errors import VCError

OB303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
EX = "https://example.test/"


# -- the corpus -----------------------------------------------------------------------------

def _json_objects(root: Path, *, all_files: bool = False) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and (
        p.suffix in (".json", ".jsonld") or (all_files and not p.suffix)))


def _corpus() -> list[Any]:
    files: list[tuple[str, Path]] = []
    files += [("world", p) for p in _json_objects(WORLD / "credentials")]
    files += [("world", p) for p in _json_objects(WORLD / "hosts", all_files=True)]
    files += [("interop", p) for p in _json_objects(INTEROP / "credentials")]
    files += [("interop", p) for p in _json_objects(INTEROP / "vectors" / "vc-di-eddsa")]
    files += [("interop", p) for p in _json_objects(INTEROP / "vectors" / "ob3")]
    params = []
    for origin, path in files:
        try:
            data = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError):
            continue  # images, JWTs, N-Quads
        if isinstance(data, dict) and "@context" in data:
            base = WORLD if origin == "world" else INTEROP
            params.append(pytest.param(data, id=f"{origin}:{path.relative_to(base).as_posix()}"))
    if not params:
        params.append(pytest.param(None, id="corpus-missing", marks=pytest.mark.skip(
            reason=INTEROP_MISSING)))
    return params


def _variants(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The document, and what a verifier canonicalizes for each of its proofs."""
    out = [document]
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict):
            out.append({k: v for k, v in document.items() if k != "proof"})
            config = {k: v for k, v in proof.items() if k != "proofValue"}
            config["@context"] = document["@context"]
            out.append(config)
    return out


def _reference(document: Any, loader: Any, *, safe: bool = True) -> tuple[str | None, Any]:
    try:
        return canonize(document, document_loader=loader, safe=safe, fast=False), None
    except VCError as error:
        return None, (error.code, error.path)


def _hooked(document: Any, loader: Any) -> tuple[str | None, Any]:
    try:
        return canonize(document, document_loader=loader, fast=True), None
    except VCError as error:
        return None, (error.code, error.path)


def compare(document: Any, loader: Any) -> str:
    """Check the two paths agree on ``document``; returns "fast" or "fallback"."""
    expected, expected_error = _reference(document, loader)
    try:
        quads = fast_expand.to_quads(document, loader)
    except fast_expand.Unsupported:
        assert _hooked(document, loader) == (expected, expected_error)
        return "fallback"
    assert expected_error is None, f"fast path answered where the reference failed: {expected_error}"
    assert canonicalize(quads).nquads == expected
    # nothing was lost, so unsafe mode agrees too
    assert _reference(document, loader, safe=False) == (expected, None)
    assert _hooked(document, loader) == (expected, None)
    return "fast"


@pytest.fixture(scope="module")
def store_loader() -> Any:
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    from verifier.contexts import ContextStore

    return ContextStore(directories=[INTEROP / "contexts"], production=False).document_loader


@pytest.mark.parametrize("document", _corpus())
def test_corpus_document(document: dict[str, Any], store_loader: Any) -> None:
    for variant in _variants(document):
        compare(copy.deepcopy(variant), store_loader)


def test_every_valid_world_credential_takes_the_fast_path(store_loader: Any) -> None:
    """Our own credentials are exactly what the fast path is for: none may fall back."""
    checked = 0
    for path in _json_objects(WORLD / "credentials") + _json_objects(WORLD / "hosts", all_files=True):
        try:
            data = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError):
            continue
        if not (isinstance(data, dict) and "@context" in data):
            continue
        for variant in _variants(data):
            if _reference(variant, store_loader)[1] is None:
                assert compare(variant, store_loader) == "fast", path
                checked += 1
    if checked == 0:
        pytest.skip("the fixture world is not generated")


# -- generated Open Badges 3.0 credentials --------------------------------------------------

_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)
_iri = st.builds(lambda s: f"{EX}{s}", st.text("abcdefghijklmnopqrstuvwxyz0123456789-/#", max_size=12))
_did = st.builds(lambda s: f"did:example:{s}", st.text("abcdefXYZ0123456789", min_size=1, max_size=10))
_number = st.one_of(st.integers(-10**25, 10**25), st.floats(allow_nan=False, allow_infinity=False))
_scalar = st.one_of(_text, _number, st.booleans())


def _optional(draw: Any, target: dict[str, Any], key: str, strategy: Any) -> None:
    if draw(st.booleans()):
        target[key] = draw(strategy)


@st.composite
def _image(draw: Any) -> Any:
    if draw(st.booleans()):
        return draw(_iri)
    image: dict[str, Any] = {"id": draw(_iri), "type": "Image"}
    _optional(draw, image, "caption", _text)
    return image


@st.composite
def _achievement(draw: Any) -> dict[str, Any]:
    achievement: dict[str, Any] = {"id": draw(_iri), "type": ["Achievement"], "name": draw(_text),
                                   "criteria": {"narrative": draw(_text)}}
    _optional(draw, achievement, "description", _text)
    _optional(draw, achievement, "achievementType", st.sampled_from(["MicroCredential", "Badge"]))
    _optional(draw, achievement, "image", _image())
    _optional(draw, achievement, "tag", st.lists(_text, max_size=3))
    _optional(draw, achievement, "creditsAvailable", st.one_of(_number, _text))
    _optional(draw, achievement, "alignment", st.lists(st.fixed_dictionaries(
        {"type": st.just(["Alignment"]), "targetName": _text, "targetUrl": _iri}), max_size=2))
    _optional(draw, achievement, "resultDescription", st.lists(st.fixed_dictionaries({
        "id": _iri, "type": st.just(["ResultDescription"]), "name": _text,
        "resultType": st.just("GradePointAverage"),
        "allowedValue": st.lists(_text, max_size=3)}), max_size=2))
    return achievement


@st.composite
def ob3_credentials(draw: Any, *, messy: bool = False) -> dict[str, Any]:
    """An Open Badges 3.0 credential; ``messy`` adds what the fast path must hand back:
    relative IRIs, undefined keywords, ``@direction``, an ``@index`` map."""
    subject: dict[str, Any] = {"type": ["AchievementSubject"], "achievement": draw(_achievement())}
    _optional(draw, subject, "id", _did)
    _optional(draw, subject, "identifier", st.lists(st.fixed_dictionaries({
        "type": st.just("IdentityObject"), "identityType": st.just("emailAddress"),
        "hashed": st.booleans(), "identityHash": _text}), max_size=2))
    _optional(draw, subject, "activityEndDate", st.just("2025-06-01"))
    credential: dict[str, Any] = {
        "@context": [V2, OB303],
        "id": draw(st.one_of(_iri, st.builds(lambda n: f"urn:uuid:{n:032x}", st.integers(0, 2**64)))),
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": draw(_text),
        "issuer": {"id": draw(_did), "type": ["Profile"], "name": draw(_text)},
        "validFrom": "2025-01-01T00:00:00Z",
        "credentialSubject": subject,
    }
    _optional(draw, credential, "description", _text)
    _optional(draw, credential, "validUntil", st.just("2030-01-01T00:00:00Z"))
    _optional(draw, credential, "evidence", st.lists(st.fixed_dictionaries(
        {"id": _iri, "type": st.just(["Evidence"]), "name": _text, "description": _text}), max_size=4))
    _optional(draw, credential["issuer"], "url", _iri)
    _optional(draw, credential["issuer"], "image", _image())
    if draw(st.booleans()):
        # terms of our own in an inline context: a language map, a list, coerced and plain values
        credential["@context"] = [*credential["@context"], {
            "nameMap": {"@id": EX + "nameMap", "@container": "@language"},
            "steps": {"@id": EX + "steps", "@container": "@list"},
            "score": {"@id": EX + "score", "@type": "http://www.w3.org/2001/XMLSchema#double"},
            "ex": EX, "extra": "ex:extra", "note": {"@id": "ex:note", "@language": "en"},
        }]
        _optional(draw, credential, "nameMap", st.dictionaries(
            st.sampled_from(["en", "fr-CA", "de", "es-419"]), st.one_of(_text, st.lists(_text, max_size=2)),
            max_size=3))
        _optional(draw, credential, "steps", st.lists(st.one_of(_scalar, st.builds(dict, name=_text)),
                                                      max_size=4))
        _optional(draw, credential, "score", st.one_of(_number, _text))
        _optional(draw, credential, "extra", st.one_of(_scalar, st.lists(_scalar, max_size=3),
                                                       st.builds(dict, note=_text)))
    if messy:
        mutation = draw(st.sampled_from(["relative-id", "relative-type", "direction", "index-map",
                                         "bad-language", "at-key"]))
        if mutation == "relative-id":
            credential["credentialSubject"]["achievement"]["id"] = "achievements/1"
        elif mutation == "relative-type":
            credential["evidence"] = [{"type": "../Evidence", "name": draw(_text)}]
        elif mutation == "direction":
            credential["name"] = {"@value": draw(_text), "@language": "ar", "@direction": "rtl"}
        elif mutation == "index-map":
            credential["@context"] = [*credential["@context"], {
                "byKey": {"@id": EX + "byKey", "@container": "@index"}}]
            credential["byKey"] = {"a": draw(_text)}
        elif mutation == "bad-language":
            credential["name"] = {"@value": draw(_text), "@language": "not a tag"}
        else:
            credential["@unknown"] = draw(_text)
    return credential


_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(ob3_credentials())
def test_generated_credentials_take_the_fast_path(credential: dict[str, Any]) -> None:
    loader = _generated_loader()
    assert compare(credential, loader) == "fast"


@_SETTINGS
@given(ob3_credentials(messy=True))
def test_generated_messy_credentials_fall_back_to_the_same_answer(credential: dict[str, Any]) -> None:
    loader = _generated_loader()
    assert compare(credential, loader) == "fallback"


_LOADERS: list[FileLoader] = []


def _generated_loader() -> FileLoader:
    """One loader for all examples, so the compiled contexts are reused as in a verifier."""
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    if not _LOADERS:
        from tests.verifier.canon.conftest import _interop_contexts

        _LOADERS.append(FileLoader(_interop_contexts()))
    return _LOADERS[0]


# -- fallback, caches and isolation ---------------------------------------------------------

def _badge() -> dict[str, Any]:
    return {
        "@context": [V2, OB303],
        "id": "urn:uuid:00000000-0000-4000-8000-000000000001",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": "did:example:issuer", "type": ["Profile"], "name": "Lab"},
        "validFrom": "2025-01-01T00:00:00Z",
        "name": "Badge",
        "credentialSubject": {"type": ["AchievementSubject"], "achievement": {
            "id": EX + "a", "type": ["Achievement"], "name": "A", "criteria": {"narrative": "n"}}},
    }


def test_unsupported_document_gives_the_reference_result_and_is_counted(
        make_loader: Any) -> None:
    loader = make_loader()
    doc = _badge()
    doc["@context"] = [*doc["@context"], {"byKey": {"@id": EX + "byKey", "@container": "@index"}}]
    doc["byKey"] = {"first": "one", "second": "two"}
    fast_expand.reset_stats()
    expected = canonize(doc, document_loader=loader, fast=False)
    assert canonize(doc, document_loader=loader) == expected
    counted = fast_expand.stats()
    assert counted.fast == 0 and counted.fallback == 1  # fast=False never tries it
    assert counted.reasons == {"container @index": 1}
    assert f"<{EX}byKey>" in expected


def test_supported_twin_is_answered_by_the_fast_path(make_loader: Any) -> None:
    loader = make_loader()
    doc = _badge()
    doc["@context"] = [*doc["@context"], {"byKey": {"@id": EX + "byKey", "@container": "@set"}}]
    doc["byKey"] = ["one", "two"]
    fast_expand.reset_stats()
    expected = canonize(doc, document_loader=loader, fast=False)
    assert canonize(doc, document_loader=loader) == expected
    assert fast_expand.stats().fast == 1 and fast_expand.stats().fallback == 0


def test_safe_mode_error_keeps_its_code_and_path(make_loader: Any) -> None:
    loader = make_loader()
    doc = _badge()
    doc["credentialSubject"]["achievement"]["id"] = "relative/achievement"
    with pytest.raises(VCError) as fast:
        to_quads(doc, document_loader=loader)
    with pytest.raises(VCError) as reference:
        to_quads(doc, document_loader=loader, fast=False)
    assert fast.value.code == reference.value.code == "jsonld.data_loss"
    assert fast.value.path == reference.value.path == "$.credentialSubject.achievement.id"


def test_disabled_fast_path_is_not_tried(make_loader: Any) -> None:
    loader = make_loader()
    previous = fast_expand.set_enabled(False)
    try:
        fast_expand.reset_stats()
        canonize(_badge(), document_loader=loader)
        assert fast_expand.stats().fast == 0 and fast_expand.stats().fallback == 0
    finally:
        fast_expand.set_enabled(previous)
    assert fast_expand.is_enabled() is previous


UNPROTECTED = EX + "context/plain"


def test_inline_context_does_not_change_the_cached_context(make_loader: Any) -> None:
    loader = make_loader({UNPROTECTED: {"@context": {"label": EX + "label"}}})
    plain = {"@context": [UNPROTECTED], "@id": EX + "s", "label": "x"}
    redefined = {"@context": [UNPROTECTED, {"label": EX + "other"}], "@id": EX + "s", "label": "x"}
    for doc in (plain, redefined, plain):
        assert compare(doc, loader) == "fast"
    assert f"<{EX}label>" in canonize(plain, document_loader=loader)
    assert f"<{EX}other>" in canonize(redefined, document_loader=loader)


def test_loaders_never_share_compiled_contexts(make_loader: Any) -> None:
    first = make_loader({UNPROTECTED: {"@context": {"label": EX + "first"}}})
    second = make_loader({UNPROTECTED: {"@context": {"label": EX + "second"}}})
    doc = {"@context": UNPROTECTED, "@id": EX + "s", "label": "x"}
    assert f"<{EX}first>" in canonicalize(fast_expand.to_quads(doc, first)).nquads
    assert f"<{EX}second>" in canonicalize(fast_expand.to_quads(doc, second)).nquads


def test_non_static_loader_answers_are_not_cached() -> None:
    served = {"iri": EX + "one"}

    def loader(url: str, options: dict[str, Any] | None = None) -> dict[str, Any]:
        return {"contextUrl": None, "documentUrl": url,
                "document": {"@context": {"label": served["iri"]}}}

    doc = {"@context": UNPROTECTED, "@id": EX + "s", "label": "x"}
    assert f"<{EX}one>" in canonicalize(fast_expand.to_quads(doc, loader)).nquads
    served["iri"] = EX + "two"
    assert f"<{EX}two>" in canonicalize(fast_expand.to_quads(doc, loader)).nquads


def test_compiled_context_cache_is_bounded(make_loader: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fast_expand, "CACHE_SIZE", 8)
    extra = {f"{EX}context/{n}": {"@context": {f"t{n}": f"{EX}t{n}"}} for n in range(20)}
    loader = make_loader(extra)
    for n in range(20):
        doc = {"@context": [f"{EX}context/{n}", f"{EX}context/{(n + 1) % 20}"], "@id": EX + "s",
               f"t{n}": "x"}
        assert compare(doc, loader) == "fast"
    assert 0 < fast_expand.cached_contexts(loader) <= 8


def test_loader_error_is_the_reference_error(make_loader: Any) -> None:
    loader = make_loader()
    doc = _badge()
    doc["@context"] = [V2, EX + "not-pinned"]
    with pytest.raises(VCError) as info:
        canonize(doc, document_loader=loader)
    assert info.value.code == "context.not_allowed"
    with pytest.raises(fast_expand.Unsupported):
        fast_expand.to_quads(doc, loader)


def test_presentation_with_embedded_credential_takes_the_fast_path(make_loader: Any) -> None:
    """VC 2.0's verifiableCredential is a @graph container with a null scoped context."""
    loader = make_loader()
    presentation = {"@context": [V2], "type": ["VerifiablePresentation"],
                    "holder": "did:example:holder", "verifiableCredential": [_badge(), _badge()]}
    presentation["verifiableCredential"][1]["id"] = "urn:uuid:00000000-0000-4000-8000-000000000002"
    assert compare(presentation, loader) == "fast"


# -- generated JSON-LD of any shape ---------------------------------------------------------

FEATURES = EX + "context/features"
PROTECTED = EX + "context/protected"
FEATURE_CONTEXTS = {
    FEATURES: {"@context": {
        "@vocab": EX + "v#", "ex": EX,
        "p": {"@id": "ex:p", "@type": "@id"}, "q": {"@id": "ex:q", "@container": "@list"},
        "T": {"@id": "ex:T", "@context": {"p": {"@id": "ex:p2"}, "r": "ex:r"}},
        "U": {"@id": "ex:U", "@context": {"@propagate": True, "s": "ex:s"}},
        "lang": {"@id": "ex:lang", "@language": "de"}, "lm": {"@id": "ex:lm", "@container": "@language"},
        "g": {"@id": "ex:g", "@container": "@graph"}, "sc": {"@id": "ex:sc", "@context": {"t": "ex:t"}},
        "num": {"@id": "ex:num", "@type": "http://www.w3.org/2001/XMLSchema#double"},
        "int": {"@id": "ex:int", "@type": "http://www.w3.org/2001/XMLSchema#integer"},
        "voc": {"@id": "ex:voc", "@type": "@vocab"}, "none": {"@id": "ex:none", "@type": "@none"},
        "nul": None, "set": {"@id": "ex:set", "@container": "@set"},
    }},
    PROTECTED: {"@context": {"@protected": True, "p": {"@id": EX + "pp"}, "w": EX + "w",
                             "V": {"@id": EX + "V", "@context": {"w": EX + "w2"}}}},
}
_KEYS = ["p", "q", "r", "s", "t", "w", "lang", "lm", "g", "sc", "num", "int", "voc", "none", "nul",
         "set", "name", "description", "id", "type", "@id", "@type", "@value", "@language", "ex:z",
         EX + "abs", "credentialSubject", "issuer", "achievement", "image", "url", "_:bn"]
_TYPES = ["T", "U", "V", "ex:X", "VerifiableCredential", "OpenBadgeCredential", "Achievement", "Profile",
          "_:t", EX + "Y"]
_CONTEXTS = [FEATURES, PROTECTED, V2, OB303, "https://www.w3.org/2018/credentials/v1"]
_any_scalar = st.sampled_from(["x", "ex:a", EX + "b", "a b", "rel", "_:b1", "", 'é\x01"\n', 1, 2.5, 1e22,
                               -0.0, 3.0, True, False, None, "fr", "urn:x:y", "T"])
_value_objects = st.sampled_from([
    {"@value": "x"}, {"@value": 5}, {"@value": "x", "@language": "EN-us"}, {"@value": "x", "@language": "x y"},
    {"@value": "x", "@type": "ex:dt"}, {"@value": "x", "@type": "dt"}, {"en": "a", "fr": ["b", None]},
    {"@list": [1, 2]}])
_local_contexts = st.sampled_from([{"p": EX + "inl"}, {"t": {"@id": EX + "tt", "@type": "@id"}},
                                   {"@vocab": EX + "iv#"}, None, PROTECTED, {"w": EX + "ww"},
                                   {"@language": "EN"}])


def _node_objects(children: Any) -> Any:
    entry = st.one_of(
        st.tuples(st.sampled_from(["type", "@type"]),
                  st.one_of(st.sampled_from(_TYPES), st.lists(st.sampled_from(_TYPES), max_size=3))),
        st.tuples(st.sampled_from(["id", "@id"]), st.sampled_from(["ex:n1", EX + "n2", "_:x", "rel", "did:ex:1", 5])),
        st.tuples(st.just("@context"), _local_contexts),
        st.tuples(st.sampled_from(_KEYS), children),
    )
    return st.lists(entry, max_size=5).map(dict)


_json_ld_values = st.recursive(st.one_of(_any_scalar, _value_objects),
                               lambda inner: st.one_of(st.lists(inner, max_size=3), _node_objects(inner)),
                               max_leaves=12)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_node_objects(_json_ld_values), st.lists(st.sampled_from(_CONTEXTS), min_size=1, max_size=2, unique=True))
def test_generated_json_ld_agrees_or_falls_back(node: dict[str, Any], contexts: list[str]) -> None:
    """Anything the fast path answers matches pyld; where pyld fails, the fast path never answers."""
    if not INTEROP.is_dir():
        pytest.skip(INTEROP_MISSING)
    if not _FEATURE_LOADERS:
        from tests.verifier.canon.conftest import _interop_contexts

        _FEATURE_LOADERS.append(FileLoader({**_interop_contexts(), **FEATURE_CONTEXTS}))
    document = {**node, "@context": contexts}
    compare(document, _FEATURE_LOADERS[0])


_FEATURE_LOADERS: list[FileLoader] = []
