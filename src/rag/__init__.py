"""rag: grounded, cited search and question answering over the Shanghai Science and
Technology Commission's replies to proposals and suggestions."""

__version__ = "0.1.0"
