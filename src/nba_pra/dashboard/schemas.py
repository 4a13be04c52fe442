"""Typed views of the dashboard: what the JSON API returns and the pages render (the OpenAPI schema's source).

Numbers keep their units: probabilities and edges are fractions (0.05 = 5 %), stakes and profit bankroll units,
``stake_pct`` percent of bankroll. Missing values are ``null``, never a misleading 0.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Provenance(BaseModel):
    """Whether the figures describe a simulated league or simulated books (every view carries it; pages show
    ``banner`` on top)."""

    synthetic_data: bool = Field(False, description="`data.source` is the synthetic league")
    synthetic_market: bool = Field(False, description="`odds.provider` is the synthetic sportsbooks")
    banner: str = Field("", description="the warning every page shows; empty when data and market are real")


class Notice(Provenance):
    """Why a view is empty or partial: a sentence telling the user what to run."""

    available: bool = Field(description="False when the view's source does not exist yet or could not be read")
    message: str | None = Field(None, description="what is missing and what to run, e.g. `nba-pra pipeline`")


# --- slate ------------------------------------------------------------------------------------------------------


class SlateRow(BaseModel):
    """One prop of the slate: the player's prediction and the best book's decision (a bet wins over a pass)."""

    game_id: str
    game_date: str
    player_id: int
    player_name: str | None
    team: str | None
    opponent: str | None
    mean: float | None = Field(description="predicted mean PRA")
    std: float | None = Field(description="predicted standard deviation of PRA")
    line: float | None
    p_over: float | None
    p_under: float | None
    p_push: float | None
    side: str | None = Field(description="over | under: the side with the larger edge")
    best_book: str | None = Field(description="the book whose price gives the largest edge (or the bet's book)")
    price: float | None = Field(description="American price of the side")
    edge: float | None = Field(description="expected return per unit staked at the side's price")
    stake_pct: float | None = Field(description="stake, percent of bankroll (0 for passes)")
    stake_units: float | None = Field(description="stake recorded in the ledger, units (bets only)")
    decision: str = Field(description="bet | pass | no line")
    reason: str = Field(description="the first rule that rejected the candidate (`bet` when none did)")
    reason_detail: str | None = Field(
        None, description="the reason with the candidate's value and the threshold, e.g. `max_cv: CV 0.41 > 0.35`"
    )
    state: str | None = Field(None, description="bets: staked | paper (paper: stake 0, kept by the evidence gate)")
    gate_reason: str | None = Field(None, description="why the evidence gate kept a bet on paper, with its figures")
    edge_suspect: bool | None = Field(
        None, description="edge above `betting.suspect_edge`: more likely model error than value"
    )
    pricing: str | None = Field(None, description="pricing method: model | recalibrated | market | market_aware")


class Slate(Notice):
    slate_date: str | None = None
    model_version: str | None = None
    bets: int = Field(0, description="staked + paper")
    staked: int = Field(0, description="bets with money on them")
    paper: int = Field(0, description="bets the evidence gate kept at stake 0")
    pricing: str | None = Field(None, description="pricing method(s) of the decisions")
    suspect_edge: float | None = Field(None, description="edges above this are flagged (`betting.suspect_edge`)")
    candidates: int = Field(0, description="(prop, book) pairs priced")
    players: int = Field(0, description="players predicted")
    total: int = Field(0, description="rows after filtering")
    page: int = 1
    pages: int = 1
    sort: str = ""
    descending: bool = True
    player: str = ""
    team: str = ""
    teams: list[str] = Field(default_factory=list, description="teams on the slate (for the filter)")
    rows: list[SlateRow] = Field(default_factory=list)


# --- ledger -----------------------------------------------------------------------------------------------------


class LedgerBet(BaseModel):
    """A recorded bet with its settlement (null while open) and closing line value."""

    bet_id: str
    game_date: str
    player_name: str | None
    team: str | None
    opponent: str | None
    bookmaker: str
    side: str
    line: float
    price: float
    stake: float
    edge: float | None
    edge_suspect: bool = Field(False, description="edge above `betting.suspect_edge`")
    p_win: float | None
    state: str | None = Field(description="staked | paper (a paper bet has stake 0, so profit 0)")
    pricing: str | None = Field(None, description="pricing method the bet was priced with")
    gate_reason: str | None = Field(None, description="why the evidence gate kept the bet on paper")
    phase: str | None = Field(None, description="pregame | live (in-game: its game state is on the live page)")
    status: str = Field(description="open | settled")
    result: str | None = Field(description="win | loss | push | void")
    actual_pra: float | None
    profit: float | None
    close_line: float | None
    clv_price: float | None = Field(description="price taken / closing price - 1")
    clv_prob: float | None = Field(description="closing fair P(win | no push) at the bet's line - 1 / decimal price")
    clv_line: float | None = Field(None, description="closing consensus line - bet line, signed by side (PRA points)")


class BankrollPoint(BaseModel):
    date: str = Field(description="game date whose settled bets the point adds; the first point (`start`) is the "
                                  "initial bankroll")
    bets: int = Field(0, description="bets settled on that game date (all of a slate move the bankroll together)")
    bankroll: float


class EdgeBucket(BaseModel):
    """Settled, non-void bets whose edge falls in ``[lower, next lower)``."""

    bucket: str
    bets: int
    wins: int
    losses: int
    win_rate: float | None
    win_rate_lo: float | None = Field(description="Wilson interval")
    win_rate_hi: float | None
    mean_p_win: float | None
    staked: float
    profit: float
    roi: float | None
    roi_lo: float | None = Field(description="percentile bootstrap interval resampling the bucket's days")
    roi_hi: float | None


class BetCounts(BaseModel):
    """Bets by settlement and the win rate (wins / (wins + losses))."""

    bets: int
    open: int
    settled: int
    wins: int
    losses: int
    pushes: int
    voids: int
    win_rate: float | None


class PaperSummary(BetCounts):
    """Paper bets (stake 0): counts, win rate, and a flat 1-unit notional ROI."""

    notional_profit: float = Field(description="sum of the 1-unit profits: win decimal - 1, loss -1, push 0")
    notional_roi: float | None = Field(description="notional_profit / (wins + losses + pushes)")
    clv_bets: int
    avg_clv: float | None
    avg_clv_prob: float | None


class AllBetsClv(BaseModel):
    """CLV over every bet, staked and paper (it needs no stake)."""

    bets: int
    clv_bets: int
    avg_clv: float | None
    avg_clv_prob: float | None


class LedgerSummary(BetCounts):
    """:func:`nba_pra.ledger.summary.summarize` of the whole ledger: the top-level figures are the staked bets'."""

    staked: float
    profit: float
    roi: float | None
    bankroll: float
    open_exposure: float
    max_drawdown: float
    clv_bets: int
    avg_clv: float | None
    avg_clv_prob: float | None
    paper: PaperSummary | None = None
    all_bets: AllBetsClv | None = None


