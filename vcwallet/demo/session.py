"""A throw-away demo: a wallet in a temporary folder, filled with one educator's fixture badges,
and the local HTTPS host serving the issuer world so every check runs for real.

Used by ``vcwallet demo``. Everything lives under one temporary directory and is removed on
:meth:`DemoSession.close`; the host's CA and keys never leave it.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from types import TracebackType

from verifier.contexts import ContextStore
from verifier.trust import TrustList
from verifier.verification import Verifier

from ..store import INTERACTIVE
from ..wallet import Wallet
from .host import FixtureHost
from .world import WORLD_DIR, world_host, world_verifier

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


class DemoSession:
    """Starts the host, builds a verifier over it, and creates the demo wallet."""

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

    def make_verifier(self, trust_list: TrustList | None = None) -> Verifier:
        verifier = world_verifier(self.world_dir, self.host, self.contexts, as_of=self.as_of)
        verifier.trust_list = trust_list if trust_list is not None else self.trust_list
        return verifier

    def start(self) -> DemoSession:
        self.host.start()
        try:
            self.wallet = Wallet.create(self.wallet_path, DEMO_PASSPHRASE, kdf=INTERACTIVE,
                                        verifier=self.make_verifier())
            for name in DEMO_BADGES:
                path = self.world_dir / name
                if path.is_file():
                    self.wallet.add(path.read_bytes(), source=path.name, force=True)
            self.requests_dir.mkdir()
        except BaseException:
            self.close()
            raise
        return self

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
