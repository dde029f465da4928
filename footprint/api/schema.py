"""OpenAPI: our basic auth is described as plain HTTP basic auth (drf-spectacular)."""

from drf_spectacular.authentication import BasicScheme


class LockoutAwareBasicScheme(BasicScheme):
    target_class = "footprint.api.authentication.LockoutAwareBasicAuthentication"
