"""The PACT v3 host API: `POST /auth/token`, `GET /3/footprints[/<id>]`, `POST /3/events`.

Plain Django views, because the specification fixes every status and body: errors are PACT
`Error` objects (`{"code": …, "message": …}`), the token endpoint answers as RFC 6749 says.
Only HTTPS is served (`PACT_REQUIRE_HTTPS`); a client sees the footprints of the companies
that granted it access (services/pact/publishing.py), nothing else. Bad input is a 4xx, never
a crash.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..services.pact import events as pact_events
from ..services.pact import publishing as pact_publishing
from ..services.pact.auth import (
    TOKEN_TYPE,
    authenticate_client,
    check_token,
    issue_token,
    token_lifetime,
)
from ..services.pact.filters import KNOWN, FilterError, filter_footprints, parse_time

logger = logging.getLogger(__name__)

DEFAULT_PAGE = 50
MAX_PAGE = 100
MAX_EVENT_BYTES = 1024 * 1024
MAX_QUERY_VALUES = 50
# Per client (API) and per address (token endpoint), per minute.
API_REQUESTS_PER_MINUTE = 300
TOKEN_REQUESTS_PER_MINUTE = 30
EVENT_TYPES = (pact_events.REQUEST_CREATED_EVENT, pact_events.REQUEST_FULFILLED_EVENT,
               pact_events.REQUEST_REJECTED_EVENT, pact_events.PUBLISHED_EVENT)


def error(status: int, code: str, message: str, **headers) -> JsonResponse:
    response = JsonResponse({"code": code, "message": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _oauth_error(status: int, code: str, description: str) -> JsonResponse:
    response = JsonResponse({"error": code, "error_description": description}, status=status)
    response["Cache-Control"] = "no-store"
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="pact"'
    return response


def _insecure(request) -> bool:
    return getattr(settings, "PACT_REQUIRE_HTTPS", True) and not request.is_secure()


def _over_limit(key: str, limit: int) -> bool:
    cache.add(key, 0, timeout=60)
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        return False


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


# ------------------------------------------------------------------------------ token
def _basic_credentials(request) -> tuple[str, str] | None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (client_id, secret) if sep else None


@csrf_exempt
@require_http_methods(["POST"])
def auth_token(request):
    """OAuth 2 client credentials grant (RFC 6749, 4.4): HTTP Basic or form credentials."""
    if _insecure(request):
        return _oauth_error(400, "invalid_request", "HTTPS is required.")
    if _over_limit(f"pact:token:{_client_address(request)}", TOKEN_REQUESTS_PER_MINUTE):
        return _oauth_error(429, "slow_down", "Too many token requests; try again in a minute.")
    if len(request.body) > 8192:
        return _oauth_error(400, "invalid_request", "Request too large.")
    if request.POST.get("grant_type") != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "Only client_credentials is supported.")
    credentials = _basic_credentials(request) or (
        (request.POST.get("client_id", ""), request.POST.get("client_secret", ""))
        if request.POST.get("client_id") else None)
    if credentials is None:
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    client = authenticate_client(*credentials)
    if client is None:
        return _oauth_error(401, "invalid_client", "Client authentication failed")
    response = JsonResponse({"access_token": issue_token(client), "token_type": TOKEN_TYPE,
                             "expires_in": token_lifetime()})
    response["Cache-Control"] = "no-store"
    return response


# ------------------------------------------------------------------------ the client
def _authorised(request):
    """(client, None) or (None, the error response)."""
    if _insecure(request):
        return None, error(403, "AccessDenied", "HTTPS is required.")
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.lower().startswith("bearer "):
        return None, error(401, "BadRequest", "Missing bearer token.",
                           WWW_Authenticate='Bearer realm="pact"')
    check = check_token(header[7:].strip())
    if check.expired:
        return None, error(401, "TokenExpired", "The access token has expired.",
                           WWW_Authenticate='Bearer error="invalid_token"')
    if check.client is None:
        return None, error(401, "BadRequest", "Invalid token provided",
                           WWW_Authenticate='Bearer error="invalid_token"')
    if _over_limit(f"pact:api:{check.client.pk}", API_REQUESTS_PER_MINUTE):
        return None, error(429, "BadRequest", "Too many requests; try again in a minute.",
                           Retry_After="60")
    return check.client, None


# ------------------------------------------------------------------------- footprints
def _criteria(request) -> dict:
    """The query's filters; unknown parameters are refused (400), except the `x-…` ones
    the specification reserves for extensions, which we do not have and ignore."""
    criteria: dict = {}
    for key in request.GET:
        values = request.GET.getlist(key)
        if len(values) > MAX_QUERY_VALUES:
            raise FilterError(f"Too many values for {key}")
        if key in ("limit", "offset") or key.lower().startswith("x-"):
            continue
        if key not in KNOWN:
            raise FilterError(f"Unknown query parameter: {key}")
        criteria[key] = values
    return criteria


def _number(request, key: str, default: int, maximum: int) -> int:
    text = request.GET.get(key)
    if text is None or text == "":
        return default
    if not text.isdigit() or len(text) > 9:
        raise FilterError(f"{key} must be a non-negative integer")
    return min(int(text), maximum)


def _link(request, offset: int, limit: int) -> str:
    query = [(k, v) for k in request.GET for v in request.GET.getlist(k) if k not in ("offset", "limit")]
    query += [("offset", str(offset)), ("limit", str(limit))]
    return request.build_absolute_uri(f"{request.path}?{urlencode(query)}")


def _page_links(request, offset: int, limit: int, total: int) -> str:
    """RFC 8288 links: `next` whenever more footprints follow (the specification's rule),
    with `first`, `prev` and `last` beside it."""
    if limit == 0:
        return ""
    last = max(0, (total - 1) // limit * limit)
    links = [(_link(request, 0, limit), "first")]
    if offset > 0:
        links.append((_link(request, max(0, offset - limit), limit), "prev"))
    if offset + limit < total:
        links.append((_link(request, offset + limit, limit), "next"))
    links.append((_link(request, last, limit), "last"))
    return ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)


@csrf_exempt
@require_http_methods(["GET"])
def footprint_list(request):
    client, refusal = _authorised(request)
    if refusal:
        return refusal
    try:
        criteria = _criteria(request)
        limit = _number(request, "limit", DEFAULT_PAGE, MAX_PAGE)
        offset = _number(request, "offset", 0, 10**9)
        matches = filter_footprints(pact_publishing.client_footprints(client), criteria)
    except FilterError as exc:
        return error(400, "BadRequest", str(exc))
    response = JsonResponse({"data": matches[offset:offset + limit]})
    links = _page_links(request, offset, limit, len(matches))
    if links:
        response["Link"] = links
    return response


@csrf_exempt
@require_http_methods(["GET"])
def footprint_detail(request, pf_id: str):
    client, refusal = _authorised(request)
    if refusal:
        return refusal
    try:
        wanted = str(uuid.UUID(pf_id))
    except ValueError:
        return error(400, "BadRequest", "The footprint id is not a UUID.")
    for fp in pact_publishing.client_footprints(client):
        if fp["id"] == wanted:
            return JsonResponse({"data": fp})
    if pact_publishing.footprint_exists(wanted):
        return error(403, "AccessDenied", "Access to this footprint has not been granted.")
    return error(404, "NotFound", f"Footprint with ID '{wanted}' does not exist")


# ----------------------------------------------------------------------------- events
def _event_problem(event) -> str:
    """Why a CloudEvent (structured JSON) is not a valid PACT event; "" when it is."""
    if not isinstance(event, dict):
        return "The event must be a JSON object."
    for key in ("type", "specversion", "id", "source", "time"):
        if not isinstance(event.get(key), str) or not event[key].strip():
            return f"The event lacks {key}."
    if event["specversion"] != "1.0":
        return "specversion must be 1.0."
    if event["type"] not in EVENT_TYPES:
        return f"Unknown event type: {event['type'][:200]}"
    try:
        parse_time(event["time"])
    except FilterError:
        return "time must be an RFC 3339 date-time."
    data = event.get("data")
    if not isinstance(data, dict):
        return "The event lacks its data object."
    kind = event["type"]
    if kind == pact_events.PUBLISHED_EVENT:
        ids = data.get("pfIds")
        if not isinstance(ids, list) or not ids:
            return "data.pfIds must be a non-empty list of footprint ids."
        for value in ids:
            try:
                uuid.UUID(str(value))
            except ValueError:
                return f"data.pfIds holds a value that is not a UUID: {str(value)[:200]}"
    elif kind == pact_events.REQUEST_CREATED_EVENT:
        for key, value in data.items():
            if key == "comment":
                continue
            values = value if isinstance(value, list) else [value]
            if not all(isinstance(v, str) for v in values):
                return f"data.{key} must be text or a list of texts."
        try:
            filter_footprints([], {k: v for k, v in data.items() if k in KNOWN})
        except FilterError as exc:
            return str(exc)
    elif not isinstance(data.get("requestEventId"), str):
        return "data.requestEventId is missing."
    return ""


@csrf_exempt
@require_http_methods(["POST"])
def events(request):
    client, refusal = _authorised(request)
    if refusal:
        return refusal
    content_type = request.META.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
    if content_type not in ("application/cloudevents+json", "application/json"):
        return error(400, "BadRequest", "Events are sent as application/cloudevents+json.")
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_EVENT_BYTES or len(request.body) > MAX_EVENT_BYTES:
        return error(413, "BadRequest", "The event is too large.")
    try:
        event = json.loads(request.body)
    except (ValueError, RecursionError):
        return error(400, "BadRequest", "The body is not JSON.")
    problem = _event_problem(event)
    if problem:
        return error(400, "BadRequest", problem)
    source = request.build_absolute_uri("/3/events")
    if event["type"] == pact_events.REQUEST_CREATED_EVENT:
        pact_events.answer_request(client, event, source=source)
    else:
        logger.info("PACT event %s from client %s accepted", event["type"], client.client_id)
    return HttpResponse(status=200)
