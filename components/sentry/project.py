"""The dynamic provider of a Sentry project, and its resource.

What the resource owns (and nothing else of the project):

| field (PUT /api/0/projects/{org}/{project}/) | value |
|---|---|
| `name` | the stack's project name |
| `dataScrubber` | true: known sensitive values removed before storage |
| `dataScrubberDefaults` | true: Sentry's built-in list of sensitive field names too |
| `scrubIPAddresses` | true: client IP addresses discarded, never stored |
| `sensitiveFields` | its own names, merged into the list the project already has |

These fields are ProjectAdminSerializer's (getsentry/sentry src/sentry/core/endpoints/
project_details.py, commit 00dbe48f): the published document lists only some of the PUT's
fields, leaves the body open, and answers all four in the project (DetailedProjectResponse).
`sensitiveFields` is replaced whole by a PUT, so the provider reads, merges and writes: a
name someone added by hand stays; a name this stack drops goes. Its total length is capped
at 4,000 characters (MAX_SENSITIVE_FIELD_CHARS there: Relay compiles it into one regex).

A project already there under the stack's slug is taken over, never duplicated. The
organization must be in the data region the stack names: its `links.regionUrl`
(getOrganization) must equal `region_url`, or nothing is created or changed.
The state names this class by module and name: a move needs an alias.
"""

from collections.abc import Mapping

import pulumi
from pulumi.dynamic import CreateResult, DiffResult, ReadResult, Resource, UpdateResult

from components.sentry.access import SentryApiProvider
from components.sentry.api import NotFoundError, SentryApi, SentryApiError
from stacks.json_values import JsonObject, JsonValue, as_array, as_object, as_text, member

MAX_SENSITIVE_FIELD_CHARS = 4000
REPLACE_ON_CHANGE = ("organization", "slug", "api_url", "region_url")
UPDATE_IN_PLACE = (
    "name",
    "platform",
    "data_scrubber",
    "data_scrubber_defaults",
    "scrub_ip_addresses",
    "sensitive_fields",
)


class SentryProjectProvider(SentryApiProvider):
    def diff(
        self, _id: str, olds: Mapping[str, JsonValue], news: Mapping[str, JsonValue]
    ) -> DiffResult:
        changed = [k for k in (*REPLACE_ON_CHANGE, *UPDATE_IN_PLACE) if olds.get(k) != news.get(k)]
        replaces = [key for key in changed if key in REPLACE_ON_CHANGE]
        # The create takes over a project of the same slug: the old one must go first.
        return DiffResult(
            changes=bool(changed), replaces=replaces, delete_before_replace=bool(replaces)
        )

    def create(self, props: JsonObject) -> CreateResult:
        _check_sensitive_fields(props)
        api = self._api(props)
        try:
            organization = _in_region(api, props)
            project = _existing(api, props) or _create(api, props)
            updated = _scrub(api, props, project, previously_owned=[])
            return CreateResult(as_text(updated["slug"]), _outputs(props, organization, updated))
        finally:
            api.close()

    def read(self, id_: str, props: JsonObject) -> ReadResult:
        api = self._api(props)
        try:
            org = as_text(props["organization"])
            organization = api.organization(org)
            project = api.project(org, id_)
        except NotFoundError:
            return ReadResult("", {})  # gone: the engine drops it from the state
        finally:
            api.close()
        owned = set(_names(props.get("sensitive_fields") or []))
        refreshed: JsonObject = {
            **props,
            "name": project["name"],
            "platform": project.get("platform"),
            "data_scrubber": project["dataScrubber"],
            "data_scrubber_defaults": project["dataScrubberDefaults"],
            "scrub_ip_addresses": project["scrubIPAddresses"],
            # Only its own names: one removed by hand shows as a change to put back.
            "sensitive_fields": [f for f in as_array(project["sensitiveFields"]) if f in owned],
        }
        return ReadResult(id_, _outputs(refreshed, organization, project))

    def update(self, id_: str, olds: JsonObject, news: JsonObject) -> UpdateResult:
        _check_sensitive_fields(news)
        api = self._api(news)
        try:
            organization = _in_region(api, news)
            project = api.project(as_text(news["organization"]), id_)
            previously_owned = _names(olds.get("sensitive_fields") or [])
            updated = _scrub(api, news, project, previously_owned)
            return UpdateResult(_outputs(news, organization, updated))
        finally:
            api.close()

    def delete(self, id_: str, props: JsonObject) -> None:
        api = self._api(props)
        try:
            api.delete_project(as_text(props["organization"]), id_)
        except NotFoundError:
            pulumi.log.info(f"Sentry project {id_} was already deleted")
        finally:
            api.close()


