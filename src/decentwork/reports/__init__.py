"""Reports read off the warehouse: the country brief (``decentwork brief``), two to four A4
pages of headline decent-work indicators with their uncertainty, trend charts, the SDG 8
progress table, the partnership framework's status, and the sources, as PDF (WeasyPrint) or
HTML in English, Chinese, French, Spanish, Khmer and Lao. See docs/monitoring.md.

- ``brief``: :func:`~decentwork.reports.brief.collect`, the brief's content from the warehouse.
- ``render``: :func:`~decentwork.reports.render.write`, the brief as HTML or PDF in a language.
"""
