"""Response renderers of the API beyond DRF's JSON."""

from rest_framework.renderers import JSONRenderer


class ZipRenderer(JSONRenderer):
    """Lets a client that asks for `application/zip` reach a view that answers a zip (the
    openLCA package) instead of a 406; errors (404, 401) still go out as JSON text."""

    media_type = "application/zip"
    format = "zip"
    charset = None
