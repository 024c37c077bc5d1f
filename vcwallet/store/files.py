"""File-system rules for wallet files: private, never through a symlink, never created over.

SQLite is told as little as possible about paths it could get wrong: before it opens a file we
check it ourselves (``lstat``, permission bits, the 16-byte header), so a damaged or foreign file
is reported as such and never handed to code that might initialise it. New files are created
here with ``O_EXCL`` and mode 0600; SQLite gives its ``-wal`` and ``-shm`` files the same mode.

Nothing here deletes or renames a ``-wal`` or ``-journal`` file: they hold committed data (or the
means to roll back a half-written transaction), and moving them away is how databases get
corrupted (https://www.sqlite.org/howtocorrupt.html, section 1.4).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from pathlib import Path

from .errors import (
    CorruptStore,
    InsecureFile,
    StorageFull,
    StorageUnavailable,
    WalletError,
    WalletExists,
    WalletNotFound,
)

if sys.platform != "win32":
    import resource
else:  # pragma: no cover - Windows has no RLIMIT_FSIZE
    resource = None

SQLITE_HEADER = b"SQLite format 3\x00"
SIDECARS = ("-wal", "-shm", "-journal")
#: Group and other permission bits: a wallet with any of them set is refused.
SHARED_BITS = 0o077
_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_FULL_ERRNOS = {errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC)}
_POSIX = os.name == "posix"


def redact(path: str | os.PathLike[str]) -> str:
    """The path as it may appear in logs: only the file name, not the user's directories."""
    return f"…{os.sep}{Path(path).name}"


def storage_error(exc: OSError, path: str | os.PathLike[str], action: str) -> WalletError:
    """The wallet error for an ``OSError`` raised while ``action`` (e.g. "open") on ``path``."""
    where = str(path)
    details = {"path": where, "errno": exc.errno, "reason": exc.strerror or str(exc)}
    if exc.errno in _FULL_ERRNOS:
        return StorageFull(f"cannot {action} {where}: the disk or file size limit is full",
                           path=where, details=details)
    if exc.errno == errno.ELOOP:
        return InsecureFile(f"{where} is a symbolic link; open the real file instead",
                            path=where, details=details)
    return StorageUnavailable(f"cannot {action} {where}: {exc.strerror or exc}", path=where,
                              details=details)


def check_existing(path: Path, *, require_private: bool = True) -> None:
    """Refuse a missing, linked, shared, foreign or damaged wallet file before SQLite sees it."""
    where = str(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError as exc:
        raise WalletNotFound(f"there is no wallet at {where}", path=where,
                             details={"path": where}) from exc
    except OSError as exc:
        raise storage_error(exc, path, "open") from exc
    if stat.S_ISLNK(st.st_mode):
        raise InsecureFile(f"{where} is a symbolic link; a wallet is only opened at its real path",
                           path=where, details={"path": where})
    if not stat.S_ISREG(st.st_mode):
        raise StorageUnavailable(f"{where} is not a regular file", path=where, details={"path": where})
    if require_private and _POSIX and st.st_mode & SHARED_BITS:
        mode = oct(stat.S_IMODE(st.st_mode))
        raise InsecureFile(f"{where} can be read by other users (mode {mode}); run 'chmod 600 {where}'",
                           path=where, details={"path": where, "mode": mode})
    for suffix in SIDECARS:
        side = Path(where + suffix)
        with contextlib.suppress(FileNotFoundError):
            if stat.S_ISLNK(os.lstat(side).st_mode):
                raise InsecureFile(f"{side} is a symbolic link", path=str(side), details={"path": str(side)})
    check_header(path)


def check_header(path: Path) -> None:
    """The first 16 bytes must be SQLite's magic string; anything else is not a wallet."""
    where = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | _O_NOFOLLOW | _O_CLOEXEC)
    except OSError as exc:
        raise storage_error(exc, path, "open") from exc
    try:
        head = os.read(fd, 100)
    except OSError as exc:
        raise storage_error(exc, path, "read") from exc
    finally:
        os.close(fd)
    if not head:
        raise CorruptStore(f"{where} is empty: it is not a wallet", path=where,
                           details={"path": where, "reason": "empty"})
    if len(head) < 100 or head[:16] != SQLITE_HEADER:
        raise CorruptStore(f"{where} is not a wallet database (its header is damaged or foreign)",
                           path=where, details={"path": where, "reason": "not_a_database"})


def create_private(path: Path, *, report_as: Path | None = None) -> None:
    """Create an empty file readable only by its owner; fails if anything exists at ``path``.

    ``report_as`` is the path errors name (the final file, when ``path`` is a temporary one).
    """
    shown = report_as or path
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _O_NOFOLLOW | _O_CLOEXEC, 0o600)
    except FileExistsError as exc:
        raise WalletExists(f"{shown} already exists", path=str(shown), details={"path": str(shown)}) from exc
    except OSError as exc:
        raise storage_error(exc, shown, "create") from exc
    try:
        if _POSIX:
            os.fchmod(fd, 0o600)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | _O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a rename or link in ``path`` durable (a no-op where directories cannot be opened)."""
    if not _POSIX:
        return
    try:
        fd = os.open(path, os.O_RDONLY | _O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def publish(tmp: Path, final: Path) -> None:
    """Give the finished file ``tmp`` its name ``final``, never replacing anything there.

    A hard link fails atomically when ``final`` exists; where hard links are not supported we
    fall back to a rename after a check.
    """
    try:
        os.link(tmp, final)
    except FileExistsError as exc:
        raise WalletExists(f"{final} already exists", path=str(final),
                           details={"path": str(final)}) from exc
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
            raise storage_error(exc, final, "create") from exc
        if os.path.lexists(final):
            raise WalletExists(f"{final} already exists", path=str(final),
                               details={"path": str(final)}) from exc
        try:
            os.rename(tmp, final)
        except OSError as exc2:
            raise storage_error(exc2, final, "create") from exc2
    else:
        os.unlink(tmp)
    fsync_dir(final.parent)


def looks_full(path: Path, margin: int = 256 * 1024) -> bool:
    """Whether an I/O error on this wallet is best explained by a full disk or file-size limit.

    SQLite reports a write refused with ``EFBIG`` (``RLIMIT_FSIZE``) as a generic I/O error and
    Python does not expose the errno, so we look at the limits ourselves.
    """
    names = [Path(str(path) + suffix) for suffix in ("", *SIDECARS)]
    if resource is not None:
        soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        if soft != resource.RLIM_INFINITY:
            for name in names:
                with contextlib.suppress(OSError):
                    if os.stat(name).st_size + margin >= soft:
                        return True
    try:
        vfs = os.statvfs(path.parent)
    except (OSError, AttributeError):
        return False
    return vfs.f_bavail * vfs.f_frsize < margin


def disable_core_dumps() -> None:
    """Set the soft ``RLIMIT_CORE`` to 0 (for the rest of the process; see :mod:`.crypto`).

    A crash while a wallet is unlocked would otherwise write the passphrase and the data key to
    a core file (or hand them to a core-dump collector, which honours the limit). Best effort:
    where the platform has no such limit, or refuses the change, nothing else can be done here.
    """
    if resource is None:  # pragma: no cover - Windows writes no core files
        return
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        if soft != 0:
            resource.setrlimit(resource.RLIMIT_CORE, (0, hard))
    except (OSError, ValueError):  # pragma: no cover - a sandbox that forbids it
        pass
