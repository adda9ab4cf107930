"""The web layer: the REST API under ``/api/v1`` (and, next, the dashboard's pages), served by
``decentwork serve``. It only reads the warehouse.

- ``app``: :func:`create_app`, the FastAPI application with its middleware and error handlers.
- ``api``: the ``/api/v1`` routes: observations, indicators, areas, groups, releases.
- ``formats``: observations as JSON and CSV responses.
- ``caching``: ETags and ``If-None-Match`` on every GET.
"""
