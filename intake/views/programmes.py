"""Programme information desk: the catalogue the front office explains to citizens,
searchable, and printable as a one-page leaflet (HTML for the browser, PDF to hand out).
"""

import io
import re
from functools import reduce
from operator import and_, or_

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.generic import DetailView, ListView
from pypdf import PdfReader

from beneficiaries.models import Programme, ProgrammeLevel
from puskesos.pdf import pdf_response
from puskesos.scoping import staff_profile
from puskesos.views import ScopedPermissionMixin

SEARCH_FIELDS = ("name", "short_name", "criteria", "benefits", "required_documents")
# The leaflet is tried at these densities until it fits on one A4 page (see leaflet.css).
LEAFLET_DENSITIES = ("normal", "compact", "tight")
_BULLET = re.compile(r"^\s*(?:[-*•·]|\d{1,2}[.)])\s+")


def text_lines(text: str) -> list[str]:
    """The non-empty lines of a catalogue text, without the bullets an editor may type."""
    return [_BULLET.sub("", line).strip() for line in text.splitlines() if line.strip()]


def document_items(text: str) -> list[str]:
    """The documents to bring, one per item: the catalogue writes them one per line, or
    on one line separated by commas and semicolons ("KTP, KK; kartu KKS"). Commas inside
    parentheses stay ("bukti komponen (buku KIA, keterangan sekolah)")."""
    lines = text_lines(text)
    if len(lines) != 1:
        return lines
    items, depth, current = [], 0, []
    for char in lines[0]:
        depth += (char == "(") - (char == ")")
        if char in ",;" and depth <= 0:
            items.append("".join(current))
            current = []
        else:
            current.append(char)
    items.append("".join(current))
    items = [item.strip().rstrip(".").strip() for item in items]
    return [item[:1].upper() + item[1:] for item in items if item]


def programme_search(queryset, query: str):
    """Programmes whose name, short name, criteria, benefits or documents contain every
    word of ``query`` (case-insensitive)."""
    words = query.split()
    if not words:
        return queryset
    return queryset.filter(reduce(and_, (
        reduce(or_, (Q(**{f"{field}__icontains": word}) for field in SEARCH_FIELDS))
        for word in words
    )))


class ProgrammeMixin(ScopedPermissionMixin):
    """Programmes are catalogue data of the kabupaten: every staff member reads all the
    active ones; an inactive programme is not offered any more (404)."""

    permission_required = "beneficiaries.view_programme"

    def active_programmes(self):
        return Programme.objects.filter(active=True).select_related("complaint_agency")

    def get_object(self, queryset=None):
        return get_object_or_404(self.active_programmes(), code=self.kwargs["code"])


class ProgrammeListView(ProgrammeMixin, ListView):
    template_name = "intake/programme_list.html"
    context_object_name = "programmes"

    def get_template_names(self):
        # A history restore after hx-push-url asks for the whole page again.
        if (self.request.headers.get("HX-Request")
                and not self.request.headers.get("HX-History-Restore-Request")):
            return ["intake/_programme_results.html"]
        return [self.template_name]

    def get_queryset(self):
        self.query = self.request.GET.get("q", "").strip()[:100]
        level = self.request.GET.get("level", "")
        self.level = level if level in ProgrammeLevel.values else ""
        programmes = programme_search(self.active_programmes(), self.query)
        if self.level:
            programmes = programmes.filter(level=self.level)
        return programmes

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programmes = list(context["programmes"])
        context["groups"] = [
            (label, [p for p in programmes if p.level == value])
            for value, label in ProgrammeLevel.choices
            if any(p.level == value for p in programmes)
        ]
        context.update(query=self.query, level=self.level, levels=ProgrammeLevel.choices,
                       total=len(programmes))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        patch_vary_headers(response, ["HX-Request"])
        return response


class ProgrammeDetailView(ProgrammeMixin, DetailView):
    template_name = "intake/programme_detail.html"
    context_object_name = "programme"

    def get_context_data(self, **kwargs):
        programme = self.object
        return super().get_context_data(
            criteria_lines=text_lines(programme.criteria),
            benefit_lines=text_lines(programme.benefits),
            document_lines=document_items(programme.required_documents),
            **kwargs,
        )


class ProgrammeLeafletView(ProgrammeMixin, DetailView):
    """The leaflet as a page to print from the browser; the PDF view renders the same
    template without the toolbar."""

    template_name = "intake/programme_leaflet.html"
    context_object_name = "programme"
    pdf = False

    def letterhead(self) -> dict:
        """The user's village (its Puskesos desk); otherwise the user's kabupaten."""
        profile = staff_profile(self.request.user)
        village = profile.village if profile else None
        regency = None
        if village:
            regency = village.district.regency
        elif profile and profile.district_id:
            regency = profile.district.regency
        elif profile:
            regency = profile.regency
        logo = None
        if village and village.logo:
            # The PDF reads the upload from disk; the browser asks the logo view.
            logo = (village.logo.url if self.pdf
                    else reverse("village-logo", args=[village.code]))
        return {"village": village, "regency": regency, "logo": logo}

    def get_context_data(self, *, density="normal", **kwargs):
        programme = self.object
        return super().get_context_data(
            pdf=self.pdf,
            density=density,
            criteria_lines=text_lines(programme.criteria),
            benefit_lines=text_lines(programme.benefits),
            document_lines=document_items(programme.required_documents),
            letterhead=self.letterhead(),
            status_url=self.request.build_absolute_uri(reverse("public-status")),
            printed_on=timezone.localdate(),
            **kwargs,
        )


class ProgrammeLeafletPdfView(ProgrammeLeafletView):
    pdf = True

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        # A long catalogue text is set smaller rather than spilling onto a second sheet.
        for density in LEAFLET_DENSITIES:
            response = pdf_response(
                self.template_name, self.get_context_data(density=density), request,
                filename=f"leaflet-{self.object.code}.pdf",
            )
            if len(PdfReader(io.BytesIO(response.content)).pages) == 1:
                break
        return response
