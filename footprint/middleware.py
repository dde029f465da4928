"""The interface language: Chinese unless the user chose English with the language switch.

Django's LocaleMiddleware also follows the browser's Accept-Language header, which would show
English to every auditor whose operating system happens to be English. The product's default
is Chinese; the switch (django.views.i18n.set_language) stores the choice in the language
cookie, which this middleware honours.
"""

from django.conf import settings
from django.http import HttpResponseBadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _


class ChosenLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RejectNulMiddleware:
    """Answer 400 to a request whose path or query string holds a NUL character.

    No URL or search of this application needs one, and PostgreSQL refuses NUL in text
    (`/verify/%00/` and `?q=%00` answered 500, and with DEBUG on showed the debug page).
    Refused here, before any view, form or query sees it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return HttpResponseBadRequest(
                _("请求中含有不允许的字符（NUL）。"), content_type="text/plain; charset=utf-8")
        return self.get_response(request)
