# What mypy reads for `pulumi_aws` itself, in place of the package's `__init__.py`.
#
# That file makes every AWS service a member under `if typing.TYPE_CHECKING:`, so mypy
# follows all 240 of them: 3,140 modules, about 44 of the 64 s `make types` took on a fresh
# clone. This stub names only what the program uses, each taken from the installed
# package, so those services' own sources are still checked in full; mypy resolves
# `pulumi_aws.s3` and the rest in the installed package, beside this stub. Using a service
# or a name not listed here fails `make types` ("Module has no attribute"): add it below.
from pulumi_aws import cloudwatch as cloudwatch
from pulumi_aws import iam as iam
from pulumi_aws import kms as kms
from pulumi_aws import s3 as s3
from pulumi_aws import sns as sns
from pulumi_aws.get_caller_identity import get_caller_identity_output as get_caller_identity_output
from pulumi_aws.get_partition import get_partition_output as get_partition_output
from pulumi_aws.provider import Provider as Provider
from pulumi_aws.provider import ProviderArgs as ProviderArgs
