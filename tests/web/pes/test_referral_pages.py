"""The referral pages: the referrals a user may see with their status (by centre and status;
an employer sees those to its own vacancies only, never others'), a referral's page, and its
outcome recorded there (with the session's CSRF token): a hire fills the vacancy's opening and
places the seeker; an unknown outcome, a day in the future, a stale or second outcome are
refused and nothing is written; every access is in the audit log."""

from __future__ import annotations

import re
from datetime import date, timedelta

from decentwork.pes import audit, referrals, seekers, vacancies
from decentwork.pes.referrals import ReferralRecord
from tests.web.pes.conftest import Matched, Site, csrf, logged_in, vacancy_data

FORGED = "the form&#39;s security token is missing or wrong"


def refer_both(site: Site, matched: Matched) -> tuple[ReferralRecord, ReferralRecord]:
    """The best seeker referred to the vacancy (employer 1's, centre A) by officer A, and
    the seeker of centre B to a vacancy of employer 2 at centre B by officer B."""
    world = site.world
    theirs = vacancies.post(
        world.registry,
        world.admin,
        vacancy_data(world.employer_2_id, world.centre_b, title="Hotel cooks", area="KH-17"),
    )
    return (
        referrals.refer(world.registry, world.officer_a, matched.best.id, matched.vacancy.id),
        referrals.refer(world.registry, world.officer_b, matched.elsewhere.id, theirs.id),
    )


def listed(page: str) -> list[int]:
    """The ids of the referrals a list page shows, in order."""
    return [int(n) for n in re.findall(r'<a href="/pes/referrals/(\d+)">', page)]


def test_each_user_lists_the_referrals_they_may_see(site: Site, matched: Matched) -> None:
    world = site.world
    ours, theirs = refer_both(site, matched)
    officer = logged_in(site, "officer.a")
    page = officer.get("/pes/referrals")
    assert page.status_code == 200
    assert 'href="/pes/referrals"' in page.text  # in the menu
    assert listed(page.text) == [ours.id]
    assert "Seeker 1 ចាន់" in page.text and "Seeker 3" not in page.text
    assert listed(officer.get(f"/pes/referrals?centre={world.centre_b}").text) == []
    assert listed(officer.get("/pes/referrals?status=referred").text) == [ours.id]
    assert listed(officer.get("/pes/referrals?status=hired").text) == []
    assert listed(officer.get(f"/pes/referrals?vacancy={matched.vacancy.id}").text) == [ours.id]
    admin = logged_in(site, "admin")
    assert listed(admin.get("/pes/referrals").text) == [theirs.id, ours.id]
    assert listed(admin.get(f"/pes/referrals?centre={world.centre_b}").text) == [theirs.id]
    # an employer sees the referrals to its own vacancies, never another's
    assert listed(logged_in(site, "employer.1").get("/pes/referrals").text) == [ours.id]
    second = logged_in(site, "employer.2")
    own = second.get("/pes/referrals")
    assert listed(own.text) == [theirs.id] and "Seeker 1" not in own.text
    assert listed(second.get(f"/pes/referrals?vacancy={matched.vacancy.id}").text) == []
    refused = second.get(f"/pes/referrals/{ours.id}")
    assert refused.status_code == 404 and "Seeker 1" not in refused.text
    assert logged_in(site, "analyst").get("/pes/referrals").status_code == 403
    for query, target in (
        ("status=lost", "status"),
        ("centre=x", "centre"),
        ("offset=-1", "offset"),
    ):
        bad = officer.get(f"/pes/referrals?{query}")
        assert bad.status_code == 422, query
        assert f'href="#{target}"' in bad.text, query
    lists = audit.entries(world.registry, world.admin, action="referral.list")
    assert {(e.user_id, e.interface) for e in lists} >= {
        (world.officer_a.user_id, "web"),
        (world.employer_2.user_id, "web"),
    }
    [read] = audit.entries(world.registry, world.admin, action="referral.read")
    assert (read.user_id, read.record_id, read.outcome) == (
        world.employer_2.user_id,
        ours.id,
        "not found",
    )


