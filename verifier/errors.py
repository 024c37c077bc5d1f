"""Typed errors with stable dotted codes, and what each code means and what to do about it.

Callers and tests match on ``error.code``, never on message text, so codes are a public contract:
add new ones, never rename. Every code is defined once, in :data:`TABLE`, with a one-line
meaning and, when it has its own, the advice a reader gets; a family of codes (a prefix ending
in ``.``) may give the advice its codes share. :data:`CODES` (code → meaning) is read from it;
the ``VCError`` constructor refuses a code that is not listed, so a typo fails loudly in tests.
:func:`advice` is the one lookup every front end uses (the text report, the CLI, the app).

Low-level code raises these; only the ``Verifier`` turns them into report check results.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Code(NamedTuple):
    """A registered code: what it means, and what to do about it when that is its own."""

    meaning: str
    advice: str | None = None


class Family(NamedTuple):
    """What to do about every code under a prefix (``"proof."``) that has no advice of its own."""

    advice: str


_CHANGED = "The content was changed after it was signed. Do not accept it."

#: Every code, with its meaning and advice, and the advice each family of codes shares (a key
#: ending in ``.``). Codes without advice of their own or of a family get none.
TABLE: dict[str, Code | Family] = {
    # input parsing
    "parse.": Family("Ask the sender for the original file; this one is not a credential we can read."),
    "parse.malformed_json": Code("The input is not well-formed JSON (or uses NaN/Infinity, huge numbers, deep nesting)."),
    "parse.duplicate_key": Code("A JSON object repeats a key; the meaning would depend on the parser."),
    "parse.input_too_large": Code("The input is larger than the configured size cap."),
    "parse.not_an_object": Code("The credential is not a JSON object (for example a JSON string)."),
    "parse.unknown_format": Code("The input is not a format this verifier reads."),
    # data model
    "format.": Family("The credential does not follow the VC data model; ask the issuer to reissue it."),
    "format.invalid_context": Code("@context is missing, misordered or malformed."),
    "format.invalid_type": Code("type is missing or lacks the required base type."),
    "format.invalid_issuer": Code("issuer is missing, not a URL, or malformed."),
    "format.invalid_subject": Code("credentialSubject is missing or empty."),
    "format.invalid_identifier": Code("An id is not a URL, or is an array."),
    "format.invalid_property": Code("A property violates the data model (e.g. missing type)."),
    # JSON-LD contexts
    "context.": Family("Its vocabulary could not be loaded safely, so what was signed is unclear."),
    "context.not_allowed": Code("The context URL is not on the pinned allowlist.",
        advice="It uses a vocabulary that is not on the pinned list; do not accept it unless you know why."),
    "context.not_found": Code("A pinned context could not be found locally and network is off.",
        advice="Could not check, not invalid: a vocabulary file is missing here. Run 'vcwallet contexts "
               "fetch' once (or 'vcwallet contexts import DIR'), or pass --contexts DIR, then verify again."),
    "context.digest_mismatch": Code("A context's content does not match any pinned digest."),
    "context.test_only": Code("A test-only context (examples) was used in production mode."),
    "context.invalid": Code("A context document is not valid JSON-LD context JSON."),
    "context.protected_term": Code("An inline context redefines a protected term."),
    # JSON-LD and canonicalization
    "jsonld.": Family("Part of the credential would not be covered by the signature; treat it as forged."),
    "jsonld.data_loss": Code("Expansion would drop a term, type or property, or leave a relative IRI."),
    "jsonld.invalid": Code("The document is not valid JSON-LD."),
    "jsonld.base_not_allowed": Code("The document sets @base; signed documents must not."),
    "jsonld.noncanonical_term": Code("A term of the VC, Data Integrity, status or Open Badges vocabularies is spelled other than by the term its pinned context defines (full IRI, compact IRI, alias, keyword form), so the checks could not read what is signed.",
        advice="It writes a signed field in a form the checks cannot read (a full or compact IRI, an alias); "
               "it could hide an expiry or a revocation. Do not accept it; ask the issuer for the usual "
               "form."),
    "jsonld.duplicate_node": Code("One node is described in two places of the document, so the checks could not read all that is signed about it.",
        advice="It describes one thing in two places, so a field could hide from the checks. Do not accept "
               "it; ask the issuer for the usual form."),
    "canonicalization.": Family("The credential is built to exhaust verifiers; treat it as hostile."),
    "canonicalization.limit_exceeded": Code("Canonicalization exceeded its work budget (poison graph)."),
    "canonicalization.invalid_nquads": Code("N-Quads input could not be parsed."),
    "canonicalization.unsupported_hash": Code("The requested canonicalization hash is not supported."),
    "jcs.invalid": Code("The value cannot be canonicalized with RFC 8785 (lone surrogate, non-finite number)."),
    # keys and encodings
    "key.invalid_multibase": Code("The multibase value has the wrong header or alphabet."),
    "key.invalid_multicodec": Code("The multicodec header is not the expected Ed25519 one."),
    "key.invalid_length": Code("The key has the wrong number of bytes."),
    "key.invalid_jwk": Code("The JWK is not an Ed25519 OKP key."),
    "key.secret_missing": Code("A signing operation needs a secret key that is not present."),
    "key.invalid_base64url": Code("A base64url value is padded, non-canonical or off-alphabet."),
    # DIDs and verification methods
    "did.": Family("The issuer's identity document is unusable for checking this credential."),
    "did.invalid": Code("The DID is syntactically invalid for its method."),
    "did.method_not_supported": Code("No resolver is registered for this DID method."),
    "did.not_found": Code("The DID document could not be retrieved.",
        advice="Could not check, not invalid: the issuer's identity document could not be retrieved. Check "
               "your network and try again (offline: --url-map)."),
    "did.document_mismatch": Code("The DID document id differs from the DID that was resolved."),
    "did.invalid_document": Code("The DID or controller document is malformed."),
    "vm.": Family("The signing key is not one the issuer has published for issuing."),
    "vm.invalid": Code("The verification method is missing, relative, or not a URL."),
    "vm.not_found": Code("The verification method is not in the controller document."),
    "vm.fragment_mismatch": Code("The did:key fragment does not match the key."),
    "vm.not_authorized": Code("The verification method is not listed under the required relationship."),
    "vm.controller_mismatch": Code("The verification method is not controlled by the expected controller.",
        advice="It was signed by someone other than the issuer it names: a forgery."),
    "vm.unsupported_type": Code("The verification method key type is not supported."),
    # fetching
    "fetch.": Family(
        "Could not check, not invalid: a document needed for the check could not be fetched. Check your "
        "network and try again later (offline: --url-map)."),
    "fetch.insecure_url": Code("Only https URLs are fetched."),
    "fetch.redirect_refused": Code("A redirect to another origin (or too many redirects) was refused."),
    "fetch.forbidden_address": Code("The host resolves to a private, loopback or link-local address."),
    "fetch.too_large": Code("The response exceeded the byte cap."),
    "fetch.timeout": Code("The server did not answer in time."),
    "fetch.failed": Code("The fetch failed (connection error or HTTP error status)."),
    "fetch.not_allowed": Code("The fetcher does not serve this URL (offline or not in the URL map)."),
    "fetch.invalid_url_map": Code("The URL map file is not a JSON object of URL to path strings."),
    # proofs
    "proof.": Family("The signature is missing or unusable. Do not accept the credential as proof."),
    "proof.missing": Code("The document has no proof."),
    "proof.malformed": Code("The proof is not an object or lacks required members."),
    "proof.unsupported_type": Code("The proof type is missing or not accepted."),
    "proof.unsupported_suite": Code("The cryptosuite is missing, not a string, or not accepted."),
    "proof.value_missing": Code("proofValue is missing or null."),
    "proof.invalid_multibase": Code("proofValue is not base58btc multibase."),
    "proof.invalid_signature_length": Code("The signature is not 64 bytes.", advice=_CHANGED),
    "proof.invalid_signature": Code("The signature does not match the document and key.", advice=_CHANGED),
    "proof.invalid_purpose": Code("proofPurpose is missing or not the one this check requires."),
    "proof.invalid_date": Code("proof.created or proof.expires is malformed or in the future."),
    "proof.expired": Code("proof.expires is in the past."),
    "proof.context_mismatch": Code("proof @context differs from the document's @context."),
    "proof.chain_error": Code("A proof set or previousProof chain is broken."),
    "proof.issuer_key_mismatch": Code("The signing key is not controlled by the issuer."),
    "proof.options_invalid": Code("Proof options for signing are invalid."),
    "proof.too_many": Code("The document carries more proofs than the verifier checks (16 by default)."),
    # validity
    "validity.": Family("Its dates are inconsistent."),
    "validity.expired": Code("The credential's validUntil/expirationDate has passed.",
        advice="It has expired. It may still show the person earned it at the time."),
    "validity.not_yet_valid": Code("The credential's validFrom/issuanceDate is in the future.",
        advice="It is not valid yet; check its start date."),
    "validity.invalid_period": Code("validFrom is after validUntil, or a date is malformed."),
    # status
    "status.": Family("Its revocation status is unknown; it cannot be accepted until that is checked."),
    "status.revoked": Code("The issuer has revoked the credential.",
        advice="The issuer has revoked it. Do not accept it."),
    "status.suspended": Code("The issuer has suspended the credential.",
        advice="The issuer has suspended it; ask the issuer or the holder why."),
    "status.unknown": Code("The credential's status could not be determined.",
        advice="Could not check the revocation status (the list could not be fetched or verified); check "
               "your network and try again. Do not accept it until then."),
    "status.list_too_large": Code("The status list decompresses beyond the cap (possible bomb)."),
    "status.invalid_list": Code("The status list is malformed (encoding, gzip, length)."),
    "status.invalid_index": Code("The status list index is not a valid integer in range."),
    "status.list_mismatch": Code("The status list is from another issuer or for another purpose."),
    "status.short_list": Code("The status list is shorter than the 131,072 entries the spec requires for holder privacy."),
    "status.unsupported_type": Code("The credentialStatus type is not supported."),
    # trust
    "trust.": Family("The issuer is not on your trust list; decide whether you know and accept them."),
    "trust.untrusted_issuer": Code("The issuer is not on the trust list."),
    "trust.invalid_list": Code("The trust list file is malformed."),
    "trust.achievement_not_accepted": Code("The trust list does not accept this achievement type from this issuer."),
    # Open Badges
    "openbadges.": Family("It does not follow the Open Badges rules."),
    "openbadges.invalid": Code("The credential breaks an Open Badges rule."),
    "openbadges.recipient_mismatch": Code("The badge's recipient is not the expected person.",
        advice="The badge was not issued to the person you named."),
    "openbadges.baked_mismatch": Code("A baked image's embedded credential differs from the one shown."),
    "openbadges.invalid_image": Code("The image is not a valid PNG/SVG or carries no badge."),
    "openbadges.id_mismatch": Code("A fetched OB 2.0 document's id is not the URL it was fetched from."),
    "openbadges.origin_mismatch": Code("A hosted OB 2.0 assertion is not served from an origin its issuer allows."),
    "openbadges.hosted_mismatch": Code("An OB 2.0 assertion given as JSON says something its hosted copy does not.",
        advice="This copy differs from the one the issuer hosts. Do not accept it; use the issuer's own "
               "copy."),
    "openbadges.embedded_mismatch": Code("An embedded OB 2.0 BadgeClass or issuer Profile differs from the one published at its id.",
        advice="The badge carries issuer or badge details the issuer does not publish. Do not accept it."),
    "openbadges.endorsement_invalid": Code("An embedded endorsement does not verify."),
    "openbadges.incomplete": Code("The badge lacks something Open Badges requires (a name, a recipient id) but is otherwise sound."),
    # presentations
    "presentation.": Family("The presentation does not answer your request; ask the holder for a new one."),
    "presentation.challenge_mismatch": Code("The presentation's challenge is missing or not the one asked."),
    "presentation.domain_mismatch": Code("The presentation's domain is missing or not the one asked."),
    "presentation.challenge_reused": Code("This challenge has already been used by a passing presentation.",
        advice="This presentation was already used once; ask for a new one."),
    "presentation.holder_mismatch": Code("The presentation was not signed by its holder."),
    "presentation.invalid": Code("The presentation is malformed, or carries a proof whose purpose is not authentication."),
    "presentation.foreign_proof": Code("A proof on the presentation was made by someone other than its holder.",
        advice="Someone other than the holder signed it: a replay or forgery. Do not accept it."),
    "presentation.proof_invalid": Code("A proof on the presentation does not verify (every proof must), or the binding proof has expired."),
    "presentation.challenge_unknown": Code("The challenge was not issued by this verifier's ledger ('vcwallet request create'), or not for this domain.",
        advice="You did not issue this challenge (check --ledger, or use --no-ledger if you keep challenges "
               "elsewhere); ask for a new answer."),
    "presentation.subject_mismatch": Code("An embedded credential is about someone other than the presenter (warning; failure under require_subject_binding).",
        advice="A credential inside is about someone else: ask the holder to present their own credentials."),
    "presentation.recipient_required": Code("Under require_subject_binding, a credential whose subject is only a hashed identifier needs the expected recipient.",
        advice="Give the expected recipient (--recipient EMAIL) to check who the badge was issued to."),
    # JOSE / JWT / SD-JWT
    "jwt.": Family("The token's signature or header is unsafe or invalid. Do not accept it."),
    "jwt.malformed": Code("The JWT is not three base64url parts of JSON."),
    "jwt.algorithm_not_allowed": Code("The JWT algorithm is not allowed (none, HMAC, off the allowlist)."),
    "jwt.untrusted_key": Code("The JWT names a key the verifier must not trust (jwk/jku/x5u, foreign kid)."),
    "jwt.invalid_typ": Code("The JWT typ header is not the expected one."),
    "jwt.unsupported_crit": Code("The JWT has a critical header this verifier does not understand."),
    "jwt.invalid_signature": Code("The JWT signature does not verify."),
    "jwt.invalid_claims": Code("The JWT claims are inconsistent with the credential."),
    "sdjwt.malformed": Code("The SD-JWT is malformed."),
    "sdjwt.duplicate_disclosure": Code("A disclosure or digest appears twice."),
    "sdjwt.unreferenced_disclosure": Code("A disclosure matches no digest."),
    "sdjwt.name_collision": Code("A disclosed claim name collides with an existing one."),
    "sdjwt.reserved_name": Code("A disclosure uses a reserved claim name (_sd, ...)."),
    "sdjwt.invalid_array_element": Code("An array element disclosure has the wrong shape."),
    "sdjwt.unsupported_hash": Code("The _sd_alg is not supported."),
    "sdjwt.kb_missing": Code("The key-binding JWT is missing."),
    "sdjwt.kb_invalid": Code("The key-binding JWT is wrong (nonce, aud, iat, sd_hash or key)."),
    "sdjwt.unknown_path": Code("A claim path asked for is not in the SD-JWT (or is malformed)."),
    # issuing (small issuers)
    "issue.invalid_credential": Code("The credential to issue breaks the data model."),
    "issue.key_mismatch": Code("The signing key does not belong to the credential's issuer."),
    # vcwallet's own codes (wallet.*, request.*, keyfile.*, share.*, ...) live in vcwallet/errors.py,
    # which registers them here; this package never imports vcwallet.
    "internal.error": Code("Verifying this input hit a defect in the verifier; it could not be checked (the exception type is in details).",
        advice="Could not check this input because of a defect in vcwallet (not in the file). Other inputs "
               "are unaffected; please report it (VCWALLET_DEBUG=1 shows the details)."),
}

#: Every registered code and its one-line meaning.
CODES: dict[str, str] = {code: entry.meaning for code, entry in TABLE.items() if isinstance(entry, Code)}


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


def advice(code: str | None) -> str | None:
    """What a reader should do about ``code``: its own advice, else its family's (the longest
    prefix with advice), else ``None``."""
    if not code:
        return None
    entry = TABLE.get(code)
    if isinstance(entry, Code) and entry.advice:
        return entry.advice
    family = max((key for key, value in TABLE.items() if isinstance(value, Family) and code.startswith(key)),
                 key=len, default=None)
    return TABLE[family].advice if family is not None else None
