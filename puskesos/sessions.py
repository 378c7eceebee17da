"""Idle-timeout sessions without a database write on every request.

Sessions end after SESSION_COOKIE_AGE of inactivity. Django's way to get that,
SESSION_SAVE_EVERY_REQUEST, writes the session row on every request, including
each keystroke of the live register search. This middleware renews the session at
most once a minute instead: the idle limit then holds to within a minute.
"""

import time

RENEW_AFTER_SECONDS = 60
KEY = "_renewed_at"


class IdleSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        if session is not None and user is not None and user.is_authenticated:
            now = int(time.time())
            if now - session.get(KEY, 0) >= RENEW_AFTER_SECONDS:
                session[KEY] = now  # marks the session modified: saved, expiry renewed
        return response
