"""components/deployment_protection.py: the project arguments that set who may open a
project's deployments."""

import pulumiverse_vercel as vercel

from components.deployment_protection import Protection


def test_vercel_authentication_alone_sets_no_address_list() -> None:
    protection = Protection(vercel_authentication="standard_protection_new")
    assert protection.authentication().deployment_type == "standard_protection_new"
    assert protection.trusted_ips_arguments() is None


def test_trusted_ips_guard_the_deployments_vercel_authentication_guards() -> None:
    protection = Protection(
        vercel_authentication="all_deployments", trusted_ips=("203.0.113.0/24", "2001:db8::/32")
    )
    arguments = protection.trusted_ips_arguments()
    assert arguments is not None
    assert arguments.deployment_type == "all_deployments"
    assert arguments.protection_mode == "trusted_ip_required"
    addresses = arguments.addresses
    assert isinstance(addresses, list)
    assert [a.value for a in addresses if isinstance(a, vercel.ProjectTrustedIpsAddressArgs)] == [
        "203.0.113.0/24",
        "2001:db8::/32",
    ]
