"""The ops app's bundle: `crms-infra bundle` and `make build` (Vercel's own CLI), the output
tree as the Vercel provider reads it, and Vercel's deployment limits."""
