"""The dashboard pages: the figures (``/dasbor/``) and the records behind each figure
(``/dasbor/rincian/<figure>/``).

For the Kepala Desa, the Koordinator, the kecamatan Supervisor and the kabupaten
Manajer, each limited to the villages they may see (puskesos.scoping). The filters
(period, village, dusun, programme) are GET parameters; an unknown value is said in
Indonesian beside its field and answers 400 without figures: a figure for a wider set
than the one asked for would mislead.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from beneficiaries.models import MeetingDecision, PreListProposal, Programme
from intake.models import Visit
from puskesos.roles import Role, has_role
from puskesos.scoping import visible_villages
from puskesos.views import ScopedPermissionMixin
from referrals.models import Complaint

from . import dashboard
from .periods import MONTHLY, QUARTERLY, YEARLY, Period, check_not_future

#: Who sees the dashboard (the menu item "Dasbor" uses the same roles).
DASHBOARD_ROLES = frozenset({Role.VILLAGE_HEAD, Role.COORDINATOR, Role.SUPERVISOR,
                             Role.MANAGER})
FILTER_PARAMS = ("periode", "desa", "dusun", "program")


def can_see_dashboard(user) -> bool:
    return user.is_superuser or has_role(user, *DASHBOARD_ROLES)


def period_choices(today, chosen: Period | None = None) -> list[tuple[str, str]]:
    """The last 12 months, the last 4 quarters and the last 2 years (and the chosen
    period when it is older)."""
    month = Period.containing(today, MONTHLY)
    months = month.trailing_months(12)[::-1]
    quarter = Period.containing(today, QUARTERLY)
    quarters = [quarter]
    while len(quarters) < 4:
        quarters.append(quarters[-1].previous())
    years = [Period.containing(today, YEARLY)]
    years.append(years[0].previous())
    periods = [*months, *quarters, *years]
    if chosen is not None and chosen not in periods:
        periods.append(chosen)
    return [(p.key, p.label) for p in periods]


class DashboardFilterForm(forms.Form):
    """The dashboard's filters, checked against what the user may see."""

    periode = forms.CharField(label=gettext_lazy("Periode"), required=False, max_length=10)
    desa = forms.ChoiceField(label=gettext_lazy("Desa"), required=False, error_messages={
        "invalid_choice": gettext_lazy(
            "Desa «%(value)s» tidak dikenal atau di luar wilayah Anda.")})
    dusun = forms.ChoiceField(label=gettext_lazy("Dusun"), required=False, error_messages={
        "invalid_choice": gettext_lazy("Dusun «%(value)s» tidak ada di register desa ini.")})
    program = forms.ChoiceField(label=gettext_lazy("Program"), required=False, error_messages={
        "invalid_choice": gettext_lazy("Program «%(value)s» tidak dikenal.")})

    def __init__(self, data, *, villages, programmes, today):
        super().__init__(data)
        self.today = today
        self.all_villages = villages
        self.programmes = {p.code: p for p in programmes}
        self.many_villages = len(villages) > 1
        self.fields["desa"].choices = [("", _("Semua desa"))] + [
            (v.code, v.name) for v in villages]
        self.fields["program"].choices = [("", _("Semua program"))] + [
            (p.code, p.short_name) for p in programmes]
        chosen = self.chosen_village()
        self.dusun_village = chosen if chosen is not None else (
            villages[0] if len(villages) == 1 else None)
        names = (dashboard.dusun_names([self.dusun_village.pk])
                 if self.dusun_village is not None else [])
        self.fields["dusun"].choices = [("", _("Semua dusun"))] + [(d, d) for d in names]
        if self.dusun_village is None:
            self.fields["dusun"].error_messages["invalid_choice"] = _(
                "Pilih desa terlebih dahulu untuk menyaring per dusun.")
        try:
            shown = Period.parse(self.data.get("periode", "")) if self.data.get(
                "periode") else None
        except ValidationError:
            shown = None
        self.fields["periode"].widget = forms.Select(
            choices=period_choices(today, shown))
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def chosen_village(self):
        code = (self.data.get("desa") or "").strip()
        return next((v for v in self.all_villages if v.code == code), None)

    def clean_periode(self):
        value = (self.cleaned_data.get("periode") or "").strip()
        if not value:
            return Period.containing(self.today, MONTHLY)
        try:
            period = Period.parse(value)
        except ValidationError as error:
            text = " ".join(error.messages)
            if "tidak dikenali" in text:
                raise
            raise ValidationError(_("Periode «%(value)s» tidak dikenali: %(reason)s")
                                  % {"value": value, "reason": text}) from None
        check_not_future(period, self.today)
        return period

    def filters(self) -> dashboard.DashboardFilters:
        data = self.cleaned_data
        village = self.chosen_village() if data.get("desa") else None
        pks = [village.pk] if village is not None else [v.pk for v in self.all_villages]
        return dashboard.DashboardFilters(
            period=data["periode"], villages=pks, village=village,
            dusun=data.get("dusun") or "",
            programme=self.programmes.get(data.get("program") or ""),
        )

    def query(self) -> dict[str, str]:
        """The filters as GET parameters, for the links (only those set)."""
        data = self.cleaned_data
        query = {"periode": data["periode"].key}
        for name in ("desa", "dusun", "program"):
            if data.get(name):
                query[name] = data[name]
        return query

    def error_text(self) -> str:
        return " ".join(str(message) for errors in self.errors.values() for message in errors)


