"""A fixed Open Badges 3.0 credential, keys and a clock for the SD-JWT VC issuer/holder tests."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from vcwallet.sdjwt_issuer import issue_ob3_sd_jwt_vc
from verifier.clock import FixedClock
from verifier.fetch import StaticFetcher
from verifier.key_lookup import ResolverKeyLookup
from verifier.keys import Ed25519KeyPair
from verifier.sdjwt import SdJwtResult, verify_sd_jwt_vc

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
NONCE = "3f8a1c"
AUDIENCE = "https://hr.district.example"
ISSUER_KEY = Ed25519KeyPair.from_seed(bytes(range(32)))
HOLDER_KEY = Ed25519KeyPair.from_seed(bytes(range(5, 37)))
OTHER_KEY = Ed25519KeyPair.from_seed(b"\x07" * 32)
ISSUER = ISSUER_KEY.public.did_key
KID = f"{ISSUER}#{ISSUER_KEY.public.multibase}"


def ob3_badge() -> dict[str, Any]:
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
            "type": ["AchievementSubject"],
            "name": "Dana Okafor",
            "activityStartDate": "2024-09-01T00:00:00Z",
            "activityEndDate": "2024-12-15T00:00:00Z",
            "achievement": {
                "id": "https://pd.lakeview.example/achievements/ticp",
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": "Trauma-Informed Classroom Practice",
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


def issue(**kwargs: Any) -> str:
    kwargs.setdefault("rng", random.Random(7))
    kwargs.setdefault("clock", FixedClock(NOW))
    return issue_ob3_sd_jwt_vc(ob3_badge(), key=ISSUER_KEY, kid=KID, holder_jwk=HOLDER_KEY.public, **kwargs)


def verify(token: str, **kwargs: Any) -> SdJwtResult:
    clock = FixedClock(NOW)
    kwargs.setdefault("nonce", NONCE)
    kwargs.setdefault("audience", AUDIENCE)
    return verify_sd_jwt_vc(token, key_lookup=ResolverKeyLookup.create(StaticFetcher({}), clock),
                            clock=clock, **kwargs)
