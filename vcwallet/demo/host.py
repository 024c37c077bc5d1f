"""The local HTTPS fixture host: the issuer world served over real TLS, on this machine only.

Tests, the demo and benchmarks exercise the real :class:`~verifier.fetch.RequestsFetcher` (TLS,
certificate checks, redirects, timeouts, status codes) against did:web documents, status lists and
hosted Open Badges 2.0 files, without the internet. So that nothing is mocked away:

* :class:`FixtureCA` makes a throw-away certificate authority and a server certificate for the
  fixture domains at start-up; the PEM files live in a private temporary directory that is removed
  on stop, so no key is ever committed or left behind;
* :class:`FixtureHost` serves ``root/<Host header>/<path>`` over TLS on ``127.0.0.1`` and an
  ephemeral port;
* :meth:`FixtureHost.fetcher` returns the production fetcher, trusting only this CA, and routing
  exactly the fixture domains to the host with ``connect_to`` (curl's ``--connect-to``). TLS
  server name, certificate check and ``Host`` header carry the real domain name, and every other
  host keeps the fetcher's loopback and private-address refusal.

Run it by hand with ``python -m vcwallet.demo.host --root DIR``. It lives in ``vcwallet`` (not the
repository-only ``fixtures``) because ``vcwallet demo`` starts it too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import socket
import ssl
import sys
import tempfile
import threading
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import unquote

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from verifier.fetch import RequestsFetcher

#: Where the generated issuer world keeps its hosts (``vcwallet/data/world/hosts/<domain>/...``).
DEFAULT_ROOT = Path(__file__).resolve().parents[1] / "data" / "world" / "hosts"
LOOPBACK = "127.0.0.1"
HTTPS_PORT = 443
#: How long a connection may take to finish its TLS handshake or send its request.
SOCKET_TIMEOUT = 5.0
#: Upper bound for a stalled response, so a forgotten client never pins a thread for long.
MAX_STALL_SECONDS = 30.0

_LABEL_RE = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_MEDIA_TYPES = {
    ".json": "application/json",
    ".jsonld": "application/json",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jwt": "application/jwt",
    ".txt": "text/plain; charset=utf-8",
    ".html": "text/html; charset=utf-8",
}
_NOT_FOUND = b'{"error": "not found"}'


def check_domain(name: str) -> str:
    """``name`` lower-cased if it is a plain DNS name (what a certificate and did:web accept)."""
    domain = name.lower()
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or any(_LABEL_RE.fullmatch(label) is None
                                                   for label in labels):
        raise ValueError(f"not a DNS name: {name!r}")
    return domain


def domains_under(root: Path) -> list[str]:
    """The sub-directories of ``root`` that are DNS names, sorted: the hosts a world serves."""
    names = []
    for child in root.iterdir():
        if not child.is_dir():
            continue
        try:
            names.append(check_domain(child.name))
        except ValueError:
            continue
    return sorted(names)


def media_type(path: Path) -> str:
    """The Content-Type for a served file; extension-less files are JSON (status lists)."""
    if path.name == "did.json":
        return "application/did+json"
    if not path.suffix:
        return "application/json"
    return _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")


@dataclass(frozen=True)
class CAFiles:
    """Where :meth:`FixtureCA.write` put the PEM files."""

    ca_path: Path
    cert_path: Path
    key_path: Path


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


class FixtureCA:
    """A throw-away CA and one server certificate naming every fixture domain.

    ECDSA P-256, because Ed25519 certificates are not accepted by common TLS stacks. Valid from an
    hour ago (clock skew) for ``lifetime``; built in memory, written only by :meth:`write`.
    """

    def __init__(self, domains: Sequence[str], *, lifetime: dt.timedelta = dt.timedelta(days=3),
                 now: dt.datetime | None = None) -> None:
        if not domains:
            raise ValueError("a fixture CA needs at least one domain")
        self.domains = tuple(dict.fromkeys(check_domain(name) for name in domains))
        start = (now or dt.datetime.now(dt.UTC)) - dt.timedelta(hours=1)
        end = start + dt.timedelta(hours=1) + lifetime
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "vcwallet fixture CA")])
        self._ca_cert = (
            x509.CertificateBuilder()
            .subject_name(ca_name).issuer_name(ca_name)
            .public_key(ca_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        self._server_key = ec.generate_private_key(ec.SECP256R1())
        self._server_cert = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, self.domains[0])]))
            .issuer_name(ca_name)
            .public_key(self._server_key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(d) for d in self.domains]),
                           critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self._server_key.public_key()),
                           critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
                           critical=False)
            .sign(ca_key, hashes.SHA256())
        )
        # The CA key signs once and is dropped: nothing can mint more certificates later.

    @property
    def ca_pem(self) -> bytes:
        """The CA certificate, the only thing a client needs to trust the host."""
        return self._ca_cert.public_bytes(serialization.Encoding.PEM)

    def write(self, directory: Path) -> CAFiles:
        """Write ``ca.pem``, ``server.pem`` and ``server-key.pem`` (0600) into ``directory``."""
        files = CAFiles(directory / "ca.pem", directory / "server.pem", directory / "server-key.pem")
        _write_private(files.ca_path, self.ca_pem)
        _write_private(files.cert_path, self._server_cert.public_bytes(serialization.Encoding.PEM))
        _write_private(files.key_path, self._server_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption()))
        return files

    @staticmethod
    def server_context(files: CAFiles) -> ssl.SSLContext:
        """A TLS 1.2+ server context presenting the server certificate."""
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        context.load_cert_chain(files.cert_path, files.key_path)
        return context


class _Server(ThreadingHTTPServer):
    """Accepts plain TCP and does the TLS handshake in the request thread, never the accept loop.

    Handshaking on the listening socket would let one silent client block every other one.
    """

    daemon_threads = False  # server_close() joins the request threads
    host: FixtureHost

    def __init__(self, host: FixtureHost, context: ssl.SSLContext) -> None:
        self.host = host
        self.tls = context
        super().__init__((LOOPBACK, 0), _Handler)

    def finish_request(self, request: Any, client_address: Any) -> None:
        request.settimeout(SOCKET_TIMEOUT)
        try:
            tls = self.tls.wrap_socket(request, server_side=True)
        except OSError:  # ssl.SSLError included: an untrusting or silent client
            return
        try:
            _Handler(tls, client_address, self)
        except OSError:  # the client went away (timed out, reset) mid-response
            pass
        finally:
            try:
                tls.shutdown(socket.SHUT_WR)
            except OSError:
                pass
            tls.close()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = SOCKET_TIMEOUT
    server_version = "vcwallet-fixture-host"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        if self.server.host.verbose:
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._answer(with_body=True)

    def do_HEAD(self) -> None:
        self._answer(with_body=False)

    def _send(self, status: int, body: bytes, content_type: str = "application/json",
              with_body: bool = True, location: str | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if location is not None:
            self.send_header("Location", location)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def _answer(self, with_body: bool) -> None:
        host = self.server.host
        domain = (self.headers.get("Host") or "").rsplit(":", 1)[0].lower()
        path = self._decoded_path()
        if domain not in host.domains or path is None:
            self._send(404, _NOT_FOUND, with_body=with_body)
            return
        key = host.hook_key(domain, path)
        if key in host.stalls and host.stopping.wait(host.stall_seconds):
            return  # shutting down: drop the connection instead of answering
        redirect = host.redirects.get(key) if key else None
        if redirect is not None:
            self._send(302, b"", with_body=with_body, location=redirect)
            return
        target = host.file_for(domain, path)
        status = host.statuses.get(key, 200) if key else 200
        if target is None:
            if key in host.statuses:
                self._send(status, b"{}", with_body=with_body)
            else:
                self._send(404, _NOT_FOUND, with_body=with_body)
            return
        self._send(status, target.read_bytes(), media_type(target), with_body=with_body)

    def _decoded_path(self) -> str | None:
        """The percent-decoded origin-form path, or None for anything else (absolute-form, NUL)."""
        raw = self.path.split("?", 1)[0].split("#", 1)[0]
        if not raw.startswith("/"):
            return None
        try:
            path = unquote(raw, errors="strict")
        except UnicodeDecodeError:
            return None
        return None if "\x00" in path else path


class FixtureHost:
    """Serve ``root/<domain>/<path>`` over HTTPS for ``domains`` on ``127.0.0.1``.

    Per-path hooks for tests, keyed by URL path (``"/ob2/revoked.json"``, any domain) or by domain
    plus path (``"badges.openpd.example/ob2/revoked.json"``):

    * ``statuses``: answer with this status code (the file's bytes if it exists, else ``{}``),
      e.g. 410 Gone for a revoked Open Badges 2.0 assertion;
    * ``redirects``: answer 302 with this ``Location``;
    * ``stalls``: send nothing for ``stall_seconds`` (bounded, cut short on stop), then answer.

    Constructing does no I/O; :meth:`start` (or ``with``) makes the CA, binds and serves.
    """

    def __init__(self, root: Path, domains: Sequence[str], *,
                 statuses: Mapping[str, int] | None = None,
                 redirects: Mapping[str, str] | None = None,
                 stalls: Collection[str] = (),
                 stall_seconds: float = 5.0,
                 verbose: bool = False) -> None:
        self.root = Path(root)
        self.domains = tuple(dict.fromkeys(check_domain(name) for name in domains))
        if not self.domains:
            raise ValueError("a fixture host needs at least one domain")
        self.statuses: dict[str, int] = dict(statuses or {})
        self.redirects: dict[str, str] = dict(redirects or {})
        self.stalls: set[str] = set(stalls)
        self.stall_seconds = min(max(stall_seconds, 0.0), MAX_STALL_SECONDS)
        self.verbose = verbose
        self.stopping = threading.Event()
        self._resolved_root: Path | None = None
        self._tmp: Path | None = None
        self._files: CAFiles | None = None
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------

    def start(self) -> FixtureHost:
        """Create the CA in a private temp dir, bind an ephemeral port, serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("fixture host already started")
        self._resolved_root = self.root.resolve()
        self.stopping.clear()
        self._tmp = Path(tempfile.mkdtemp(prefix="vcwallet-fixture-ca-"))
        try:
            os.chmod(self._tmp, 0o700)
            self._files = FixtureCA(self.domains).write(self._tmp)
            self._server = _Server(self, FixtureCA.server_context(self._files))
        except BaseException:
            self.stop()
            raise
        self._thread = threading.Thread(target=self._server.serve_forever, name="fixture-host",
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close the port, join the threads and remove the CA files. Idempotent."""
        self.stopping.set()
        server, thread, tmp = self._server, self._thread, self._tmp
        self._server = self._thread = self._tmp = self._files = None
        if server is not None:
            if thread is not None:
                server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join()
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)

    def __enter__(self) -> FixtureHost:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 traceback: TracebackType | None) -> None:
        self.stop()

    # -- what clients need -----------------------------------------------------------------

    @property
    def port(self) -> int:
        """The ephemeral TCP port on 127.0.0.1."""
        if self._server is None:
            raise RuntimeError("fixture host is not running")
        return int(self._server.server_address[1])

    @property
    def ca_path(self) -> Path:
        """The CA certificate (PEM) to trust; it disappears when the host stops."""
        if self._files is None:
            raise RuntimeError("fixture host is not running")
        return self._files.ca_path

    @property
    def connect_to(self) -> dict[tuple[str, int], tuple[str, int]]:
        """``(domain, 443)`` → ``(127.0.0.1, port)`` for every fixture domain, and nothing else."""
        port = self.port
        return {(domain, HTTPS_PORT): (LOOPBACK, port) for domain in self.domains}

    def fetcher(self, **kwargs: Any) -> RequestsFetcher:
        """The real :class:`RequestsFetcher`, trusting this CA and routing the fixture domains here.

        ``kwargs`` go to the constructor and override these defaults (``verify=True`` gives a
        client that does not trust the fixture CA). The fetcher is unusable after :meth:`stop`.
        """
        options: dict[str, Any] = {"verify": str(self.ca_path), "connect_to": self.connect_to}
        options.update(kwargs)
        return RequestsFetcher(**options)

    def url(self, domain: str, path: str = "/") -> str:
        """The https URL a client uses for ``path`` on ``domain`` (no port: it is routed)."""
        return f"https://{check_domain(domain)}/{path.lstrip('/')}"

    # -- used by the request handler -------------------------------------------------------

    def hook_key(self, domain: str, path: str) -> str:
        """The hook entry that applies: ``domain/path`` if listed, else ``path``, else ``""``."""
        qualified = domain + path
        for key in (qualified, path):
            if key in self.statuses or key in self.redirects or key in self.stalls:
                return key
        return ""

    def file_for(self, domain: str, path: str) -> Path | None:
        """The regular file under ``root/domain`` for ``path``, or None (missing, dir, escape)."""
        root = self._resolved_root
        if root is None:
            return None
        base = root / domain
        try:
            candidate = (base / path.lstrip("/")).resolve()
            inside = candidate.is_relative_to(base.resolve())
            return candidate if inside and candidate.is_file() else None
        except (OSError, ValueError):
            return None


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m vcwallet.demo.host``: serve in the foreground until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="python -m vcwallet.demo.host", description=__doc__.split("\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT,
                        help="directory of <domain>/<path> files (default: the bundled demo world)")
    parser.add_argument("--domain", action="append", default=None,
                        help="a domain to serve (repeatable; default: every DNS-named sub-directory)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"{args.root} is not a directory")
    try:
        domains = args.domain or domains_under(args.root)
        host = FixtureHost(args.root, domains, verbose=args.verbose)
    except ValueError as exc:
        parser.error(f"{exc} (domains come from --domain or the sub-directories of --root)")
    with host:
        print(f"port: {host.port}", flush=True)
        print(f"ca: {host.ca_path}", flush=True)
        for domain in host.domains:
            print(f"  curl --cacert {host.ca_path} --connect-to {domain}:443:{LOOPBACK}:{host.port} "
                  f"https://{domain}/", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopping", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