class DashboardMixin(ScopedPermissionMixin):
    """Login, a unit, and one of the dashboard's roles; the filters of the request."""

    def has_permission(self):
        return can_see_dashboard(self.request.user)

    def handle_no_permission(self):
        if self.request.user.is_authenticated:
            raise PermissionDenied(_("Dasbor hanya untuk Kepala Desa, Koordinator, "
                                     "Supervisor Kecamatan dan Manajer Kabupaten."))
        return super().handle_no_permission()

    @cached_property
    def programmes(self) -> list[Programme]:
        return list(Programme.objects.order_by("order", "code"))

    @cached_property
    def form(self) -> DashboardFilterForm:
        villages = list(visible_villages(self.request.user).order_by("code"))
        params = {k: v for k, v in self.request.GET.items() if k in FILTER_PARAMS}
        return DashboardFilterForm(params, villages=villages, programmes=self.programmes,
                                   today=timezone.localdate())

    def link(self, slug: str, **extra) -> str:
        query = {**self.form.query(), **{k: v for k, v in extra.items() if v not in ("", None)}}
        return f"{reverse('dashboard-records', args=[slug])}?{urlencode(query)}"


def bars(rows, *, colour="primary") -> list[dict]:
    """Rows (label, value, url) with each bar's length in percent of the longest."""
    rows = list(rows)
    peak = max((value for _label, value, _url in rows), default=0) or 1
    return [{"label": label, "value": value, "url": url, "colour": colour,
             "pct": round(100 * value / peak, 1)} for label, value, url in rows]


