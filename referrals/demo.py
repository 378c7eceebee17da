"""Demo back-office work for seed_demo: complaints in every state, with the histories
a real desk would leave (reviews, a referral approved, sent and answered, a rejected
one sent back to review, citizens informed, complaints closed). Dates are spread over
the last weeks so that the queue shows ageing. Made through the real services."""

import datetime
import uuid

from django.contrib.auth import get_user_model
from django.utils import timezone
from django_fsm_log.models import StateLog

from beneficiaries.models import Person, Programme
from intake.services import register_visit
from referrals import services
from referrals.calendar import add_working_days
from referrals.models import Agency, Complaint, ComplaintEvent, Referral, Sector

# (days ago, programme, sector, category, description, the path it takes)
STORIES = [
    (1, "pkh", "sosial-ekonomi", "kepesertaan",
     "Ibu hamil dan anak balita, keluarga belum terdaftar PKH.", "registered"),
    (6, "bpnt", "pangan", "non_kepesertaan",
     "Beras bantuan yang diterima bulan ini berkutu.", "registered"),
    (4, "pbi-jk", "kesehatan", "kepesertaan",
     "KIS tidak aktif saat berobat; minta diaktifkan kembali sebagai PBI.", "reviewed"),
    (12, "rtlh", "perumahan", "kepesertaan",
     "Rumah bilik bocor dan dinding lapuk; mohon masuk usulan RTLH.", "handled"),
    (20, "pip", "pendidikan", "kepesertaan",
     "Anak SMP belum menerima PIP padahal terdaftar di DTKS.", "referred"),
    (25, "pkh", "sosial-ekonomi", "non_kepesertaan",
     "Bantuan PKH tahap III belum cair di rekening.", "rejected"),
    (30, "blt-dd", "sosial-ekonomi", "kepesertaan",
     "Lansia tinggal sendiri meminta BLT Dana Desa.", "closed"),
]


def _backdate(complaint, days):
    moment = timezone.now() - datetime.timedelta(days=days)
    Complaint.objects.filter(pk=complaint.pk).update(created_at=moment)
    return moment


