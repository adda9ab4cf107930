"""The vacancy pages: posting with the title coded by picking a suggestion, an employer user
posting for its own employer, errors tied to their fields, the list's filters, and editing
once per version."""

from __future__ import annotations

from decentwork.pes import vacancies
from tests.web.pes.conftest import Site, csrf, logged_in, post_form, vacancy_data


def test_a_vacancy_title_is_coded_by_picking_a_suggestion(site: Site) -> None:
    world = site.world
    client = logged_in(site, "officer.a")
    fields = {
        "employer": str(world.employer_1_id),
        "centre": str(world.centre_a),
        "title": "Sewing machine operators, day shift",
        "area": "KH-12",
        "openings": "20",
        "contract": "fixed-term",
        "status": "open",
        "wage_min": "204",
        "wage_currency": "USD",
        "wage_period": "month",
    }
    asked = post_form(client, "/pes/vacancies/new", {**fields, "action": "suggest"})
    assert asked.status_code == 200
    assert site.suggester.asked == ["Sewing machine operators, day shift"]
    assert 'name="isco-pick" value="8153"' in asked.text
    posted = client.post(
        "/pes/vacancies/new",
        data={**fields, "isco-pick": "8153", "action": "save", "csrf": csrf(asked)},
    )
    assert posted.status_code == 303
    vacancy_id = int(posted.headers["location"].split("/")[-1].split("?")[0])
    record = vacancies.read(world.registry, world.admin, vacancy_id)
    assert (record.isco, record.openings, record.contract) == ("8153", 20, "fixed-term")
    page = client.get(posted.headers["location"])
    assert "The vacancy is posted." in page.text and "Sewing Machine Operators" in page.text


def test_an_employer_posts_for_itself_only(site: Site) -> None:
    world = site.world
    client = logged_in(site, "employer.1")
    form = client.get("/pes/vacancies/new")
    assert f'<option value="{world.employer_1_id}" selected>' in form.text
    fields = {
        "employer": str(world.employer_2_id),
        "centre": str(world.centre_a),
        "title": "Cooks",
        "isco": "5120",
        "area": "KH-12",
        "action": "save",
    }
    refused = client.post("/pes/vacancies/new", data={**fields, "csrf": csrf(form)})
    assert refused.status_code == 403
    assert "its own employer only" in refused.text and 'href="#employer"' in refused.text
    posted = client.post(
        "/pes/vacancies/new",
        data={**fields, "employer": str(world.employer_1_id), "csrf": csrf(form)},
    )
    assert posted.status_code == 303


def test_errors_are_tied_to_the_vacancy_fields(site: Site) -> None:
    world = site.world
    client = logged_in(site, "officer.a")
    fields = {
        "employer": str(world.employer_1_id),
        "centre": str(world.centre_a),
        "title": "Cooks",
        "isco": "5120",
        "area": "KH-12",
        "action": "save",
    }
    for wrong, targets in (
        ({"title": "", "isco": "75", "area": "XX"}, ("title", "isco", "area")),
        (
            {"wage_min": "300", "wage_max": "200", "wage_currency": "USD", "wage_period": "month"},
            ("wage_max",),
        ),
    ):
        answer = post_form(client, "/pes/vacancies/new", {**fields, **wrong})
        assert answer.status_code == 422
        for target in targets:
            assert f'href="#{target}"' in answer.text, target
    assert vacancies.search(world.registry, world.admin) == []


def test_the_list_filters_vacancies(site: Site) -> None:
    world = site.world
    sewing = vacancies.post(
        world.registry, world.admin, vacancy_data(world.employer_1_id, world.centre_a)
    )
    cooks = vacancies.post(
        world.registry,
        world.admin,
        vacancy_data(
            world.employer_1_id, world.centre_a, title="Cooks", isco="5120", status="filled"
        ),
    )
    client = logged_in(site, "officer.a")
    for query, shown, hidden in (
        ("title=sewing", sewing, cooks),
        ("occupation=51", cooks, sewing),
        ("status=filled", cooks, sewing),
    ):
        page = client.get(f"/pes/vacancies?{query}")
        assert f'href="/pes/vacancies/{shown.id}"' in page.text, query
        assert f'href="/pes/vacancies/{hidden.id}"' not in page.text, query
    bad = client.get("/pes/vacancies?occupation=cook")
    assert bad.status_code == 422 and 'href="#occupation"' in bad.text


def test_a_stale_vacancy_save_is_refused(site: Site) -> None:
    world = site.world
    record = vacancies.post(
        world.registry, world.admin, vacancy_data(world.employer_1_id, world.centre_a)
    )
    client = logged_in(site, "officer.a")
    form = client.get(f"/pes/vacancies/{record.id}/edit")
    assert 'name="version" value="1"' in form.text
    vacancies.update(world.registry, world.admin, record.id, 1, {"openings": 3})
    stale = client.post(
        f"/pes/vacancies/{record.id}/edit",
        data={"version": "1", "openings": "40", "action": "save", "csrf": csrf(form)},
    )
    assert stale.status_code == 409
    assert "was changed by someone else after version 1 was read" in stale.text
    assert vacancies.read(world.registry, world.admin, record.id).openings == 3
    fresh = post_form(
        client,
        f"/pes/vacancies/{record.id}/edit",
        {"version": "2", "openings": "40", "action": "save"},
    )
    assert fresh.status_code == 303
    assert vacancies.read(world.registry, world.admin, record.id).openings == 40