class ClvRow(BaseModel):
    """CLV of settled, non-void bets (staked and paper) of one group (:mod:`nba_pra.ledger.clv_summary`)."""

    section: str = Field(description="all | edge | book | period")
    group: str
    bets: int
    clv_bets: int = Field(description="bets with a probability CLV")
    coverage: float | None
    clv_prob: float | None = Field(description="mean probability CLV")
    clv_line: float | None = Field(description="mean line CLV (PRA points)")
    clv_price: float | None = Field(description="mean price CLV where the book's line held")
    price_bets: int
    beat: int = Field(description="bets with a positive probability CLV")
    beat_rate: float | None
    beat_lo: float | None = Field(description="Wilson interval")
    beat_hi: float | None


class Ledger(Notice):
    url: str = Field("", description="the ledger's SQLAlchemy URL with any password masked")
    initial_bankroll: float = 0.0
    confidence: float = Field(0.0, description="coverage of the bucket intervals")
    summary: LedgerSummary | None = None
    bankroll_curve: list[BankrollPoint] = Field(default_factory=list)
    buckets: list[EdgeBucket] = Field(default_factory=list)
    clv: list[ClvRow] = Field(default_factory=list, description="CLV overall, by edge bucket, book and period")
    clv_confidence: float = Field(0.0, description="coverage of the beat-the-close intervals")
    total: int = 0
    page: int = 1
    pages: int = 1
    suspect_edge: float | None = Field(None, description="edges above this are flagged (`betting.suspect_edge`)")
    bets: list[LedgerBet] = Field(default_factory=list, description="newest game first, one page")


