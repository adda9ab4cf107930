"""The match pages: a vacancy's ranked candidates and a seeker's ranked vacancies, each row
with its score, confidence, missing factors, explanation and skill gap, filtered by k, centre,
area and "not referred yet"; the "Refer" button (a referral from a match, with its score,
refused without the session's CSRF token); who may open them; the audit log."""

from __future__ import annotations

import html
import re

from decentwork.pes import audit, referrals, vacancies
from tests.web.pes.conftest import Matched, Site, csrf, logged_in

FORGED = "the form&#39;s security token is missing or wrong"


def names(page: str) -> list[str]:
    """The job seekers' (or vacancies') names of a match page's rows, in order."""
    return [
        html.unescape(n)
        for n in re.findall(r'<th scope="row">\s*<a href="[^"]+">([^<]+)</a>', page)
    ]


def test_an_officer_sees_a_vacancys_candidates_ranked_and_explained(
    site: Site, matched: Matched
) -> None:
    world = site.world
    browser = logged_in(site, "officer.a")
    vacancy_page = browser.get(f"/pes/vacancies/{matched.vacancy.id}")
    assert f'href="/pes/vacancies/{matched.vacancy.id}/candidates"' in vacancy_page.text
    page = browser.get(f"/pes/vacancies/{matched.vacancy.id}/candidates")
    assert page.status_code == 200, page.text
    # the other centre's seeker is not among them
    assert names(page.text) == ["ចាន់ Seeker 1", "ចាន់ Seeker 2"]
    text = page.text
    assert text.count("Why this score") == 2
    assert "same unit group" in text and "same minor group" in text
    assert "1 of 1 required skills" in text and "0 of 1 required skills" in text
    assert ">manage musical staff</a>" in text  # the second's skill gap, by its ESCO label
    assert text.count('action="/pes/referrals"') == 2
    scores = re.findall(r'name="score" value="([0-9.]+)"', text)
    assert len(scores) == 2 and float(scores[0]) > float(scores[1])
    assert f'name="seeker" value="{matched.best.id}"' in text
    assert "0 of 1 openings filled" in text
    entry = audit.entries(world.registry, world.admin, action="match.seekers")[-1]
    assert (entry.interface, entry.record_id, entry.detail) == (
        "web",
        matched.vacancy.id,
        "2 seekers; filters: none",
    )


def test_k_and_the_filters_and_their_errors(site: Site, matched: Matched) -> None:
    world = site.world
    browser = logged_in(site, "officer.a")
    path = f"/pes/vacancies/{matched.vacancy.id}/candidates"
    assert names(browser.get(f"{path}?k=1").text) == ["ចាន់ Seeker 1"]
    referrals.refer(world.registry, world.officer_a, matched.best.id, matched.vacancy.id)
    shown = browser.get(path).text
    assert "Referred" in shown and shown.count('action="/pes/referrals"') == 1
    assert names(browser.get(f"{path}?unreferred=yes").text) == ["ចាន់ Seeker 2"]
    assert names(browser.get(f"{path}?area=KH-17").text) == []
    assert names(browser.get(f"{path}?centre={world.centre_a}&area=KH-12").text) == [
        "ចាន់ Seeker 1",
        "ចាន់ Seeker 2",
    ]
    for query in ("k=0", "k=501", "k=x", "k=-3", "centre=x"):
        bad = browser.get(f"{path}?{query}")
        assert bad.status_code == 422, query
        target = query.split("=")[0]
        assert f'href="#{target}"' in bad.text and 'aria-invalid="true"' in bad.text, query
    admin = logged_in(site, "admin")
    assert len(names(admin.get(path).text)) == 3  # the administrator sees every centre's
    assert names(admin.get(f"{path}?centre={world.centre_b}").text) == ["ចាន់ Seeker 3"]


def test_who_may_open_a_match_page(site: Site, matched: Matched) -> None:
    candidates = f"/pes/vacancies/{matched.vacancy.id}/candidates"
    best = f"/pes/seekers/{matched.best.id}/vacancies"
    other = logged_in(site, "officer.b")  # the vacancy and the seeker are centre A's
    for path in (candidates, best):
        refused = other.get(path)
        assert refused.status_code == 404, path
        assert "Seeker 1" not in refused.text
    employer = logged_in(site, "employer.1")  # its own vacancy, but a match names persons
    assert employer.get(candidates).status_code == 403
    assert logged_in(site, "employer.2").get(candidates).status_code == 404
    assert logged_in(site, "analyst").get(candidates).status_code == 403
    anonymous = site.client().get(candidates)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == f"/pes/login?next={candidates}"
    world = site.world
    refusals = [
        (e.user_id, e.action, e.outcome)
        for e in audit.entries(world.registry, world.admin)
        if e.action.startswith(("match", "vacancy.read", "seeker.read"))
    ]
    assert (world.officer_b.user_id, "vacancy.read", "not found") in refusals
    assert (world.employer_1.user_id, "match.seekers", "refused") in refusals