class DashboardView(DashboardMixin, View):
    template_name = "reports/dashboard.html"

    def get(self, request):
        form = self.form
        context = {"form": form, "many_villages": form.many_villages}
        if not form.is_valid():
            context["filter_error"] = form.error_text()
            return render(request, self.template_name, context, status=400)
        filters = form.filters()
        figures = dashboard.dashboard_figures(filters, self.programmes)
        context.update(self.figure_context(figures))
        context.update(figures=figures, filters=filters, period=filters.period,
                       query=urlencode(form.query()))
        return render(request, self.template_name, context)

    def figure_context(self, figures: dashboard.Figures) -> dict:
        link = self.link
        overlap = figures.overlap
        complaints = figures.complaints
        group_params = {g.key: g.key for g in figures.groups}
        matrix = [
            {"group": a, "cells": [
                {"value": n, "diagonal": a == b,
                 "url": link("irisan", irisan=",".join(dict.fromkeys(
                     [group_params[a.key], group_params[b.key]])))}
                for b, n in cells]}
            for a, cells in overlap.matrix]
        combinations = [{"combination": c, "url": link("kombinasi", kombinasi=c.param or "-")}
                        for c in overlap.combinations]
        desil_bars = bars([(str(d) if d is not None else _("Tanpa desil"), n,
                            link("rumah-tangga", desil=d if d is not None else "kosong"))
                           for d, n in figures.by_desil], colour="secondary")
        receivers = bars([(g.label, overlap.holding(g), link("irisan", irisan=g.key))
                          for g in figures.groups])
        states = bars([(label, complaints[state], link("pengaduan", status=state))
                       for state, label in Complaint.State.choices], colour="success")
        categories = [{"label": label, "value": complaints[f"cat_{c}"],
                       "url": link("pengaduan", kategori=c)}
                      for c, label in Complaint.Category.choices]
        by_programme = bars([
            (p.short_name if p else _("Tanpa program"), n,
             self._programme_link(p)) for p, n in figures.complaints_by_programme],
            colour="success")
        purposes = bars([(label, figures.visits[p], link("layanan", keperluan=p))
                         for p, label in Visit.Purpose.choices], colour="info")
        proposal_bars = bars([(label, figures.proposals[s], link("usulan", status=s))
                              for s, label in PreListProposal.Status.choices],
                             colour="warning")
        peak = max((n for _m, n in figures.trend), default=0) or 1
        trend = []
        for i, (month, n) in enumerate(figures.trend):
            height = round(40 * n / peak, 2)
            inside = height > 8  # the count inside a tall bar, above a short one
            trend.append({"period": month, "value": n, "height": height,
                          "y": round(45 - height, 2), "x": i * 10 + 1, "tx": i * 10 + 5,
                          "ty": round(45 - height + (6 if inside else -1), 2),
                          "inside": inside, "url": self._month_link(month)})
        return {
            "matrix": matrix, "combinations": combinations, "desil_bars": desil_bars,
            "receiver_bars": receivers, "state_bars": states, "programme_bars": by_programme,
            "categories": categories,
            "purpose_bars": purposes, "proposal_bars": proposal_bars, "trend": trend,
            "links": {
                "households": link("rumah-tangga"),
                "without_any": link("kombinasi", kombinasi="-"),
                "gap_desil": link("celah-desil"),
                "needs": link("kebutuhan"),
                "overdue": link("rujukan-terlambat"),
                "complaints": link("pengaduan"),
                "handled": link("pengaduan", tindakan="ditangani"),
                "referred": link("pengaduan", tindakan="dirujuk"),
                "visits": link("layanan"),
                "proposals": link("usulan"),
                "decisions": link("keputusan"),
                "eligible": link("keputusan", keputusan=MeetingDecision.Decision.ELIGIBLE),
                "not_eligible": link("keputusan",
                                     keputusan=MeetingDecision.Decision.NOT_ELIGIBLE),
            },
        }

    def _programme_link(self, programme) -> str:
        if programme is None:
            return self.link("pengaduan", tanpa_program="1")
        query = {**self.form.query(), "program": programme.code}
        return f"{reverse('dashboard-records', args=['pengaduan'])}?{urlencode(query)}"

    def _month_link(self, month: Period) -> str:
        query = {**self.form.query(), "periode": month.key}
        return f"{reverse('dashboard-records', args=['pengaduan'])}?{urlencode(query)}"


class RecordOptions(forms.Form):
    """The figure-specific parameters of the records page."""

    desil = forms.CharField(required=False)
    kombinasi = forms.CharField(required=False)
    irisan = forms.CharField(required=False)
    status = forms.CharField(required=False)
    kategori = forms.ChoiceField(required=False, choices=[("", ""),
                                                          *Complaint.Category.choices])
    tindakan = forms.ChoiceField(required=False, choices=[("", ""), ("ditangani", ""),
                                                          ("dirujuk", "")])
    tanpa_program = forms.BooleanField(required=False)
    keperluan = forms.ChoiceField(required=False, choices=[("", ""), *Visit.Purpose.choices])
    keputusan = forms.ChoiceField(required=False,
                                  choices=[("", ""), *MeetingDecision.Decision.choices])


def record_options(figure: dashboard.Figure, data, groups) -> dict:
    """The checked options of a figure; ValidationError with an Indonesian message."""
    form = RecordOptions(data)
    if not form.is_valid():
        names = ", ".join(form.errors)
        raise ValidationError(_("Parameter tidak valid: %(names)s.") % {"names": names})
    data = form.cleaned_data
    options: dict = {}
    keys = {g.key for g in groups}
    if figure.slug == "rumah-tangga" and data["desil"]:
        if data["desil"] == "kosong":
            options["desil"] = None
        elif data["desil"].isdigit() and 1 <= int(data["desil"]) <= 10:
            options["desil"] = int(data["desil"])
        else:
            raise ValidationError(_("Desil «%(v)s» tidak dikenal (1–10).") % {"v": data["desil"]})
    if figure.slug == "kombinasi":
        raw = data["kombinasi"]
        if not raw:
            raise ValidationError(_("Kombinasi program belum dipilih."))
        chosen = [] if raw == "-" else raw.split("+")
        # A "+" in a query string arrives as a space.
        chosen = [k for part in chosen for k in part.split(" ") if k]
        if any(k not in keys for k in chosen) or len(set(chosen)) != len(chosen):
            raise ValidationError(_("Kombinasi program «%(v)s» tidak dikenal.") % {"v": raw})
        options["keys"] = chosen
    if figure.slug == "irisan":
        chosen = [k for k in data["irisan"].split(",") if k]
        if not chosen or len(chosen) > 2 or any(k not in keys for k in chosen):
            raise ValidationError(_("Program «%(v)s» tidak dikenal.") % {"v": data["irisan"]})
        options["keys"] = chosen
    if figure.slug == "pengaduan":
        if data["status"] and data["status"] not in Complaint.State.values:
            raise ValidationError(_("Status pengaduan «%(v)s» tidak dikenal.")
                                  % {"v": data["status"]})
        options.update(state=data["status"], category=data["kategori"],
                       action=data["tindakan"], no_programme=data["tanpa_program"])
    if figure.slug == "usulan":
        if data["status"] and data["status"] not in PreListProposal.Status.values:
            raise ValidationError(_("Status usulan «%(v)s» tidak dikenal.")
                                  % {"v": data["status"]})
        options["status"] = data["status"]
    if figure.slug == "layanan":
        options["purpose"] = data["keperluan"]
    if figure.slug == "keputusan":
        options["decision"] = data["keputusan"]
    return options


