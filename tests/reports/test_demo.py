"""seed_demo gives the report charts a year of history and issues one report."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from puskesos.models import Village
from reports.figures import village_figures
from reports.models import IssuedReport
from reports.periods import Period
from tests.reports.factories import pdf_text


@pytest.mark.django_db
def test_seed_demo_makes_twelve_months_of_history_and_issues_a_report():
    call_command("seed_demo", people=300, verbosity=0)
    cimaung = Village.objects.get(code="32.04.17.2001")
    assert cimaung.logo and cimaung.head_name and cimaung.coordinator_name
    report = IssuedReport.objects.get()
    last_month = Period.containing(timezone.localdate()).previous()
    assert report.village == cimaung and report.period_key == last_month.key
    assert "Sosialisasi jadwal penyaluran PKH" in pdf_text(report.pdf.read())
    trend = village_figures(cimaung, Period.containing(timezone.localdate()))["trend"]
    months_with_complaints = sum(1 for n in trend["series"]["Pengaduan"] if n)
    assert months_with_complaints == 12
    assert sum(trend["series"]["Rujukan dikirim"]) >= 5
    figures = report.figures
    assert figures["numbers"]["complaints"]["value"] > 0
    assert figures["numbers"]["complaints"]["previous"] > 0
    call_command("seed_demo", people=300, verbosity=0)  # safe to run again
    assert IssuedReport.objects.count() == 1
