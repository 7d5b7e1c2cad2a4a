"""The knowledge base's data models, rendering and mkdocs-macros entry point."""

# mkdocs-macros imports this package (`module_name: macros`) and calls define_env,
# then on_pre_page_macros before each page and on_post_page_macros after it.
from macros.main import define_env, on_post_page_macros, on_pre_page_macros

__all__ = ["define_env", "on_post_page_macros", "on_pre_page_macros"]
