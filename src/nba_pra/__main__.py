"""``python -m nba_pra``: the same CLI as the ``nba-pra`` script."""

from nba_pra.cli import main

raise SystemExit(main())
