"""What the deployed Vercel function serves: one ASGI app (app.routes.web) and its routes."""
