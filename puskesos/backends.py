"""Django's model backend, with less work per request.

Every page checks permissions and the staff unit of the user. The stock backend
reads the user, then the staff profile, then two permission queries, on every
request. Here the user comes with its staff profile in one query, and a user's
permission set is kept in this process for a short time: roles are defined in code
(puskesos/roles.py) and change rarely, and a change reaches every worker within
``PERMISSION_CACHE_SECONDS``.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

# (user id, password hash, superuser) -> (when read, permissions)
_cache: dict[tuple, tuple[float, frozenset[str]]] = {}
_MAX_ENTRIES = 10_000


def clear_permission_cache() -> None:
    _cache.clear()


class StaffBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related("staff_profile").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set(self._cached_permissions(user_obj))
        return user_obj._perm_cache

    def _cached_permissions(self, user_obj) -> frozenset[str]:
        seconds = getattr(settings, "PERMISSION_CACHE_SECONDS", 60)
        # The password hash is part of the key: a new account that reuses a deleted
        # one's id, or a password reset, never sees the old entry.
        key = (user_obj.pk, user_obj.password, user_obj.is_superuser)
        now = time.monotonic()
        entry = _cache.get(key)
        if entry is not None and now - entry[0] < seconds:
            return entry[1]
        permissions = frozenset(super().get_all_permissions(user_obj))
        if len(_cache) >= _MAX_ENTRIES:
            _cache.clear()
        _cache[key] = (now, permissions)
        return permissions
