"""The ``urllib3``/``requests`` plumbing behind :class:`~.requests_fetcher.RequestsFetcher`.

Kept apart so that importing :mod:`verifier.fetch` costs nothing: this module, and with it
``requests`` and ``urllib3``, is imported by the fetcher's first session, i.e. only when a fetch
actually happens.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any, ClassVar, cast

import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
import urllib3.util.connection

from .addresses import ConnectTo, guard_peer, route_key


def _open(conn: urllib3.connection.HTTPConnection, default: Callable[[], socket.socket],
          connect_to: ConnectTo, check_peer: bool) -> socket.socket:
    """Dial the caller's chosen address for a ``connect_to`` origin, else the normal (guarded) way."""
    target = connect_to.get(route_key(conn.host, conn.port))
    if target is None:
        sock = default()
        return guard_peer(sock) if check_peer else sock
    try:
        return urllib3.util.connection.create_connection(
            target, conn.timeout, source_address=conn.source_address,
            socket_options=conn.socket_options)
    except TimeoutError as exc:
        raise urllib3.exceptions.ConnectTimeoutError(conn, f"connecting to {target} timed out") from exc
    except OSError as exc:
        raise urllib3.exceptions.NewConnectionError(conn, f"cannot connect to {target}: {exc}") from exc


class _GuardedHTTPConnection(urllib3.connection.HTTPConnection):
    connect_to: ClassVar[ConnectTo] = {}
    check_peer: ClassVar[bool] = True

    def _new_conn(self) -> socket.socket:
        return _open(self, super()._new_conn, self.connect_to, self.check_peer)


class _GuardedHTTPSConnection(urllib3.connection.HTTPSConnection):
    connect_to: ClassVar[ConnectTo] = {}
    check_peer: ClassVar[bool] = True

    def _new_conn(self) -> socket.socket:
        return _open(self, super()._new_conn, self.connect_to, self.check_peer)


class _GuardedHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class GuardedAdapter(requests.adapters.HTTPAdapter):
    """An adapter whose connections check their peer address after connecting.

    Its pool and connection classes are subclasses made for this adapter, so one fetcher's
    ``connect_to`` routes never leak into another's.
    """

    def __init__(self, connect_to: ConnectTo | None = None, check_peer: bool = True) -> None:
        settings = {"connect_to": dict(connect_to or {}), "check_peer": check_peer}
        http = type("_HTTPConnection", (_GuardedHTTPConnection,), settings)
        https = type("_HTTPSConnection", (_GuardedHTTPSConnection,), settings)
        self._pool_classes = {
            "http": cast(type[_GuardedHTTPPool],
                         type("_HTTPPool", (_GuardedHTTPPool,), {"ConnectionCls": http})),
            "https": cast(type[_GuardedHTTPSPool],
                          type("_HTTPSPool", (_GuardedHTTPSPool,), {"ConnectionCls": https})),
        }
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self._pool_classes)
