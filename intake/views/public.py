"""The citizen's status page (no login): a complaint's stages, found with the
registration number and the tracking code from the receipt."""

from django import forms
from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_ratelimit.core import is_ratelimited

from puskesos.audit import client_ip

from ..status import public_status

# Look-ups per client address; the cache is settings.RATELIMIT_USE_CACHE (read by
# django-ratelimit itself; "default" when unset), which must be shared by all workers.
RATE = getattr(settings, "PUBLIC_STATUS_RATE", "20/m")
NOT_FOUND = _("Nomor registrasi dan kode lacak tidak cocok dengan pengaduan mana pun.")


def client_key(group, request) -> str:
    """Rate-limit key: the client address as the audit trail records it."""
    return client_ip(request) or "unknown"


class StatusLookupForm(forms.Form):
    nomor = forms.CharField(label=_("Nomor registrasi"), max_length=40)
    kode = forms.CharField(label=_("Kode lacak"), max_length=20)


class StatusView(View):
    template_name = "intake/public_status.html"

    def get(self, request):
        asked = "nomor" in request.GET or "kode" in request.GET
        if asked and is_ratelimited(request, group="public-status", key=client_key, rate=RATE,
                                    increment=True):
            return self.respond(request, "intake/public_status_limited.html", {}, status=429)
        form = StatusLookupForm(request.GET if asked else None)
        context = {"form": form, "asked": asked, "result": None, "not_found": ""}
        if asked and form.is_valid():
            context["result"] = public_status(number=form.cleaned_data["nomor"],
                                              code=form.cleaned_data["kode"])
            if context["result"] is None:
                context["not_found"] = NOT_FOUND
        return self.respond(request, self.template_name, context)

    @staticmethod
    def respond(request, template_name, context, status=200):
        response = render(request, template_name, context, status=status)
        # The page shows a tracking code's result: never kept by a browser or a proxy.
        add_never_cache_headers(response)
        return response
