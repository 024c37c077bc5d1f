"""Start the app: ``vcwallet tui`` (the user's wallet) and ``vcwallet demo``.

These build the :class:`~tui.services.AppServices` from the layers below and run the app; the
``vcwallet`` command line reaches them through a lazy import, so ``vcwallet`` itself never
imports Textual.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import TYPE_CHECKING

from vcwallet.usecases.open_wallet import unlock_wallet
from vcwallet.wallet import Wallet
from verifier.contexts import ContextStore
from verifier.trust import TrustList

from .app import create_app
from .services import AppServices, VerifierFactory

if TYPE_CHECKING:
    from vcwallet.demo.session import DemoSession

DEMO_ALIAS = "~demo"
HANGUPS = tuple(getattr(signal, name) for name in ("SIGHUP", "SIGTERM") if hasattr(signal, name))


def demo_services(session: DemoSession) -> AppServices:
    """The services for a started :class:`vcwallet.demo.session.DemoSession` (tests use this too).

    The demo's temporary folder is shown as ``~demo``: its real name is random and means
    nothing to the user, and hiding it keeps every screen the same from run to run.
    """
    from vcwallet.demo.session import DEMO_PASSPHRASE  # lazy: only the demo loads the fixture host

    services = AppServices(make_verifier=session.make_verifier, wallet=session.wallet,
                           wallet_path=session.wallet_path, trust_list=session.trust_list,
                           demo_passphrase=DEMO_PASSPHRASE, start_dir=session.world_dir / "credentials",
                           work_dir=session.tmp, requests_dir=session.requests_dir,
                           path_alias=(DEMO_ALIAS, session.tmp), cleanup=session.close,
                           title="vcwallet demo — Maya Alvarez's wallet")
    services.open_wallet = lambda passphrase: _reopen(session, passphrase)
    return services


def run_demo(contexts: ContextStore, *, as_of: str | None = None, headless: bool = False) -> int:
    """The README's main job: a demo wallet over the local fixture world."""
    from vcwallet.demo.session import DemoSession  # lazy: only the demo loads the fixture host

    session = DemoSession(contexts, as_of=as_of).start()
    app = create_app(demo_services(session))
    previous = {sig: signal.getsignal(sig) for sig in HANGUPS}
    for sig in HANGUPS:
        # A closed terminal or a kill still removes the demo's wallet and stops the host.
        signal.signal(sig, lambda *_: app.exit())
    try:
        app.run(headless=headless)
    finally:
        session.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def _reopen(session: DemoSession, passphrase: str) -> Wallet:
    wallet = unlock_wallet(session.wallet_path, passphrase, verifier=session.make_verifier(),
                           clock=session.clock)
    session.wallet = wallet
    return wallet


def run_wallet(path: Path, make_verifier: VerifierFactory, trust_list: TrustList | None) -> int:
    """The user's own wallet: unlock first, then the wallet and the verify desk."""

    def open_wallet(passphrase: str) -> Wallet:
        return unlock_wallet(path, passphrase, verifier=make_verifier(trust_list))

    services = AppServices(make_verifier=make_verifier, open_wallet=open_wallet, wallet_path=path,
                           trust_list=trust_list, start_dir=Path.cwd())
    create_app(services).run()
    return 0
