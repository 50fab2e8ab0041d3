"""The web app (`rag serve`): ask, search and browse the replies in a browser, or call the JSON API.

    render.py    HTML for answers, source cards and search results (no Gradio)
    document.py  HTML for the table of replies and one reply's full text with its outline
    assets.py    the stylesheet (light and dark palettes, phone layout) and the panels' click script
    ui.py        the Gradio Blocks, one function per tab, and the named endpoints `ask` and `search`
    api.py       the JSON API: argument checks, and the plain routes POST /api/ask and /api/search
    guard.py     the ASGI middleware in front of everything: open routes, body limit, security headers
    server.py    the served app (routes + Gradio mounted at / + guard) and `serve` on uvicorn
    process.py   run `rag serve` in a child process (tests, benchmarks, load runs)

Importing this package does not import Gradio; `rag.app.ui.build_app`, `rag.app.server.create_app`
and `serve` do.
"""
