"""Reports are not in the admin: issued reports are immutable and read on the report
pages, area reports are built by the worker."""
