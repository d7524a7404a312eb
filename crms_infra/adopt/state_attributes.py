"""The attributes `adopt` reads, per resource type, as the providers' schemas type them:
a state whose values have another shape is refused, one line naming the resource and the
attribute, before anything reads them. Attributes it does not read are left as they are.

  supabase_project: supabase/terraform-provider-supabase, internal/provider/
    project_resource.go (id computed; name, organization_id, database_password, region
    required strings; instance_size an optional string)
  vercel_project, vercel_project_environment_variable: vercel/terraform-provider-vercel
    v5.10.0, vercel/resource_project.go and resource_project_environment_variable.go
    (`environment` a set of objects whose `key` is required and `id` computed; `target` a
    set of strings; `value`, `git_branch` strings; `sensitive` a bool)
"""

from pydantic import BaseModel, ConfigDict, JsonValue, ValidationError


class _Attributes(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _SupabaseProject(_Attributes):
    id: str
    name: str
    organization_id: str | None = None
    region: str | None = None
    instance_size: str | None = None
    database_password: str | None = None


class _Variable(_Attributes):
    id: str
    key: str
    value: str | None = None
    target: list[str] | None = None
    git_branch: str | None = None
    sensitive: bool | None = None


class _VercelProject(_Attributes):
    id: str
    name: str
    team_id: str | None = None
    environment: list[_Variable] | None = None
    resource_config: dict[str, JsonValue] | None = None
    serverless_function_region: str | None = None


class _ProjectVariable(_Variable):
    project_id: str
    team_id: str | None = None


_SHAPES: dict[str, type[_Attributes]] = {
    "supabase_project": _SupabaseProject,
    "vercel_project": _VercelProject,
    "vercel_project_environment_variable": _ProjectVariable,
}


def attribute_problem(resource_type: str, attributes: dict[str, JsonValue]) -> str | None:
    """What is wrong with the attributes `adopt` reads (`environment.0.key: Field required`),
    or None."""
    shape = _SHAPES.get(resource_type)
    if shape is None:
        return None
    try:
        shape.model_validate(attributes)
    except ValidationError as error:
        first = error.errors()[0]
        return f"{'.'.join(str(part) for part in first['loc'])}: {first['msg']}"
    return None
