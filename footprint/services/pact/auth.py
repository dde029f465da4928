"""OAuth 2 client credentials for PACT clients: secrets stored hashed, tokens that expire.

A token is a signed, timestamped statement "client N, generation G" (django.core.signing with
the SECRET_KEY): nothing to store, and it stops working when it expires, when the client is
deactivated, or when its secret is replaced (the generation moves on)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing

from ...models import PactClient

_SALT = "footprint.pact.token"
TOKEN_TYPE = "Bearer"


def token_lifetime() -> int:
    return int(getattr(settings, "PACT_TOKEN_SECONDS", 3600))


def set_secret(client: PactClient, secret: str | None = None) -> str:
    """Give the client a new secret (a random one unless given); returns it, the only time
    it is seen. Tokens issued with the old secret stop working."""
    secret = secret or secrets.token_urlsafe(32)
    client.secret_hash = make_password(secret)
    client.token_generation += 1
    return secret


def authenticate_client(client_id: str, secret: str) -> PactClient | None:
    client = PactClient.objects.filter(client_id=client_id, is_active=True).first() if client_id else None
    if client is None:
        make_password(secret)  # the same work as a real check: no timing hint that the id exists
        return None
    return client if check_password(secret, client.secret_hash) else None


def issue_token(client: PactClient) -> str:
    return signing.dumps({"c": client.pk, "g": client.token_generation}, salt=_SALT)


@dataclass(frozen=True)
class TokenCheck:
    client: PactClient | None
    expired: bool = False


def check_token(token: str) -> TokenCheck:
    if not token or len(token) > 500:
        return TokenCheck(None)
    try:
        payload = signing.loads(token, salt=_SALT, max_age=token_lifetime())
    except signing.SignatureExpired:
        return TokenCheck(None, expired=True)
    except signing.BadSignature:
        return TokenCheck(None)
    if not isinstance(payload, dict):
        return TokenCheck(None)
    client = PactClient.objects.filter(pk=payload.get("c"), is_active=True,
                                       token_generation=payload.get("g")).first()
    return TokenCheck(client)
