"""The address printed on an issued report (QR code and URL) must reach the verification page
for anyone who holds the paper, for years: https, and a public host. A report issued with
http://127.0.0.1:8000/ can never be verified by its reader.

Production (SIGNING_IS_DEMO off) refuses to issue with such a PUBLIC_BASE_URL; the demo may,
and its cover says plainly that the address is local.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

_LOCAL_NAMES = ("localhost", "localhost.localdomain")
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def is_local_host(host: str) -> bool:
    """Loopback, private, link-local or otherwise non-public addresses and local names."""
    host = host.strip("[]").lower()
    if not host or host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES) or "." not in host and ":" not in host:
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return not address.is_global


def public_url_problem(url: str) -> str:
    """Why `url` cannot be printed on an issued report, or "" if it can."""
    parts = urlsplit(url or "")
    if parts.scheme != "https":
        return _("PUBLIC_BASE_URL（%(url)s）不是 https 地址：签发的报告上印的验证地址必须使用 https。") % {"url": url}
    if is_local_host(parts.hostname or ""):
        return _("PUBLIC_BASE_URL（%(url)s）指向本机或内网地址，报告的读者无法访问：请配置对外公开的域名。") % {
            "url": url}
    return ""


def issuing_url_blockers() -> list[str]:
    """Blocks issuing in production; the demo issues with a local address (and says so)."""
    if settings.SIGNING_IS_DEMO:
        return []
    problem = public_url_problem(settings.PUBLIC_BASE_URL)
    return [problem] if problem else []


def verification_url_is_local() -> bool:
    parts = urlsplit(settings.PUBLIC_BASE_URL or "")
    return is_local_host(parts.hostname or "")
