"""Human-readable console output: today's recommendations and the one-screen status."""
