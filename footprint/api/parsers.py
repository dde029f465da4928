"""Request parsers of the API."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class SafeJSONParser(JSONParser):
    """DRF's JSON parser answers 400 to malformed JSON (ValueError, which also covers integers
    of more than 4,300 digits) but let RecursionError through as a 500: deep nesting is
    malformed for us too."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - nested too deeply") from exc
