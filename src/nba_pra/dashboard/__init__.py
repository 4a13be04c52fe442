"""``nba-pra dashboard``: a small read-only web app over the ledger, the latest artifacts and the MLflow registry.

Why FastAPI + server-rendered Jinja2 (and not Dash, Streamlit or a JavaScript front end):

* **One data path, two outputs.** Every page is rendered from the same typed view (:mod:`.schemas`) that the
  JSON API returns, so the API other tools consume is exactly what the pages show, and FastAPI publishes its
  OpenAPI schema (``/openapi.json``) from those types for free.
* **Read-only by construction.** Only ``GET`` routes exist; nothing holds a session or a websocket (Dash and
  Streamlit run stateful callback servers whose callbacks can do anything), and there is no login to get wrong:
  the app binds to 127.0.0.1 unless told otherwise.
* **Small and testable.** No JavaScript build, no CDN at runtime (works offline like the rest of the project);
  sorting, filtering and paging are query parameters, so FastAPI's ``TestClient`` exercises every page, and a
  headless browser only has to confirm the rendering. Charts are inline SVG computed on the server; calibration
  plots are the PNGs each training run logged to MLflow.
* FastAPI, uvicorn and Jinja2 are small, widely used and already locked; Dash would pull in Flask + Plotly,
  Streamlit a Tornado server and a large front-end bundle.

Layout: :mod:`.readers` reads the artifacts, the ledger and the registry; :mod:`.views` shapes what they read
into the page models of :mod:`.schemas` (pure functions); :mod:`.queries` masks secrets; :mod:`.api` the JSON
routes, :mod:`.pages` the HTML routes, :mod:`.guard` the checks every request passes (Host, query length, HEAD),
:mod:`.app` the factory (``create_app``) and ``serve``.
"""
