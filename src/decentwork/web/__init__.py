"""The web layer: the dashboard's pages and the REST API under ``/api/v1``, served by
``decentwork serve``. It only reads the warehouse.

- ``app``: :func:`create_app`, the FastAPI application on a warehouse opened read-only, with
  its middleware and its error handlers (one for every
  :class:`~decentwork.errors.DecentworkError`).
- ``requests``: what the API and the pages share about a request: the warehouse connection,
  the filters, the format asked for, the paging model and its links, look-ups that answer
  404.
- ``api``: the ``/api/v1`` routes: observations, indicators, areas, groups, releases.
- ``pages``: the dashboard's pages (HTML, and JSON and CSV twins) and their error pages.
- ``progress``: the monitoring pages (results frameworks, status grids, indicator progress).
- ``languages``: the interface languages and one Jinja2 environment per language (the
  catalogues through :mod:`decentwork.translations`, the charts from
  :mod:`decentwork.charts`).
- ``formats``: observations as JSON and CSV responses.
- ``caching``: ETags and ``If-None-Match`` on every GET, the answer cache, the admission
  limit.
"""

import mimetypes

# The static files' types come from ``mimetypes``, whose built-in table (Python 3.11) lacks
# WOFF2: without /etc/mime.types the fonts (``static/fonts/``) would be served as text/plain.
mimetypes.add_type("font/woff2", ".woff2")
