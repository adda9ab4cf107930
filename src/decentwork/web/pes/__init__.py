"""The public employment service on the web: the officers' pages under ``/pes/`` and the JSON
API under ``/api/v1/pes/``, on the registry's service layer (:mod:`decentwork.pes`), added to
the dashboard's application by :func:`install`.

- ``application``: :func:`install`, the PES application (its errors and headers) and the
  hand-over of PES requests to it, ahead of the dashboard's answer cache.
- ``authentication``: sessions (cookies), CSRF tokens, the login form's token, API tokens.
- ``login_pages``, ``seeker_pages``, ``vacancy_pages``, ``other_pages`` (audit log, counts,
  API tokens, suggestions for the forms' script): the pages.
- ``match_pages`` (a vacancy's ranked candidates, a seeker's ranked vacancies) and
  ``referral_pages`` (referring, the referrals' list, a referral and its outcome).
- ``api``: the JSON API; ``match_api``: its matching and referrals; ``json_errors``: its
  error answers.
- ``forms``: records as form values and back, what an edit changed, errors tied to controls.
- ``choices``: job centres, areas and codes the forms offer.
- ``coding`` and ``suggesting``: occupation codes suggested for a title (the occupation coder,
  loaded once per process on first use).
- ``rendering``: the templates (``web/templates/pes/``) in six languages
  (``web/pes/locales/``).
- ``state``: the registry and the suggester the routes share; ``ids``: record ids as the
  routes take them.
"""

from decentwork.web.pes.application import install

__all__ = ["install"]
