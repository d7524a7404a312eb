"""What every module of settings groups shares: their base, and the types they all use."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, EmailStr, Field

EmailAddress = Annotated[EmailStr, Field(max_length=254)]  # RFC 5321's limit on a path
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost"})


class Settings(BaseModel):
    """Base of every settings group: immutable, and unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid")
