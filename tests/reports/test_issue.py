"""Issuing («Terbitkan»), versions, immutability, and the Kepala Desa's signing."""

import hashlib
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from intake.attachments import clean_attachment
from puskesos.models import Counter
from puskesos.roles import Role
from referrals.models import Complaint
from reports.models import ImmutableReport, IssuedReport, ReportNarrative
from reports.periods import Period
from reports.services import ReportError, narrative_save, report_issue, report_sign
from tests.referrals.factories import complaint_in
from tests.reports.factories import COORDINATOR, HEAD, complete_profile, pdf_text, png_bytes


def last_month():
    return Period.containing(timezone.localdate()).previous()


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(p.name for p in root.rglob("*.pdf")) if root.exists() else []


@pytest.fixture
def koordinator(org):
    complete_profile(org.own)
    return org.users[Role.COORDINATOR]


def upload(name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content)


def test_issuing_freezes_pdf_figures_number_and_issuer(org, koordinator):
    period = last_month()
    narrative_save(village=org.own, period=period, user=koordinator,
                   notes="Layanan berjalan baik.", obstacles="Jaringan internet lambat.",
                   plans="Sosialisasi PKH di dusun 2.")
    report = report_issue(village=org.own, period=period, user=koordinator)
    year = timezone.localdate().year
    assert report.version == 1 and report.sequence == 1
    assert report.number.startswith("001/LAP/PUSKESOS/3204172001/")
    assert report.number.endswith(f"/{year}")
    assert report.issued_by == koordinator
    assert report.figures["period"]["key"] == period.key
    assert report.narrative["obstacles"] == "Jaringan internet lambat."
    content = report.pdf.read()
    assert hashlib.sha256(content).hexdigest() == report.pdf_sha256
    text = pdf_text(content)
    assert report.number in text and "Versi 1" in text
    assert "Jaringan internet lambat." in text and "Sosialisasi PKH di dusun 2." in text
    assert HEAD in text and COORDINATOR in text
    assert "DRAF" not in text


def test_issuing_again_makes_a_new_version_and_keeps_the_old(org, koordinator):
    period = last_month()
    first = report_issue(village=org.own, period=period, user=koordinator)
    first_pdf = first.pdf.read()
    complaint = complaint_in(org, Complaint.State.REGISTERED)
    Complaint.objects.filter(pk=complaint.pk).update(created_at=period.start_at)
    second = report_issue(village=org.own, period=period, user=koordinator)
    assert (second.version, second.sequence) == (2, 2)
    assert second.number.startswith("002/")
    first.refresh_from_db()
    assert first.pdf.read() == first_pdf
    assert first.figures["numbers"]["complaints"]["value"] == 0
    assert second.figures["numbers"]["complaints"]["value"] == 1
    assert IssuedReport.objects.filter(village=org.own, period_key=period.key).count() == 2


def test_an_issued_report_cannot_be_changed_or_deleted(org, koordinator):
    report = report_issue(village=org.own, period=last_month(), user=koordinator)
    original = IssuedReport.objects.get(pk=report.pk)
    report.figures["numbers"]["complaints"]["value"] = 99
    with pytest.raises(ImmutableReport):
        report.save()
    report = IssuedReport.objects.get(pk=report.pk)
    report.number = "999/PALSU"
    with pytest.raises(ImmutableReport):
        report.save()
    report = IssuedReport.objects.get(pk=report.pk)
    report.pdf.save("lain.pdf", ContentFile(b"%PDF-1.4 palsu"), save=False)
    with pytest.raises(ImmutableReport):
        report.save()
    with pytest.raises(ImmutableReport):
        IssuedReport.objects.get(pk=report.pk).delete()
    with pytest.raises(ImmutableReport):
        IssuedReport.objects.filter(pk=report.pk).delete()
    with pytest.raises(ImmutableReport):
        IssuedReport.objects.filter(pk=report.pk).update(number="999/PALSU")
    stored = IssuedReport.objects.get(pk=report.pk)
    assert stored.figures == original.figures and stored.number == original.number
    assert stored.pdf.name == original.pdf.name


def test_issuing_needs_the_village_profile_and_stores_nothing_half(org, settings):
    koor = org.users[Role.COORDINATOR]
    complete_profile(org.own, head="")
    with pytest.raises(ReportError, match="nama Kepala Desa"):
        report_issue(village=org.own, period=last_month(), user=koor)
    org.own.head_name = "H. Asep Suhendar"
    org.own.logo = ""
    org.own.save()
    with pytest.raises(ReportError, match="logo kop surat"):
        report_issue(village=org.own, period=last_month(), user=koor)
    assert not IssuedReport.objects.exists()
    assert not Counter.objects.filter(key__startswith="report:").exists()
    assert media_files(settings) == []


