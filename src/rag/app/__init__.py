"""The web app (`rag serve`): ask, search and browse the replies in a browser.

    render.py    HTML for answers, source cards and search results (no Gradio)
    document.py  HTML for the table of replies and one reply's full text with its outline
    assets.py    the stylesheet and the panels' click script (copy, open, jump)
    ui.py        the Gradio Blocks, the named API endpoints `ask` and `search`, and `serve`

Importing this package does not import Gradio; `rag.app.ui.build_app` and `serve` do.
"""
