"""The project's MkDocs plugin ``kb``: the build's owner (plugin.py) and its stages, one job per module.

The plugin loads the knowledge base once per build, reports its problems once, and runs the
stages in the order written in :data:`kb_build.plugin.STAGES`; each stage has a switch in the
plugin's options (config.py). The logic stays in the pure modules of macros/.
"""
