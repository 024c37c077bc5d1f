"""The codes vcwallet raises on its own, what each means and what to do: one table, one lookup.

The verifier owns the codes of its checks (``verifier.errors``); this module owns the holder's:
the wallet file (``wallet.*``), passphrases (``passphrase.*``), presentation requests
(``request.*``), sharing and baking (``share.*``), issuer key files (``keyfile.*``), what only
vcwallet's issuing tools refuse (``issue.self_check_failed`` and the status list ones) and the
front ends' own (``io.file_error``, ``app.internal_error``). The command line and the terminal app
both take their advice from :func:`advice`, so a code reads the same in both.

``VCError`` accepts only registered codes (a typo fails loudly). The verifier cannot import this
package, so this module registers its codes into ``verifier.errors.CODES`` when it is imported,
and every vcwallet error class derives from :class:`VCWalletError`, defined here: whatever can
raise one of these codes has loaded the table first.
"""

from __future__ import annotations

from dataclasses import dataclass

from verifier.errors import CODES as VERIFIER_CODES
from verifier.errors import VCError
from verifier.errors import advice as verifier_advice


@dataclass(frozen=True)
class Code:
    """One code: its one-line meaning, and what the person in front of the screen can do.

    ``meaning`` is ``None`` for a verifier's code that vcwallet also raises on the holder's side
    (presenting): the verifier's table defines it; the advice here is for the holder.
    """

    meaning: str | None
    advice: str | None = None


_SALVAGE = "'vcwallet salvage --out NEW.db' copies everything that can still be read into a new wallet."