def test_a_hire_recorded_on_the_page_fills_the_vacancy_and_places_the_seeker(
    site: Site, matched: Matched
) -> None:
    world = site.world
    ours, _ = refer_both(site, matched)
    officer = logged_in(site, "officer.a")
    page = officer.get(f"/pes/referrals/{ours.id}")
    assert page.status_code == 200
    assert f'action="/pes/referrals/{ours.id}/outcome"' in page.text
    assert f'name="version" value="{ours.version}"' in page.text
    today = date.today().isoformat()
    assert f'value="{today}"' in page.text  # the outcome's day, today unless changed
    recorded = officer.post(
        f"/pes/referrals/{ours.id}/outcome",
        data={
            "csrf": csrf(page),
            "version": str(ours.version),
            "outcome": "hired",
            "on": today,
            "starts_on": (date.today() + timedelta(days=7)).isoformat(),
        },
    )
    assert recorded.status_code == 303
    assert recorded.headers["location"] == f"/pes/referrals/{ours.id}?recorded=1"
    shown = officer.get(recorded.headers["location"]).text
    assert "The outcome is recorded." in shown and "Hired" in shown
    assert f'action="/pes/referrals/{ours.id}/outcome"' not in shown
    after = officer.get(f"/pes/vacancies/{matched.vacancy.id}").text
    assert '<dd id="filled">1</dd>' in after and '<dd id="status">Filled</dd>' in after
    assert seekers.read(world.registry, world.admin, matched.best.id).status == "placed"
    [outcome] = audit.entries(world.registry, world.admin, action="referral.outcome")
    assert (outcome.user_id, outcome.interface, outcome.record_id) == (
        world.officer_a.user_id,
        "web",
        ours.id,
    )
    assert outcome.detail.startswith("hired: vacancy")
    assert listed(officer.get("/pes/referrals?status=hired").text) == [ours.id]


def test_an_employer_records_the_outcome_of_a_referral_to_its_own_vacancy(
    site: Site, matched: Matched
) -> None:
    world = site.world
    ours, theirs = refer_both(site, matched)
    employer = logged_in(site, "employer.1")
    page = employer.get(f"/pes/referrals/{ours.id}")
    assert page.status_code == 200 and "Seeker 1 ចាន់" in page.text
    assert f'href="/pes/seekers/{matched.best.id}"' not in page.text  # no seeker's record
    form = {"csrf": csrf(page), "version": "1", "outcome": "did not attend"}
    assert employer.post(f"/pes/referrals/{theirs.id}/outcome", data=form).status_code == 404
    assert referrals.read_referral(world.registry, world.admin, theirs.id).status == "referred"
    done = employer.post(f"/pes/referrals/{ours.id}/outcome", data=form)
    assert done.status_code == 303
    record = referrals.read_referral(world.registry, world.admin, ours.id)
    assert (record.status, record.outcome_on, record.outcome_by) == (
        "did not attend",
        date.today(),
        world.employer_1.user_id,
    )


def test_wrong_outcomes_are_refused_and_nothing_is_written(site: Site, matched: Matched) -> None:
    world = site.world
    ours, _ = refer_both(site, matched)
    officer = logged_in(site, "officer.a")
    token = csrf(officer.get(f"/pes/referrals/{ours.id}"))
    path = f"/pes/referrals/{ours.id}/outcome"
    good = {"version": "1", "outcome": "not selected"}
    for sent in ({}, {"csrf": "forged"}):
        refused = officer.post(path, data={**good, **sent})
        assert refused.status_code == 403 and FORGED in refused.text
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    for changed, status, target in (
        ({"outcome": "promoted"}, 422, "outcome"),
        ({"outcome": ""}, 422, "outcome"),
        ({"on": tomorrow}, 422, "on"),
        ({"on": "yesterday"}, 422, "on"),
        ({"starts_on": tomorrow}, 422, "starts_on"),  # a start date is for a hire
        ({"version": "7"}, 409, None),
    ):
        bad = officer.post(path, data={"csrf": token, **good, **changed})
        assert bad.status_code == status, changed
        if target:
            assert f'href="#{target}"' in bad.text and f'id="{target}-error"' in bad.text, changed
        assert 'id="error-summary"' in bad.text, changed
    assert referrals.read_referral(world.registry, world.admin, ours.id).status == "referred"
    assert officer.post(path, data={"csrf": token, **good}).status_code == 303
    second = officer.post(path, data={"csrf": token, **good, "version": "2"})
    assert second.status_code == 409 and "has its outcome already" in second.text
    outcomes = audit.entries(world.registry, world.admin, action="referral.outcome")
    assert [e.outcome for e in outcomes].count("ok") == 1
    assert (
        logged_in(site, "officer.b").post(path, data={"csrf": token, **good}).status_code == 403
    )  # another session's token