def demo_workflow():
    """Seed once; returns the number of complaints made (0 when already there)."""
    User = get_user_model()
    users = {name: User.objects.filter(username=name).select_related("staff_profile").first()
             for name in ("fo.cimaung", "bo.cimaung", "koordinator.cimaung",
                          "supervisor.cimaung")}
    if None in users.values():
        return 0
    fo, bo, koor = users["fo.cimaung"], users["bo.cimaung"], users["koordinator.cimaung"]
    village = fo.staff_profile.village
    if ComplaintEvent.objects.filter(complaint__village=village).exists():
        return 0
    people = list(Person.objects.filter(village=village, nik__isnull=False, relation=1)
                  .select_related("household").order_by("-pk")[:len(STORIES)])
    made = 0
    for person, story in zip(people, STORIES, strict=False):
        days, programme, sector, category, text, path = story
        visit, _ = register_visit(
            village=village, user=fo, submission_key=uuid.uuid4(),
            visit_data={"purpose": "pengaduan", "nik": person.nik, "name": person.name,
                        "person": person, "household": person.household, "in_register": True,
                        "address": person.household.address, "rt": person.household.rt,
                        "rw": person.household.rw, "phone": "0812345678" + f"{made:02d}"},
            complaint_data={"category": category, "description": text,
                            "programme": Programme.objects.filter(code=programme).first(),
                            "sector": Sector.objects.get(code=sector)},
        )
        complaint = visit.complaint
        _backdate(complaint, days)
        made += 1
        if path == "registered":
            continue
        services.assign(complaint.pk, bo, koor)
        services.transition(complaint.pk, "review", bo,
                            note="Data register dicek; keluhan sesuai, perlu tindak lanjut.")
        if path == "reviewed":
            continue
        if path in ("handled", "closed"):
            services.transition(complaint.pk, "handle", bo, handling_action="program_desa",
                                handling_notes="Diusulkan dalam musyawarah desa dan dibantu "
                                               "dari Dana Desa.")
        else:
            agency = (Programme.objects.get(code=programme).complaint_agency
                      or Agency.objects.get(code="dinsos"))
            referral = services.propose_referral(
                complaint.pk, bo, agency=agency,
                reason="Mohon verifikasi dan tindak lanjut sesuai kewenangan.")
            referral = services.decide_referral(referral.pk, koor, approve=True)
            if referral.awaits_supervisor:  # a referral to the kabupaten
                services.decide_referral(referral.pk, users["supervisor.cimaung"],
                                         approve=True, note="Setuju dirujuk ke kabupaten.")
            services.transition(complaint.pk, "refer", bo)
            sent = timezone.localdate() - datetime.timedelta(days=max(days - 3, 1))
            services.send_referral(referral.pk, bo, sent_at=sent, sent_via="langsung")
            if path == "rejected":
                services.record_response(
                    referral.pk, bo, response=Referral.Response.REJECTED,
                    response_date=sent + datetime.timedelta(days=2),
                    notes="Penyaluran tahap III dijadwalkan ulang; bukan kesalahan data.")
                services.transition(complaint.pk, "reconsider", bo,
                                    note="Ditolak instansi; jelaskan jadwal kepada warga.")
                continue
        if path == "closed":
            services.inform_citizen(complaint.pk, bo, via="whatsapp",
                                    note="Dikabari bahwa BLT disetujui.")
            services.transition(complaint.pk, "close", bo, outcome="selesai",
                                public_outcome="BLT Dana Desa disetujui dan disalurkan bulan "
                                               "ini.")
    # Spread each complaint's recorded steps (state changes and other events, in the
    # order they were made) over the first two thirds of its life.
    for complaint in Complaint.objects.filter(village=village, events__isnull=False).distinct():
        logs = list(StateLog.objects.for_(complaint))
        events = list(complaint.events.all())
        steps = sorted([(log.timestamp, 0, log) for log in logs]
                       + [(event.created_at, 1, event) for event in events],
                       key=lambda step: (step[0], step[1]))
        span = (timezone.now() - complaint.created_at) * 2 / 3
        for index, (_when, kind, step) in enumerate(steps, start=1):
            moment = complaint.created_at + span * index / (len(steps) + 1)
            if kind == 0:
                StateLog.objects.filter(pk=step.pk).update(timestamp=moment)
            else:
                ComplaintEvent.objects.filter(pk=step.pk).update(created_at=moment)
        # The referral's own dates follow its events.
        times = {kind: [e.created_at for e in complaint.events.filter(kind=kind).order_by("pk")]
                 for kind in (ComplaintEvent.Kind.REFERRAL_PROPOSED,
                              ComplaintEvent.Kind.REFERRAL_APPROVED,
                              ComplaintEvent.Kind.REFERRAL_SENT,
                              ComplaintEvent.Kind.REFERRAL_RESPONSE)}
        for referral in complaint.referrals.order_by("pk"):
            approved = times[ComplaintEvent.Kind.REFERRAL_APPROVED]
            sent = [timezone.localdate(t) for t in times[ComplaintEvent.Kind.REFERRAL_SENT]]
            answered = [timezone.localdate(t)
                        for t in times[ComplaintEvent.Kind.REFERRAL_RESPONSE]]
            Referral.objects.filter(pk=referral.pk).update(
                created_at=times[ComplaintEvent.Kind.REFERRAL_PROPOSED][0],
                coordinator_at=approved[0] if referral.coordinator_at else None,
                approved_at=approved[-1],
                sent_at=sent[0] if sent else None,
                respond_by=add_working_days(sent[0], 14) if sent else None,
                response_date=answered[0] if answered and referral.response else None)
    return made
