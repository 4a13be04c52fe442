"""In-game (live) PRA: the final PRA of a player during his game, from the pre-game forecast and his partial box
score (:mod:`.model`), fitted walk-forward on finished games (:mod:`.fit`); states from the clock and the box score
(:mod:`.state`)."""
