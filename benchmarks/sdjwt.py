"""Benchmark: SD-JWT VC issue, present and verify, in microseconds per operation.

The issue's target is at most 0.2 ms (200 µs) for each. The badge is a realistic Open Badges
3.0 credential (12 disclosable claims, nested results/scores, decoys); the presentation discloses
3 of them with a key-binding JWT. ``verify`` is :func:`verifier.sdjwt.verify_sd_jwt_vc` with a
did:key issuer through the usual caching key lookup, checking two Ed25519 signatures (issuer and
holder); ``verify+report`` adds the ``Verifier``'s report. A bare PyNaCl Ed25519 verify of the
same issuer JWT is measured in the same run as the floor, so the ratios stay meaningful on
another machine.

Each figure is the median over ``--batches`` batches of ``--loops`` operations, with the
interquartile range of the batch means as the spread.

    .venv/bin/python benchmarks/sdjwt.py [--batches N] [--loops N]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import nacl.signing

from vcwallet.sdjwt_holder import present_sd_jwt
from vcwallet.sdjwt_issuer import issue_ob3_sd_jwt_vc
from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.sdjwt import split_sd_jwt, verify_sd_jwt_vc

TARGET_US = 200.0
NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
ISSUER_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
HOLDER_KEY = Ed25519KeyPair.from_seed(bytes(range(5, 37)))
ISSUER = ISSUER_KEY.public.did_key
KID = f"{ISSUER}#{ISSUER_KEY.public.multibase}"
CHOSEN = ["credentialSubject.name", "credentialSubject.achievement.alignment[0]", "evidence[1]"]


def badge() -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": "urn:uuid:5c0b2a4e-1d8f-4a53-9a3e-7d1c2f3b4a5d",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": ISSUER, "type": ["Profile"], "name": "Lakeview School District PD"},
        "validFrom": "2025-01-15T00:00:00Z",
        "name": "Trauma-Informed Classroom Practice",
        "awardedDate": "2025-01-15T00:00:00Z",
        "credentialSubject": {
            "type": ["AchievementSubject"], "name": "Dana Okafor",
            "activityStartDate": "2024-09-01T00:00:00Z", "activityEndDate": "2024-12-15T00:00:00Z",
            "achievement": {
                "id": "https://pd.lakeview.example/achievements/ticp", "type": ["Achievement"],
                "achievementType": "Certificate", "name": "Trauma-Informed Classroom Practice",
                "criteria": {"narrative": "Complete four modules and a classroom observation."},
                "alignment": [
                    {"type": ["Alignment"], "targetName": "InTASC 3", "targetUrl": "https://std.example/3"},
                    {"type": ["Alignment"], "targetName": "InTASC 9", "targetUrl": "https://std.example/9"},
                ],
            },
            "result": [
                {"type": ["Result"], "resultDescription": "urn:lakeview:observation", "value": "Exemplary"},
                {"type": ["Result"], "resultDescription": "urn:lakeview:modules", "value": "96"},
            ],
        },
        "evidence": [
            {"id": "https://drive.example/obs-video", "type": ["Evidence"], "name": "Observation video"},
            {"id": "https://drive.example/reflection", "type": ["Evidence"], "name": "Reflection"},
        ],
    }


def measure(func: Callable[[], object], batches: int, loops: int) -> list[float]:
    """Mean µs per call for each batch (after one untimed warm-up batch)."""
    for _ in range(loops):
        func()
    out = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(loops):
            func()
        out.append((time.perf_counter() - start) / loops * 1e6)
    return out


def row(name: str, samples: list[float], floor: float) -> str:
    med = statistics.median(samples)
    q = statistics.quantiles(samples, n=4)
    mark = "" if name.startswith("floor") else ("  ok" if med <= TARGET_US else "  OVER")
    return f"| {name:<22} | {med:8.1f} µs | {q[0]:7.1f}–{q[2]:7.1f} µs | {med / floor:5.1f}× |{mark}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=15)
    parser.add_argument("--loops", type=int, default=200)
    args = parser.parse_args()

    clock = FixedClock(NOW)
    lookup = ResolverKeyLookup.create(StaticFetcher({}), clock)
    template = badge()
    token = issue_ob3_sd_jwt_vc(template, key=ISSUER_KEY, kid=KID, holder_jwk=HOLDER_KEY.public, clock=clock)
    presentation = present_sd_jwt(token, disclose=CHOSEN, holder_key=HOLDER_KEY, nonce="n-1",
                                  audience="https://hr.district.example", iat=NOW)
    result = verify_sd_jwt_vc(presentation, key_lookup=lookup, clock=clock, nonce="n-1",
                              audience="https://hr.district.example")
    if not result.ok or sorted(result.disclosed) != sorted(CHOSEN):
        raise SystemExit(f"self-check failed: {[p.code for p in result.problems]}")

    from verifier.verification import Verifier

    class _NoContexts:
        def load(self, url: str) -> Any:
            raise LookupError(url)

        @property
        def document_loader(self) -> Any:
            return None

    verifier = Verifier(contexts=_NoContexts(), keys=lookup, clock=clock)  # type: ignore[arg-type]
    jws = split_sd_jwt(token).jws
    verify_key = nacl.signing.VerifyKey(ISSUER_KEY.public.raw)

    rows = {
        "floor: PyNaCl verify": lambda: verify_key.verify(jws.signing_input, jws.signature),
        "issue": lambda: issue_ob3_sd_jwt_vc(template, key=ISSUER_KEY, kid=KID,
                                             holder_jwk=HOLDER_KEY.public, clock=clock),
        "present (3 of 12)": lambda: present_sd_jwt(token, disclose=CHOSEN, holder_key=HOLDER_KEY,
                                                    nonce="n-1", audience="https://hr.district.example",
                                                    iat=NOW),
        "verify": lambda: verify_sd_jwt_vc(presentation, key_lookup=lookup, clock=clock, nonce="n-1",
                                           audience="https://hr.district.example"),
        "verify+report": lambda: verifier.verify_sd_jwt(presentation, nonce="n-1",
                                                        audience="https://hr.district.example"),
    }
    samples = {name: measure(func, args.batches, args.loops) for name, func in rows.items()}
    floor = statistics.median(samples["floor: PyNaCl verify"])
    print(f"SD-JWT VC on {platform.python_implementation()} {platform.python_version()}, "
          f"{platform.machine()}; {args.batches} batches × {args.loops} loops; target ≤ {TARGET_US:.0f} µs")
    print(f"token {len(token)} chars, {token.count('~') - 1} disclosures; "
          f"presentation {len(presentation)} chars")
    print("| operation              |   median    | spread (IQR)        | ratio |")
    print("|------------------------|-------------|---------------------|-------|")
    for name, values in samples.items():
        print(row(name, values, floor))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
