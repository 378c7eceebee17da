"""HTML → PDF with WeasyPrint, for receipts, leaflets and reports.

Templates link static files and uploads with their usual URLs ({% static %},
``file.url``); the fetcher below serves those from disk, and nothing else: a PDF is
never built from the network.
"""

import mimetypes
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

BASE_URL = "https://puskesos.invalid/"


class LocalFetcher(URLFetcher):
    """Static files and uploads from disk, data: URLs; anything else is refused."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if not url.startswith(BASE_URL):
            raise ValueError(f"PDF tidak mengambil sumber luar: {url}")
        path = unquote(urlsplit(url).path)
        body = None
        if path.startswith(settings.STATIC_URL):
            found = finders.find(path.removeprefix(settings.STATIC_URL))
            if found:
                with open(found, "rb") as fh:
                    body = fh.read()
        elif path.startswith(settings.MEDIA_URL):
            name = path.removeprefix(settings.MEDIA_URL)
            if default_storage.exists(name):
                with default_storage.open(name) as fh:
                    body = fh.read()
        if body is None:
            raise ValueError(f"Berkas tidak ditemukan: {path}")
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def render_pdf(template_name: str, context: dict, request=None) -> bytes:
    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=LocalFetcher()).write_pdf()


def pdf_response(template_name: str, context: dict, request=None, *, filename: str,
                 inline: bool = True) -> HttpResponse:
    response = HttpResponse(render_pdf(template_name, context, request),
                            content_type="application/pdf")
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
