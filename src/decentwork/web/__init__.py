"""The web layer: the dashboard's pages and the REST API under ``/api/v1``, served by
``decentwork serve``. It only reads the warehouse.

- ``app``: :func:`create_app`, the FastAPI application with its middleware and error handlers.
- ``api``: the ``/api/v1`` routes: observations, indicators, areas, groups, releases.
- ``pages``: the dashboard's pages (HTML, and JSON and CSV twins) and their error pages.
- ``charts``: inline SVG charts (time series with confidence bands, sparklines, ranked bars).
- ``languages``: the interface languages, their Babel catalogues and Jinja2 environments.
- ``formats``: observations as JSON and CSV responses.
- ``caching``: ETags and ``If-None-Match`` on every GET.
"""

import mimetypes

# The static files' types come from ``mimetypes``, whose built-in table (Python 3.11) lacks
# WOFF2: without /etc/mime.types the fonts (``static/fonts/``) would be served as text/plain.
mimetypes.add_type("font/woff2", ".woff2")
