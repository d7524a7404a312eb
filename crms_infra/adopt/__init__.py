"""`crms-infra adopt`: take over the running Terraform deployment (see adoption.py)."""
