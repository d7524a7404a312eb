"""The plan command: a stack's plan rendered as a tree, JSON or Markdown, with the one-line
summary of each kind of resource and the Vercel variables by target."""
