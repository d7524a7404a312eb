"""components/sentry/project.py against the spec-strict fake: region, takeover, scrubbing."""

import pytest

from components.sentry.api import SentryApiError
from components.sentry.project import SentryProjectProvider
from tests.components.sentry.fake_api import (
    KEYS,
    PROJECT,
    TEAM_PROJECTS,
    US,
    FakeSentryApi,
    Fault,
)
from tests.components.sentry.support import ORG, outs, project_props


def test_create_makes_the_project_and_turns_scrubbing_on(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    result = project_provider.create(project_props(api))
    assert result.id == "crms-production"
    project = api.projects[ORG, "crms-production"]
    assert (project["dataScrubber"], project["dataScrubberDefaults"]) == (True, True)
    assert project["scrubIPAddresses"] is True  # the API's default stores them
    assert project["sensitiveFields"] == ["licence_number", "card_number", "email"]
    values = outs(result)
    assert values["region_url"] == "https://de.sentry.io"
    assert values["issues_url"] == f"https://{ORG}.sentry.io/issues/?project={project['id']}"
    assert api.count("POST", TEAM_PROJECTS) == 1


def test_an_existing_project_is_taken_over_and_its_own_fields_kept(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    api.add_project(ORG, "crms-production", sensitiveFields=["iban"], scrubIPAddresses=False)
    result = project_provider.create(project_props(api))
    assert api.count("POST", TEAM_PROJECTS) == 0
    assert len(api.projects) == 1
    assert api.projects[ORG, result.id]["sensitiveFields"] == [
        "iban", "licence_number", "card_number", "email",
    ]  # fmt: skip
    assert api.projects[ORG, result.id]["scrubIPAddresses"] is True


def test_an_organization_in_another_region_is_refused_before_any_change(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    api.add_organization("crms-us", US)
    with pytest.raises(SentryApiError, match=r"stores its data at https://us\.sentry\.io"):
        project_provider.create(project_props(api, organization="crms-us"))
    assert [method for method, _, _ in api.requests] == ["GET"]


def test_an_unknown_organization_names_the_settings_to_check(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    with pytest.raises(SentryApiError, match="crms:sentryOrganization"):
        project_provider.create(project_props(api, organization="nobody"))


def test_update_drops_only_the_fields_it_owned(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    olds = outs(project_provider.create(project_props(api)))
    api.projects[ORG, "crms-production"]["sensitiveFields"].append("passport")  # by hand
    news = project_props(api, sensitive_fields=["licence_number", "email"], name="CRMS prod")
    project_provider.update("crms-production", olds, news)
    project = api.projects[ORG, "crms-production"]
    assert project["sensitiveFields"] == ["passport", "licence_number", "email"]
    assert project["name"] == "CRMS prod"


def test_refresh_shows_scrubbing_turned_off_by_hand(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    values = outs(project_provider.create(project_props(api)))
    api.projects[ORG, "crms-production"].update(scrubIPAddresses=False, sensitiveFields=["x"])
    read = project_provider.read("crms-production", values)
    assert outs(read)["scrub_ip_addresses"] is False
    assert outs(read)["sensitive_fields"] == []
    assert project_provider.diff("crms-production", outs(read), project_props(api)).changes


def test_a_project_deleted_outside_leaves_the_state(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    values = outs(project_provider.create(project_props(api)))
    del api.projects[ORG, "crms-production"]
    assert project_provider.read("crms-production", values).id == ""
    project_provider.delete("crms-production", values)  # already gone: no error


def test_delete_removes_the_project_and_its_keys(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    values = outs(project_provider.create(project_props(api)))
    project_provider.delete("crms-production", values)
    assert api.projects == {}
    assert api.count("DELETE", PROJECT) == 1
    assert api.count("GET", KEYS) == 0


def test_a_lost_answer_to_the_create_takes_over_what_it_made(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    path = f"/api/0/teams/{ORG}/crms/projects/"
    api.faults.append(Fault("POST", path, 502, carry_out=True))
    result = project_provider.create(project_props(api))
    assert len(api.projects) == 1
    assert api.count("POST", TEAM_PROJECTS) == 1  # never posted twice
    assert result.id == "crms-production"


def test_too_many_sensitive_fields_are_refused_before_any_call(
    api: FakeSentryApi, project_provider: SentryProjectProvider
) -> None:
    with pytest.raises(SentryApiError, match="at most 4000"):
        project_provider.create(project_props(api, sensitive_fields=["f" * 100] * 41))
    assert api.requests == []


def test_a_replacement_deletes_first_for_a_new_slug() -> None:
    provider = SentryProjectProvider()
    olds = {"slug": "a", "organization": "o"}
    diff = provider.diff("a", olds, {**olds, "slug": "b"})
    assert diff.replaces == ["slug"]
    assert diff.delete_before_replace
