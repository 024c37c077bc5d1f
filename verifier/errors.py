"""Typed errors with stable dotted codes.

Callers and tests match on ``error.code``, never on message text, so codes are a public contract:
add new ones, never rename. Every code is listed in :data:`CODES` with a one-line meaning; the
``VCError`` constructor refuses a code that is not listed, so a typo fails loudly in tests.

Low-level code raises these; only the ``Verifier`` turns them into report check results.
"""

from __future__ import annotations

from typing import Any

CODES: dict[str, str] = {
    # input parsing
    "parse.malformed_json": "The input is not well-formed JSON (or uses NaN/Infinity, huge numbers, deep nesting).",
    "parse.duplicate_key": "A JSON object repeats a key; the meaning would depend on the parser.",
    "parse.input_too_large": "The input is larger than the configured size cap.",
    "parse.not_an_object": "The credential is not a JSON object (for example a JSON string).",
    "parse.unknown_format": "The input is not a format this verifier reads.",
    # data model
    "format.invalid_context": "@context is missing, misordered or malformed.",
    "format.invalid_type": "type is missing or lacks the required base type.",
    "format.invalid_issuer": "issuer is missing, not a URL, or malformed.",
    "format.invalid_subject": "credentialSubject is missing or empty.",
    "format.invalid_identifier": "An id is not a URL, or is an array.",
    "format.invalid_property": "A property violates the data model (e.g. missing type).",
    # JSON-LD contexts
    "context.not_allowed": "The context URL is not on the pinned allowlist.",
    "context.not_found": "A pinned context could not be found locally and network is off.",
    "context.digest_mismatch": "A context's content does not match any pinned digest.",
    "context.test_only": "A test-only context (examples) was used in production mode.",
    "context.invalid": "A context document is not valid JSON-LD context JSON.",
    "context.protected_term": "An inline context redefines a protected term.",
    # JSON-LD and canonicalization
    "jsonld.data_loss": "Expansion would drop a term, type or property, or leave a relative IRI.",
    "jsonld.invalid": "The document is not valid JSON-LD.",
    "jsonld.base_not_allowed": "The document sets @base; signed documents must not.",
    "jsonld.noncanonical_term": "A term of the VC, Data Integrity, status or Open Badges vocabularies is spelled other than by the term its pinned context defines (full IRI, compact IRI, alias, keyword form), so the checks could not read what is signed.",
    "jsonld.duplicate_node": "One node is described in two places of the document, so the checks could not read all that is signed about it.",
    "canonicalization.limit_exceeded": "Canonicalization exceeded its work budget (poison graph).",
    "canonicalization.invalid_nquads": "N-Quads input could not be parsed.",
    "canonicalization.unsupported_hash": "The requested canonicalization hash is not supported.",
    "jcs.invalid": "The value cannot be canonicalized with RFC 8785 (lone surrogate, non-finite number).",
    # keys and encodings
    "key.invalid_multibase": "The multibase value has the wrong header or alphabet.",
    "key.invalid_multicodec": "The multicodec header is not the expected Ed25519 one.",
    "key.invalid_length": "The key has the wrong number of bytes.",
    "key.invalid_jwk": "The JWK is not an Ed25519 OKP key.",
    "key.secret_missing": "A signing operation needs a secret key that is not present.",
    "key.invalid_base64url": "A base64url value is padded, non-canonical or off-alphabet.",
    # DIDs and verification methods
    "did.invalid": "The DID is syntactically invalid for its method.",
    "did.method_not_supported": "No resolver is registered for this DID method.",
    "did.not_found": "The DID document could not be retrieved.",
    "did.document_mismatch": "The DID document id differs from the DID that was resolved.",
    "did.invalid_document": "The DID or controller document is malformed.",
    "vm.invalid": "The verification method is missing, relative, or not a URL.",
    "vm.not_found": "The verification method is not in the controller document.",
    "vm.fragment_mismatch": "The did:key fragment does not match the key.",
    "vm.not_authorized": "The verification method is not listed under the required relationship.",
    "vm.controller_mismatch": "The verification method is not controlled by the expected controller.",
    "vm.unsupported_type": "The verification method key type is not supported.",
    # fetching
    "fetch.insecure_url": "Only https URLs are fetched.",
    "fetch.redirect_refused": "A redirect to another origin (or too many redirects) was refused.",
    "fetch.forbidden_address": "The host resolves to a private, loopback or link-local address.",
    "fetch.too_large": "The response exceeded the byte cap.",
    "fetch.timeout": "The server did not answer in time.",
    "fetch.failed": "The fetch failed (connection error or HTTP error status).",
    "fetch.not_allowed": "The fetcher does not serve this URL (offline or not in the URL map).",
    "fetch.invalid_url_map": "The URL map file is not a JSON object of URL to path strings.",
    # proofs
    "proof.missing": "The document has no proof.",
    "proof.malformed": "The proof is not an object or lacks required members.",
    "proof.unsupported_type": "The proof type is missing or not accepted.",
    "proof.unsupported_suite": "The cryptosuite is missing, not a string, or not accepted.",
    "proof.value_missing": "proofValue is missing or null.",
    "proof.invalid_multibase": "proofValue is not base58btc multibase.",
    "proof.invalid_signature_length": "The signature is not 64 bytes.",
    "proof.invalid_signature": "The signature does not match the document and key.",
    "proof.invalid_purpose": "proofPurpose is missing or not the one this check requires.",
    "proof.invalid_date": "proof.created or proof.expires is malformed or in the future.",
    "proof.expired": "proof.expires is in the past.",
    "proof.context_mismatch": "proof @context differs from the document's @context.",
    "proof.chain_error": "A proof set or previousProof chain is broken.",
    "proof.issuer_key_mismatch": "The signing key is not controlled by the issuer.",
    "proof.options_invalid": "Proof options for signing are invalid.",
    "proof.too_many": "The document carries more proofs than the verifier checks (16 by default).",
    # validity
    "validity.expired": "The credential's validUntil/expirationDate has passed.",
    "validity.not_yet_valid": "The credential's validFrom/issuanceDate is in the future.",
    "validity.invalid_period": "validFrom is after validUntil, or a date is malformed.",
    # status
    "status.revoked": "The issuer has revoked the credential.",
    "status.suspended": "The issuer has suspended the credential.",
    "status.unknown": "The credential's status could not be determined.",
    "status.list_too_large": "The status list decompresses beyond the cap (possible bomb).",
    "status.invalid_list": "The status list is malformed (encoding, gzip, length).",
    "status.invalid_index": "The status list index is not a valid integer in range.",
    "status.list_mismatch": "The status list is from another issuer or for another purpose.",
    "status.short_list": "The status list is shorter than the 131,072 entries the spec requires for holder privacy.",
    "status.unsupported_type": "The credentialStatus type is not supported.",
    # trust
    "trust.untrusted_issuer": "The issuer is not on the trust list.",
    "trust.invalid_list": "The trust list file is malformed.",
    "trust.achievement_not_accepted": "The trust list does not accept this achievement type from this issuer.",
    # Open Badges
    "openbadges.invalid": "The credential breaks an Open Badges rule.",
    "openbadges.recipient_mismatch": "The badge's recipient is not the expected person.",
    "openbadges.baked_mismatch": "A baked image's embedded credential differs from the one shown.",
    "openbadges.invalid_image": "The image is not a valid PNG/SVG or carries no badge.",
    "openbadges.id_mismatch": "A fetched OB 2.0 document's id is not the URL it was fetched from.",
    "openbadges.origin_mismatch": "A hosted OB 2.0 assertion is not served from an origin its issuer allows.",
    "openbadges.hosted_mismatch": "An OB 2.0 assertion given as JSON says something its hosted copy does not.",
    "openbadges.embedded_mismatch": "An embedded OB 2.0 BadgeClass or issuer Profile differs from the one published at its id.",
    "openbadges.endorsement_invalid": "An embedded endorsement does not verify.",
    "openbadges.incomplete": "The badge lacks something Open Badges requires (a name, a recipient id) but is otherwise sound.",
    # presentations
    "presentation.challenge_mismatch": "The presentation's challenge is missing or not the one asked.",
    "presentation.domain_mismatch": "The presentation's domain is missing or not the one asked.",
    "presentation.challenge_reused": "This challenge has already been used by a passing presentation.",
    "presentation.holder_mismatch": "The presentation was not signed by its holder.",
    "presentation.invalid": "The presentation is malformed, or carries a proof whose purpose is not authentication.",
    "presentation.foreign_proof": "A proof on the presentation was made by someone other than its holder.",
    "presentation.proof_invalid": "A proof on the presentation does not verify (every proof must), or the binding proof has expired.",
    "presentation.challenge_unknown": "The challenge was not issued by this verifier's ledger ('vcwallet request create'), or not for this domain.",
    "presentation.subject_mismatch": "An embedded credential is about someone other than the presenter (warning; failure under require_subject_binding).",
    "presentation.recipient_required": "Under require_subject_binding, a credential whose subject is only a hashed identifier needs the expected recipient.",
    # JOSE / JWT / SD-JWT
    "jwt.malformed": "The JWT is not three base64url parts of JSON.",
    "jwt.algorithm_not_allowed": "The JWT algorithm is not allowed (none, HMAC, off the allowlist).",
    "jwt.untrusted_key": "The JWT names a key the verifier must not trust (jwk/jku/x5u, foreign kid).",
    "jwt.invalid_typ": "The JWT typ header is not the expected one.",
    "jwt.unsupported_crit": "The JWT has a critical header this verifier does not understand.",
    "jwt.invalid_signature": "The JWT signature does not verify.",
    "jwt.invalid_claims": "The JWT claims are inconsistent with the credential.",
    "sdjwt.malformed": "The SD-JWT is malformed.",
    "sdjwt.duplicate_disclosure": "A disclosure or digest appears twice.",
    "sdjwt.unreferenced_disclosure": "A disclosure matches no digest.",
    "sdjwt.name_collision": "A disclosed claim name collides with an existing one.",
    "sdjwt.reserved_name": "A disclosure uses a reserved claim name (_sd, ...).",
    "sdjwt.invalid_array_element": "An array element disclosure has the wrong shape.",
    "sdjwt.unsupported_hash": "The _sd_alg is not supported.",
    "sdjwt.kb_missing": "The key-binding JWT is missing.",
    "sdjwt.kb_invalid": "The key-binding JWT is wrong (nonce, aud, iat, sd_hash or key).",
    "sdjwt.unknown_path": "A claim path asked for is not in the SD-JWT (or is malformed).",
    # issuing (small issuers)
    "issue.invalid_credential": "The credential to issue breaks the data model.",
    "issue.key_mismatch": "The signing key does not belong to the credential's issuer.",
    # vcwallet's own codes (wallet.*, request.*, keyfile.*, share.*, ...) live in vcwallet/errors.py,
    # which registers them here; this package never imports vcwallet.
    "internal.error": "Verifying this input hit a defect in the verifier; it could not be checked (the exception type is in details).",
}