# --- live -------------------------------------------------------------------------------------------------------


class LiveBet(BaseModel):
    """A live (in-game) bet with the game state it was decided at and its settlement (null while open)."""

    bet_id: str
    source: str = Field(description="ledger (the project's) | replay (a replayed synthetic night)")
    synthetic: bool = Field(description="the bet is on a simulated league or at simulated books")
    game_date: str
    player_name: str | None
    team: str | None
    bookmaker: str
    side: str
    line: float
    price: float
    stake: float
    state: str | None = Field(description="staked | paper")
    edge: float | None
    p_win: float | None
    live_period: int | None = Field(description="period of the game state (1-4, overtime beyond)")
    live_clock_s: float | None = Field(description="seconds left on the period's clock")
    live_minutes: float | None = Field(description="minutes he had played")
    live_pra: float | None = Field(description="his PRA so far")
    live_pf: float | None = Field(description="his personal fouls")
    live_margin: float | None = Field(description="his team's score minus the opponent's")
    status: str = Field(description="open | settled")
    result: str | None = Field(description="win | loss | push | void")
    actual_pra: float | None = Field(description="his final PRA")
    profit: float | None


class LiveSource(BaseModel):
    """One ledger the live bets come from, with the summary of its live bets."""

    source: str
    url: str = Field(description="the ledger's SQLAlchemy URL with any password masked")
    synthetic: bool
    available: bool
    message: str | None = None
    summary: LedgerSummary | None = None


class Live(Notice):
    sources: list[LiveSource] = Field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 1
    bets: list[LiveBet] = Field(default_factory=list, description="newest game and latest game state first, one page")


# --- models -----------------------------------------------------------------------------------------------------


class ModelVersion(BaseModel):
    alias: str
    version: str | None = Field(description="null when no version holds the alias")
    run_id: str | None = None
    run_name: str | None = None
    created: str | None = None
    metrics: dict[str, float | None] = Field(default_factory=dict)
    plots: list[str] = Field(default_factory=list, description="URLs of the run's calibration plots (PNG)")
    registry_url: str | None = Field(None, description="the version in the MLflow UI")
    run_url: str | None = Field(None, description="the training run in the MLflow UI")
    description: str = Field("", description="the registry's description of the version")
    promotion_decision: str | None = Field(None, description="promoted, kept champion or not compared")
    promotion_reason: str | None = Field(None, description="why, as one sentence with the scores rounded")


class ComparisonScore(BaseModel):
    score: str
    label: str
    a: float | None = Field(description="version A's mean score on the paired rows (lower is better)")
    b: float | None = Field(description="version B's mean score on the paired rows")
    diff: float | None = Field(description="mean of B - A per row (negative: B is better)")
    lo: float | None = Field(description="lower end of the date-block bootstrap interval of diff")
    hi: float | None = Field(description="upper end of the interval")
    rows: int


class Comparison(BaseModel):
    verdict: str = Field(description="one sentence: who wins by how much, with the interval")
    source: str = Field(description="oof (out-of-fold rows) or live (settled slate predictions)")
    version_a: str | None
    version_b: str | None
    started: str
    run_url: str | None = Field(None, description="the compare run in the MLflow UI")
    scores: list[ComparisonScore] = Field(default_factory=list)


