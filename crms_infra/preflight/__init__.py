"""`crms-infra preflight STACK`: what the Pulumi CLI, the program, the policy pack or a
provider would refuse for a stack, found offline before `pulumi preview` or `pulumi up`."""