def _in_region(api: SentryApi, props: JsonObject) -> JsonObject:
    """The organization, if its data is stored in the region the stack names."""
    org = as_text(props["organization"])
    try:
        organization = api.organization(org)
    except NotFoundError:
        raise SentryApiError(
            "GET", f"/api/0/organizations/{org}/", 404,
            f"organization {org!r} is not served at {props['api_url']}: check "
            "crms:sentryOrganization, and that the organization's data is in the region "
            "crms:sentryRegion names",
        ) from None  # fmt: skip
    region_url = as_text(member(organization, "links", "regionUrl"))
    if region_url.rstrip("/") != props["region_url"]:
        raise SentryApiError(
            "GET", f"/api/0/organizations/{org}/", None,
            f"organization {org!r} stores its data at {region_url}, not "
            f"{props['region_url']}: a Sentry organization's data storage location is fixed "
            "when it is created; use an organization in the EU (de.sentry.io)",
        )  # fmt: skip
    return organization


def _existing(api: SentryApi, props: JsonObject) -> JsonObject | None:
    try:
        return api.project(as_text(props["organization"]), as_text(props["slug"]))
    except NotFoundError:
        return None


def _create(api: SentryApi, props: JsonObject) -> JsonObject:
    # createTeamProject: `name` required; `slug`, `platform` optional.
    body: JsonObject = {"name": props["name"], "slug": props["slug"], "platform": props["platform"]}
    org, team = as_text(props["organization"]), as_text(props["team"])
    try:
        return api.create_project(org, team, body)
    except SentryApiError as error:
        if error.status is not None and error.status < 500:
            raise
        # The POST may have been carried out before its answer was lost.
        found = _existing(api, props)
        if found is None:
            raise
        return found


def _scrub(
    api: SentryApi, props: JsonObject, project: JsonObject, previously_owned: list[str]
) -> JsonObject:
    """Read, merge, write: the project's sensitive fields keep every name not ever ours."""
    ours = _names(props["sensitive_fields"])
    kept: list[JsonValue] = [
        name
        for name in as_array(project.get("sensitiveFields") or [])
        if name not in previously_owned and name not in ours
    ]
    body: JsonObject = {
        "name": props["name"],
        "platform": props["platform"],
        "dataScrubber": props["data_scrubber"],
        "dataScrubberDefaults": props["data_scrubber_defaults"],
        "scrubIPAddresses": props["scrub_ip_addresses"],
        "sensitiveFields": [*kept, *ours],
    }
    return api.update_project(as_text(props["organization"]), as_text(project["slug"]), body)


def _outputs(props: JsonObject, organization: JsonObject, project: JsonObject) -> JsonObject:
    links = as_object(organization["links"])
    issues = f"{as_text(links['organizationUrl']).rstrip('/')}/issues/?project={project['id']}"
    return {
        **props,
        "project_id": project["id"],
        "slug": project["slug"],
        # What the API says, not what the stack asked: the residency report reads this.
        "region_url": as_text(links["regionUrl"]).rstrip("/"),
        "issues_url": issues,
    }


def _check_sensitive_fields(props: JsonObject) -> None:
    total = sum(len(name) for name in _names(props["sensitive_fields"]))
    if total > MAX_SENSITIVE_FIELD_CHARS:
        raise SentryApiError(
            "-", "-", None,
            f"the sensitive field names total {total} characters; Sentry takes at most "
            f"{MAX_SENSITIVE_FIELD_CHARS}",
        )  # fmt: skip


def _names(value: JsonValue) -> list[str]:
    """A list of field names: a JSON array of strings."""
    return [as_text(name) for name in as_array(value)]


class SentryProject(Resource, module="sentry", name="Project"):
    """A Sentry project with server-side scrubbing on, in the stack's data region."""

    project_id: pulumi.Output[str]
    slug: pulumi.Output[str]
    region_url: pulumi.Output[str]
    issues_url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        props: pulumi.Inputs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        outputs = {"project_id": None, "issues_url": None}
        super().__init__(SentryProjectProvider(), name, {**outputs, **props}, opts)
