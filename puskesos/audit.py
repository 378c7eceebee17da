"""The audit trail: who did what, when, to which record, from which address.

Record changes are logged by django-auditlog (registered in apps.py); logins,
logouts and failed logins by django-axes (AccessLog, AccessFailureLog). Both read
the client address from :func:`client_ip`, which trusts X-Forwarded-For only for
the configured number of reverse proxies (TRUSTED_PROXY_COUNT), so a client cannot
forge the address recorded against its actions.
"""

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings


def client_ip(request) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware with our trusted client address."""

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)
