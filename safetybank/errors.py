"""The 500 handler: a database that cannot be reached is "try again in a minute" (503), not a crash.

It is the handler, not a middleware, because the first thing that reads the database in a request
is another middleware (the session, the signed-in user), and an error raised there never reaches
a middleware's ``process_exception``; every uncaught error reaches this.
"""

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import server_error as default_server_error

RETRY_AFTER_SECONDS = 60


def server_error(request):
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        # Rendered without the request: its context processors would read the database again.
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return default_server_error(request)
