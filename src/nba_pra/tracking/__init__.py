"""The one place that talks to MLflow: URIs, experiments, registry aliases, promotion."""