OPTION_LABELS = {
    "desil": gettext_lazy("desil"), "state": gettext_lazy("status"),
    "category": gettext_lazy("kategori"), "action": gettext_lazy("tindakan"),
    "purpose": gettext_lazy("keperluan"), "status": gettext_lazy("status"),
    "decision": gettext_lazy("keputusan"),
}


class DashboardRecordsView(DashboardMixin, View):
    """The records behind one figure, with the same filters; each row links to its page."""

    template_name = "reports/dashboard_records.html"
    paginate_by = 50

    def get(self, request, figure):
        spec = dashboard.FIGURES.get(figure)
        if spec is None:
            raise Http404(_("Angka dasbor tidak dikenal."))
        if not request.user.has_perm(spec.permission):
            raise PermissionDenied(_("Peran Anda tidak memiliki akses ke data ini."))
        form = self.form
        context = {"form": form, "figure": spec, "many_villages": form.many_villages}
        if not form.is_valid():
            context["filter_error"] = form.error_text()
            return render(request, self.template_name, context, status=400)
        filters = form.filters()
        groups = dashboard.programme_groups(self.programmes, filters.programme)
        try:
            options = record_options(spec, request.GET, groups)
        except ValidationError as error:
            context["filter_error"] = " ".join(error.messages)
            return render(request, self.template_name, context, status=400)
        rows = dashboard.order_records(
            spec.kind, dashboard.figure_records(spec, filters, groups, options))
        page = Paginator(rows, self.paginate_by).get_page(request.GET.get("page"))
        records = list(page.object_list)
        if spec.kind == dashboard.HOUSEHOLDS:
            dashboard.household_rows(records)
        query = request.GET.copy()
        query.pop("page", None)
        context.update(
            filters=filters, period=filters.period, page_obj=page, records=records,
            kind=spec.kind, subtitle=self.subtitle(spec, options, groups),
            querystring=query.urlencode(), back=f"{reverse('dashboard')}?"
            f"{urlencode(form.query())}", today=timezone.localdate(),
        )
        return render(request, self.template_name, context)

    @staticmethod
    def subtitle(spec, options, groups) -> str:
        labels = {g.key: g.label for g in groups}
        if "keys" in options:
            names = [labels[k] for k in options["keys"]]
            if spec.slug == "kombinasi":
                return (_("tepat: %(names)s") % {"names": " + ".join(names)} if names
                        else _("tanpa program apa pun"))
            return _("menerima %(names)s") % {"names": " dan ".join(names)}
        parts = []
        if "desil" in options:
            parts.append(_("desil %(d)s") % {"d": options["desil"] or _("kosong")})
        choices = {**dict(Complaint.State.choices), **dict(Complaint.Category.choices),
                   **dict(Visit.Purpose.choices), **dict(PreListProposal.Status.choices),
                   **dict(MeetingDecision.Decision.choices),
                   "ditangani": _("ditangani di desa"), "dirujuk": _("dirujuk")}
        for name in ("state", "category", "action", "purpose", "status", "decision"):
            if options.get(name):
                parts.append(f"{OPTION_LABELS[name]}: {choices.get(options[name], options[name])}")
        if options.get("no_programme"):
            parts.append(_("tanpa program"))
        return ", ".join(str(p) for p in parts)
