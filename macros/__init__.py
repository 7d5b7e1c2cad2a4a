"""The knowledge base's data models, rendering and mkdocs-macros entry point."""

# mkdocs-macros imports this package (`module_name: macros`) and calls define_env.
from macros.main import define_env

__all__ = ["define_env"]
