"""``Authorization: Bearer sbk_…`` (or ``Token sbk_…``): a personal token, checked against its hash."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api import selectors, services


class PersonalTokenAuthentication(authentication.BaseAuthentication):
    keywords = ("bearer", "token")

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("The Authorization header needs exactly one token."))
        try:
            key = header[1].decode()
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = selectors.token_for_key(services.hash_key(key))
        if token is None or not token.owner.is_active:
            raise exceptions.AuthenticationFailed(_("This token is not valid, has expired or was revoked."))
        services.token_touch(token=token)
        if "HTTP_ACCEPT_LANGUAGE" not in request.META and getattr(token.owner, "language", ""):
            # The reader's language: the one the system asks for, else the token owner's own.
            translation.activate(token.owner.language)
            request._request.LANGUAGE_CODE = token.owner.language
        return token.owner, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'
