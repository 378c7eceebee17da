"""The front office's write side: queue tickets and desk registrations."""

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from puskesos.files import removed_on_error
from puskesos.sequences import next_number
from referrals.services import register_complaint

from .models import Attachment, QueueTicket, Visit


@transaction.atomic
def take_ticket(village, user) -> QueueTicket:
    """The day's next queue number of the village (gapless, unique)."""
    today = timezone.localdate()
    number = next_number(village, f"queue:{today.isoformat()}")
    return QueueTicket.objects.create(village=village, date=today, number=number,
                                      created_by=user)


@transaction.atomic
def call_next(village, user) -> QueueTicket | None:
    """Call the first waiting ticket of today; None when nobody is waiting."""
    ticket = (
        QueueTicket.objects.select_for_update()
        .filter(village=village, date=timezone.localdate(), status=QueueTicket.Status.WAITING)
        .order_by("number")
        .first()
    )
    if ticket is None:
        return None
    ticket.status = QueueTicket.Status.CALLED
    ticket.called_at = timezone.now()
    ticket.called_by = user
    ticket.save(update_fields=["status", "called_at", "called_by"])
    return ticket


def finish_ticket(ticket, status) -> QueueTicket:
    """Mark a called (or waiting) ticket served or absent."""
    if status not in (QueueTicket.Status.SERVED, QueueTicket.Status.ABSENT):
        raise ValueError(status)
    ticket.status = status
    ticket.finished_at = timezone.now()
    ticket.save(update_fields=["status", "finished_at"])
    return ticket


def register_visit(*, village, user, submission_key, visit_data, attachments=(),
                   complaint_data=None, proposal=None) -> tuple[Visit, bool]:
    """Save one desk registration — the visit, its cleaned attachments and, for a
    complaint, the complaint in state ``registered`` — all or nothing.

    ``submission_key`` comes from the form as it was first shown: when the same form
    is saved again (a double click, a retried request) the first visit is returned
    and nothing new is made. Returns ``(visit, created)``.
    ``attachments`` is a sequence of ``(kind, CleanedAttachment)``.
    """
    existing = Visit.objects.filter(submission_key=submission_key).first()
    if existing is not None:
        return existing, False
    try:
        with removed_on_error() as keep, transaction.atomic():
            visit = Visit.objects.create(village=village, created_by=user,
                                         submission_key=submission_key, proposal=proposal,
                                         **visit_data)
            for kind, cleaned in attachments:
                attachment = Attachment(
                    visit=visit, kind=kind, original_name=cleaned.original_name[:255],
                    content_type=cleaned.content_type, extension=cleaned.extension,
                    size=len(cleaned.content), sha256=cleaned.sha256,
                    latitude=cleaned.latitude, longitude=cleaned.longitude,
                )
                attachment.file.save("upload" + cleaned.extension,
                                     ContentFile(cleaned.content), save=False)
                keep(attachment.file)
                attachment.save()
            if visit.queue_ticket_id:
                finish_ticket(visit.queue_ticket, QueueTicket.Status.SERVED)
            if complaint_data is not None:
                register_complaint(visit, user=user, **complaint_data)
    except IntegrityError:
        # The same submission committed by a concurrent request meanwhile.
        existing = Visit.objects.filter(submission_key=submission_key).first()
        if existing is None:
            raise
        return existing, False
    return visit, True
