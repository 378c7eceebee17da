"""Uploaded files written inside a database transaction."""

from contextlib import contextmanager


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
