"""The fitted in-game model as a small JSON artifact (``artifacts/live_model.json``), no pickles.

Real games have no quarter-by-quarter box scores here, so the adjustments (:class:`nba_pra.live.model.LiveFit`)
are fitted on the SYNTHETIC league's quarters (:func:`nba_pra.live.runner.synthetic_live`) and the file says so in
``label`` and ``synthetic``; ``nba-pra live`` prints that label above its table.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Final

from nba_pra.errors import ConfigError
from nba_pra.io import write_json
from nba_pra.live.model import MINUTES_TERMS, LiveFit
from nba_pra.model.recalibration import PlattMap

#: what the artifact's ``label`` says (every surface that uses the fit shows it)
SYNTHETIC_LABEL: Final = ("SYNTHETIC FIT: the in-game adjustments were fitted on the simulated league's quarters, "
                          "not on real games")
FORMAT: Final = 1


def fit_document(fit: LiveFit, *, fitted_on: dict[str, Any]) -> dict[str, Any]:
    """The JSON document of ``fit`` with where it was fitted (``fitted_on``: seed, dates, states)."""
    return {
        "format": FORMAT, "synthetic": True, "label": SYNTHETIC_LABEL, "fitted_on": fitted_on,
        "minutes_terms": list(MINUTES_TERMS),
        "fit": {**{k: v for k, v in dataclasses.asdict(fit).items() if k != "over_maps"},
                "over_maps": [dataclasses.asdict(m) for m in fit.over_maps]},
    }


def save_fit(fit: LiveFit, path: Path, *, fitted_on: dict[str, Any]) -> Path:
    return write_json(fit_document(fit, fitted_on=fitted_on), path)


def fit_from_document(doc: dict[str, Any], where: str) -> LiveFit:
    """The :class:`LiveFit` of a document written by :func:`fit_document`; ConfigError (one sentence) otherwise."""
    try:
        if doc["format"] != FORMAT or tuple(doc["minutes_terms"]) != MINUTES_TERMS:
            raise ConfigError(f"{where} was written by another version of the live model: refit it with "
                              "`nba-pra live --fit`")
        f = doc["fit"]
        return LiveFit(float(f["minutes_prior"]), tuple(float(b) for b in f["minutes_coef"]),
                       float(f["rate_prior"]), (float(f["variance_coef"][0]), float(f["variance_coef"][1]),
                                                float(f["variance_coef"][2])),
                       int(f["n_states"]), tuple(PlattMap(**m) for m in f["over_maps"]))
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        raise ConfigError(f"{where} is not a live model file ({type(exc).__name__}: {exc}): refit it with "
                          "`nba-pra live --fit`") from None
