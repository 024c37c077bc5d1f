"""The educator's wallet and the ``vcwallet`` command line.

The names below are what a program working with a wallet needs (verification itself is the
``verifier`` package's: ``from verifier import Verifier``)::

    from vcwallet import Wallet
    from verifier import Verifier

    wallet = Wallet.open(path, passphrase, verifier=Verifier.create())

They are loaded lazily (PEP 562): ``import vcwallet`` imports nothing else, so the command line
starts as fast as before and a command loads only what it uses.
"""

from __future__ import annotations

from verifier.lazy import lazy_exports

#: ``typing.TYPE_CHECKING`` without importing ``typing``: the face itself stays this small.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from .issuing.issuer import IssueError, issue_credential
    from .issuing.status_list import StatusListManager
    from .keyfile import KeyfileError
    from .presenting import Answer, answer_request, disclosure_preview, match_wallet
    from .request_format import RequestError, load_request
    from .requesting import ChallengeLedger, create_dcql_request, create_request
    from .sharing.baking import bake_png, bake_svg
    from .sharing.html_page import badge_page
    from .sharing.linkedin import linkedin_add_to_profile_url
    from .store.errors import (
        CorruptStore,
        WalletBusy,
        WalletError,
        WalletExists,
        WalletNotFound,
        WrongPassphrase,
    )
    from .usecases.open_wallet import change_passphrase, create_wallet, unlock_wallet
    from .usecases.present import make_presentation, open_request, presentation_caution
    from .usecases.safety import backup_wallet, restore_into, restore_new
    from .usecases.share import (
        ShareError,
        bake_badge,
        share_html,
        share_linkedin,
        sharing_caution,
        unbake,
    )
    from .wallet import (
        CredentialSummary,
        HolderKey,
        ImportResult,
        RecheckResult,
        RestoreResult,
        StoredCredential,
        Wallet,
        default_wallet_path,
    )

#: Where each public name lives (module relative to this package).
_HOMES: dict[str, tuple[str, ...]] = {
    "wallet": ("Wallet", "default_wallet_path", "CredentialSummary", "StoredCredential",
               "ImportResult", "RecheckResult", "RestoreResult", "HolderKey"),
    "store.errors": ("WalletError", "WrongPassphrase", "CorruptStore", "WalletNotFound",
                     "WalletExists", "WalletBusy"),
    "presenting": ("answer_request", "Answer", "match_wallet", "disclosure_preview"),
    "request_format": ("load_request", "RequestError"),
    "requesting": ("create_request", "create_dcql_request", "ChallengeLedger"),
    "sharing.html_page": ("badge_page",),
    "sharing.linkedin": ("linkedin_add_to_profile_url",),
    "sharing.baking": ("bake_png", "bake_svg"),
    "issuing.issuer": ("issue_credential", "IssueError"),
    "issuing.status_list": ("StatusListManager",),
    "keyfile": ("KeyfileError",),
    # the use cases: what the command line and the app call; each returns a result, none prints
    "usecases.open_wallet": ("unlock_wallet", "create_wallet", "change_passphrase"),
    "usecases.present": ("open_request", "presentation_caution", "make_presentation"),
    "usecases.share": ("share_linkedin", "share_html", "bake_badge", "unbake", "sharing_caution",
                       "ShareError"),
    "usecases.safety": ("backup_wallet", "restore_into", "restore_new"),
}

__all__ = [
    "Answer",
    "ChallengeLedger",
    "CorruptStore",
    "CredentialSummary",
    "HolderKey",
    "ImportResult",
    "IssueError",
    "KeyfileError",
    "RecheckResult",
    "RequestError",
    "RestoreResult",
    "ShareError",
    "StatusListManager",
    "StoredCredential",
    "Wallet",
    "WalletBusy",
    "WalletError",
    "WalletExists",
    "WalletNotFound",
    "WrongPassphrase",
    "answer_request",
    "backup_wallet",
    "badge_page",
    "bake_badge",
    "bake_png",
    "bake_svg",
    "change_passphrase",
    "create_dcql_request",
    "create_request",
    "create_wallet",
    "default_wallet_path",
    "disclosure_preview",
    "issue_credential",
    "linkedin_add_to_profile_url",
    "load_request",
    "make_presentation",
    "match_wallet",
    "open_request",
    "presentation_caution",
    "restore_into",
    "restore_new",
    "share_html",
    "share_linkedin",
    "sharing_caution",
    "unbake",
    "unlock_wallet",
]


__getattr__, __dir__ = lazy_exports(__name__, _HOMES, __all__)
