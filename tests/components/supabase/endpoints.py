"""Every Management API endpoint the providers call, and what the fake's behaviour there rests
on: the Supabase CLI's recordings of real traffic (`recordings`, replayed by test_replay),
or, where none exists, the written reason below. `test_endpoints` runs every provider
against the fake and requires that it called exactly these.
"""

RECORDED = "recorded"

ENDPOINTS: dict[str, str] = {
    "GET /v1/projects": RECORDED,
    "POST /v1/projects": RECORDED,
    "GET /v1/projects/{ref}": RECORDED,
    "PATCH /v1/projects/{ref}": (
        "no recording; the spec's V1UpdateProjectBody {name} and its V1ProjectRefResponse "
        "answer, as the Terraform provider renames (project_resource.go, updateName)"
    ),
    "DELETE /v1/projects/{ref}": RECORDED,
    "PATCH /v1/projects/{ref}/database/password": (
        "no recording; the spec's V1UpdatePasswordBody (password, at least 4 characters) and "
        "its V1UpdatePasswordResponse, as the Terraform provider sets it "
        "(project_resource.go, updateDatabasePassword)"
    ),
    "GET /v1/projects/{ref}/api-keys": RECORDED,
    "GET /v1/projects/{ref}/config/database/pooler": RECORDED,
    "GET /v1/projects/{ref}/billing/addons": RECORDED,
    "PATCH /v1/projects/{ref}/billing/addons": (
        "no recording; the spec's ApplyProjectAddonBody, answered 200 without a body; a "
        "compute change makes the project RESIZING, as the Terraform provider waits it out "
        "(project_resource.go, updateInstanceSize); PITR needs the Pro plan and the Small "
        "size (supabase/supabase backups.mdx), else the spec's 403"
    ),
    "DELETE /v1/projects/{ref}/billing/addons/{addon_variant}": (
        "no recording; the spec's path, answered 200 without a body; a variant not selected "
        "answers 404, which the PITR surface takes for already removed"
    ),
    "GET /v1/projects/{ref}/config/auth": RECORDED,
    "PATCH /v1/projects/{ref}/config/auth": RECORDED,
    "GET /v1/projects/{ref}/ssl-enforcement": RECORDED,
    "PUT /v1/projects/{ref}/ssl-enforcement": RECORDED,
    "GET /v1/projects/{ref}/health": (
        "no recording; the spec's V1ServiceHealthResponse items for the `services` asked "
        "for, COMING_UP while the database restarts after an SSL change, as the Terraform "
        "provider polls them (utils.go, waitForServicesActive)"
    ),
    "GET /v1/projects/{ref}/network-restrictions": RECORDED,
    "POST /v1/projects/{ref}/network-restrictions/apply": RECORDED,
    "GET /v1/projects/{ref}/postgrest": RECORDED,
    "PATCH /v1/projects/{ref}/postgrest": (
        "no recording; the spec's V1UpdatePostgrestConfigBody, merged into the settings, "
        "answered as V1PostgrestConfigResponse (the GET's fields without the JWT secret)"
    ),
    "GET /v1/projects/{ref}/config/database/postgres": RECORDED,
    "PUT /v1/projects/{ref}/config/database/postgres": RECORDED,
}
