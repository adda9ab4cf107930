"""Matching job seekers and vacancies: a score in [0, 1] from weighted factors (occupation,
skills, location, education, experience, wage, availability; weights from YAML), with the
explanation of every score, the factors whose data are missing and the skill gap; an index of
the active records in memory so that a ranking scores only the records that can be among the
best; both directions and a batch mode.

The service functions are in :mod:`decentwork.pes.matching.service` (``best_seekers``,
``best_vacancies``, ``write_every_seeker``); see ``docs/pes.md``.
"""
