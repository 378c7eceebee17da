"""Demo data for the reports: a letterhead logo for Desa Cimaung, twelve months of desk
history (visits, complaints through the workflow, referrals), and one issued report.

Called once by ``seed_demo``; safe to run again (does nothing the second time).
"""

from __future__ import annotations

import datetime
import io
import random
import uuid

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw


def logo_png(text: str = "DESA", colour=(25, 135, 84)) -> bytes:
    """A simple round emblem (PNG) standing in for a village's coat of arms."""
    size = 240
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((6, 6, size - 6, size - 6), fill=colour, outline=(180, 140, 20), width=10)
    draw.polygon([(size / 2, 40), (size - 60, size / 2), (size / 2, size - 40),
                  (60, size / 2)], fill=(250, 220, 90))
    draw.text((size / 2, size / 2), text[:10], fill=(20, 60, 30), anchor="mm",
              font_size=max(14, 150 // max(1, len(text[:10]))))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


# (programme, sector, category, kind, description)
TOPICS = [
    ("pkh", "sosial-ekonomi", "kepesertaan", "pengaduan",
     "Keluarga miskin dengan anak sekolah belum terdaftar PKH."),
    ("bpnt", "pangan", "non_kepesertaan", "pengaduan", "Bantuan sembako terlambat disalurkan."),
    ("pbi-jk", "kesehatan", "kepesertaan", "pengaduan", "KIS tidak aktif saat berobat."),
    ("pip", "pendidikan", "kepesertaan", "pengaduan", "Anak SMP belum menerima PIP."),
    ("rtlh", "perumahan", "kepesertaan", "pengaduan", "Rumah tidak layak huni, minta RTLH."),
    ("blt-dd", "sosial-ekonomi", "kepesertaan", "pertanyaan", "Menanyakan syarat BLT Dana Desa."),
    (None, "adminduk", "non_kepesertaan", "pertanyaan", "KK belum diperbarui setelah pindah."),
    ("pkh", "sosial-ekonomi", "non_kepesertaan", "saran", "Jadwal pencairan PKH diumumkan di "
     "balai desa."),
]
# On every visit of the history, so that the desk demo (seed_demo's other parts and
# their test) can tell its own records apart.
HISTORY_NOTE = "Riwayat demo laporan (bulan-bulan lalu)."
# What happens to a complaint after registration, with weights.
PATHS = [("registered", 1), ("reviewed", 1), ("handled", 4), ("referred", 3), ("closed", 3)]


def _users():
    from django.contrib.auth import get_user_model

    names = ("fo.cimaung", "bo.cimaung", "koordinator.cimaung", "supervisor.cimaung")
    found = {u.username: u for u in get_user_model().objects.filter(username__in=names)
             .select_related("staff_profile__village")}
    return [found.get(name) for name in names]


def _profile(village, koordinator):
    """A logo and the signatories' names for the letterhead, where still missing."""
    from puskesos.services import village_profile_update

    data = {}
    if not village.logo:
        data["logo"] = ContentFile(logo_png(village.name.upper()), name="logo-cimaung.png")
    if not village.head_name:
        data["head_name"] = "H. Asep Suhendar"
    if not village.coordinator_name:
        data["coordinator_name"] = koordinator.get_full_name() or koordinator.username
    if data:
        village = village_profile_update(actor=koordinator, village=village, data=data)
    return village


def _moment(day: datetime.date, rng: random.Random) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(
        day, datetime.time(rng.randint(8, 15), rng.randint(0, 59))))


def _complaint(village, users, person, topic, path, created, rng):
    """One complaint through the real services, then its steps moved to ``created`` and
    the working days after it."""
    from django_fsm_log.models import StateLog

    from beneficiaries.models import Programme
    from intake.services import register_visit
    from referrals import services
    from referrals.calendar import add_working_days
    from referrals.models import Agency, Complaint, Referral, Sector

    fo, bo, koor, supervisor = users
    programme, sector, category, kind, text = topic
    visit, _ = register_visit(
        village=village, user=fo, submission_key=uuid.uuid4(),
        visit_data={"purpose": "pengaduan", "nik": person.nik, "name": person.name,
                    "person": person, "household": person.household, "in_register": True,
                    "address": person.household.address, "rt": person.household.rt,
                    "rw": person.household.rw, "notes": HISTORY_NOTE,
                    "channel": rng.choice(["datang", "datang", "datang", "kunjungan_rumah",
                                           "whatsapp"])},
        complaint_data={"category": category, "kind": kind, "description": text,
                        "programme": Programme.objects.filter(code=programme).first(),
                        "sector": Sector.objects.get(code=sector)})
    complaint = visit.complaint
    reviewed = _moment(add_working_days(created.date(), rng.randint(0, 4)), rng)
    decided = _moment(add_working_days(reviewed.date(), rng.randint(1, 12)), rng)
    closed = _moment(add_working_days(decided.date(), rng.randint(1, 6)), rng)
    now = timezone.now()
    reviewed, decided, closed = (min(t, now) for t in (reviewed, decided, closed))
    if path != "registered":
        services.transition(complaint.pk, "review", bo, note="Data register dicek.")
    referral = None
    if path == "handled" or (path == "closed" and rng.random() < 0.6):
        services.transition(complaint.pk, "handle", bo, handling_action="program_desa",
                            handling_notes="Ditangani dengan program desa.")
    elif path in ("referred", "closed"):
        agency = (Programme.objects.filter(code=programme).first() or None)
        agency = (agency.complaint_agency if agency else None) or Agency.objects.get(
            code="dinsos")
        referral = services.propose_referral(complaint.pk, bo, agency=agency,
                                             reason="Mohon verifikasi sesuai kewenangan.")
        referral = services.decide_referral(referral.pk, koor, approve=True)
        if referral.awaits_supervisor:
            services.decide_referral(referral.pk, supervisor, approve=True)
        services.transition(complaint.pk, "refer", bo)
        sent = timezone.localdate(decided)
        services.send_referral(referral.pk, bo, sent_at=sent, sent_via="langsung")
        answer = add_working_days(sent, rng.randint(3, 20))
        if answer <= timezone.localdate() and rng.random() < 0.8:
            response = rng.choice([Referral.Response.ACCEPTED, Referral.Response.ACCEPTED,
                                   Referral.Response.REVIEWING, Referral.Response.REJECTED])
            services.record_response(referral.pk, bo, response=response, response_date=answer,
                                     notes="Tanggapan instansi diterima.")
            if response == Referral.Response.REJECTED:
                path = "rejected"
                services.transition(complaint.pk, "reconsider", bo, note="Ditolak instansi.")
    if path == "closed":
        services.inform_citizen(complaint.pk, bo, via="telepon")
        services.transition(complaint.pk, "close", bo, outcome="selesai",
                            public_outcome="Sudah ditindaklanjuti dan dijelaskan kepada warga.")
    # Move the recorded steps to their dates.
    times = {"review": reviewed, "reconsider": closed, "handle": decided, "refer": decided,
             "close": closed}
    for log in StateLog.objects.for_(complaint):
        StateLog.objects.filter(pk=log.pk).update(timestamp=times[log.transition])
    fields = {"created_at": created}
    state = Complaint.objects.get(pk=complaint.pk)
    if state.reviewed_at:
        fields["reviewed_at"] = closed if path == "rejected" else reviewed
    if state.decided_at:
        fields["decided_at"] = decided
    if state.closed_at:
        fields["closed_at"] = closed
        fields["informed_at"] = closed
    Complaint.objects.filter(pk=complaint.pk).update(**fields)
    complaint.visit.__class__.objects.filter(pk=complaint.visit_id).update(created_at=created)
    complaint.events.update(created_at=decided)
    if referral is not None:
        Referral.objects.filter(pk=referral.pk).update(created_at=reviewed,
                                                       approved_at=decided)


def _history(village, users, months: int, rng: random.Random) -> int:
    """Complaints and information visits in each of the ``months`` months before this
    one, the workload growing a little over the year."""
    from beneficiaries.models import Person
    from intake.models import QueueTicket, Visit
    from intake.services import register_visit, take_ticket

    from .periods import Period

    people = list(Person.objects.filter(village=village, nik__isnull=False, relation=1)
                  .select_related("household").order_by("pk")[:300])
    if not people:
        return 0
    this_month = Period.containing(timezone.localdate())
    month = this_month
    made = 0
    for back in range(1, months + 1):
        month = month.previous()
        days = [month.start + datetime.timedelta(days=i)
                for i in range((month.end - month.start).days)]
        workdays = [d for d in days if d.weekday() < 5]
        for _ in range(rng.randint(3, 6) + (months - back) // 2):
            created = _moment(rng.choice(workdays), rng)
            path = rng.choices([p for p, _w in PATHS], weights=[w for _p, w in PATHS])[0]
            if back <= 1 and path == "closed":
                path = "handled"
            _complaint(village, users, rng.choice(people), rng.choice(TOPICS), path, created,
                       rng)
            made += 1
        for _ in range(rng.randint(2, 5)):
            created = _moment(rng.choice(workdays), rng)
            person = rng.choice(people)
            ticket = take_ticket(village, users[0])
            visit, _ = register_visit(
                village=village, user=users[0], submission_key=uuid.uuid4(),
                visit_data={"purpose": rng.choice(["informasi", "konsultasi", "pendaftaran"]),
                            "nik": person.nik, "name": person.name, "queue_ticket": ticket,
                            "channel": "datang", "notes": HISTORY_NOTE})
            Visit.objects.filter(pk=visit.pk).update(created_at=created)
            QueueTicket.objects.filter(pk=ticket.pk).update(date=timezone.localdate(created))
    return made


def _upkeep(village, koordinator, months: int, rng: random.Random) -> None:
    """A few profile changes and programme needs spread over the year."""
    from beneficiaries.models import Household, ProfileChange, Programme, ProgrammeNeed

    households = list(Household.objects.filter(village=village).order_by("pk")[:200])
    programmes = list(Programme.objects.filter(code__in=["pkh", "pip", "rtlh", "atensi"]))
    if not households or not programmes:
        return
    now = timezone.now()
    for index, household in enumerate(rng.sample(households, min(len(households), 24))):
        moment = now - datetime.timedelta(days=rng.randint(5, 30 * months))
        if index % 2:
            change = ProfileChange.objects.create(
                village=village, household=household,
                kind=rng.choice(ProfileChange.Kind.values),
                status=rng.choice([ProfileChange.Status.RECORDED, ProfileChange.Status.APPROVED]),
                reporter="Ketua RT", recorded_by=koordinator)
            ProfileChange.objects.filter(pk=change.pk).update(created_at=moment)
        else:
            need, created = ProgrammeNeed.objects.get_or_create(
                household=household, programme=rng.choice(programmes), person=None,
                defaults={"village": village, "created_by": koordinator})
            if created:
                ProgrammeNeed.objects.filter(pk=need.pk).update(created_at=moment)


def demo_reports(months: int = 11) -> str:
    """Twelve months of history for Desa Cimaung's charts and one issued report (last
    month's, with the Koordinator's narrative). Returns what was done ("" when the
    demo report already exists or the demo accounts are missing)."""
    from .models import IssuedReport
    from .periods import Period
    from .services import narrative_save, report_issue

    users = _users()
    if None in users:
        return ""
    fo, _bo, koordinator, _supervisor = users
    village = fo.staff_profile.village
    if IssuedReport.objects.filter(village=village).exists():
        return ""
    rng = random.Random(2026)
    with transaction.atomic():
        village = _profile(village, koordinator)
        made = _history(village, users, months, rng)
        _upkeep(village, koordinator, months, rng)
    period = Period.containing(timezone.localdate()).previous()
    narrative_save(
        village=village, period=period, user=koordinator,
        notes="Layanan loket berjalan setiap hari kerja; Fasilitator melakukan kunjungan rumah "
              "di Dusun 1 dan 3.",
        obstacles="Sebagian warga belum membawa KK; jaringan internet kantor desa sering "
                  "terputus.",
        plans="Sosialisasi jadwal penyaluran PKH dan Sembako; Musyawarah Desa pemutakhiran "
              "data bulan depan.")
    report = report_issue(village=village, period=period, user=koordinator)
    return f"{made} pengaduan dalam {months} bulan; laporan {report.number} diterbitkan"
