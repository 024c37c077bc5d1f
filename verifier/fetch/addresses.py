"""Which addresses a fetch may reach, and the check of a connected socket's peer.

Shared by :mod:`.requests_fetcher` (which resolves a host and refuses it before connecting) and
:mod:`._transport` (whose connections check their actual peer after connecting, closing the
DNS-rebinding gap between the two lookups). Standard library only, so it costs nothing to import.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Mapping

_NAT64 = ipaddress.ip_network("64:ff9b::/96")
#: ``(host, port)`` of a URL → ``(address, port)`` of the socket to open for it instead.
ConnectTo = Mapping[tuple[str, int], tuple[str, int]]


def route_key(host: str, port: int) -> tuple[str, int]:
    """How a ``connect_to`` origin is matched: case-insensitive, trailing dot ignored."""
    return host.lower().rstrip("."), port


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address tunnels to (mapped, 6to4, Teredo client, NAT64)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def is_forbidden_address(address: str) -> bool:
    """True for anything that is not a plain public unicast address.

    Covers loopback, private, link-local, shared (CGNAT), multicast, reserved and unspecified
    ranges, and IPv6 forms that smuggle such an IPv4 address (``::ffff:127.0.0.1``). Text that is
    not an IP address at all is forbidden too.
    """
    try:
        ip: ipaddress.IPv4Address | ipaddress.IPv6Address = ipaddress.ip_address(
            address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None:
            if is_forbidden_address(str(inner)):
                return True
            if ip.ipv4_mapped is not None or ip in _NAT64:
                # A pure translation: the IPv4 address is where the packets go.
                return False
    return (not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified
            or ip.is_loopback or ip.is_link_local)


class ForbiddenPeer(Exception):
    """Raised inside urllib3 when a connected socket turns out to reach a forbidden address.

    Deliberately not an ``OSError``, so urllib3 and requests let it through unwrapped.
    """

    def __init__(self, address: str) -> None:
        super().__init__(address)
        self.address = address


def guard_peer(sock: socket.socket) -> socket.socket:
    """``sock`` when its peer is a public address; else it is closed and :class:`ForbiddenPeer` raised."""
    peer = str(sock.getpeername()[0])
    if is_forbidden_address(peer):
        sock.close()
        raise ForbiddenPeer(peer)
    return sock