@pytest.mark.parametrize("key,message", [
    ("2999-01", "belum dimulai"),
    (None, "belum berakhir"),
])
def test_a_future_or_running_period_is_not_issued(org, koordinator, key, message):
    period = Period.parse(key) if key else Period.containing(timezone.localdate())
    if period.has_ended():  # the last day of the month: it may be issued
        pytest.skip("today is the last day of the month")
    with pytest.raises(ReportError, match=message):
        report_issue(village=org.own, period=period, user=koordinator)
    assert not IssuedReport.objects.exists()


@pytest.mark.parametrize("role", [Role.FRONT_OFFICE, Role.BACK_OFFICE, Role.VILLAGE_HEAD,
                                  Role.SUPERVISOR, Role.MANAGER])
def test_only_the_village_koordinator_issues(org, koordinator, role):
    with pytest.raises(ReportError, match="Hanya Koordinator"):
        report_issue(village=org.own, period=last_month(), user=org.users[role])
    sibling_koor = org.village_users(org.sibling)[Role.COORDINATOR]
    with pytest.raises(ReportError, match="Hanya Koordinator"):
        report_issue(village=org.own, period=last_month(), user=sibling_koor)
    assert not IssuedReport.objects.exists()


def test_the_kepala_desa_marks_it_signed_once_with_the_scan(org, koordinator):
    report = report_issue(village=org.own, period=last_month(), user=koordinator)
    kades = org.users[Role.VILLAGE_HEAD]
    scan = clean_attachment(upload("ttd.png", png_bytes()))
    signed = report_sign(report_id=report.pk, user=kades, scan=scan)
    assert signed.signed_by == kades and signed.signed_at is not None
    assert signed.signed_scan_content_type == "image/jpeg"
    assert signed.signed_scan.read()[:3] == b"\xff\xd8\xff"
    with pytest.raises(ReportError, match="sudah ditandai"):
        report_sign(report_id=report.pk, user=kades)
    # The signing fields, once set, are frozen too.
    stored = IssuedReport.objects.get(pk=report.pk)
    stored.signed_at = timezone.now()
    with pytest.raises(ImmutableReport):
        stored.save()


def test_only_the_village_head_signs_and_only_the_latest_version(org, koordinator):
    period = last_month()
    first = report_issue(village=org.own, period=period, user=koordinator)
    with pytest.raises(ReportError, match="Hanya Kepala Desa"):
        report_sign(report_id=first.pk, user=koordinator)
    report_issue(village=org.own, period=period, user=koordinator)
    with pytest.raises(ReportError, match="versi yang lebih baru"):
        report_sign(report_id=first.pk, user=org.users[Role.VILLAGE_HEAD])
    assert not IssuedReport.objects.filter(signed_at__isnull=False).exists()


def test_a_scan_that_is_not_a_pdf_or_image_is_refused_by_content():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="bukan gambar"):
        clean_attachment(upload("ttd.pdf", b"MZ\x90\x00 not really a pdf" * 10))


def test_the_narrative_is_written_by_the_koordinator_only(org, koordinator):
    period = last_month()
    narrative_save(village=org.own, period=period, user=koordinator, notes=" Catatan ",
                   obstacles="", plans="")
    assert ReportNarrative.objects.get().notes == "Catatan"
    with pytest.raises(ReportError):
        narrative_save(village=org.own, period=period, user=org.users[Role.VILLAGE_HEAD],
                       notes="x", obstacles="", plans="")
    with pytest.raises(ReportError, match="belum dimulai"):
        narrative_save(village=org.own, period=Period.parse("2999-01"), user=koordinator,
                       notes="x", obstacles="", plans="")
    assert ReportNarrative.objects.get().notes == "Catatan"


def test_numbers_are_gapless_per_village(org, koordinator):
    sibling = complete_profile(org.sibling)
    sibling_koor = org.village_users(sibling)[Role.COORDINATOR]
    period = last_month()
    own = [report_issue(village=org.own, period=p, user=koordinator)
           for p in (period, period.previous())]
    other = report_issue(village=sibling, period=period, user=sibling_koor)
    assert [r.sequence for r in own] == [1, 2]
    assert other.sequence == 1 and other.number.startswith("001/LAP/PUSKESOS/3204172002/")
    assert io.BytesIO(other.pdf.read()).getvalue()[:4] == b"%PDF"
