"""What the app needs from the layers below, injected so tests and the demo can supply their own.

The app never builds a fetcher, a context store or a wallet itself; ``vcwallet tui`` and
``vcwallet demo`` construct an :class:`AppServices` and pass it to :func:`tui.app.create_app`,
which hands it to every screen and widget that needs it (in their constructors: nothing reaches
for it through the app).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from vcwallet.wallet import Wallet
from verifier.clock import Clock
from verifier.suites.base import DocumentLoader
from verifier.trust import TrustList
from verifier.verification import Verifier

#: Builds a verifier (with a trust list, or none).
VerifierFactory = Callable[[TrustList | None], Verifier]
#: Unlocks the wallet with a passphrase (slow: Argon2id; the app calls it in a worker).
WalletOpener = Callable[[str], Wallet]


class NoWalletOpen(RuntimeError):
    """A wallet action was asked for while no wallet is open (a bug in the app, never the user's)."""


@dataclass
class AppServices:
    """Everything outside the UI.

    ``make_verifier(trust_list)`` builds a verifier (the desk can load its own trust list);
    ``open_wallet(passphrase)`` unlocks the wallet (slow: Argon2id runs in a worker);
    ``wallet`` is set when the wallet is already open (the demo). ``start_dir`` is where the
    import picker starts, ``work_dir`` where backups, presentations and shared files go by
    default, and ``requests_dir`` where the present flow looks for request files.

    ``path_alias`` is a ``(name, folder)`` pair shown in place of a folder whose real name is
    noise to the user (the demo's random temporary folder): ``~demo/backup.vcwb``. Paths the
    user types go back through :meth:`read_path`, so the short form works as input too.
    """

    make_verifier: VerifierFactory
    open_wallet: WalletOpener | None = None
    wallet: Wallet | None = None
    wallet_path: Path | None = None
    trust_list: TrustList | None = None
    demo_passphrase: str | None = None
    start_dir: Path = field(default_factory=Path.cwd)
    work_dir: Path | None = None
    requests_dir: Path | None = None
    path_alias: tuple[str, Path] | None = None
    cleanup: Callable[[], None] | None = None
    title: str = "vcwallet"

    @property
    def output_dir(self) -> Path:
        """Where files the app writes go unless the user says otherwise."""
        return self.work_dir if self.work_dir is not None else self.start_dir

    def opened(self) -> Wallet:
        """The open wallet (``NoWalletOpen`` when there is none: screens that need one are only
        shown once it is open)."""
        if self.wallet is None:
            raise NoWalletOpen("no wallet is open")
        return self.wallet

    def verifier(self, trust_list: TrustList | None = None) -> Verifier:
        """A verifier, with ``trust_list`` (the desk's own) or none."""
        return self.make_verifier(trust_list)

    def clock(self) -> Clock:
        """The verifier's clock, so matching, sharing and presenting agree with verification (the
        demo's clock is fixed)."""
        return self.verifier(None).clock

    def document_loader(self) -> DocumentLoader:
        """The pinned JSON-LD contexts, for signing a presentation."""
        return self.verifier(None).contexts.document_loader

    def show_path(self, path: Path | str | None) -> str:
        """A path for display: under the alias folder as ``name/…``, under home as ``~/…``."""
        if path is None:
            return "—"
        target = Path(path)
        roots: list[tuple[str, Path]] = [self.path_alias] if self.path_alias else []
        roots.append(("~", Path.home()))
        for name, root in roots:
            try:
                rest = target.relative_to(root)
            except ValueError:
                continue
            return name if str(rest) == "." else f"{name}/{rest.as_posix()}"
        return str(target)

    def read_path(self, text: str) -> Path:
        """The inverse of :meth:`show_path` for what the user typed (``~`` works as usual)."""
        text = text.strip()
        if self.path_alias is not None:
            name, root = self.path_alias
            if text == name:
                return root
            if text.startswith(name + "/"):
                return root / text[len(name) + 1:]
        return Path(text).expanduser()