#: Every code vcwallet raises itself, with its meaning and advice.
CODES: dict[str, Code] = {
    # the wallet file
    "wallet.wrong_passphrase": Code("The passphrase does not unlock this wallet.",
                                    "Check the passphrase (Caps Lock, $VCWALLET_PASSPHRASE) and try again."),
    "wallet.corrupt_store": Code("The wallet file is damaged.",
                                 "The file was not changed. " + _SALVAGE + " Or restore a backup."),
    "wallet.record_corrupt": Code("One record failed to decrypt (damaged).",
                                  "That record is damaged; the others are fine. " + _SALVAGE),
    "wallet.record_integrity": Code("A record's ciphertext belongs to another row.",
                                    "Rows of the file were swapped by someone or something. " + _SALVAGE),
    "wallet.storage_full": Code("The disk or file size limit is full.",
                                "Free some disk space and try again; nothing partial was written."),
    "wallet.storage_unavailable": Code("The wallet file cannot be opened (permissions, read-only).",
                                       "Check that the file and its folder exist and are yours to write."),
    "wallet.unsupported_schema": Code("The wallet was written by a newer version.",
                                      "Upgrade vcwallet to open this wallet; it was left untouched."),
    "wallet.not_found": Code("No such wallet or record.",
                             "Create a wallet with 'vcwallet init' or point --wallet at yours; a badge "
                             "that is gone may have been removed in another window."),
    "wallet.exists": Code("A wallet already exists at this path.",
                          "Nothing was overwritten. Choose another path, or remove the old file yourself."),
    "wallet.insecure_file": Code("The wallet file is a symlink or readable by others.",
                                 "Run 'chmod 600' on the wallet file (and open it by its real path)."),
    "wallet.kdf_params_invalid": Code("The stored key-derivation parameters are out of bounds.",
                                      "The file's key settings were edited; restore a backup."),
    "wallet.busy": Code("Another process kept the wallet locked for longer than the busy timeout.",
                        "Another vcwallet is writing to this wallet; try again in a moment."),
    "wallet.ambiguous_id": Code("A short record id matches more than one record; give more characters.",
                                "Give more characters of the id."),
    "wallet.unexpected_schema": Code(
        "The file holds SQL objects that are not ours (triggers, views, other tables) or its schema does "
        "not match its version row.",
        "The file holds SQL that is not a wallet's (or its version row was edited) and was not opened. "
        + _SALVAGE),
    "wallet.malformed_row": Code("A row holds values of the wrong type or unreadable text; it was skipped "
                                 "and reported.",
                                 "A row of the file was edited or damaged. " + _SALVAGE),
    "wallet.not_rechecked": Code("A credential restored or salvaged from outside could not be verified "
                                 "again here.",
                                 "Run 'vcwallet recheck' when the issuer's documents can be reached."),
    # passphrases (the rules: vcwallet.passphrases)
    "passphrase.empty": Code("A passphrase must not be empty.", "Type a passphrase."),
    "passphrase.mismatch": Code("The two entries of a new passphrase differ.",
                                "Type the same passphrase twice."),
    # presentation requests
    "request.invalid": Code("The presentation request is malformed, or a presentation cannot be built "
                            "for it.", "Ask the district for a new request file."),
    "request.ledger_invalid": Code("The challenge ledger file is unreadable or malformed.",
                                   "The ledger was not reset (that would re-open spent challenges); "
                                   "restore it or start a new one with --ledger."),
    "request.unconfirmed": Code("A chosen credential is revoked, expired, untrusted or unverified; "
                                "presenting it needs the holder's confirmation.",
                                "Confirm that you want to present a flagged badge, or choose another."),
    # sharing
    "share.unconfirmed": Code("The badge is revoked, suspended, expired, untrusted or unverified; sharing "
                              "it needs the holder's confirmation.",
                              "Confirm that you want to share it anyway (--yes), or share another badge."),
    "share.not_bakeable": Code("Open Badges baking carries one Open Badges credential as JSON or a compact "
                               "JWS; this credential has no baked form.",
                               "Bake an Open Badges 3.0 credential (JSON or VC-JWT) or an Open Badges 2.0 "
                               "assertion; share an SD-JWT VC by presenting it."),
    "share.unreadable": Code("The stored credential cannot be read as a badge (JSON), so this kind of share "
                             "cannot be made from it.",
                             "Share it as a baked image or an HTML page instead, or present it."),
    # issuing tools and key files
    "issue.self_check_failed": Code("The freshly signed credential did not verify; nothing was written.",
                                    "Check the key file and the credential, then issue again."),
    "issue.status_list_full": Code("Every index of the status list is allocated; create another list.",
                                   "Create another status list."),
    "issue.status_irreversible": Code("Revocation is permanent; a revoked index cannot be reinstated.",
                                      "Issue a new credential instead."),
    "keyfile.invalid": Code("The key file is malformed.", "Use the key file 'vcwallet keys new' wrote."),
    "keyfile.wrong_passphrase": Code("The key file's passphrase is wrong.",
                                     "Check the passphrase ($VCWALLET_PASSPHRASE or --passphrase-env)."),
    "keyfile.exists": Code("A key file already exists at this path; it is never overwritten silently.",
                           "Choose another path, or remove the old file yourself."),
    # the verifier's codes, as the holder meets them
    "presentation.holder_mismatch": Code(None, "This badge is bound to a key this wallet does not hold; "
                                               "present it from the wallet that holds its key."),
    "sdjwt.unknown_path": Code(None, "Choose claims from the list; that path is not in this credential."),
    # the front ends
    "io.file_error": Code("A file could not be read or written (missing, a folder, no permission, disk "
                          "full).",
                          "Check the path: the file must exist (or its folder, when writing) and be yours."),
    "app.internal_error": Code("Something failed inside vcwallet; the action was not completed.",
                               "This is a bug in vcwallet. Nothing was changed; please report what you did."),
}


def _register() -> None:
    """Make vcwallet's codes acceptable to ``VCError`` (never overriding a verifier code)."""
    for code, entry in CODES.items():
        if entry.meaning is not None:
            VERIFIER_CODES.setdefault(code, entry.meaning)


_register()


class VCWalletError(VCError):
    """Root of the errors raised with one of vcwallet's own codes (see :data:`CODES`)."""


def meaning(code: str) -> str:
    """The one-line meaning of a registered code (``KeyError`` for an unknown one)."""
    entry = CODES.get(code)
    if entry is not None and entry.meaning is not None:
        return entry.meaning
    return VERIFIER_CODES[code]


def advice(code: str | None) -> str | None:
    """What to do about ``code``: vcwallet's advice for its own codes, else the verifier's."""
    if not code:
        return None
    entry = CODES.get(code)
    if entry is not None:
        return entry.advice
    return verifier_advice(code)


__all__ = ["CODES", "Code", "VCWalletError", "advice", "meaning"]