def test_a_vacancy_that_is_not_open_is_not_matched(site: Site, matched: Matched) -> None:
    world = site.world
    vacancies.update(
        world.registry,
        world.admin,
        matched.vacancy.id,
        matched.vacancy.version,
        {"status": "closed"},
    )
    browser = logged_in(site, "officer.a")
    page = browser.get(f"/pes/vacancies/{matched.vacancy.id}/candidates")
    assert page.status_code == 409
    assert "only open vacancies take referrals and are matched" in page.text
    assert names(page.text) == []
    assert "/candidates" not in browser.get(f"/pes/vacancies/{matched.vacancy.id}").text


def test_an_officer_sees_a_seekers_vacancies_and_refers_from_them(
    site: Site, matched: Matched
) -> None:
    world = site.world
    browser = logged_in(site, "officer.a")
    seeker_page = browser.get(f"/pes/seekers/{matched.sibling.id}")
    assert f'href="/pes/seekers/{matched.sibling.id}/vacancies"' in seeker_page.text
    page = browser.get(f"/pes/seekers/{matched.sibling.id}/vacancies")
    assert page.status_code == 200
    assert names(page.text) == [matched.vacancy.title]
    assert "same minor group" in page.text and ">manage musical staff</a>" in page.text
    score = re.findall(r'name="score" value="([0-9.]+)"', page.text)[0]
    referred = browser.post(
        "/pes/referrals",
        data={
            "csrf": csrf(page),
            "seeker": str(matched.sibling.id),
            "vacancy": str(matched.vacancy.id),
            "source": "match",
            "score": score,
        },
    )
    assert referred.status_code == 303
    [made] = referrals.referrals(world.registry, world.admin)
    assert referred.headers["location"] == f"/pes/referrals/{made.id}?referred=1"
    assert (made.seeker, made.vacancy, made.source, made.referred_by) == (
        matched.sibling.id,
        matched.vacancy.id,
        "match",
        world.officer_a.user_id,
    )
    assert float(made.score or 0) == float(score)
    shown = browser.get(referred.headers["location"])
    assert "The job seeker is referred to the vacancy." in shown.text
    again = browser.post(
        "/pes/referrals",
        data={
            "csrf": csrf(page),
            "seeker": str(matched.sibling.id),
            "vacancy": str(matched.vacancy.id),
        },
    )
    assert again.status_code == 409 and "awaiting its outcome" in again.text
    entry = audit.entries(world.registry, world.admin, action="match.vacancies")[-1]
    assert (entry.interface, entry.record_id) == ("web", matched.sibling.id)


def test_a_referral_needs_the_sessions_csrf_token_and_good_fields(
    site: Site, matched: Matched
) -> None:
    world = site.world
    browser = logged_in(site, "officer.a")
    token = csrf(browser.get(f"/pes/vacancies/{matched.vacancy.id}/candidates"))
    fields = {"seeker": str(matched.best.id), "vacancy": str(matched.vacancy.id), "score": "0.9"}
    for sent in ({}, {"csrf": "forged"}, {"csrf": csrf(browser.get("/pes/tokens")) + "x"}):
        refused = browser.post("/pes/referrals", data={**fields, **sent})
        assert refused.status_code == 403 and FORGED in refused.text
    other = logged_in(site, "officer.b")  # another session's token
    assert other.post("/pes/referrals", data={**fields, "csrf": token}).status_code == 403
    for changed, status, words in (
        ({"score": "high"}, 422, "score &#39;high&#39; is not a number"),
        ({"score": "1.5"}, 422, "score 1.5 is not between 0 and 1"),
        ({"seeker": ""}, 422, "a referral names its seeker and its vacancy"),
        ({"source": "telepathy"}, 422, "is not a referral&#39;s source"),
        ({"seeker": str(matched.elsewhere.id)}, 404, f"no seeker {matched.elsewhere.id}"),
    ):
        bad = browser.post("/pes/referrals", data={**fields, "csrf": token, **changed})
        assert bad.status_code == status, changed
        assert words in bad.text, (changed, bad.text)
    assert referrals.referrals(world.registry, world.admin) == []
    employer = logged_in(site, "employer.1")
    refused = employer.post(
        "/pes/referrals", data={**fields, "csrf": csrf(employer.get("/pes/tokens"))}
    )
    assert refused.status_code == 403
    assert referrals.referrals(world.registry, world.admin) == []


def test_the_match_and_referral_pages_speak_khmer_and_lao(site: Site, matched: Matched) -> None:
    world = site.world
    made = referrals.refer(world.registry, world.officer_a, matched.best.id, matched.vacancy.id)
    browser = logged_in(site, "officer.a")
    for path, lang, words in (
        (
            f"/pes/vacancies/{matched.vacancy.id}/candidates",
            "km",
            ("បេក្ខជនតាមលំដាប់", "ហេតុអ្វីបានពិន្ទុនេះ", "គម្លាតជំនាញ", "ក្រុមរងដូចគ្នា", "បានបញ្ជូន"),
        ),
        (f"/pes/referrals/{made.id}", "lo", ("ການສົ່ງຕໍ່", "ບັນທຶກຜົນ", "ໄດ້ຈ້າງ")),
        ("/pes/referrals", "zh", ("搜索推荐", "已推荐")),
    ):
        page = browser.get(f"{path}?lang={lang}")
        assert page.status_code == 200, path
        for word in words:
            assert word in page.text, (lang, word)
