"""Start the app: ``vcwallet tui`` (the user's wallet) and ``vcwallet demo``.

These build the :class:`~tui.services.AppServices` from the layers below and run the app; the
``vcwallet`` command line reaches them through a lazy import, so ``vcwallet`` itself never
imports Textual.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from verifier.contexts import ContextStore
from verifier.trust import TrustList
from verifier.verification import Verifier

from .app import create_app
from .services import AppServices


def run_demo(contexts: ContextStore, *, as_of: str | None = None, headless: bool = False) -> int:
    """The README's main job: a demo wallet over the local fixture world."""
    from vcwallet.demo.session import DEMO_PASSPHRASE, DemoSession

    session = DemoSession(contexts, as_of=as_of).start()
    services = AppServices(make_verifier=session.make_verifier, wallet=session.wallet,
                           wallet_path=session.wallet_path, trust_list=session.trust_list,
                           demo_passphrase=DEMO_PASSPHRASE, start_dir=session.world_dir / "credentials",
                           cleanup=session.close, title="vcwallet demo — Maya Alvarez's wallet")
    services.open_wallet = lambda passphrase: _reopen(session, passphrase)
    app = create_app(services)
    try:
        app.run(headless=headless)
    finally:
        session.close()
    return 0


def _reopen(session: Any, passphrase: str) -> Any:
    from vcwallet.wallet import Wallet

    return Wallet.open(session.wallet_path, passphrase, verifier=session.make_verifier())


def run_wallet(path: Path, make_verifier: Any, trust_list: TrustList | None) -> int:
    """The user's own wallet: unlock first, then the wallet and the verify desk."""
    from vcwallet.wallet import Wallet

    def open_wallet(passphrase: str) -> Any:
        return Wallet.open(path, passphrase, verifier=make_verifier(trust_list))

    def factory(trust: TrustList | None) -> Verifier:
        verifier: Verifier = make_verifier(trust)
        return verifier

    services = AppServices(make_verifier=factory, open_wallet=open_wallet, wallet_path=path,
                           trust_list=trust_list, start_dir=Path.cwd())
    create_app(services).run()
    return 0
