"""The public employment service's registry: job seekers, employers, vacancies, job centres
and users in a database of its own (:mod:`decentwork.pes.database`), behind a service layer
that every interface (command line, web pages, API) goes through with an
:class:`~decentwork.pes.access.Actor`: access control by role and job centre, an append-only
audit log, duplicate detection, optimistic locking and a person's rights (export, erasure).

See ``docs/pes.md``.
"""
