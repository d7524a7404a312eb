"""The check command: the policy pack's findings on every stack as SARIF, located where
each finding comes from."""