class VCError(Exception):
    """Root of every error vcwallet raises on purpose.

    ``code`` is a stable dotted name from :data:`CODES`; ``path`` points into the input (a JSON
    path such as ``$.proof.proofValue``) when the problem has a location.
    """

    def __init__(self, code: str, message: str = "", path: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        if code not in CODES:
            raise KeyError(f"unregistered error code {code!r}")
        super().__init__(message or CODES[code])
        self.code = code
        self.message = message or CODES[code]
        self.path = path
        self.details = details or {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, path={self.path!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the constructor call, so an error crosses a process boundary (bulk
        verification's workers) as itself; the default would call ``cls(message)``, which is
        not a code."""
        return (type(self), (self.code, self.message, self.path, self.details), dict(self.__dict__))


class ParseError(VCError, ValueError):
    """The input could not be read as the structure it claims to be."""


class FormatError(VCError, ValueError):
    """The input is readable but breaks the data model."""


class ContextError(VCError, LookupError):
    """A JSON-LD context was refused or could not be found."""


class CanonicalizationError(VCError, ValueError):
    """JSON-LD expansion or RDF canonicalization failed or would lose data."""


class KeyFormatError(VCError, ValueError):
    """A key's encoding (multibase, multicodec, JWK) is wrong."""


class DidError(VCError, LookupError):
    """A DID or verification method could not be resolved or is not acceptable."""


class FetchError(VCError, OSError):
    """The network layer refused or failed a fetch."""


class ProofError(VCError, ValueError):
    """A proof is missing, malformed, unsupported or does not verify."""


def describe(code: str) -> str:
    """The one-line meaning of ``code``, for reports and ``--help`` text."""
    return CODES[code]
