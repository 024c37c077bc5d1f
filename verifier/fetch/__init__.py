"""Fetching: the only package that performs HTTP, behind the :class:`Fetcher` seam."""

from .addresses import is_forbidden_address
from .base import DEFAULT_MAX_BYTES, Fetcher, FetchResponse
from .caching import CachingFetcher
from .requests_fetcher import RequestsFetcher
from .static import StaticFetcher

__all__ = [
    "DEFAULT_MAX_BYTES",
    "CachingFetcher",
    "FetchResponse",
    "Fetcher",
    "RequestsFetcher",
    "StaticFetcher",
    "is_forbidden_address",
]
