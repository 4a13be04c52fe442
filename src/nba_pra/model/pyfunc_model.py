"""MLflow models-from-code entry: the fold ensemble as a pyfunc model (no pickling).

MLflow executes this file when the model is loaded; the boosters come from the ``ensemble`` artifact.
"""

from __future__ import annotations

from pathlib import Path

import mlflow
import pandas as pd
from mlflow.pyfunc import PythonModel

from nba_pra.model.ensemble import Ensemble

ARTIFACT_KEY = "ensemble"


class EnsemblePyfunc(PythonModel):
    def load_context(self, context) -> None:
        self.ensemble = Ensemble.load(Path(context.artifacts[ARTIFACT_KEY]))

    def predict(self, context, model_input: pd.DataFrame, params=None) -> pd.DataFrame:
        return self.ensemble.predict(model_input)


mlflow.models.set_model(EnsemblePyfunc())
