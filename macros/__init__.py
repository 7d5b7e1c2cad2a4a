"""The knowledge base's data models, rendering and mkdocs-macros entry point."""

# mkdocs-macros imports this package (`module_name: macros`) and calls define_env,
# then on_pre_page_macros before each page.
from macros.main import define_env, on_pre_page_macros

__all__ = ["define_env", "on_pre_page_macros"]
