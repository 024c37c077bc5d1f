"""A throw-away demo: a wallet in a temporary folder, filled with one educator's fixture badges,
and the local HTTPS host serving the issuer world so every check runs for real.

Used by ``vcwallet demo``. Everything lives under one temporary directory and is removed on
:meth:`DemoSession.close`; the host's CA and keys never leave it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from verifier.clock import Clock, FixedClock, parse_datetime
from verifier.contexts import ContextStore
from verifier.keys import Ed25519KeyPair
from verifier.trust import TrustList
from verifier.verification import Verifier

from ..requesting import create_dcql_request, create_request
from ..store import INTERACTIVE
from ..wallet import Wallet
from .host import FixtureHost
from .world import WORLD_DIR, scenarios, world_host, world_verifier

DEMO_PASSPHRASE = "correct horse battery staple"

#: Maya Alvarez's badges: several valid, one revoked, one suspended, one expired, one Open
#: Badges 2.0, one SD-JWT VC (when the world has one) and one from an issuer off the trust list.
DEMO_BADGES = (
    "credentials/educator-lab/maya-alvarez--checking-for-student-understanding.json",
    "credentials/educator-lab/maya-alvarez--growth-mindset.json",
    "credentials/educator-lab/maya-alvarez--family-engagement.json",
    "credentials/educator-lab/maya-alvarez--restorative-classroom-circles.json",
    "credentials/educator-lab/maya-alvarez--formative-assessment.json",
    "credentials/educator-lab/maya-alvarez--classroom-discourse.json",
    "credentials/educator-lab/maya-alvarez--culturally-responsive-teaching--expired.json",
    "credentials/consortium/maya-alvarez--mentoring-new-teachers.json",
    "credentials/ob2/maya-alvarez--literacy-coach-a1b2c3.json",
    "credentials/sd-jwt/maya-alvarez--computational-thinking.sd-jwt",
    "credentials/platform/maya-alvarez--blended-learning-design.json",
)
#: The demo holder: the fixture badges are issued to this did:key.
DEMO_HOLDER = "holders/maya-alvarez.json"
#: A district that asks for badges, in the two request formats the wallet answers.
DEMO_DISTRICT = "hr.lakeview-usd.example"
EDUCATOR_LAB = "did:web:credentials.educatorlab.example"
OB3_SD_JWT_VCT = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


class DemoSession:
    """Starts the host, builds a verifier over it, and creates the demo wallet.

    ``as_of`` fixes the clock (ISO 8601); by default the demo runs at the instant the fixture
    world's scenarios were written for, so its verdicts never drift with the calendar.
    """

    def __init__(self, contexts: ContextStore, *, world_dir: Path = WORLD_DIR,
                 as_of: str | None = None) -> None:
        self.world_dir = world_dir
        self.contexts = contexts
        self.as_of = as_of
        self.tmp = Path(tempfile.mkdtemp(prefix="vcwallet-demo-"))
        self.host: FixtureHost = world_host(world_dir)
        self.wallet: Wallet | None = None
        self.trust_list = TrustList.load(world_dir / "trust-list.json")
        self.wallet_path = self.tmp / "demo-wallet.db"
        self.requests_dir = self.tmp / "requests"
        self.holder_imported = False

    @property
    def clock(self) -> Clock:
        return FixedClock(parse_datetime(self.as_of or scenarios(self.world_dir)["asOf"]))

    def make_verifier(self, trust_list: TrustList | None = None) -> Verifier:
        verifier = world_verifier(self.world_dir, self.host, self.contexts, as_of=self.as_of)
        verifier.trust_list = trust_list if trust_list is not None else self.trust_list
        return verifier

    def start(self) -> DemoSession:
        self.host.start()
        try:
            self.wallet = Wallet.create(self.wallet_path, DEMO_PASSPHRASE, kdf=INTERACTIVE,
                                        verifier=self.make_verifier(), clock=self.clock, holder_key=False)
            self.holder_imported = self._import_holder(self.wallet)
            if not self.holder_imported:
                self.wallet.create_holder_key(label="holder key 1")
            for name in DEMO_BADGES:
                path = self.world_dir / name
                if path.is_file():
                    self.wallet.add(path.read_bytes(), source=path.name, force=True)
            self._write_requests()
        except BaseException:
            self.close()
            raise
        return self

    def _import_holder(self, wallet: Wallet) -> bool:
        """Give the wallet Maya's fixture key, so her badges (issued to that did:key, and the SD-JWT
        VC bound to it) can be presented. A world without the holder file gets a fresh key."""
        path = self.world_dir / DEMO_HOLDER
        if not path.is_file():
            return False
        holder = json.loads(path.read_text(encoding="utf-8"))
        pair = Ed25519KeyPair.from_secret_multibase(str(holder["secretKeyMultibase"]))
        wallet.create_holder_key(label=f"{holder.get('name', 'demo holder')} (demo)", key=pair)
        return True

    def _write_requests(self) -> None:
        """Two sample requests from a district, ready for the present flow."""
        self.requests_dir.mkdir()
        badge = create_request(domain=DEMO_DISTRICT, types=["OpenBadgeCredential"], issuer=EDUCATOR_LAB,
                               reason="Lakeview USD asks for an Educator Lab micro-credential.")
        sd_jwt = create_dcql_request(domain=DEMO_DISTRICT, vct_values=[OB3_SD_JWT_VCT],
                                     claims=[["credentialSubject", "achievement", "name"]])
        for name, request in (("lakeview-badge-request.json", badge),
                              ("lakeview-sd-jwt-request.json", sd_jwt)):
            (self.requests_dir / name).write_text(json.dumps(request, indent=2) + "\n", encoding="utf-8")

    def close(self) -> None:
        if self.wallet is not None:
            self.wallet.close()
            self.wallet = None
        self.host.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self) -> DemoSession:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
