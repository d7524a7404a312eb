"""`crms-infra prices` (`make prices`): re-read the machine-readable price sources and write
what changed into the price files, for a person to review and commit."""
