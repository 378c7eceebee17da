"""Uploaded files: written inside a database transaction, served back inline."""

from contextlib import contextmanager

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


def inline_file_response(field_file, *, content_type: str, filename: str) -> FileResponse:
    """A stored upload (checked by content when it came in) shown in the browser, with
    the type it was stored as and never sniffed; a missing file is a 404."""
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError):  # ValueError: no file on the field
        raise Http404(_("File tidak ditemukan.")) from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@contextmanager
def removed_on_error():
    """Files saved inside the block are deleted again when the block fails.

    A model's file is written to storage when it is saved, before the transaction
    commits; if the save is then rolled back (a rule broken further on, a database
    error) the row is gone but the file would stay on disk, orphaned. Call the
    yielded function with each saved ``FieldFile``::

        with removed_on_error() as keep, transaction.atomic():
            obj.file.save(name, content, save=False)
            keep(obj.file)
            ...
    """
    written = []
    try:
        yield written.append
    except BaseException:
        for field_file in written:
            if field_file.name:
                field_file.storage.delete(field_file.name)
        raise
