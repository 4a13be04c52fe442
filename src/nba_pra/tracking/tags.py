"""The registry-version and run tags of a promotion decision, and the decisions they hold.

A module of its own, free of MLflow and model imports, so ``status`` and the dashboard read them cheaply.
"""

from __future__ import annotations

from typing import Final

#: registry-version (and run) tags of a promotion decision: the verdict and one rounded sentence saying why
DECISION_TAG: Final = "promotion_decision"
REASON_TAG: Final = "promotion_reason"
#: run and registry-version tag: the model architecture (``model.kind``: xgboost, lightgbm), so the MLflow UI and
#: ``nba-pra compare`` can tell two trainings' libraries apart
ARCHITECTURE_TAG: Final = "architecture"
#: the verdicts :data:`DECISION_TAG` holds
PROMOTED: Final = "promoted"
KEPT: Final = "kept champion"
PENDING: Final = "not compared"

#: tags of a compare run (``nba-pra compare``): oof | live, and the verdict sentence (also on version B, suffixed
#: with the source: ``compare_verdict_oof`` / ``compare_verdict_live``)
COMPARE_KIND_TAG: Final = "compare_kind"
COMPARE_VERDICT_TAG: Final = "compare_verdict"