class Models(Notice):
    model_name: str = ""
    tracking_uri: str = Field("", description="MLflow tracking URI with any password masked")
    mlflow_ui_url: str = ""
    metric_names: list[str] = Field(default_factory=list)
    versions: list[ModelVersion] = Field(default_factory=list, description="champion, then challenger")
    latest_training: dict[str, Any] | None = Field(
        None, description="artifacts/model.json: the version the last training registered"
    )
    comparison: Comparison | None = Field(None, description="the latest `nba-pra compare` (null before one)")


# --- health -----------------------------------------------------------------------------------------------------


class Freshness(BaseModel):
    rows: int | None = Field(description="player-game rows in data/")
    through: str | None = Field(description="latest completed game date")
    next_slate: str | None
    lag_days: int | None = Field(description="days from the latest game to the next slate")
    max_lag_days: int
    stale: bool


class OddsQuota(BaseModel):
    provider: str
    remaining: int | None
    used: int | None
    last: int | None
    seen_at: str


class PipelineRun(BaseModel):
    started: str
    finished: str
    duration_s: float
    returncode: int
    ok: bool


class ArtifactFile(BaseModel):
    name: str
    exists: bool
    modified: str | None = Field(description="ISO 8601, UTC")
    age_hours: float | None


class EvidenceBook(BaseModel):
    bookmaker: str
    bets: int
    roi: float | None
    roi_lo: float | None
    roi_hi: float | None
    p_value: float | None = Field(description='one-sided day-blocked bootstrap p of "ROI <= min_roi_lo"; the gate '
                                              "tests it with Holm's step-down over the method's books")
    holm_level: float | None = Field(None, description="the level Holm's step-down tests this book's p at under "
                                                       "today's settings (none: fewer bets than min_bets)")
    clv_bets: int = Field(0, description="bets with a closing line")
    clv: float | None = Field(None, description="their mean probability CLV (close's fair P(side) - 1/decimal)")
    clv_lo: float | None = None
    clv_hi: float | None = None
    staked: bool = Field(description="the gate lets this (method, book) stake")


class Evidence(BaseModel):
    """The walk-forward evidence (``reports/evidence.json``) for the pricing method in use, read-only."""

    available: bool = Field(description="False when the file has no figures for the method")
    message: str | None = None
    source: str | None = Field(None, description="backtest | market")
    synthetic: bool = False
    written_at: str | None = None
    window_start: str | None = None
    window_end: str | None = None
    min_bets: int | None = None
    method: str | None = None
    props: int | None = None
    logloss: float | None = None
    market_logloss: float | None = None
    logloss_minus_market: float | None = Field(None, description="< 0: the method beats the de-vigged market")
    logloss_minus_market_lo: float | None = None
    logloss_minus_market_hi: float | None = None
    books: list[EvidenceBook] = Field(default_factory=list)


class Health(Provenance):
    ok: bool = Field(description="no warnings and no unreadable part")
    pricing: str | None = Field(None, description="pricing method of the last bet stage")
    today: dict[str, int] | None = Field(None, description="staked and paper bets of the last bet stage")
    evidence: Evidence | None = Field(
        None, description="null: no walk-forward evidence yet (evidence_message says what that means today)")
    evidence_message: str = Field("", description="the evidence in one sentence when there is none")
    data: Freshness
    odds_provider: str
    odds_quota: OddsQuota | None
    pipeline: PipelineRun | None
    mlflow_run: dict[str, str] | None
    ledger_url: str
    tracking_uri: str
    artifacts: list[ArtifactFile]
    warnings: list[str]
    errors: dict[str, str] = Field(description="parts that could not be read, with the reason")


class NotFound(BaseModel):
    """The body of a 404 (FastAPI's ``HTTPException`` shape)."""

    detail: str = Field(description="which plot or version is missing, and the plots that exist")
