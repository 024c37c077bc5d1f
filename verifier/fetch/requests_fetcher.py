"""The one real HTTP client: a defensive GET for DID documents, status lists and contexts.

Every URL it fetches comes from a credential, i.e. from whoever wrote the credential, so it is
treated as hostile (server-side request forgery, slow servers, compression bombs):

* https only (plain http only when the caller opts in, for local test servers);
* the host is resolved first and *every* address must be public; the socket's actual peer is
  checked again after connecting, which closes the DNS-rebinding gap between the two lookups;
* redirects are followed by hand, only to the same origin and at most ``max_redirects`` times;
* the body is read in small pieces against a byte cap on the wire *and* after decompression
  (decompression is done here, bounded, never by urllib3), and against a total deadline;
* proxies and ``.netrc`` from the environment are ignored unless ``trust_env=True``.

One deliberate exception: ``connect_to`` (curl's ``--connect-to``) sends the connections for named
``(host, port)`` origins to an address the *caller* chose, e.g. the local fixture host on
``127.0.0.1``. TLS server name, certificate check and ``Host`` header still use the URL's host;
only those origins skip the address guard, every other host keeps it.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import SplitResult, urljoin, urlsplit, urlunsplit

from ..errors import FetchError
from .addresses import ConnectTo, ForbiddenPeer, is_forbidden_address, route_key
from .base import DEFAULT_MAX_BYTES, FetchResponse

if TYPE_CHECKING:
    import requests

# ``requests`` and ``urllib3`` (about 0.1 s of imports) are loaded on the first fetch, not here:
# an offline ``vcwallet verify`` never pays for them. See ``_transport``.

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 16 * 1024
Resolve = Callable[[str, int], Sequence[str]]


def _system_resolve(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _origin(parts: SplitResult) -> tuple[str, str, int]:
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, (parts.hostname or "").lower(), port


class _BoundedBody:
    """Collects a body under a cap, decompressing gzip/deflate itself with bounded output."""

    def __init__(self, encoding: str, cap: int) -> None:
        self._cap = cap
        self._out = bytearray()
        self._raw = 0
        if encoding in ("", "identity"):
            self._inflater: Any = None
        elif encoding in ("gzip", "x-gzip"):
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS)
        else:
            raise FetchError("fetch.failed", f"unsupported Content-Encoding {encoding!r}",
                             details={"content_encoding": encoding})

    def _too_large(self) -> FetchError:
        return FetchError("fetch.too_large", f"response is larger than {self._cap} bytes",
                          details={"max_bytes": self._cap})

    def _append(self, data: bytes) -> None:
        self._out += data
        if len(self._out) > self._cap:
            raise self._too_large()

    def feed(self, chunk: bytes) -> None:
        self._raw += len(chunk)
        if self._raw > self._cap:
            raise self._too_large()
        if self._inflater is None:
            self._append(chunk)
            return
        data = chunk
        try:
            while data:
                if self._inflater.eof:
                    raise FetchError("fetch.failed", "data after the end of the compressed body")
                self._append(self._inflater.decompress(data, self._cap - len(self._out) + 1))
                data = self._inflater.unconsumed_tail
        except zlib.error as exc:
            raise FetchError("fetch.failed", f"corrupt compressed body: {exc}") from exc

    def finish(self) -> bytes:
        if self._inflater is not None:
            try:
                self._append(self._inflater.flush(self._cap - len(self._out) + 1))
            except zlib.error as exc:
                raise FetchError("fetch.failed", f"corrupt compressed body: {exc}") from exc
            if not self._inflater.eof or self._inflater.unused_data:
                raise FetchError("fetch.failed", "truncated or padded compressed body")
        return bytes(self._out)


class RequestsFetcher:
    """A :class:`~verifier.fetch.base.Fetcher` over ``requests`` with the guards above.

    ``resolve`` (host, port) → addresses is injectable so tests can simulate DNS answers;
    ``allow_http`` and ``allow_private`` exist for loopback test servers, never for production
    verification. ``connect_to`` maps ``(host, port)`` origins to the ``(address, port)`` to dial
    instead (see the module docstring); it is how the local fixture host serves
    ``https://learning-lab.riverbend.example/`` from ``127.0.0.1:<port>`` with the loopback
    exception limited to exactly those origins. It cannot be combined with proxies.
    """

    def __init__(
        self,
        *,
        timeout: tuple[float, float] = (3.05, 10.0),
        max_bytes: int = DEFAULT_MAX_BYTES,
        allow_private: bool = False,
        allow_http: bool = False,
        trust_env: bool = False,
        max_redirects: int = 3,
        total_timeout: float = 30.0,
        proxies: Mapping[str, str] | None = None,
        verify: bool | str = True,
        resolve: Resolve | None = None,
        user_agent: str = "vcwallet-verifier/0.1",
        connect_to: ConnectTo | None = None,
    ) -> None:
        if connect_to and (trust_env or proxies):
            # A proxy would dial the real host, not the chosen address: refuse the ambiguity.
            raise ValueError("connect_to cannot be combined with proxies or trust_env")
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._allow_private = allow_private
        self._allow_http = allow_http
        self._trust_env = trust_env
        self._max_redirects = max_redirects
        self._total_timeout = total_timeout
        self._proxies = dict(proxies) if proxies else None
        self._verify = verify
        self._resolve: Resolve = resolve or _system_resolve
        self._user_agent = user_agent
        self._connect_to = {route_key(host, port): (address, to_port)
                            for (host, port), (address, to_port) in (connect_to or {}).items()}
        self._session_obj: requests.Session | None = None
        self._lock = threading.Lock()

    def _session(self) -> requests.Session:
        """Built lazily so constructing a fetcher never touches the environment or network."""
        import requests

        from ._transport import GuardedAdapter

        with self._lock:
            if self._session_obj is None:
                session = requests.Session()
                session.trust_env = self._trust_env
                if self._proxies:
                    session.proxies.update(self._proxies)
                # The peer guard would see a proxy's address, not the target's; with a proxy
                # the resolve-first check below is the only address guard.
                guarded = not self._allow_private and not self._trust_env and not self._proxies
                if guarded or self._connect_to:
                    session.mount("https://", GuardedAdapter(self._connect_to, guarded))
                    session.mount("http://", GuardedAdapter(self._connect_to, guarded))
                self._session_obj = session
            return self._session_obj

    def close(self) -> None:
        """Release pooled connections."""
        with self._lock:
            if self._session_obj is not None:
                self._session_obj.close()
                self._session_obj = None

    def _parse(self, url: str) -> SplitResult:
        if not isinstance(url, str) or any(ord(c) <= 0x20 or c in "\\\x7f" for c in url):
            raise FetchError("fetch.insecure_url", "not a well-formed URL")
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise FetchError("fetch.insecure_url", f"not a well-formed URL: {exc}") from exc
        scheme = parts.scheme.lower()
        if scheme != "https" and not (scheme == "http" and self._allow_http):
            raise FetchError("fetch.insecure_url", f"refusing {scheme or 'relative'} URL",
                             details={"url": url})
        if not parts.hostname or parts.username is not None or parts.password is not None:
            raise FetchError("fetch.insecure_url", "URL needs a host and no user info",
                             details={"url": url})
        if port == 0:
            raise FetchError("fetch.insecure_url", "port 0", details={"url": url})
        return parts._replace(fragment="")

    def _check_address(self, parts: SplitResult) -> None:
        host = parts.hostname or ""
        _, _, port = _origin(parts)
        if self._allow_private or route_key(host, port) in self._connect_to:
            return
        try:
            ipaddress.ip_address(host.split("%", 1)[0])
            addresses: Sequence[str] = [host]
        except ValueError:
            try:
                addresses = self._resolve(host, port)
            except (OSError, UnicodeError) as exc:
                raise FetchError("fetch.failed", f"cannot resolve {host}: {exc}",
                                 details={"host": host}) from exc
        if not addresses:
            raise FetchError("fetch.failed", f"{host} has no addresses", details={"host": host})
        for address in addresses:
            if is_forbidden_address(address):
                raise FetchError("fetch.forbidden_address",
                                 f"{host} resolves to a non-public address",
                                 details={"host": host, "address": address})

    def _get(self, url: str, accept: str | None) -> requests.Response:
        import requests

        headers = {"User-Agent": self._user_agent, "Accept-Encoding": "gzip, deflate"}
        if accept:
            headers["Accept"] = accept
        try:
            return self._session().get(url, headers=headers, stream=True, allow_redirects=False,
                                       timeout=self._timeout, verify=self._verify)
        except ForbiddenPeer as exc:
            raise FetchError("fetch.forbidden_address", "connected to a non-public address",
                             details={"url": url, "address": exc.address}) from None
        except requests.exceptions.Timeout as exc:
            raise FetchError("fetch.timeout", f"no answer from {url} in time",
                             details={"url": url}) from exc
        except requests.exceptions.RequestException as exc:
            raise FetchError("fetch.failed", f"request to {url} failed: {type(exc).__name__}",
                             details={"url": url}) from exc

    def _read(self, response: requests.Response, cap: int, deadline: float) -> bytes:
        import requests
        import urllib3.exceptions

        encoding = response.headers.get("Content-Encoding", "").strip().lower()
        body = _BoundedBody(encoding, cap)
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise FetchError("fetch.too_large", f"Content-Length {declared} exceeds {cap}",
                             details={"max_bytes": cap})
        raw = response.raw
        read = getattr(raw, "read1", None) or raw.read
        try:
            while True:
                if time.monotonic() > deadline:
                    raise FetchError("fetch.timeout", "response took too long",
                                     details={"url": response.url})
                chunk = read(_CHUNK, decode_content=False)
                if not chunk:
                    break
                body.feed(chunk)
        except FetchError:
            raise
        except urllib3.exceptions.TimeoutError as exc:
            raise FetchError("fetch.timeout", "server stopped sending",
                             details={"url": response.url}) from exc
        except (urllib3.exceptions.HTTPError, requests.exceptions.RequestException,
                OSError) as exc:
            raise FetchError("fetch.failed", f"reading the response failed: {type(exc).__name__}",
                             details={"url": response.url}) from exc
        return body.finish()

    def fetch(self, url: str, *, accept: str | None = None,
              max_bytes: int | None = None) -> FetchResponse:
        """GET ``url`` under every guard; raises ``FetchError`` with a ``fetch.*`` code."""
        cap = self._max_bytes if max_bytes is None else max_bytes
        deadline = time.monotonic() + self._total_timeout
        parts = self._parse(url)
        origin = _origin(parts)
        for hop in range(self._max_redirects + 1):
            self._check_address(parts)
            current = urlunsplit(parts)
            response = self._get(current, accept)
            try:
                status = response.status_code
                if status in _REDIRECT_STATUSES:
                    location = response.headers.get("Location")
                    if not location:
                        raise FetchError("fetch.failed", f"redirect {status} without Location",
                                         details={"status": status, "url": current})
                    if hop == self._max_redirects:
                        raise FetchError("fetch.redirect_refused", "too many redirects",
                                         details={"url": current})
                    target = self._parse(urljoin(current, location))
                    if _origin(target) != origin:
                        raise FetchError("fetch.redirect_refused",
                                         "redirect to another origin refused",
                                         details={"url": current, "location": location})
                    parts = target
                    continue
                if not 200 <= status < 300:
                    raise FetchError("fetch.failed", f"HTTP {status} from {current}",
                                     details={"status": status, "url": current})
                body = self._read(response, cap, deadline)
                return FetchResponse(url=current, status=status,
                                     content_type=response.headers.get("Content-Type", ""),
                                     body=body)
            finally:
                response.close()
        raise FetchError("fetch.redirect_refused", "too many redirects", details={"url": url})
